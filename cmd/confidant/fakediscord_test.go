package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// fakeDiscord is a small Discord on 127.0.0.1 for serve processes: a
// gateway (HELLO, IDENTIFY, READY, heartbeat ACKs, dispatches) and the REST
// calls serve makes, recording the messages the bot sends.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	live       map[*websocket.Conn]*sync.Mutex // identified connections, with their write locks
	identifies int
	seq        int
	posts      map[string]int    // message creations per channel
	followups  map[string]string // the content of interaction follow-ups, by interaction token
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{t: t, live: map[*websocket.Conn]*sync.Mutex{}, posts: map[string]int{}, followups: map[string]string{}}
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

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	wmu := new(sync.Mutex)
	write := func(v any) {
		wmu.Lock()
		defer wmu.Unlock()
		c.WriteJSON(v)
	}
	write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}})
	defer func() {
		f.mu.Lock()
		delete(f.live, c)
		f.mu.Unlock()
		c.Close()
	}()
	for {
		var msg struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&msg); err != nil {
			return
		}
		switch msg.Op {
		case 1:
			write(map[string]any{"op": 11})
		case 2:
			f.mu.Lock()
			f.identifies++
			f.seq++
			write(map[string]any{"op": 0, "t": "READY", "s": f.seq, "d": map[string]any{
				"v": 9, "session_id": fmt.Sprintf("sess%d", f.identifies),
				"user":   map[string]any{"id": "900", "username": "confidant", "bot": true},
				"guilds": []any{}, "private_channels": []any{}, "application": map[string]any{"id": "900"}}})
			f.live[c] = wmu
			f.mu.Unlock()
		}
	}
}

func (f *fakeDiscord) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	w.Header().Set("Content-Type", "application/json")
	if parts := strings.Split(path, "/"); r.Method == http.MethodPost && len(parts) == 4 && parts[1] == "webhooks" {
		var msg struct {
			Content string `json:"content"`
		}
		json.Unmarshal(body, &msg)
		f.mu.Lock()
		f.followups[parts[3]] = msg.Content
		f.mu.Unlock()
		fmt.Fprint(w, `{"id":"1","content":""}`)
		return
	}
	if r.Method == http.MethodPost && strings.HasPrefix(path, "/channels/") && strings.HasSuffix(path, "/messages") {
		channel := strings.Split(path, "/")[2]
		f.mu.Lock()
		f.posts[channel]++
		n := f.posts[channel]
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"id": fmt.Sprintf("reply-%s-%d", channel, n), "channel_id": channel, "content": ""})
		return
	}
	fmt.Fprint(w, "[]")
}

// dm sends a direct message to every connected bot process, as Discord
// would to each process connected with the token.
func (f *fakeDiscord) dm(id, channel, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	for c, wmu := range f.live {
		wmu.Lock()
		c.WriteJSON(map[string]any{"op": 0, "t": "MESSAGE_CREATE", "s": f.seq, "d": map[string]any{
			"id": id, "channel_id": channel, "content": text, "type": 0,
			"author": map[string]any{"id": "123456789012345678", "username": "asker"}}})
		wmu.Unlock()
	}
}

// state is how many connections are identified, how many identified in
// all, and how many replies each channel got.
func (f *fakeDiscord) state() (live, identifies int, posts map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	posts = map[string]int{}
	for k, v := range f.posts {
		posts[k] = v
	}
	return len(f.live), f.identifies, posts
}

// followup is the content of the follow-up sent for the interaction with
// token, and whether there is one.
func (f *fakeDiscord) followup(token string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.followups[token]
	return c, ok
}
