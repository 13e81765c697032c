package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
)

// shardDiscord is a Discord on 127.0.0.1 that notes the shard of every
// IDENTIFY, recommends Shards shards from GET /gateway/bot and records the
// REST calls made.
type shardDiscord struct {
	srv    *httptest.Server
	shards int

	mu         sync.Mutex
	identified []string // each IDENTIFY's "shard", as JSON ("" when absent)
	rest       []string // "METHOD path" of each REST call
}

func newShardDiscord(t *testing.T, shards int) *shardDiscord {
	f := &shardDiscord{shards: shards}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"url":"ws://%s/ws"}`, r.Host)
	})
	mux.HandleFunc("/api/v9/gateway/bot", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.rest = append(f.rest, r.Method+" /gateway/bot")
		f.mu.Unlock()
		fmt.Fprintf(w, `{"url":"ws://%s/ws","shards":%d,"session_start_limit":{"total":1000,"remaining":1000,"reset_after":0,"max_concurrency":1}}`, r.Host, f.shards)
	})
	mux.HandleFunc("/api/v9/", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.rest = append(f.rest, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/api/v9"))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "[]")
	})
	mux.HandleFunc("/ws/", f.serveGateway)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *shardDiscord) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	var wmu sync.Mutex
	write := func(v any) {
		wmu.Lock()
		defer wmu.Unlock()
		c.WriteJSON(v)
	}
	write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}})
	for {
		var msg struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"` // a number in heartbeats
		}
		if err := c.ReadJSON(&msg); err != nil {
			return
		}
		switch msg.Op {
		case 1:
			write(map[string]any{"op": 11})
		case 2:
			var identify struct {
				Shard json.RawMessage `json:"shard"`
			}
			json.Unmarshal(msg.D, &identify)
			f.mu.Lock()
			f.identified = append(f.identified, string(identify.Shard))
			n := len(f.identified)
			f.mu.Unlock()
			write(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{
				"v": 9, "session_id": fmt.Sprintf("sess%d", n),
				"user":   map[string]any{"id": "900", "username": "confidant", "bot": true},
				"guilds": []any{}, "private_channels": []any{}, "application": map[string]any{"id": "900"}}})
		}
	}
}

func (f *shardDiscord) state() (identified, rest []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.identified), slices.Clone(f.rest)
}

// runShard runs a gateway connection with the shard settings id and count
// against f until the test ends. wait waits at most 10 s for Run to return
// and gives its error, or false when it has not returned.
func runShard(t *testing.T, f *shardDiscord, id, count int) (wait func() (error, bool)) {
	t.Helper()
	cfg := discord.DiscordConfig{Token: "test-token", API: f.srv.URL, ShardID: id, ShardCount: count, ShutdownWait: time.Second}
	d, err := discord.NewDiscord(cfg, bottest.MustResponder(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var runErr error
	go func() { runErr = d.Run(ctx); close(done) }()
	wait = func() (error, bool) {
		select {
		case <-done:
			return runErr, true
		case <-time.After(10 * time.Second):
			return nil, false
		}
	}
	t.Cleanup(func() {
		cancel()
		if _, ok := wait(); !ok {
			t.Error("the gateway connection did not close")
		}
	})
	return wait
}

func TestIdentifyCarriesShard(t *testing.T) {
	for _, tc := range []struct {
		name      string
		id, count int
		recommend int    // what /gateway/bot says
		want      string // IDENTIFY's shard
	}{
		{name: "unsharded", id: 0, count: 0, want: ""},
		{name: "shard 1 of 2", id: 1, count: 2, want: "[1,2]"},
		{name: "shard 0 of 2", id: 0, count: 2, want: "[0,2]"},
		{name: "auto", id: 2, count: discord.AutoShards, recommend: 3, want: "[2,3]"},
		{name: "auto recommends one", id: 0, count: discord.AutoShards, recommend: 1, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newShardDiscord(t, tc.recommend)
			runShard(t, f, tc.id, tc.count)
			bottest.WaitFor(t, "IDENTIFY", func() bool { ids, _ := f.state(); return len(ids) == 1 })
			time.Sleep(200 * time.Millisecond) // time to register the commands, if it does
			ids, rest := f.state()
			if got := ids[0]; got != tc.want {
				t.Errorf("IDENTIFY shard = %q, want %q", got, tc.want)
			}
			registered := slices.Contains(rest, "PUT /applications/900/commands")
			if want := tc.id == 0; registered != want {
				t.Errorf("commands registered = %v, want %v (REST calls %q): only shard 0 registers them", registered, want, rest)
			}
			askedCount := slices.Contains(rest, "GET /gateway/bot")
			if want := tc.count == discord.AutoShards; askedCount != want {
				t.Errorf("asked /gateway/bot = %v, want %v", askedCount, want)
			}
		})
	}
}

func TestAutoShardBeyondRecommended(t *testing.T) {
	f := newShardDiscord(t, 2)
	err, ok := runShard(t, f, 2, discord.AutoShards)()
	if !ok {
		t.Fatal("Run kept going with shard 2 of the 2 Discord recommends")
	}
	if err == nil || !strings.Contains(err.Error(), "CONFIDANT_SHARD_ID 2 is not below the 2 shards Discord recommends") {
		t.Errorf("Run = %v, want the shard id named as out of range", err)
	}
	if ids, _ := f.state(); len(ids) != 0 {
		t.Errorf("identified %d times, want none", len(ids))
	}
}

func TestShardSettings(t *testing.T) {
	for _, tc := range []struct {
		name, id, count string
		wantID, want    int
		problems        []string // each must appear in the error; none: valid
	}{
		{name: "defaults", want: 1},
		{name: "shard 3 of 4", id: "3", count: "4", wantID: 3, want: 4},
		{name: "auto", id: "1", count: " Auto ", wantID: 1, want: discord.AutoShards},
		{name: "not numbers", id: "one", count: "many", want: 1,
			problems: []string{`CONFIDANT_SHARD_ID "one" must be a whole number`, `CONFIDANT_SHARD_COUNT "many" must be a whole number`}},
		{name: "id not below count", id: "2", count: "2", wantID: 2, want: 2,
			problems: []string{"CONFIDANT_SHARD_ID 2 must be below CONFIDANT_SHARD_COUNT 2"}},
		{name: "negative", id: "-1", count: "-3", wantID: -1, want: -3,
			problems: []string{"CONFIDANT_SHARD_ID -1 must be 0 or more", "CONFIDANT_SHARD_COUNT -3 must be 1 or more"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, count, perr := discord.ParseShards(tc.id, tc.count)
			if id != tc.wantID || count != tc.want {
				t.Errorf("ParseShards(%q, %q) = %d, %d; want %d, %d", tc.id, tc.count, id, count, tc.wantID, tc.want)
			}
			cfg := discord.DiscordConfig{Token: "t", ShardID: id, ShardCount: count}
			err := fmt.Sprint(perr, " ", cfg.Validate())
			if len(tc.problems) == 0 && err != "<nil> <nil>" {
				t.Errorf("problems %q, want none", err)
			}
			for _, p := range tc.problems {
				if !strings.Contains(err, p) {
					t.Errorf("problems %q, want %q among them", err, p)
				}
			}
		})
	}
}
