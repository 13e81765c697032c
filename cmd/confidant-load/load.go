package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Bounds of a run: this tool may only load the machine it runs on, and
// only for a while.
const (
	MaxDuration = 15 * time.Minute
	MaxClients  = 1024
	// DefaultTimeout is how long one request may take before it counts as a
	// transport error.
	DefaultTimeout = 10 * time.Second
)

// ErrNotLoopback is returned for a target outside 127.0.0.0/8, ::1 and
// localhost, and by the dialer for any connection elsewhere.
var ErrNotLoopback = errors.New("only loopback targets are allowed (127.0.0.0/8, ::1, localhost)")

// Error kinds of a Report.
const (
	ErrTransport  = "transport"           // no HTTP response: refused, reset, timed out
	ErrBadReply   = "unexpected response" // 200 whose body is not the response wanted
	errStatusKind = "status "             // + the HTTP status code
)

// Config is one load run.
type Config struct {
	URL      string
	Clients  int
	Duration time.Duration
	// Requests stops the run after this many requests (0: only Duration).
	Requests int
	// Rate paces the clients to this many requests per second in all (0: as
	// fast as they get answers). With a rate, latency counts from the moment
	// a request was due, so a server that falls behind shows its queue
	// instead of slowing the clients down (coordinated omission).
	Rate float64
	// Timeout bounds one request (0: DefaultTimeout).
	Timeout time.Duration
	Key     ed25519.PrivateKey
	Mix     Mix
	// Questions are asked with /ask (nil: the built-in list).
	Questions []string
	// EntryIDs are chosen in "alt" clicks (nil: the built-in list).
	EntryIDs []string
	// Seed makes the sequence of interactions repeatable (0: random).
	Seed uint64
	// Returning is the share of interactions from people who already sent
	// one in this run (0: every interaction from a new person), the rest
	// coming from new people, as on a live server.
	Returning float64
	// Every reports throughput and latency for each interval of this length
	// (0: only for the whole run), to see whether they hold steady.
	Every time.Duration
}

// FieldError is a problem with one field of a Config.
type FieldError struct {
	Field string
	Err   error
}

func (e FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e FieldError) Unwrap() error { return e.Err }

// Validate reports every problem of the configuration, each a FieldError
// naming its field.
func (c Config) Validate() error {
	var errs []error
	add := func(field string, err error) { errs = append(errs, FieldError{field, err}) }
	if err := checkLoopback(c.URL); err != nil {
		add("url", err)
	}
	if c.Clients < 1 || c.Clients > MaxClients {
		add("clients", fmt.Errorf("%d, want 1 to %d", c.Clients, MaxClients))
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		add("duration", fmt.Errorf("%s, want more than 0 and at most %s", c.Duration, MaxDuration))
	}
	if c.Requests < 0 {
		add("requests", fmt.Errorf("%d, want 0 (no limit) or more", c.Requests))
	}
	if c.Rate < 0 {
		add("rate", fmt.Errorf("%g, want 0 (unpaced) or more", c.Rate))
	}
	if c.Returning < 0 || c.Returning > 1 {
		add("returning", fmt.Errorf("%g, want a share from 0 to 1", c.Returning))
	}
	if c.Every < 0 {
		add("every", fmt.Errorf("%s, want 0 (no intervals) or more", c.Every))
	}
	if c.Timeout < 0 {
		add("timeout", fmt.Errorf("%s, want 0 (default) or more", c.Timeout))
	}
	if len(c.Key) != ed25519.PrivateKeySize {
		add("key", errors.New("an Ed25519 private key is required"))
	}
	if err := c.Mix.validate(); err != nil {
		add("mix", err)
	}
	return errors.Join(errs...)
}

// checkLoopback accepts an http(s) URL whose host is a loopback address or
// "localhost".
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q: %w", raw, ErrNotLoopback)
}

// dialLoopback refuses, at connect time, any address that is not loopback:
// "localhost" might resolve elsewhere, and a proxy setting might point away.
func dialLoopback(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("dial %s: %w", address, ErrNotLoopback)
	}
	return nil
}

// Latency summarises request durations.
type Latency struct {
	P50, P90, P99, Max time.Duration
}

