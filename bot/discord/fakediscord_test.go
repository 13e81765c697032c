package discord_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeDiscord is a small Discord on 127.0.0.1: a gateway over websocket
// (HELLO, IDENTIFY, RESUME, READY, heartbeats, dispatches) and the REST
// endpoints the bot uses. It records every REST request it receives.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	conn    *websocket.Conn
	connWMu *sync.Mutex // serialises writes to conn
	// live are all identified connections (several bot processes at once).
	live     map[*websocket.Conn]*sync.Mutex
	seq      int
	requests []recorded
	// posts counts every message creation tried, per path, duplicates included.
	posts  map[string]int
	nonces map[string]bool
	msgID  int
	// failNext makes the next message creations fail with these statuses.
	failNext []int
	// downUntil makes every message creation fail with a 500 until then.
	downUntil time.Time
	identify  int
	resumes   int
	ready     chan struct{}
}

type recorded struct {
	Method, Path string
	Body         map[string]any
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{t: t, nonces: map[string]bool{}, posts: map[string]int{}, ready: make(chan struct{}, 16), live: map[*websocket.Conn]*sync.Mutex{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"url":"ws://%s/ws"}`, r.Host)
	})
	mux.HandleFunc("/ws/", f.serveGateway)
	mux.HandleFunc("/api/v9/", f.serveREST)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDiscord) URL() string { return f.srv.URL }

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	var wmu sync.Mutex
	write := func(v any) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteJSON(v)
	}
	write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}})
	defer func() {
		f.mu.Lock()
		delete(f.live, c)
		f.mu.Unlock()
	}()
	for {
		var msg struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&msg); err != nil {
			return
		}
		switch msg.Op {
		case 1:
			write(map[string]any{"op": 11})
		case 2, 6:
			f.mu.Lock()
			f.conn = c
			f.connWMu = &wmu
			f.live[c] = &wmu
			f.seq++
			seq := f.seq
			t := "READY"
			if msg.Op == 6 {
				t = "RESUMED"
				f.resumes++
			} else {
				f.identify++
			}
			f.mu.Unlock()
			d := map[string]any{"v": 9, "session_id": "sess1", "resume_gateway_url": "ws://" + r.Host + "/ws",
				"user":   map[string]any{"id": "900", "username": "confidant", "bot": true},
				"guilds": []any{}, "private_channels": []any{},
				"application": map[string]any{"id": "900"}}
			if msg.Op == 6 {
				d = map[string]any{}
			}
			f.writeConn(c, &wmu, map[string]any{"op": 0, "t": t, "s": seq, "d": d})
			f.ready <- struct{}{}
		}
	}
}

func (f *fakeDiscord) writeConn(c *websocket.Conn, wmu *sync.Mutex, v any) {
	wmu.Lock()
	defer wmu.Unlock()
	c.WriteJSON(v)
}

// dispatch sends one gateway event to the bot.
func (f *fakeDiscord) dispatch(event string, d any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn == nil {
		f.t.Fatal("fake discord: no gateway connection")
	}
	f.seq++
	f.connWMu.Lock()
	defer f.connWMu.Unlock()
	if err := f.conn.WriteJSON(map[string]any{"op": 0, "t": event, "s": f.seq, "d": d}); err != nil {
		f.t.Logf("fake discord: dispatch: %v", err)
	}
}

// dispatchAll sends one gateway event to every connected bot process, as
// Discord does to two processes sharing a token during a deploy.
func (f *fakeDiscord) dispatchAll(event string, d any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.live) == 0 {
		f.t.Fatal("fake discord: no gateway connection")
	}
	f.seq++
	for c, wmu := range f.live {
		f.writeConn(c, wmu, map[string]any{"op": 0, "t": event, "s": f.seq, "d": d})
	}
}

// dropConnection closes the websocket as a network failure would.
func (f *fakeDiscord) dropConnection() {
	f.mu.Lock()
	c := f.conn
	f.conn = nil
	f.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

func (f *fakeDiscord) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var m map[string]any
	if len(body) > 0 {
		json.Unmarshal(body, &m)
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodPost && strings.HasSuffix(path, "/messages") {
		f.posts[path]++
		if time.Now().Before(f.downUntil) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if len(f.failNext) > 0 {
			status := f.failNext[0]
			f.failNext = f.failNext[1:]
			if status == http.StatusTooManyRequests {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprint(w, `{"message":"You are being rate limited.","retry_after":0.05,"global":false}`)
				return
			}
			// The message may or may not have been created: remember the
			// nonce as Discord would, then fail.
			if n, ok := m["nonce"].(string); ok && status == 599 {
				f.nonces[n] = true
				f.requests = append(f.requests, recorded{r.Method, path, m})
				status = http.StatusInternalServerError
			}
			w.WriteHeader(status)
			return
		}
		if n, ok := m["nonce"].(string); ok && n != "" {
			if f.nonces[n] && m["enforce_nonce"] == true {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"id":"dup","channel_id":"x"}`)
				return
			}
			f.nonces[n] = true
		}
		f.requests = append(f.requests, recorded{r.Method, path, m})
		f.msgID++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"m%d","channel_id":"%s"}`, f.msgID, strings.Split(path, "/")[2])
		return
	}
	f.requests = append(f.requests, recorded{r.Method, path, m})
	switch {
	case r.Method == http.MethodPut && strings.HasSuffix(path, "/commands"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[]`)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// sent returns the recorded requests matching method and a path suffix or prefix.
func (f *fakeDiscord) sent(method, pathContains string) []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.Method == method && strings.Contains(r.Path, pathContains) {
			out = append(out, r)
		}
	}
	return out
}

// outage makes every message creation fail with a 500 for d (0 ends it).
func (f *fakeDiscord) outage(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downUntil = time.Now().Add(d)
}

// tries is how many message creations were tried on channel, duplicates
// and failures included.
func (f *fakeDiscord) tries(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posts["/channels/"+channel+"/messages"]
}

func (f *fakeDiscord) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}
