package discord_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
)

// BenchmarkOverload offers the HTTP interactions server twice what it can
// answer and reports what happens to the interactions it accepts and to
// those it sheds:
//
//	go test ./bot/discord -run '^$' -bench Overload -benchtime 1x
//
// First 16 clients send /ask (the embedded phrasings, a random person each)
// as fast as they are answered for 5 s, which measures the capacity; then
// interactions fall due on a fixed schedule, as Discord sends them whatever
// the answers, at twice that rate for 20 s, sent by up to 1024 clients on
// kept-alive connections. Latency counts from when each was due, so time
// spent waiting for a free client counts too. accepted-p99-ms is over the
// interactions answered, shed-share the share answered "busy", late-share
// the share that took over 3 s (Discord would have given up),
// in-server-p99-ms the time in the server's handler (in-process only) and
// heap-max-MB the most heap in use meanwhile (in-process: server and
// client). Requests are signed before they are sent.
//
// By default the server runs in this process on the embedded corpus, and
// shares the cores with the clients. To measure a running
// "confidant serve --http" instead, on a core of its own, give its URL
// (loopback only) and the private key whose public half it has:
//
//	taskset -c 0 confidant serve --http 127.0.0.1:18080 &
//	CONFIDANT_OVERLOAD_URL=http://127.0.0.1:18080/interactions CONFIDANT_LOAD_KEY=… \
//	  taskset -c 1 go test ./bot/discord -run '^$' -bench Overload -benchtime 1x
func BenchmarkOverload(b *testing.B) {
	lib := bottest.MustLibrary(b)
	var questions []string
	for _, e := range lib.Corpus.Entries {
		questions = append(questions, e.Questions...)
	}
	target, priv := os.Getenv("CONFIDANT_OVERLOAD_URL"), ed25519.PrivateKey(nil)
	var inServer serverTimes
	if target != "" {
		u, err := url.Parse(target)
		if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
			b.Fatalf("CONFIDANT_OVERLOAD_URL %q: want a loopback URL", target)
		}
		seed, err := hex.DecodeString(os.Getenv("CONFIDANT_LOAD_KEY"))
		if err != nil || (len(seed) != ed25519.SeedSize && len(seed) != ed25519.PrivateKeySize) {
			b.Fatal("CONFIDANT_LOAD_KEY: want the hex private key (seed or full key)")
		}
		priv = ed25519.NewKeyFromSeed(seed[:ed25519.SeedSize])
	} else {
		pub, key, err := ed25519.GenerateKey(nil)
		if err != nil {
			b.Fatal(err)
		}
		priv = key
		s := &discord.HTTPServer{Interactions: &discord.Interactions{Responder: bottest.MustResponder(b)}, PublicKey: pub}
		h := s.Handler()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t0 := time.Now()
			h.ServeHTTP(w, r)
			inServer.add(time.Since(t0))
		}))
		defer srv.Close()
		target = srv.URL + "/interactions"
	}
	u, _ := url.Parse(target)
	var next atomic.Int64
	// prepare signs an /ask in advance and writes it as HTTP/1.1 bytes, so
	// that the clients spend little of the shared cores.
	prepare := func(rng *rand.Rand) []byte {
		id := next.Add(1)
		body, _ := json.Marshal(map[string]any{"id": strconv.FormatInt(id, 10) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36), "application_id": "900",
			"type": 2, "token": "tok", "version": 1, "channel_id": "c", "user": map[string]any{"id": "u-" + strconv.Itoa(rng.IntN(1_000_000))},
			"data": map[string]any{"id": "c1", "name": "ask", "type": 1, "options": []any{map[string]any{"name": "question", "type": 3, "value": questions[rng.IntN(len(questions))]}}}})
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		sig := hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...)))
		return fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %s\r\nContent-Length: %d\r\n\r\n%s",
			u.Path, u.Host, sig, stamp, len(body), body)
	}

	for i := 0; i < b.N; i++ {
		// Capacity: 16 clients, closed loop.
		const probe = 5 * time.Second
		var answered atomic.Int64
		var wg sync.WaitGroup
		end := time.Now().Add(probe)
		for w := range 16 {
			wg.Go(func() {
				c := &rawClient{addr: u.Host}
				defer c.close()
				rng := rand.New(rand.NewPCG(1, uint64(w)))
				for time.Now().Before(end) {
					if r := c.send(prepare(rng), time.Now()); !r.failed && !r.busy {
						answered.Add(1)
					}
				}
			})
		}
		wg.Wait()
		capacity := float64(answered.Load()) / probe.Seconds()

		// Twice that, due on a fixed schedule.
		rate := 2 * capacity
		const length = 20 * time.Second
		n := int(rate * length.Seconds())
		interval := time.Duration(float64(time.Second) / rate)
		asks := make([][]byte, n)
		rng := rand.New(rand.NewPCG(2, 0))
		for k := range asks {
			asks[k] = prepare(rng)
		}
		samples := make([]overloadSample, n)
		var heapMax atomic.Uint64
		stop := make(chan struct{})
		go watchHeap(&heapMax, stop)
		inServer.reset()
		var taken atomic.Int64
		start := time.Now()
		for range overloadClients {
			wg.Go(func() {
				c := &rawClient{addr: u.Host}
				defer c.close()
				for {
					k := int(taken.Add(1) - 1)
					if k >= n {
						return
					}
					due := start.Add(time.Duration(k) * interval)
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
					samples[k] = c.send(asks[k], due)
				}
			})
		}
		wg.Wait()
		close(stop)

		var accepted, shed []time.Duration
		failed, late := 0, 0
		for _, r := range samples {
			switch {
			case r.failed:
				failed++
			case r.busy:
				shed = append(shed, r.latency)
			default:
				accepted = append(accepted, r.latency)
			}
			if r.latency > 3*time.Second {
				late++
			}
		}
		slices.Sort(accepted)
		slices.Sort(shed)
		b.ReportMetric(capacity, "capacity-per-s")
		b.ReportMetric(rate, "offered-per-s")
		b.ReportMetric(float64(len(accepted))/length.Seconds(), "accepted-per-s")
		b.ReportMetric(float64(len(shed))/float64(n), "shed-share")
		b.ReportMetric(float64(failed)/float64(n), "failed-share")
		b.ReportMetric(float64(late)/float64(n), "late-share")
		b.ReportMetric(ms(pct(accepted, 50)), "accepted-p50-ms")
		b.ReportMetric(ms(pct(accepted, 99)), "accepted-p99-ms")
		b.ReportMetric(ms(pct(accepted, 100)), "accepted-max-ms")
		b.ReportMetric(ms(pct(shed, 99)), "shed-p99-ms")
		b.ReportMetric(float64(heapMax.Load())/(1<<20), "heap-max-MB")
		if p := inServer.p99(); p > 0 {
			b.ReportMetric(ms(p), "in-server-p99-ms")
		}
		if testing.Verbose() {
			fmt.Printf("overload: capacity %.0f/s, offered %.0f/s: %d accepted, %d shed, %d failed\n", capacity, rate, len(accepted), len(shed), failed)
		}
	}
}