// KindReport is what happened to the interactions of one kind.
type KindReport struct {
	Requests int
	Latency  Latency
}

// Report is the outcome of a run.
type Report struct {
	Clients int
	// Rate is the pace asked for (0: unpaced).
	Rate    float64
	Elapsed time.Duration
	// Requests counts every request sent and finished, failed or not.
	Requests int
	// SlowDown counts /ask answered by the rate limiter instead of an answer.
	SlowDown int
	// Busy counts interactions the server shed under overload: a "very
	// busy" reply instead of an answer (bot/discord/shed.go).
	Busy int
	// Errors counts failures by kind: "transport", "unexpected response",
	// "status 401" and so on.
	Errors map[string]int
	// Latency is over every request that got an HTTP response.
	Latency Latency
	ByKind  map[Kind]KindReport
	// Intervals are the run cut into Config.Every, by when requests
	// finished (none when Every is 0).
	Intervals []IntervalReport
}

// IntervalReport is what happened in one interval of a run.
type IntervalReport struct {
	Start, Length time.Duration // since the start of the run
	Requests      int
	Errors        int
	SlowDown      int
	Busy          int
	Latency       Latency
}

// Throughput is requests per second in the interval.
func (r IntervalReport) Throughput() float64 {
	if r.Length <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Length.Seconds()
}

