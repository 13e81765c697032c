package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
)

// TallyFlushEvery is how often Run writes the counts: what a crash can lose.
const TallyFlushEvery = 2 * time.Second

// tallyStopTimeout bounds the last writes, once Run has been told to stop.
const tallyStopTimeout = 5 * time.Second

// Tally counts replies in memory and writes the sums to the store from time
// to time, so answering never waits for the database. It holds only
// (day, kind, entry) counts: nothing about who asked or what.
//
// Counts are not lost to a failed write: they are kept for the next flush
// (unless the store refuses them as invalid). Once Run has ended, as the
// process shuts down, each Add is written at once, so replies still in
// flight are counted too.
type Tally struct {
	Recorder store.Recorder
	Log      *slog.Logger
	Now      func() time.Time

	flushing sync.Mutex // one flush at a time

	mu      sync.Mutex
	counts  map[tallyKey]int
	stopped bool // Run has ended: Add writes through
	failing bool // the last flush failed (logged once, until a flush succeeds)
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
	stopped := t.stopped
	t.mu.Unlock()
	if stopped {
		ctx, cancel := context.WithTimeout(context.Background(), tallyStopTimeout)
		defer cancel()
		t.Flush(ctx)
	}
}

// Flush writes the counts gathered so far. Counts whose write fails are
// kept for the next flush, except those the store refuses as invalid; the
// error says how many were kept or dropped.
func (t *Tally) Flush(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.flushing.Lock()
	defer t.flushing.Unlock()
	t.mu.Lock()
	counts := t.counts
	t.counts = nil
	t.mu.Unlock()

	var first error
	kept, dropped := 0, 0
	failed := map[tallyKey]int{}
	for k, n := range counts {
		day, _ := time.Parse(time.DateOnly, k.day)
		err := t.Recorder.CountQuestions(ctx, k.kind, k.entry, day, n)
		switch {
		case err == nil:
			continue
		case errors.Is(err, store.ErrInvalid):
			dropped += n // it would fail again at every flush
		default:
			failed[k] = n
			kept += n
		}
		if first == nil {
			first = err
		}
	}
	t.mu.Lock()
	if len(failed) > 0 && t.counts == nil {
		t.counts = map[tallyKey]int{}
	}
	for k, n := range failed {
		t.counts[k] += n
	}
	wasFailing := t.failing
	t.failing = first != nil
	t.mu.Unlock()

	if first == nil {
		if wasFailing {
			t.log().Info("counting replies again", slog.String(LogEvent, "tally"))
		}
		return nil
	}
	err := fmt.Errorf("count replies: %d kept for the next flush, %d dropped: %w", kept, dropped, first)
	if !wasFailing || dropped > 0 {
		// Once per outage, not at every flush.
		t.log().Error("count replies", slog.String(LogEvent, "tally"), slog.String(LogError, err.Error()))
	}
	return err
}

func (t *Tally) log() *slog.Logger {
	if t.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return t.Log
}

// Run flushes every interval (TallyFlushEvery when every is 0) until ctx
// ends, then once more before it returns; from then on each Add is written
// at once.
func (t *Tally) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = TallyFlushEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			t.mu.Lock()
			t.stopped = true
			t.mu.Unlock()
			stop, cancel := context.WithTimeout(context.Background(), tallyStopTimeout)
			defer cancel()
			t.Flush(stop)
			return nil
		case <-tick.C:
			t.Flush(ctx)
		}
	}
}
