package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/metrics"
)

// HTTP interactions: Discord posts each slash command and click to this
// endpoint instead of the gateway. Handling is stateless (custom IDs carry
// what a click needs), so any number of replicas can serve it.
const (
	// MaxInteractionBody is the largest request body read; larger ones are
	// refused before parsing.
	MaxInteractionBody = 64 << 10
	// MaxSignatureAge is how old a signed request may be (replay window).
	MaxSignatureAge = 5 * time.Minute
	// MaxClockSkew tolerates a request stamped slightly in our future.
	MaxClockSkew = 5 * time.Second
	// MaxReplayIDs bounds the interaction ids remembered for the signature
	// window (about 60 bytes each): past that, the oldest are forgotten early.
	MaxReplayIDs = 250_000
)

// ParsePublicKey decodes the application's public key (hex, from the
// developer portal).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("DISCORD_PUBLIC_KEY must be the 64-hex-digit public key from the developer portal")
	}
	return ed25519.PublicKey(b), nil
}

// HTTPServer serves interactions, /healthz and /readyz, and nothing else:
// its listener faces the internet.
type HTTPServer struct {
	Interactions *Interactions
	PublicKey    ed25519.PublicKey
	Log          *slog.Logger
	// Ready reports whether the bot can answer (corpus loaded, index ready,
	// database reachable); nil means always ready.
	Ready func(ctx context.Context) error
	// Now is the clock (tests set it).
	Now func() time.Time
	// Handled, when set, remembers the interaction ids answered, shared with
	// other processes; by default this process remembers them.
	Handled Seen
	// MaxAnswering bounds the interactions answered at once (0:
	// AnswersPerCore per core) and MaxWait how long one waits for its turn
	// (0: DefaultMaxWait). Past the wait, or with too many waiting, it is
	// answered at once with a short "busy, please retry" message instead of
	// queueing towards Discord's 3 s limit (shed.go). PINGs are never shed.
	MaxAnswering int
	MaxWait      time.Duration
	// Metrics counts the interactions shed (nil: not counted).
	Metrics *metrics.Metrics

	after sync.WaitGroup
	// handled are the interaction ids answered within the signature window,
	// so that a captured request cannot be replayed.
	handled     Seen
	handledOnce sync.Once
	turns       *turns
	turnsOnce   sync.Once
	lastShedLog atomic.Int64 // unix nanoseconds
}

// Handler is the HTTP handler: POST /interactions, GET /healthz, GET /readyz.
func (s *HTTPServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /interactions", s.interactions)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.Ready != nil {
			if err := s.Ready(r.Context()); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
	return mux
}

