package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// countingHandler records that an interaction reached the handlers.
type countingHandler struct{ n atomic.Int32 }

func (c *countingHandler) Handle(*discordgo.Interaction) (*discordgo.InteractionResponse, func(), bool) {
	c.n.Add(1)
	return nil, nil, false
}

type httpFixture struct {
	srv   *httptest.Server
	priv  ed25519.PrivateKey
	now   time.Time
	seen  *countingHandler
	ready *atomic.Bool
}

func newHTTPFixture(t *testing.T) *httpFixture {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &httpFixture{priv: priv, now: time.Unix(1_800_000_000, 0), seen: &countingHandler{}, ready: &atomic.Bool{}}
	f.ready.Store(true)
	s := &discord.HTTPServer{
		Interactions: &discord.Interactions{Responder: bottest.MustResponder(t), Moderation: f.seen},
		PublicKey:    pub,
		Now:          func() time.Time { return f.now },
		Ready: func(context.Context) error {
			if !f.ready.Load() {
				return errors.New("corpus not loaded")
			}
			return nil
		},
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// post sends body signed at ts (tamper changes the body after signing).
func (f *httpFixture) post(t *testing.T, body string, ts time.Time, sign bool, tamper bool) *http.Response {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/interactions", strings.NewReader(body))
	if sign {
		sig := ed25519.Sign(f.priv, []byte(stamp+body))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	}
	req.Header.Set("X-Signature-Timestamp", stamp)
	if tamper {
		req.Body = ioNop(strings.Replace(body, "ask", "help", 1))
		req.ContentLength = int64(len(strings.Replace(body, "ask", "help", 1)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const askBody = `{"id":"1","application_id":"900","type":2,"token":"tok","version":1,"channel_id":"c","user":{"id":"u-http"},"data":{"id":"c1","name":"ask","type":1,"options":[{"name":"question","type":3,"value":"is sex therapy confidential"}]}}`

func TestHTTPSignatures(t *testing.T) {
	f := newHTTPFixture(t)
	for _, tc := range []struct {
		name         string
		ts           time.Time
		sign, tamper bool
		want         int
	}{
		{"good", f.now, true, false, http.StatusOK},
		{"unsigned", f.now, false, false, http.StatusUnauthorized},
		{"tampered body", f.now, true, true, http.StatusUnauthorized},
		{"stale (6 minutes)", f.now.Add(-6 * time.Minute), true, false, http.StatusUnauthorized},
		{"from the future", f.now.Add(time.Minute), true, false, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.seen.n.Load()
			resp := f.post(t, askBody, tc.ts, tc.sign, tc.tamper)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			reached := f.seen.n.Load() != before
			if reached != (tc.want == http.StatusOK) {
				t.Errorf("handler reached = %v for status %d", reached, tc.want)
			}
		})
	}
}

func TestHTTPInteractions(t *testing.T) {
	f := newHTTPFixture(t)
	type response struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Flags  discordgo.MessageFlags    `json:"flags"`
			Embeds []*discordgo.MessageEmbed `json:"embeds"`
		} `json:"data"`
	}
	decode := func(t *testing.T, resp *http.Response) response {
		t.Helper()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		var out response
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Run("ping gets pong", func(t *testing.T) {
		out := decode(t, f.post(t, `{"id":"p","application_id":"900","type":1,"token":"t","version":1}`, f.now, true, false))
		if out.Type != discordgo.InteractionResponsePong {
			t.Errorf("type %d, want PONG", out.Type)
		}
	})
	t.Run("ask answers inline, ephemeral", func(t *testing.T) {
		out := decode(t, f.post(t, askBody, f.now, true, false))
		if out.Type != discordgo.InteractionResponseChannelMessageWithSource || out.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("type %d flags %d, want an ephemeral message", out.Type, out.Data.Flags)
		}
		if len(out.Data.Embeds) != 1 || !strings.Contains(strings.ToLower(out.Data.Embeds[0].Title), "private") {
			t.Errorf("embeds = %+v, want the confidentiality entry", out.Data.Embeds)
		}
	})
	t.Run("component shows the chosen entry (stateless)", func(t *testing.T) {
		body := `{"id":"2","application_id":"900","type":3,"token":"tok","version":1,"channel_id":"c","user":{"id":"u-http"},"message":{"id":"m","channel_id":"c"},"data":{"custom_id":"alt","component_type":3,"values":["vaginismus"]}}`
		out := decode(t, f.post(t, body, f.now, true, false))
		want := mustCorpusEntryTitle(t, "vaginismus")
		if len(out.Data.Embeds) != 1 || out.Data.Embeds[0].Title != want {
			t.Errorf("embeds = %+v, want the vaginismus entry %q", out.Data.Embeds, want)
		}
	})
	t.Run("oversized body refused before parsing", func(t *testing.T) {
		big := `{"pad":"` + strings.Repeat("x", discord.MaxInteractionBody) + `"}`
		resp := f.post(t, big, f.now, true, false)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
	t.Run("readiness", func(t *testing.T) {
		get := func() int {
			resp, err := http.Get(f.srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		f.ready.Store(false)
		if got := get(); got != http.StatusServiceUnavailable {
			t.Errorf("not ready: status %d, want 503", got)
		}
		f.ready.Store(true)
		if got := get(); got != http.StatusOK {
			t.Errorf("ready: status %d, want 200", got)
		}
		resp, err := http.Get(f.srv.URL + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("healthz: %v %v", resp, err)
		}
	})
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func ioNop(s string) nopCloser { return nopCloser{bytes.NewReader([]byte(s))} }

func mustCorpusEntryTitle(tb testing.TB, id string) string {
	tb.Helper()
	e, ok := knowledgetest.MustDefault(tb).Entry(id)
	if !ok {
		tb.Fatalf("no entry %q", id)
	}
	return e.Title
}

// TestHTTPModerationOtherServer sends signed /faq commands, modals and gap
// buttons from a Manage Server member of a server that is not in the
// moderation list, over the HTTP endpoint: every one is refused and the
// corpus folder is unchanged.
func TestHTTPModerationOtherServer(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	corpusDir, err := knowledge.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	mod := &discord.Moderation{Responder: rl.Responder, Dir: corpusDir, Reload: rl.Reload, Guilds: []string{"42"}}
	s := &discord.HTTPServer{Interactions: &discord.Interactions{Responder: rl.Responder, Moderation: mod}, PublicKey: pub}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	before := dirHash(t, dir)
	member := `"member":{"user":{"id":"evil"},"permissions":"32","roles":[]}`
	bodies := []string{}
	for n, sub := range []string{"show", "preview", "add", "edit", "retire", "restore", "stats", "reload"} {
		bodies = append(bodies, `{"id":"1`+strconv.Itoa(n)+`","application_id":"900","type":2,"token":"t","version":1,"guild_id":"666",`+member+
			`,"data":{"id":"c","name":"faq","type":1,"options":[{"name":"`+sub+`","type":1,"options":[{"name":"id","type":3,"value":"crisis-self-harm"}]}]}}`)
	}
	bodies = append(bodies,
		`{"id":"2","application_id":"900","type":5,"token":"t","version":1,"guild_id":"666",`+member+
			`,"data":{"custom_id":"faq-edit:crisis-self-harm:v","components":[{"type":1,"components":[{"type":4,"custom_id":"answer","value":"call 555"}]}]}}`,
		`{"id":"3","application_id":"900","type":3,"token":"t","version":1,"guild_id":"666",`+member+
			`,"message":{"id":"m","channel_id":"c"},"data":{"custom_id":"gap-dismiss:1","component_type":2}}`)
	for _, body := range bodies {
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/interactions", strings.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(stamp+body))))
		req.Header.Set("X-Signature-Timestamp", stamp)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "Only moderators") {
			t.Errorf("%.120s…\n got %s, want a refusal", body, b)
		}
	}
	if dirHash(t, dir) != before {
		t.Error("a refused action changed the corpus")
	}
}

// TestHTTPReplayRefused: a signed request sent again within the signature
// window (a captured request replayed) is refused with 401 and reaches the
// handlers once; another interaction is still answered.
func TestHTTPReplayRefused(t *testing.T) {
	f := newHTTPFixture(t)
	before := f.seen.n.Load()
	if got, want := f.post(t, askBody, f.now, true, false).StatusCode, http.StatusOK; got != want {
		t.Fatalf("first request: status %d, want %d", got, want)
	}
	if got, want := f.post(t, askBody, f.now, true, false).StatusCode, http.StatusUnauthorized; got != want {
		t.Errorf("the same request again: status %d, want %d", got, want)
	}
	f.now = f.now.Add(4 * time.Minute) // still fresh, re-signed at a new time
	if got, want := f.post(t, askBody, f.now, true, false).StatusCode, http.StatusUnauthorized; got != want {
		t.Errorf("the same interaction 4 minutes later: status %d, want %d", got, want)
	}
	if got, want := f.seen.n.Load()-before, int32(1); got != want {
		t.Errorf("handlers reached %d times, want %d", got, want)
	}
	other := strings.Replace(askBody, `"id":"1"`, `"id":"1310000000000000009"`, 1)
	if got, want := f.post(t, other, f.now, true, false).StatusCode, http.StatusOK; got != want {
		t.Errorf("another interaction: status %d, want %d", got, want)
	}
	ping := `{"id":"p","application_id":"900","type":1,"token":"t","version":1}`
	for range 2 {
		if got, want := f.post(t, ping, f.now, true, false).StatusCode, http.StatusOK; got != want {
			t.Errorf("ping: status %d, want %d (a PING changes nothing)", got, want)
		}
	}
}

// TestMetricsOwnListener: the public interactions listener never serves
// /metrics; the metrics have their own listener (loopback by default),
// which serves nothing else.
func TestMetricsOwnListener(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "confidant_questions_total 1\n") })
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	public := &discord.HTTPServer{Interactions: &discord.Interactions{Responder: bottest.MustResponder(t)}, PublicKey: pub}
	srv := httptest.NewServer(public.Handler())
	t.Cleanup(srv.Close)
	if got, want := get(t, srv.URL+"/metrics"), http.StatusNotFound; got != want {
		t.Errorf("GET /metrics on the interactions listener: status %d, want %d", got, want)
	}

	if got, want := discord.DefaultMetricsAddr, "127.0.0.1:9090"; got != want {
		t.Errorf("DefaultMetricsAddr = %q, want %q (loopback)", got, want)
	}
	ln, err := discord.ListenMetrics("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- discord.ServeMetrics(ctx, ln, metrics, nil) }()
	base := "http://" + ln.Addr().String()
	if got, want := get(t, base+"/metrics"), http.StatusOK; got != want {
		t.Errorf("GET /metrics on the metrics listener: status %d, want %d", got, want)
	}
	for _, path := range []string{"/interactions", "/healthz", "/"} {
		if got, want := get(t, base+path), http.StatusNotFound; got != want {
			t.Errorf("GET %s on the metrics listener: status %d, want %d", path, got, want)
		}
	}
	if _, err := discord.ListenMetrics(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "CONFIDANT_METRICS_ADDR") {
		t.Errorf("a busy address: error %v, want one naming CONFIDANT_METRICS_ADDR", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeMetrics: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("ServeMetrics did not stop")
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