// Throughput is requests per second.
func (r Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// ErrorCount is the number of failed requests.
func (r Report) ErrorCount() int {
	n := 0
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// sample is one finished request.
type sample struct {
	kind    Kind
	latency time.Duration
	done    time.Duration // when it finished, since the start of the run
	failure string        // "" for success
	slow    bool
	busy    bool
}

// Run sends interactions from c.Clients concurrent clients, paced to
// c.Rate if set, until c.Duration has passed, c.Requests have been sent or
// ctx ends, then reports. Requests in flight when ctx ends are not counted. It fails only
// for an invalid configuration.
// It is long because the workers, the pacing and the report share one
// set of counters.
func Run(ctx context.Context, c Config) (Report, error) {
	if err := c.Validate(); err != nil {
		return Report{}, err
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Questions == nil {
		c.Questions = defaultQuestions
	}
	if c.EntryIDs == nil {
		c.EntryIDs = defaultEntryIDs
	}
	if len(c.Questions) == 0 || len(c.EntryIDs) == 0 {
		return Report{}, errors.New("questions and entry ids must not be empty")
	}
	seed := c.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: dialLoopback}
	transport := &http.Transport{
		DialContext:         dialer.DialContext,
		MaxIdleConns:        c.Clients,
		MaxIdleConnsPerHost: c.Clients,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var interval time.Duration
	if c.Rate > 0 {
		interval = time.Duration(float64(time.Second) / c.Rate)
	}
	var (
		seq      atomic.Int64 // requests claimed so far
		mu       sync.Mutex
		samples  []sample
		wg       sync.WaitGroup
		start    = time.Now()
		deadline = start.Add(c.Duration)
	)
	for w := range c.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newGenerator(c, rand.New(rand.NewPCG(seed, uint64(w))))
			var mine []sample
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := seq.Add(1)
				if c.Requests > 0 && n > int64(c.Requests) {
					break
				}
				var due time.Time // zero: measure from the send
				if interval > 0 {
					due = start.Add(time.Duration(n-1) * interval)
					if !due.Before(deadline) {
						break
					}
					if wait := time.Until(due); wait > 0 {
						select {
						case <-time.After(wait):
						case <-ctx.Done():
						}
						if ctx.Err() != nil {
							break
						}
					}
				}
				s := send(ctx, client, c, g, due)
				if ctx.Err() != nil && s.failure == ErrTransport {
					break // interrupted, not failed
				}
				s.done = time.Since(start)
				mine = append(mine, s)
			}
			mu.Lock()
			samples = append(samples, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	rep := summarise(c.Clients, time.Since(start), samples)
	rep.Rate = c.Rate
	rep.Intervals = intervals(c.Every, rep.Elapsed, samples)
	return rep, nil
}

// send signs and posts one interaction and judges the response. Latency
// counts from due, or from the send when due is zero.
func send(ctx context.Context, client *http.Client, c Config, g *generator, due time.Time) sample {
	kind, body := g.next()
	s := sample{kind: kind}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	sig := ed25519.Sign(c.Key, append([]byte(stamp), body...))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		s.failure = ErrTransport
		return s
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", stamp)
	t0 := time.Now()
	if !due.IsZero() && due.Before(t0) {
		t0 = due
	}
	resp, err := client.Do(req)
	if err != nil {
		s.failure = ErrTransport
		return s
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.latency = time.Since(t0)
	switch {
	case err != nil:
		s.failure = ErrTransport
	case resp.StatusCode != http.StatusOK:
		s.failure = errStatusKind + strconv.Itoa(resp.StatusCode)
	default:
		s.slow, s.busy, err = judge(kind, data)
		if err != nil {
			s.failure = ErrBadReply
		}
	}
	return s
}

// Interaction response types (Discord's API) this tool expects.
const (
	responsePong    = 1
	responseMessage = 4
)

// slowDownMarker is part of the rate limiter's notice (bot/discord.go),
// busyMarker of the reply to an interaction shed under overload
// (bot/discord/shed.go).
const (
	slowDownMarker = "faster than I can answer"
	busyMarker     = "very busy right now"
)

// judge checks that a 200 body is the response an interaction of this
// kind should get, and tells whether it is the rate limiter's notice or
// the server's "very busy" reply.
func judge(kind Kind, body []byte) (slow, busy bool, err error) {
	var r struct {
		Type int `json:"type"`
		Data *struct {
			Content string            `json:"content"`
			Embeds  []json.RawMessage `json:"embeds"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return false, false, err
	}
	if kind == KindPing {
		if r.Type != responsePong {
			return false, false, fmt.Errorf("ping answered with type %d", r.Type)
		}
		return false, false, nil
	}
	if r.Type != responseMessage || r.Data == nil || (r.Data.Content == "" && len(r.Data.Embeds) == 0) {
		return false, false, fmt.Errorf("%s answered with type %d and no message", kind, r.Type)
	}
	return strings.Contains(r.Data.Content, slowDownMarker), strings.Contains(r.Data.Content, busyMarker), nil
}

func summarise(clients int, elapsed time.Duration, samples []sample) Report {
	r := Report{Clients: clients, Elapsed: elapsed, Requests: len(samples),
		Errors: map[string]int{}, ByKind: map[Kind]KindReport{}}
	var all []time.Duration
	byKind := map[Kind][]time.Duration{}
	counts := map[Kind]int{}
	for _, s := range samples {
		counts[s.kind]++
		if s.failure != "" {
			r.Errors[s.failure]++
		}
		if s.slow {
			r.SlowDown++
		}
		if s.busy {
			r.Busy++
		}
		if s.failure != ErrTransport {
			all = append(all, s.latency)
			byKind[s.kind] = append(byKind[s.kind], s.latency)
		}
	}
	r.Latency = latencyOf(all)
	for k, n := range counts {
		r.ByKind[k] = KindReport{Requests: n, Latency: latencyOf(byKind[k])}
	}
	return r
}

func latencyOf(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))] }
	return Latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1]}
}

// intervals cuts the samples by when they finished into intervals of
// length every (the last one may be shorter).
func intervals(every, elapsed time.Duration, samples []sample) []IntervalReport {
	if every <= 0 || elapsed <= 0 {
		return nil
	}
	n := int((elapsed + every - 1) / every)
	out := make([]IntervalReport, n)
	lat := make([][]time.Duration, n)
	for i := range out {
		out[i].Start = time.Duration(i) * every
		out[i].Length = min(every, elapsed-out[i].Start)
	}
	for _, s := range samples {
		i := min(int(s.done/every), n-1)
		out[i].Requests++
		if s.failure != "" {
			out[i].Errors++
		}
		if s.slow {
			out[i].SlowDown++
		}
		if s.busy {
			out[i].Busy++
		}
		if s.failure != ErrTransport {
			lat[i] = append(lat[i], s.latency)
		}
	}
	for i := range out {
		out[i].Latency = latencyOf(lat[i])
	}
	return out
}
