package discord_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeDiscord is a small Discord on 127.0.0.1: a gateway over websocket
// and the REST endpoints the bot uses. It records every REST request it
// receives.
//
// The gateway keeps sessions as Discord documents them: HELLO, then IDENTIFY
// (a new session: READY with session_id and resume_gateway_url) or RESUME
// (the events of the session the client missed, then RESUMED; op 9 when the
// session is gone); op 11 for every heartbeat. A client that closes with
// 1000 or 1001 ends its session, so it cannot be resumed; events dispatched
// while the session has no working connection wait for a resume and are
// lost if the client identifies instead.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server
	// heartbeatMS is the interval HELLO asks for (set before the bot starts).
	heartbeatMS int

	mu      sync.Mutex
	conn    *websocket.Conn // the connection of the current session, nil while it has none
	connWMu *sync.Mutex     // serialises writes to conn
	// live are all identified connections (several bot processes at once).
	live     map[*websocket.Conn]*sync.Mutex
	seq      int
	sessions map[string]*gwSession
	current  *gwSession
	stalled  *websocket.Conn // a zombie connection: no ACKs, nothing delivered
	// What clients did: close codes they sent, when they identified, and the
	// path each RESUME came on.
	closeCodes  []int
	identifies  []time.Time
	resumePaths []string
	resumes     int

	requests []recorded
	// posts counts every message creation tried, per path, duplicates included.
	posts  map[string]int
	nonces map[string]bool
	msgID  int
	// failNext makes the next message creations fail with these statuses.
	failNext []int
	// downUntil makes every message creation fail with a 500 until then.
	downUntil time.Time
}

// gwSession is one gateway session and the events dispatched in it.
type gwSession struct {
	id     string
	valid  bool
	events []gwEvent
}

type gwEvent struct {
	S int
	T string
	D any
}

type recorded struct {
	Method, Path string
	Body         map[string]any
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{t: t, heartbeatMS: 41250, nonces: map[string]bool{}, posts: map[string]int{},
		live: map[*websocket.Conn]*sync.Mutex{}, sessions: map[string]*gwSession{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"url":"ws://%s/ws"}`, r.Host)
	})
	mux.HandleFunc("/ws/", f.serveGateway)
	mux.HandleFunc("/ws-resume/", f.serveGateway)
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
	write := func(v any) {
		wmu.Lock()
		defer wmu.Unlock()
		c.WriteJSON(v)
	}
	f.mu.Lock()
	interval := f.heartbeatMS
	f.mu.Unlock()
	write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval}})
	var sess *gwSession // the session on this connection
	for {
		var msg struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&msg); err != nil {
			f.closed(c, sess, err)
			return
		}
		switch msg.Op {
		case 1:
			f.mu.Lock()
			zombie := f.stalled == c
			f.mu.Unlock()
			if !zombie {
				write(map[string]any{"op": 11})
			}
		case 2:
			f.mu.Lock()
			f.identifies = append(f.identifies, time.Now())
			sess = &gwSession{id: fmt.Sprintf("sess%d", len(f.sessions)+1), valid: true}
			f.sessions[sess.id] = sess
			f.current = sess
			f.conn, f.connWMu, f.live[c] = c, &wmu, &wmu
			f.seq++
			ready := map[string]any{"op": 0, "t": "READY", "s": f.seq, "d": map[string]any{
				"v": 9, "session_id": sess.id, "resume_gateway_url": "ws://" + r.Host + "/ws-resume",
				"user":   map[string]any{"id": "900", "username": "confidant", "bot": true},
				"guilds": []any{}, "private_channels": []any{},
				"application": map[string]any{"id": "900"}}}
			write(ready) // under f.mu: no dispatch overtakes READY
			f.mu.Unlock()
		case 6:
			var resume struct {
				SessionID string `json:"session_id"`
				Seq       int    `json:"seq"`
			}
			json.Unmarshal(msg.D, &resume)
			f.mu.Lock()
			f.resumePaths = append(f.resumePaths, r.URL.Path)
			s := f.sessions[resume.SessionID]
			if s == nil || !s.valid {
				f.mu.Unlock()
				write(map[string]any{"op": 9, "d": false})
				continue
			}
			sess = s
			f.current = s
			f.conn, f.connWMu, f.live[c] = c, &wmu, &wmu
			f.resumes++
			for _, e := range s.events {
				if e.S > resume.Seq {
					write(map[string]any{"op": 0, "t": e.T, "s": e.S, "d": e.D})
				}
			}
			f.seq++
			write(map[string]any{"op": 0, "t": "RESUMED", "s": f.seq, "d": map[string]any{}})
			f.mu.Unlock()
		}
	}
}

// closed notes the end of connection c: a close frame with 1000 or 1001
// from the client ends its session.
func (f *fakeDiscord) closed(c *websocket.Conn, sess *gwSession, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.live, c)
	if f.conn == c {
		f.conn = nil
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		f.closeCodes = append(f.closeCodes, ce.Code)
		if sess != nil && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
			sess.valid = false
		}
	}
}

func (f *fakeDiscord) writeConn(c *websocket.Conn, wmu *sync.Mutex, v any) {
	wmu.Lock()
	defer wmu.Unlock()
	c.WriteJSON(v)
}

// dispatch sends one gateway event to the bot, or keeps it in the session
// for a resume while the session has no working connection.
func (f *fakeDiscord) dispatch(event string, d any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.current == nil {
		f.t.Fatal("fake discord: no gateway session")
	}
	f.seq++
	f.current.events = append(f.current.events, gwEvent{f.seq, event, d})
	if f.conn == nil || f.conn == f.stalled {
		return
	}
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

// connected reports whether the current session has a working connection.
func (f *fakeDiscord) connected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conn != nil && f.conn != f.stalled
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

// stall turns the current connection into a zombie: it stays open, but
// heartbeats get no ACK and events are not delivered.
func (f *fakeDiscord) stall() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stalled = f.conn
}

// serverClose closes the current connection from Discord's side with code,
// keeping TCP open a while for the closing handshake.
func (f *fakeDiscord) serverClose(code int) {
	f.mu.Lock()
	c, wmu := f.conn, f.connWMu
	f.conn = nil
	f.mu.Unlock()
	if c == nil {
		return
	}
	wmu.Lock()
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	wmu.Unlock()
	time.AfterFunc(1500*time.Millisecond, func() { c.Close() })
}

// sendOp sends a gateway opcode (7 reconnect, 9 invalid session) on the
// current connection, which then gets no more events. After op 9 with
// resumable false, the session is gone.
func (f *fakeDiscord) sendOp(op int, d any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conn == nil {
		f.t.Fatal("fake discord: no gateway connection")
	}
	f.writeConn(f.conn, f.connWMu, map[string]any{"op": op, "d": d})
	if op == 9 && d == false {
		f.current.valid = false
	}
	f.conn = nil
}

// gatewayLog is what clients did on the gateway so far.
func (f *fakeDiscord) gatewayLog() (closeCodes []int, identifies []time.Time, resumePaths []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.closeCodes), slices.Clone(f.identifies), slices.Clone(f.resumePaths)
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
