package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBot runs the real bot, with a real discordgo session, against a fake
// Discord, with debug logs captured.
func startBot(t *testing.T) (*fakeDiscord, *syncBuffer) {
	t.Helper()
	return startBotWith(t, nil, nil)
}

// startBotWith runs the bot on lib (nil: the embedded corpus) and lets
// setup add to it (moderation) before it connects.
func startBotWith(t *testing.T, lib *bot.Library, setup func(d *discord.Discord, r *bot.Responder)) (*fakeDiscord, *syncBuffer) {
	t.Helper()
	return startBotOpts(t, botOptions{lib: lib, setup: setup})
}

// botOptions vary the bot a test runs.
type botOptions struct {
	lib *bot.Library // nil: the embedded corpus
	// fake, when set, is a fake Discord another bot process already uses.
	fake *fakeDiscord
	// config changes the configuration before the bot is made.
	config func(*discord.DiscordConfig)
	// setup adds to the bot (moderation) before it connects.
	setup func(d *discord.Discord, r *bot.Responder)
	// metrics, when set, counts what the bot does.
	metrics *metrics.Metrics
	// fakeSetup changes a new fake Discord before the bot connects.
	fakeSetup func(*fakeDiscord)
}

func startBotOpts(t *testing.T, o botOptions) (*fakeDiscord, *syncBuffer) {
	t.Helper()
	baseline := runtime.NumGoroutine()
	f := o.fake
	if f == nil {
		f = newFakeDiscord(t)
		if o.fakeSetup != nil {
			o.fakeSetup(f)
		}
	}
	registered := len(f.sent(http.MethodPut, "/commands"))
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	lib := o.lib
	if lib == nil {
		var err error
		lib, err = bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
	}
	r := bot.NewResponder(lib, log)
	r.Metrics = o.metrics
	cfg := discord.DiscordConfig{Token: "test-token", API: f.URL(), Burst: 5, Refill: time.Hour, Moderation: o.setup != nil}
	if o.config != nil {
		o.config(&cfg)
	}
	d, err := discord.NewDiscord(cfg, r, log)
	if err != nil {
		t.Fatal(err)
	}
	if o.setup != nil {
		o.setup(d, r)
	}
	d.Session().SyncEvents = true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("bot did not shut down")
		}
		if o.fake != nil {
			return // another bot still uses the fake; its cleanup checks
		}
		// No goroutine of the bot may outlive it (the fake server's own are
		// closed by its cleanup, which runs after this one).
		f.srv.CloseClientConnections()
		if o.setup != nil {
			return // moderation keeps replaced indexes and the database open a while longer
		}
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > baseline+4 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("goroutines: %d before start, %d after shutdown", baseline, runtime.NumGoroutine())
		if n := runtime.NumGoroutine(); n > baseline+4 {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines after shutdown, %d before start:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
		}
	})
	bottest.WaitFor(t, "commands registered", func() bool { return len(f.sent(http.MethodPut, "/commands")) == registered+1 })
	return f, logs
}

var msgSeq int
var msgMu sync.Mutex

func dm(f *fakeDiscord, user, content string) {
	msgMu.Lock()
	msgSeq++
	id := fmt.Sprintf("%d", 100000+msgSeq)
	msgMu.Unlock()
	f.dispatch("MESSAGE_CREATE", map[string]any{
		"id": id, "channel_id": "dm-" + user, "content": content,
		"author": map[string]any{"id": user, "username": "someone"},
	})
}

func embedOf(tb testing.TB, r recorded) map[string]any {
	tb.Helper()
	embeds, _ := r.Body["embeds"].([]any)
	if len(embeds) != 1 {
		tb.Fatalf("want one embed, got %d in %v", len(embeds), r.Body)
	}
	return embeds[0].(map[string]any)
}

func assertNoMentions(tb testing.TB, body map[string]any) {
	tb.Helper()
	am, ok := body["allowed_mentions"].(map[string]any)
	if !ok {
		tb.Fatalf("allowed_mentions missing in %v", body)
	}
	parse, ok := am["parse"].([]any)
	if !ok || len(parse) != 0 {
		tb.Fatalf(`allowed_mentions.parse = %v, want []`, am["parse"])
	}
}

