package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
)

// Tally counts replies in memory and writes the sums to the store from time
// to time, so answering never waits for the database. It holds only
// (day, kind, entry) counts: nothing about who asked or what.
type Tally struct {
	Recorder store.Recorder
	Log      *slog.Logger
	Now      func() time.Time

	mu     sync.Mutex
	counts map[tallyKey]int
}

type tallyKey struct {
	day         string
	kind, entry string
}

// Add counts one reply. Safe on a nil *Tally.
func (t *Tally) Add(rep knowledge.Reply) {
	if t == nil {
		return
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	k := tallyKey{day: now().UTC().Format(time.DateOnly), kind: string(rep.Kind), entry: rep.ID()}
	t.mu.Lock()
	if t.counts == nil {
		t.counts = map[tallyKey]int{}
	}
	t.counts[k]++
	t.mu.Unlock()
}

// Flush writes the counts gathered so far.
func (t *Tally) Flush(ctx context.Context) {
	if t == nil {
		return
	}
	t.mu.Lock()
	counts := t.counts
	t.counts = nil
	t.mu.Unlock()
	for k, n := range counts {
		day, _ := time.Parse(time.DateOnly, k.day)
		if err := t.Recorder.CountQuestions(ctx, k.kind, k.entry, day, n); err != nil && t.Log != nil {
			t.Log.Error("count replies", slog.String(LogEvent, "tally"), slog.String(LogError, err.Error()))
		}
	}
}

// Run flushes every interval until ctx ends, then once more.
func (t *Tally) Run(ctx context.Context, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			t.Flush(context.Background())
			return nil
		case <-tick.C:
			t.Flush(ctx)
		}
	}
}
