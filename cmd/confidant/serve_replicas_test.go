package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

// syncBuffer is a log that several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveProc is one serve process, run in this test process.
type serveProc struct {
	log    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs serve with args and env until the test ends or stop.
func startServe(t *testing.T, env map[string]string, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &serveProc{log: new(syncBuffer), cancel: cancel, done: make(chan error, 1)}
	go func() {
		p.done <- run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), new(syncBuffer), p.log, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends the process as SIGTERM would and waits for it.
func (p *serveProc) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	if err := <-p.done; err != nil {
		t.Errorf("serve: %v\n%s", err, p.log)
	}
	p.done <- nil // a second stop returns at once
}

const testSharedKey = "a-test-secret-of-at-least-32-characters"

// TestServeGatewayFailsOver: two serve processes run the gateway on one
// PostgreSQL database: one connects, the other takes over within seconds
// when it stops, and no direct message is answered twice, not even one
// Discord delivers again to the new holder.
func TestServeGatewayFailsOver(t *testing.T) {
	f := newFakeDiscord(t)
	env := map[string]string{"DISCORD_TOKEN": "test-token", "CONFIDANT_DISCORD_API": f.srv.URL,
		"CONFIDANT_DATA": pgtest.SchemaURL(t), "CONFIDANT_METRICS_ADDR": "off", "CONFIDANT_SHARED_KEY": testSharedKey}
	procs := []*serveProc{startServe(t, env), startServe(t, env)}
	bottest.WaitFor(t, "one process to connect to the gateway", func() bool { live, _, _ := f.state(); return live == 1 })
	time.Sleep(3 * time.Second) // the other keeps waiting
	if live, identifies, _ := f.state(); live != 1 || identifies != 1 {
		t.Fatalf("%d connections, %d identified in all; want 1 and 1", live, identifies)
	}
	f.dm("5000000000000000001", "c1", "what is vaginismus")
	bottest.WaitFor(t, "the reply", func() bool { _, _, posts := f.state(); return posts["c1"] == 1 })

	holder := -1
	for i, p := range procs {
		if strings.Contains(p.log.String(), "event=lock-held") {
			holder = i
		}
	}
	if holder < 0 {
		t.Fatal("no process logged that it holds the gateway lock")
	}
	start := time.Now()
	procs[holder].stop(t)
	bottest.WaitFor(t, "the other process to connect", func() bool { live, identifies, _ := f.state(); return live == 1 && identifies == 2 })
	t.Logf("the other process connected %v after the holder was stopped", time.Since(start))

	f.dm("5000000000000000002", "c2", "how do I find a sex therapist")
	f.dm("5000000000000000001", "c1", "what is vaginismus") // delivered again
	bottest.WaitFor(t, "the reply to the new message", func() bool { _, _, posts := f.state(); return posts["c2"] == 1 })
	time.Sleep(500 * time.Millisecond)
	if _, _, posts := f.state(); posts["c1"] != 1 || posts["c2"] != 1 {
		t.Errorf("replies per channel = %v, want one each: a message was answered twice", posts)
	}
}