func messagesTo(f *fakeDiscord, channel string) []recorded {
	return f.sent(http.MethodPost, "/channels/"+channel+"/messages")
}

func TestDiscord(t *testing.T) {
	f, logs := startBot(t)

	t.Run("DM gets exactly one sourced reply", func(t *testing.T) {
		dm(f, "u1", "is sex therapy confidential")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-u1")) >= 1 })
		time.Sleep(50 * time.Millisecond)
		got := messagesTo(f, "dm-u1")
		if len(got) != 1 {
			t.Fatalf("replies = %d, want 1", len(got))
		}
		assertNoMentions(t, got[0].Body)
		e := embedOf(t, got[0])
		if title := e["title"].(string); !strings.Contains(strings.ToLower(title), "private") && !strings.Contains(strings.ToLower(title), "confiden") {
			t.Errorf("title = %q, want the confidentiality entry", title)
		}
		fields := fmt.Sprint(e["fields"])
		for _, want := range []string{"Sources", "https://", "Who can help"} {
			if !strings.Contains(fields, want) {
				t.Errorf("fields lack %q: %s", want, fields)
			}
		}
		if !strings.Contains(fmt.Sprint(e["footer"]), "not medical advice") {
			t.Errorf("footer = %v", e["footer"])
		}
	})

	t.Run("bots, itself and server channels get nothing", func(t *testing.T) {
		f.dispatch("MESSAGE_CREATE", map[string]any{"id": "b1", "channel_id": "dm-bot", "content": "hello",
			"author": map[string]any{"id": "555", "username": "otherbot", "bot": true}})
		f.dispatch("MESSAGE_CREATE", map[string]any{"id": "b2", "channel_id": "dm-self", "content": "hello",
			"author": map[string]any{"id": "900", "username": "confidant"}})
		f.dispatch("MESSAGE_CREATE", map[string]any{"id": "b3", "channel_id": "guild-chan", "guild_id": "42", "content": "is sex therapy confidential",
			"author": map[string]any{"id": "u2", "username": "someone"}})
		dm(f, "u2b", "what is sensate focus") // a marker that the events before it were handled
		bottest.WaitFor(t, "marker reply", func() bool { return len(messagesTo(f, "dm-u2b")) == 1 })
		for _, ch := range []string{"dm-bot", "dm-self", "guild-chan"} {
			if n := len(messagesTo(f, ch)); n != 0 {
				t.Errorf("%s got %d replies, want 0", ch, n)
			}
		}
	})

	t.Run("crisis DM gets the crisis reply", func(t *testing.T) {
		dm(f, "u3", "i want to k1ll mys3lf")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-u3")) == 1 })
		e := embedOf(t, messagesTo(f, "dm-u3")[0])
		if !strings.Contains(fmt.Sprint(e["description"]), "988") {
			t.Errorf("crisis reply lacks 988: %v", e["description"])
		}
	})

	t.Run("an assault's crisis reply offers the question asked beside it", func(t *testing.T) {
		dm(f, "u3b", "he didnt stop when i said no last night, can i still take the morning after pill")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-u3b")) == 1 })
		msg := messagesTo(f, "dm-u3b")[0]
		e := embedOf(t, msg)
		if d := fmt.Sprint(e["description"]); !strings.Contains(d, "800-656") || !strings.Contains(d, "morning-after pill") {
			t.Errorf("description = %q, want the assault help and the morning-after pill listed below it", d)
		}
		if got := fmt.Sprint(msg.Body["components"]); !strings.Contains(got, "Other answers") || !strings.Contains(got, "emergency-contraception") {
			t.Errorf("components = %s, want an Other answers menu with emergency-contraception", got)
		}
		assertNoMentions(t, msg.Body)
	})

	t.Run("ask is ephemeral in a server and in a DM", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			who  map[string]any
		}{
			{"server", map[string]any{"guild_id": "42", "member": map[string]any{"user": map[string]any{"id": "u4"}}}},
			{"dm", map[string]any{"user": map[string]any{"id": "u5"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				iid := "i-ask-" + tc.name
				d := map[string]any{"id": iid, "application_id": "900", "type": 2, "token": "tok", "version": 1, "channel_id": "c1",
					"data": map[string]any{"id": "cmd1", "name": "ask", "type": 1,
						"options": []any{map[string]any{"name": "question", "type": 3, "value": "what does a sex therapist actually do"}}}}
				for k, v := range tc.who {
					d[k] = v
				}
				f.dispatch("INTERACTION_CREATE", d)
				bottest.WaitFor(t, "callback", func() bool { return len(f.sent(http.MethodPost, "/interactions/"+iid+"/")) == 1 })
				cb := f.sent(http.MethodPost, "/interactions/"+iid+"/")[0].Body
				data := cb["data"].(map[string]any)
				if flags, _ := data["flags"].(float64); int(flags)&64 == 0 {
					t.Errorf("flags = %v, want ephemeral (64)", data["flags"])
				}
				assertNoMentions(t, data)
			})
		}
	})

	t.Run("other answers shows that entry; delete deletes the reply", func(t *testing.T) {
		f.dispatch("INTERACTION_CREATE", map[string]any{"id": "i-alt", "application_id": "900", "type": 3, "token": "tok", "version": 1,
			"channel_id": "dm-u6", "user": map[string]any{"id": "u6"},
			"message": map[string]any{"id": "m-old", "channel_id": "dm-u6"},
			"data":    map[string]any{"custom_id": "alt", "component_type": 3, "values": []any{"vaginismus"}}})
		bottest.WaitFor(t, "alt callback", func() bool { return len(f.sent(http.MethodPost, "/interactions/i-alt/")) == 1 })
		data := f.sent(http.MethodPost, "/interactions/i-alt/")[0].Body["data"].(map[string]any)
		if !strings.Contains(strings.ToLower(fmt.Sprint(data["embeds"])), "vaginismus") {
			t.Errorf("alt did not show the vaginismus entry: %v", data["embeds"])
		}
		f.dispatch("INTERACTION_CREATE", map[string]any{"id": "i-del", "application_id": "900", "type": 3, "token": "tok", "version": 1,
			"channel_id": "dm-u6", "user": map[string]any{"id": "u6"},
			"message": map[string]any{"id": "m-old", "channel_id": "dm-u6"},
			"data":    map[string]any{"custom_id": "del", "component_type": 2}})
		bottest.WaitFor(t, "delete", func() bool { return len(f.sent(http.MethodDelete, "/channels/dm-u6/messages/m-old")) == 1 })
	})

	t.Run("mentions and markdown cannot ping or be echoed", func(t *testing.T) {
		dm(f, "u7", "@everyone <@123> **bold** what is vaginismus")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-u7")) == 1 })
		r := messagesTo(f, "dm-u7")[0]
		assertNoMentions(t, r.Body)
		raw, _ := json.Marshal(r.Body)
		for _, bad := range []string{"@everyone", "<@123>", "**bold**"} {
			if strings.Contains(string(raw), bad) {
				t.Errorf("reply echoes %q", bad)
			}
		}
	})

	t.Run("rate limit: budget plus one notice, others unaffected", func(t *testing.T) {
		for i := 0; i < 20; i++ {
			dm(f, "u8", "what is sensate focus")
			if i == 10 {
				dm(f, "u9", "what is sensate focus")
			}
		}
		dm(f, "u8end", "what is vaginismus")
		bottest.WaitFor(t, "marker", func() bool { return len(messagesTo(f, "dm-u8end")) == 1 })
		if got := len(messagesTo(f, "dm-u8")); got != 6 {
			t.Errorf("flooding user got %d messages, want 5 answers + 1 notice", got)
		}
		if got := len(messagesTo(f, "dm-u9")); got != 1 {
			t.Errorf("other user got %d replies, want 1", got)
		}
		// The notice says truthfully that the questions meanwhile get no
		// reply and are not kept for later.
		var notice string
		for _, r := range messagesTo(f, "dm-u8") {
			if c, _ := r.Body["content"].(string); strings.Contains(c, "faster than I can answer") {
				notice = c
			}
		}
		for _, want := range []string{"no reply", "don't keep", "ask again"} {
			if !strings.Contains(notice, want) {
				t.Errorf("slow-down notice %q does not say %q", notice, want)
			}
		}
		if strings.Contains(notice, "nothing is lost") {
			t.Errorf("slow-down notice %q claims nothing is lost", notice)
		}
	})

	t.Run("reconnect mid-conversation: next DM answered once", func(t *testing.T) {
		f.dropConnection()
		bottest.WaitFor(t, "reconnect", func() bool {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.conn != nil
		})
		dm(f, "u10", "what is vaginismus")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-u10")) >= 1 })
		time.Sleep(100 * time.Millisecond)
		if n := len(messagesTo(f, "dm-u10")); n != 1 {
			t.Errorf("replies after reconnect = %d, want 1", n)
		}
	})

	t.Run("429 and 500 are retried without duplicates", func(t *testing.T) {
		f.mu.Lock()
		f.failNext = []int{http.StatusTooManyRequests}
		f.mu.Unlock()
		dm(f, "u11", "what is vaginismus")
		bottest.WaitFor(t, "reply after 429", func() bool { return len(messagesTo(f, "dm-u11")) >= 1 })
		f.mu.Lock()
		f.failNext = []int{599} // created, then a 500: the retry must not duplicate
		f.mu.Unlock()
		dm(f, "u12", "what is vaginismus")
		bottest.WaitFor(t, "reply after 500", func() bool { return len(messagesTo(f, "dm-u12")) >= 1 })
		time.Sleep(1500 * time.Millisecond)
		if n := len(messagesTo(f, "dm-u11")); n != 1 {
			t.Errorf("after 429: %d replies, want 1", n)
		}
		if n := len(messagesTo(f, "dm-u12")); n != 1 {
			t.Errorf("after 500: %d replies, want 1", n)
		}
	})

	t.Run("500 DMs from 50 people", func(t *testing.T) {
		f.reset()
		var wg sync.WaitGroup
		for p := 0; p < 50; p++ {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					dm(f, fmt.Sprintf("load%d", p), "how do I talk to my partner about sex")
				}
			}(p)
		}
		wg.Wait()
		bottest.WaitFor(t, "all replies", func() bool { return len(f.sent(http.MethodPost, "/channels/dm-load")) >= 300 })
		time.Sleep(200 * time.Millisecond)
		for p := 0; p < 50; p++ {
			if n := len(messagesTo(f, fmt.Sprintf("dm-load%d", p))); n != 6 {
				t.Errorf("person %d got %d messages, want 5 answers + 1 notice", p, n)
			}
		}
	})

	t.Run("logs carry no content and no IDs", func(t *testing.T) {
		out := logs.String()
		if out == "" {
			t.Fatal("no logs captured; the test would prove nothing")
		}
		for _, bad := range []string{"sensate", "vaginismus", "confidential", "k1ll", "partner about", "u1\"", "dm-u", "load1", "everyone", "test-token"} {
			if strings.Contains(out, bad) {
				t.Errorf("logs contain %q", bad)
			}
		}
	})
}