// overloadClients is the most interactions in flight at once.
const overloadClients = 1024

// rawClient sends prepared requests on one kept-alive connection: much
// cheaper than an http.Client, whose cost would otherwise count against the
// server on the shared cores.
type rawClient struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (c *rawClient) send(req []byte, due time.Time) overloadSample {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return overloadSample{latency: time.Since(due), failed: true}
		}
		c.conn, c.br = conn, bufio.NewReader(conn)
	}
	if _, err := c.conn.Write(req); err != nil {
		c.close()
		return overloadSample{latency: time.Since(due), failed: true}
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return overloadSample{latency: time.Since(due), failed: true}
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return overloadSample{latency: time.Since(due), failed: err != nil || resp.StatusCode != http.StatusOK, busy: bytes.Contains(data, []byte("very busy"))}
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

type overloadSample struct {
	latency      time.Duration
	busy, failed bool
}

// serverTimes are the times requests spent in the server's handler.
type serverTimes struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *serverTimes) add(d time.Duration) { s.mu.Lock(); s.d = append(s.d, d); s.mu.Unlock() }
func (s *serverTimes) reset()              { s.mu.Lock(); s.d = nil; s.mu.Unlock() }
func (s *serverTimes) p99() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.Sort(s.d)
	return pct(s.d, 99)
}

func watchHeap(peak *atomic.Uint64, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
	}
}

// pct is the p-th percentile of sorted durations (100: the largest).
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
