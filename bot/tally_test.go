package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func TestTallyFlushesSums(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 11, 25, 15, 4, 0, 0, time.UTC)
	tally := &bot.Tally{Recorder: db, Now: func() time.Time { return day }}
	e, _ := knowledgetest.MustDefault(t).Entry("vaginismus")
	for i := 0; i < 5; i++ {
		tally.Add(knowledge.Reply{Kind: knowledge.KindAnswer, Entry: e})
	}
	tally.Add(knowledge.Reply{Kind: knowledge.KindFallback})
	tally.Flush(context.Background())
	tally.Flush(context.Background()) // nothing left: counts must not double
	st, err := db.Stats(context.Background(), day.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	if st.Questions != 6 {
		t.Errorf("questions = %d, want 6", st.Questions)
	}
	if len(st.Top) == 0 || st.Top[0].EntryID != "vaginismus" || st.Top[0].Count != 5 {
		t.Errorf("top = %+v, want vaginismus ×5", st.Top)
	}
}

// flakyRecorder sums CountQuestions, or fails it while err is set.
type flakyRecorder struct {
	store.Recorder // the other methods are not used
	mu             sync.Mutex
	err            error
	n              int
}

func (r *flakyRecorder) CountQuestions(_ context.Context, _, _ string, _ time.Time, n int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.n += n
	return nil
}

func (r *flakyRecorder) set(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

func (r *flakyRecorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

func addReplies(t *bot.Tally, n int) {
	for range n {
		t.Add(knowledge.Reply{Kind: knowledge.KindFallback})
	}
}

// TestTallyKeepsCountsOnFailedWrite: a failed write (a full disk) keeps the
// counts for the next flush instead of dropping them.
func TestTallyKeepsCountsOnFailedWrite(t *testing.T) {
	rec := &flakyRecorder{}
	tally := &bot.Tally{Recorder: rec}
	addReplies(tally, 200)
	rec.set(errors.New("count questions: database or disk is full"))
	if err := tally.Flush(context.Background()); err == nil {
		t.Error("Flush on a full disk returned no error")
	}
	addReplies(tally, 3)
	rec.set(nil)
	if err := tally.Flush(context.Background()); err != nil {
		t.Fatalf("Flush once the disk has room: %v", err)
	}
	if got, want := rec.total(), 203; got != want {
		t.Errorf("%d replies counted, want %d", got, want)
	}
	rec.set(store.ErrInvalid)
	addReplies(tally, 1)
	tally.Flush(context.Background())
	rec.set(nil)
	tally.Flush(context.Background())
	if got, want := rec.total(), 203; got != want {
		t.Errorf("%d replies counted after an invalid count, want %d (dropped, not retried forever)", got, want)
	}
}

// TestTallyRunFlushesOftenAndOnStop: Run writes within a couple of seconds
// at its default interval, once more when its context ends (SIGTERM), and
// replies still in flight after that are written at once.
func TestTallyRunFlushesOftenAndOnStop(t *testing.T) {
	if bot.TallyFlushEvery > 2*time.Second {
		t.Errorf("TallyFlushEvery = %v, want at most 2s (what a crash loses)", bot.TallyFlushEvery)
	}
	rec := &flakyRecorder{}
	tally := &bot.Tally{Recorder: rec}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- tally.Run(ctx, 0) }()
	addReplies(tally, 2)
	bottest.WaitFor(t, "a flush at the default interval", func() bool { return rec.total() == 2 })

	// A write fails while the process is being stopped: the last flush
	// still writes it.
	rec.set(errors.New("database is locked"))
	addReplies(tally, 3)
	time.Sleep(2 * bot.TallyFlushEvery)
	rec.set(nil)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := rec.total(), 5; got != want {
		t.Errorf("after stop, %d replies counted, want %d", got, want)
	}
	addReplies(tally, 1) // a reply in flight during shutdown
	if got, want := rec.total(), 6; got != want {
		t.Errorf("a reply after Run ended: %d counted, want %d", got, want)
	}
}
