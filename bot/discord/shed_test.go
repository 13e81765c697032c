package discord_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	"github.com/confidant-bot/confidant/bot/metrics"
)

// blockingHandler answers every interaction it is given once release is
// closed: a responder that cannot keep up.
type blockingHandler struct {
	entered atomic.Int32
	release chan struct{}
}

func (h *blockingHandler) Handle(*discordgo.Interaction) (*discordgo.InteractionResponse, func(), bool) {
	h.entered.Add(1)
	<-h.release
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "answered"}}, nil, true
}

type shedFixture struct {
	srv     *httptest.Server
	priv    ed25519.PrivateKey
	handler *blockingHandler
	metrics *metrics.Metrics
	next    atomic.Int64
}

func newShedFixture(t *testing.T, answering int, wait time.Duration) *shedFixture {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &shedFixture{priv: priv, handler: &blockingHandler{release: make(chan struct{})}, metrics: metrics.New()}
	s := &discord.HTTPServer{
		Interactions: &discord.Interactions{Responder: bottest.MustResponder(t), Moderation: f.handler},
		PublicKey:    pub,
		MaxAnswering: answering,
		MaxWait:      wait,
		Metrics:      f.metrics,
	}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		select {
		case <-f.handler.release:
		default:
			close(f.handler.release)
		}
		f.srv.Close()
	})
	return f
}

// shedReply is what a test reads of an interaction response.
type shedReply struct {
	status int
	Type   discordgo.InteractionResponseType `json:"type"`
	Data   struct {
		Content         string                 `json:"content"`
		Flags           discordgo.MessageFlags `json:"flags"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	} `json:"data"`
	err error
}

// click posts a signed button click with a new interaction id (a PING when
// ping is set); safe from any goroutine.
func (f *shedFixture) click(ping bool) shedReply {
	id := f.next.Add(1)
	body := fmt.Sprintf(`{"id":"%d","application_id":"900","type":3,"token":"tok","version":1,"channel_id":"c","user":{"id":"u-%d"},"message":{"id":"m","channel_id":"c"},"data":{"custom_id":"x","component_type":2}}`, id, id)
	if ping {
		body = `{"id":"p","application_id":"900","type":1,"token":"t","version":1}`
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/interactions", strings.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(f.priv, []byte(stamp+body))))
	req.Header.Set("X-Signature-Timestamp", stamp)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return shedReply{err: err}
	}
	defer resp.Body.Close()
	var out shedReply
	out.status = resp.StatusCode
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		out.err = fmt.Errorf("%w: %s", err, b)
	}
	return out
}

// checkBusy wants the short ephemeral "busy" reply.
func checkBusy(t *testing.T, r shedReply) {
	t.Helper()
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("reply: status %d, %v", r.status, r.err)
	}
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags != discordgo.MessageFlagsEphemeral ||
		!strings.Contains(r.Data.Content, "busy") || r.Data.AllowedMentions == nil || len(r.Data.AllowedMentions.Parse) != 0 {
		t.Fatalf("reply = type %d flags %d %q mentions %v, want type 4, flags 64, a busy message, no mentions",
			r.Type, r.Data.Flags, r.Data.Content, r.Data.AllowedMentions)
	}
}

func shedCount(t *testing.T, m *metrics.Metrics, reason string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	prefix := `confidant_interactions_shed_total{reason="` + reason + `"} `
	for line := range strings.Lines(rec.Body.String()) {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}

// TestShedWhenBusy: two interactions are being answered and the answers do
// not come; ten more arrive. They must not queue behind the two (before
// shedding, all waited for the slow answers, here for ever): each gets the
// "busy" reply once its wait is over, while the two are still being
// answered, and a PING is answered at once. Then the two complete.
func TestShedWhenBusy(t *testing.T) {
	f := newShedFixture(t, 2, 50*time.Millisecond)
	accepted := make(chan shedReply, 2)
	for range 2 {
		go func() { accepted <- f.click(false) }()
	}
	bottest.WaitFor(t, "two interactions being answered", func() bool { return f.handler.entered.Load() == 2 })

	shed := make(chan shedReply, 10)
	start := time.Now()
	for range 10 {
		go func() { shed <- f.click(false) }()
	}
	for range 10 {
		select {
		case r := <-shed:
			checkBusy(t, r)
		case <-time.After(10 * time.Second):
			t.Fatalf("interactions queued behind the slow answers instead of being shed")
		}
	}
	t.Logf("10 shed within %v while 2 were answered", time.Since(start).Round(time.Millisecond))
	if r := f.click(true); r.err != nil || r.Type != discordgo.InteractionResponsePong {
		t.Fatalf("PING while busy: type %d, %v; want a pong", r.Type, r.err)
	}
	if got := f.handler.entered.Load(); got != 2 {
		t.Fatalf("%d interactions reached the handler, want only the 2 answered", got)
	}
	close(f.handler.release)
	for range 2 {
		if r := <-accepted; r.err != nil || r.Data.Content != "answered" {
			t.Fatalf("accepted interaction: %q, %v; want its answer", r.Data.Content, r.err)
		}
	}
	if got, want := shedCount(t, f.metrics, discord.ShedWait), 10; got != want {
		t.Errorf("shed metric (wait) = %d, want %d", got, want)
	}
}

// TestShedBoundsWaiting: with one interaction being answered, at most
// WaitingPerTurn wait for it (memory stays bounded); the rest are shed at once,
// without waiting, and those waiting are answered once turns come back.
func TestShedBoundsWaiting(t *testing.T) {
	f := newShedFixture(t, 1, time.Minute)
	first := make(chan shedReply, 1)
	go func() { first <- f.click(false) }()
	bottest.WaitFor(t, "one interaction being answered", func() bool { return f.handler.entered.Load() == 1 })

	const waiting, extra = discord.WaitingPerTurn, 3
	replies := make(chan shedReply, waiting+extra)
	for range waiting + extra {
		go func() { replies <- f.click(false) }()
	}
	for range extra {
		select {
		case r := <-replies:
			checkBusy(t, r)
		case <-time.After(10 * time.Second):
			t.Fatalf("nothing shed: more than %d interactions wait for a turn", waiting)
		}
	}
	if got := shedCount(t, f.metrics, discord.ShedQueue); got != extra {
		t.Errorf("shed metric (queue) = %d, want %d", got, extra)
	}
	close(f.handler.release)
	<-first
	for range waiting {
		if r := <-replies; r.err != nil || r.Data.Content != "answered" {
			t.Fatalf("waiting interaction: %q, %v; want its answer", r.Data.Content, r.err)
		}
	}
}