func (s *HTTPServer) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *HTTPServer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *HTTPServer) interactions(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > MaxInteractionBody {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInteractionBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	// The turn to answer is taken before anything costly, the signature
	// included: under overload, work done before the wait would pile up
	// unbounded and delay the answers too. A shed reply says only "busy",
	// so it may go to a request not yet verified. PINGs are never shed.
	if !isPing(body) {
		ok, reason := s.take(r.Context())
		if !ok {
			s.shed(reason)
			s.write(w, busyResponse())
			return
		}
		defer s.turns.done()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !s.fresh(r.Header.Get("X-Signature-Timestamp")) || !discordgo.VerifyInteraction(r, s.PublicKey) {
		s.log().Warn("interaction refused: bad signature or stale timestamp", slog.String(bot.LogEvent, "http-unauthorized"))
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if i.Type != discordgo.InteractionPing {
		if i.ID == "" {
			http.Error(w, "bad interaction", http.StatusBadRequest)
			return
		}
		if !s.firstTime(i.ID) {
			s.log().Warn("interaction refused: already handled (a replay)", slog.String(bot.LogEvent, "http-replay"))
			http.Error(w, "interaction already handled", http.StatusUnauthorized)
			return
		}
	}
	resp, after := s.Interactions.Handle(&i)
	if !s.write(w, resp) {
		return
	}
	if after != nil {
		s.after.Add(1)
		go func() {
			defer s.after.Done()
			after()
		}()
	}
}

// write sends resp as JSON and reports whether it could.
func (s *HTTPServer) write(w http.ResponseWriter, resp *discordgo.InteractionResponse) bool {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(resp); err != nil {
		s.log().Error("write interaction response", slog.String(bot.LogEvent, "http-write"), slog.String(bot.LogError, "transport"))
		return false
	}
	return true
}

// isPing reports whether body is a PING (type 1), read without checking
// anything else: a forged one is refused with the signature check after.
func isPing(body []byte) bool {
	var peek struct {
		Type discordgo.InteractionType `json:"type"`
	}
	return json.Unmarshal(body, &peek) == nil && peek.Type == discordgo.InteractionPing
}

// take waits for a turn to answer (see MaxAnswering).
func (s *HTTPServer) take(ctx context.Context) (bool, string) {
	s.turnsOnce.Do(func() { s.turns = newTurns(s.MaxAnswering, s.MaxWait) })
	return s.turns.take(ctx)
}

// shed counts an interaction answered "busy", and logs at most every ten
// seconds that shedding goes on.
func (s *HTTPServer) shed(reason string) {
	s.Metrics.Shed(reason)
	now := s.now().UnixNano()
	last := s.lastShedLog.Load()
	if now-last >= int64(10*time.Second) && s.lastShedLog.CompareAndSwap(last, now) {
		s.log().Warn("interactions shed: too busy to answer in time, replying busy", slog.String(bot.LogEvent, "http-shed"), slog.String(bot.LogKind, reason))
	}
}

// fresh accepts a Unix timestamp no older than MaxSignatureAge and not in
// the future (beyond MaxClockSkew): a signed request cannot be replayed
// later than that, and firstTime refuses it within that window.
func (s *HTTPServer) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	age := s.now().Sub(time.Unix(sec, 0))
	return age <= MaxSignatureAge && age >= -MaxClockSkew
}

// firstTime records an interaction id and reports whether it is new. A
// request stays fresh for MaxSignatureAge after its stamp and may be stamped
// MaxClockSkew ahead, so ids are kept for both together. Discord sends each
// interaction once; only a replay repeats one.
func (s *HTTPServer) firstTime(id string) bool {
	s.handledOnce.Do(func() {
		s.handled = s.Handled
		if s.handled == nil {
			s.handled = newSeenIDs(MaxSignatureAge+MaxClockSkew, MaxReplayIDs)
		}
	})
	return s.handled.First(id, s.now())
}

// Serve listens on addr until ctx ends, then shuts down gracefully.
func (s *HTTPServer) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	s.log().Info("http listening", slog.String(bot.LogEvent, "http-listen"), slog.String("addr", ln.Addr().String()))
	err = serveUntil(ctx, ln, s.Handler())
	s.after.Wait()
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}

// DefaultMetricsAddr is where the metrics are served unless
// CONFIDANT_METRICS_ADDR says otherwise: loopback, so only the host (a
// Prometheus agent, a sidecar) can read them. The counts by triage category
// rise in real time, which on a small server can hint at who is asking what.
const DefaultMetricsAddr = "127.0.0.1:9090"

// ListenMetrics binds addr for the metrics, so that a bad or busy address
// stops the start at once with the setting named.
func ListenMetrics(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w (set CONFIDANT_METRICS_ADDR to a free address)", err)
	}
	return ln, nil
}

// ServeMetrics serves metrics at GET /metrics, and nothing else, on ln (its
// own listener, never the public interactions one) until ctx ends.
func ServeMetrics(ctx context.Context, ln net.Listener, metrics http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	log.Info("metrics listening", slog.String(bot.LogEvent, "metrics-listen"), slog.String("addr", ln.Addr().String()))
	if err := serveUntil(ctx, ln, mux); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// serveUntil serves h on ln until ctx ends, then shuts down gracefully
// (requests in flight get 10 seconds).
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