// TestRedeliveredDMAnsweredOnce: the same MESSAGE_CREATE delivered twice (a
// redelivery, or two gateway processes alive at once during a deploy) gets
// one reply. The process remembers the message ids it handled, and the
// reply's nonce comes from the message id, so Discord drops a second send
// from another process.
func TestRedeliveredDMAnsweredOnce(t *testing.T) {
	lib := bottest.MustLibrary(t) // shared by both processes: the goroutine count stays comparable
	f, _ := startBotOpts(t, botOptions{lib: lib})
	message := func(id, user string) map[string]any {
		return map[string]any{"id": id, "channel_id": "dm-" + user, "content": "what is sensate focus",
			"author": map[string]any{"id": user, "username": "someone"}}
	}

	t.Run("same message twice on one connection", func(t *testing.T) {
		f.dispatch("MESSAGE_CREATE", message("1310000000000000001", "r1"))
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(f, "dm-r1")) == 1 })
		f.dispatch("MESSAGE_CREATE", message("1310000000000000001", "r1"))
		dm(f, "r1end", "what is vaginismus") // handled after the redelivery
		bottest.WaitFor(t, "marker reply", func() bool { return len(messagesTo(f, "dm-r1end")) == 1 })
		if got, want := f.tries("dm-r1"), 1; got != want {
			t.Errorf("sends for one message delivered twice = %d, want %d", got, want)
		}
		body := messagesTo(f, "dm-r1")[0].Body
		n, _ := body["nonce"].(string)
		if n == "" || len(n) > 25 || body["enforce_nonce"] != true {
			t.Errorf("nonce %q, enforce_nonce %v: want a nonce of at most 25 characters, enforced", n, body["enforce_nonce"])
		}
	})

	t.Run("same interaction twice", func(t *testing.T) {
		ask := map[string]any{"id": "1310000000000000003", "application_id": "900", "type": 2, "token": "tok", "version": 1, "channel_id": "c1",
			"user": map[string]any{"id": "r3"},
			"data": map[string]any{"id": "cmd1", "name": "ask", "type": 1,
				"options": []any{map[string]any{"name": "question", "type": 3, "value": "what is sensate focus"}}}}
		f.dispatch("INTERACTION_CREATE", ask)
		f.dispatch("INTERACTION_CREATE", ask)
		dm(f, "r3end", "what is vaginismus") // handled after the redelivery
		bottest.WaitFor(t, "marker reply", func() bool { return len(messagesTo(f, "dm-r3end")) == 1 })
		if got, want := len(f.sent(http.MethodPost, "/interactions/1310000000000000003/")), 1; got != want {
			t.Errorf("callbacks for one interaction delivered twice = %d, want %d", got, want)
		}
	})

	t.Run("two gateway processes answer once", func(t *testing.T) {
		startBotOpts(t, botOptions{lib: lib, fake: f})
		f.dispatchAll("MESSAGE_CREATE", message("1310000000000000002", "r2"))
		bottest.WaitFor(t, "both processes tried", func() bool { return f.tries("dm-r2") == 2 })
		if got, want := len(messagesTo(f, "dm-r2")), 1; got != want {
			t.Errorf("messages created = %d, want %d (the same nonce from both processes)", got, want)
		}
	})
}

