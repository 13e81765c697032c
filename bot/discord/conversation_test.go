package discord_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
)

// TestAnswerButtons clicks what an answer offers, over the HTTP endpoint:
// "Read the full answer" gives the whole entry, "Not helpful" leads to the
// other answers and to people, and "Talk to a person" lists them with the
// server's own channel first.
func TestAnswerButtons(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := bottest.MustResponder(t)
	s := &discord.HTTPServer{Interactions: &discord.Interactions{Responder: r, HelpChannel: "#ask-a-mod"}, PublicKey: pub}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	click := func(custom, message string) string {
		t.Helper()
		body := `{"id":"` + strconv.FormatInt(time.Now().UnixNano(), 10) + `","application_id":"900","type":3,"token":"t","version":1,"channel_id":"dm","user":{"id":"u1"},` +
			`"message":` + message + `,"data":{"custom_id":"` + custom + `","component_type":2}}`
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/interactions", strings.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(stamp+body))))
		req.Header.Set("X-Signature-Timestamp", stamp)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	msg := `{"id":"m1","channel_id":"dm","components":[{"type":1,"components":[{"type":3,"custom_id":"alt","placeholder":"Other answers","options":[{"label":"Why is it hard for me to get or stay aroused?","value":"arousal-difficulties"}]}]}]}`

	ed, ok := r.Show("erectile-dysfunction")
	if !ok {
		t.Fatal("no erectile-dysfunction entry")
	}
	summary := discord.RenderMessage(ed)
	if d := summary.Embeds[0].Description; strings.Contains(d, "blood vessels, nerves and hormones") {
		t.Errorf("the answer shows the full body first: %.80q", d)
	}
	if !hasButton(summary.Components, "Read the full answer") {
		t.Error("an answer has no Read the full answer button")
	}
	if got := click("full:erectile-dysfunction", msg); !strings.Contains(got, "blood vessels, nerves and hormones") {
		t.Errorf("Read the full answer: %.200s", got)
	}
	got := click("fb:0:erectile-dysfunction", msg)
	for _, want := range []string{"other answers", "arousal-difficulties", "Talk to a person", "other words"} {
		if !strings.Contains(got, want) {
			t.Errorf("Not helpful lacks %q: %.300s", want, got)
		}
	}
	got = click("people", msg)
	if i, j := strings.Index(got, "#ask-a-mod"), strings.Index(got, "Scarleteen"); i < 0 || j < 0 || i > j {
		t.Errorf("Talk to a person: want the server's channel, then Scarleteen: %.300s", got)
	}
}

func hasButton(rows []discordgo.MessageComponent, label string) bool {
	for _, row := range rows {
		if r, ok := row.(discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if b, ok := c.(discordgo.Button); ok && b.Label == label {
					return true
				}
			}
		}
	}
	return false
}

// TestDMConversation talks to the bot in a direct message through the fake
// Discord: a follow-up is read with the last answer, and a number typed
// after "did you mean" picks that choice.
func TestDMConversation(t *testing.T) {
	f, _ := startBot(t)
	say := func(user, text string, n int) map[string]any {
		t.Helper()
		dm(f, user, text)
		bottest.WaitFor(t, "reply to "+text, func() bool { return len(messagesTo(f, "dm-"+user)) >= n })
		msgs := messagesTo(f, "dm-"+user)
		return embedOf(t, msgs[n-1])
	}
	if e := say("conv1", "why cant i keep an erection", 1); !strings.Contains(e["title"].(string), "erection") {
		t.Fatalf("first answer: %v", e["title"])
	}
	if e := say("conv1", "what about for women?", 2); !strings.Contains(e["title"].(string), "aroused") {
		t.Errorf("follow-up: %v, want the arousal answer", e["title"])
	}
	say("conv2", "can my therapist tell anyone what i say, and does insurance cover it", 1)
	picked := say("conv2", "2", 2)
	if picked["title"] == nil || strings.Contains(fmt.Sprint(picked["title"]), "ask that again") {
		t.Errorf("typing 2 after an answer with other answers: %v, want the second option", picked["title"])
	}
	// Another person's "2" is not read in someone else's conversation.
	if e := say("conv3", "2", 1); e["title"] != nil && e["title"] == picked["title"] {
		t.Errorf("a bare 2 from someone new picked %v from another person's conversation", e["title"])
	}
}
