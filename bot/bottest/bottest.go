// Package bottest helps the tests of bot and of the packages built on it
// (the Discord adapter, the commands): the default library built once, a
// responder on it, and polling for asynchronous effects.
package bottest

import (
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

var defaultLibrary = sync.OnceValues(func() (*bot.Library, error) {
	c, _, err := knowledge.Default()
	if err != nil {
		return nil, err
	}
	return bot.NewLibrary(c, index.DefaultOptions())
})

// MustLibrary is the embedded corpus with its index, built once.
func MustLibrary(tb testing.TB) *bot.Library {
	tb.Helper()
	lib, err := defaultLibrary()
	if err != nil {
		tb.Fatalf("embedded library: %v", err)
	}
	return lib
}

// MustResponder answers from MustLibrary.
func MustResponder(tb testing.TB) *bot.Responder {
	tb.Helper()
	return bot.NewResponder(MustLibrary(tb), nil)
}

// WaitFor polls cond until it holds or the deadline passes.
func WaitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: -race on 2 busy cores
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("timed out waiting for %s", what)
}

// NewReloader serves the corpus directory dir with a fresh responder.
func NewReloader(t testing.TB, dir string) *bot.Reloader {
	t.Helper()
	c, _, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := bot.NewLibrary(c, ReloadOptions())
	if err != nil {
		t.Fatal(err)
	}
	return &bot.Reloader{Dir: dir, Responder: bot.NewResponder(lib, nil), Options: ReloadOptions()}
}

// ReloadOptions are the search options of NewReloader: the defaults without
// the learned ranker, whose training (about a second of CPU) on every
// edited corpus would only slow tests of reloading and moderation, which do
// not measure ranking.
func ReloadOptions() index.Options {
	o := index.DefaultOptions()
	o.Learned = 0
	return o
}