// TestRepliesOutlastAnOutage: a reply that meets Discord 5xx is tried again
// with growing waits for about a minute; the replies waiting are bounded,
// and what is finally dropped is counted and logged without content.
func TestRepliesOutlastAnOutage(t *testing.T) {
	lib := bottest.MustLibrary(t)

	t.Run("five seconds of 500s: every reply arrives, once", func(t *testing.T) {
		f, _ := startBotOpts(t, botOptions{lib: lib})
		f.outage(5 * time.Second)
		dm(f, "o1", "what is sensate focus")
		dm(f, "o2", "what is vaginismus")
		waitLong(t, "replies after the outage", 20*time.Second, func() bool {
			return len(messagesTo(f, "dm-o1")) == 1 && len(messagesTo(f, "dm-o2")) == 1
		})
		time.Sleep(300 * time.Millisecond)
		for _, ch := range []string{"dm-o1", "dm-o2"} {
			if got, want := len(messagesTo(f, ch)), 1; got != want {
				t.Errorf("%s: %d replies, want %d", ch, got, want)
			}
		}
	})

	t.Run("bounded, and what is dropped is counted", func(t *testing.T) {
		m := metrics.New()
		f, logs := startBotOpts(t, botOptions{lib: lib, metrics: m, config: func(c *discord.DiscordConfig) {
			c.RetryFor = time.Second
			c.MaxRetrying = 1
		}})
		f.outage(time.Hour)
		dm(f, "d1", "what is sensate focus")
		bottest.WaitFor(t, "first try", func() bool { return f.tries("dm-d1") >= 1 })
		dm(f, "d2", "what is vaginismus") // no room left to wait: dropped at once
		bottest.WaitFor(t, "both dropped", func() bool { return strings.Count(logs.String(), `"reply-dropped"`) == 2 })
		f.outage(0)
		if got := f.tries("dm-d1"); got < 3 {
			t.Errorf("the waiting reply was tried %d times in its second, want it retried", got)
		}
		if got, want := f.tries("dm-d2"), 1; got != want {
			t.Errorf("the reply with no room was tried %d times, want %d", got, want)
		}
		text := scrape(m)
		for _, want := range []string{
			`confidant_discord_replies_dropped_total{reason="full"} 1`,
			`confidant_discord_replies_dropped_total{reason="gave-up"} 1`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		for _, bad := range []string{"sensate", "vaginismus", "dm-d"} {
			if strings.Contains(logs.String(), bad) {
				t.Errorf("logs contain %q", bad)
			}
		}
	})
}

// waitLong polls cond until it holds or d has passed.
func waitLong(tb testing.TB, what string, d time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scrape is what m serves at /metrics.
func scrape(m *metrics.Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// TestGatewayInterruptions: a DM sent while the gateway connection is
// stalled, closed by Discord, or being replaced still gets its reply. The
// fake Discord ends a session when the client closes with 1000 or 1001, as
// Discord documents, and keeps the events of a live session for a resume.
func TestGatewayInterruptions(t *testing.T) {
	lib := bottest.MustLibrary(t)
	start := func(t *testing.T) *fakeDiscord {
		f, _ := startBotOpts(t, botOptions{lib: lib, fakeSetup: func(f *fakeDiscord) {
			f.heartbeatMS = 100 // a zombie is noticed after 5 intervals
		}})
		return f
	}
	// worksAgain waits for the bot to be connected again and answer a new DM.
	worksAgain := func(t *testing.T, f *fakeDiscord) {
		t.Helper()
		waitLong(t, "a working connection again", 20*time.Second, f.connected)
		dm(f, "after", "what is vaginismus")
		waitLong(t, "a reply after the interruption", 20*time.Second, func() bool { return len(messagesTo(f, "dm-after")) == 1 })
	}
	// answeredOnce checks, once the bot works again, that the DM sent during
	// the interruption got one reply.
	answeredOnce := func(t *testing.T, f *fakeDiscord, user string) {
		t.Helper()
		worksAgain(t, f)
		codes, identifies, resumes := f.gatewayLog()
		if got, want := len(messagesTo(f, "dm-"+user)), 1; got != want {
			t.Errorf("the DM sent during the interruption got %d replies, want %d (client close codes %v, %d identifies, resumes on %v)",
				got, want, codes, len(identifies), resumes)
		}
	}

	t.Run("zombie connection: heartbeats not acknowledged", func(t *testing.T) {
		f := start(t)
		f.stall()
		dm(f, "z1", "what is sensate focus")
		answeredOnce(t, f, "z1")
	})

	t.Run("Discord closes with 4000", func(t *testing.T) {
		f := start(t)
		f.serverClose(4000)
		dm(f, "c1", "what is sensate focus")
		answeredOnce(t, f, "c1")
	})

	t.Run("op 7: resume on resume_gateway_url", func(t *testing.T) {
		f := start(t)
		f.sendOp(7, nil)
		dm(f, "r7", "what is sensate focus")
		answeredOnce(t, f, "r7")
		if _, _, resumes := f.gatewayLog(); len(resumes) != 1 || resumes[0] != "/ws-resume/" {
			t.Errorf("resumed on %v, want once on READY's resume_gateway_url (/ws-resume/)", resumes)
		}
	})

	t.Run("op 9, resumable: resume, not identify", func(t *testing.T) {
		f := start(t)
		f.sendOp(9, true)
		dm(f, "n1", "what is sensate focus")
		answeredOnce(t, f, "n1")
	})

	t.Run("op 9, not resumable: identify after 1 to 5 seconds", func(t *testing.T) {
		f := start(t)
		sent := time.Now()
		f.sendOp(9, false)
		waitLong(t, "a new session", 20*time.Second, func() bool {
			_, identifies, _ := f.gatewayLog()
			return len(identifies) == 2
		})
		_, identifies, _ := f.gatewayLog()
		// discordgo waits 1 to 5 seconds; the upper bound leaves room for a
		// loaded machine (6.005 s was seen with every package testing at once).
		if wait := identifies[1].Sub(sent); wait < time.Second || wait > 10*time.Second {
			t.Errorf("identified %v after op 9, want a wait of 1 to 5 seconds (10 at most on a loaded machine)", wait.Round(time.Millisecond))
		}
		worksAgain(t, f)
	})
}
