package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// Reloader rebuilds the served library from a corpus directory without a
// restart: it loads and validates the whole directory, builds a complete new
// index beside the old one and swaps it in atomically. Questions already
// being answered finish on the old library. A corpus that fails validation
// is never served: the old one stays.
type Reloader struct {
	Dir       string
	Responder *Responder
	Options   index.Options
	Log       *slog.Logger
	Metrics   *metrics.Metrics

	mu     sync.Mutex // one reload at a time
	last   time.Time
	lastOK bool
}

// Reload loads the directory again. On failure it returns the problems
// (a *knowledge.ValidationError when the corpus is invalid) and changes nothing.
func (rl *Reloader) Reload() (knowledge.Report, error) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.last = time.Now()
	c, report, err := knowledge.LoadDir(rl.Dir)
	if err != nil {
		rl.lastOK = false
		rl.Metrics.CorpusLoaded(0, "invalid")
		rl.log().Error("reload refused: the corpus is not valid; still serving the previous one",
			slog.String(LogEvent, "reload-failed"), slog.Int("errors", report.Errors()))
		return report, err
	}
	lib, err := NewLibrary(c, rl.Options)
	if err != nil {
		rl.lastOK = false
		rl.Metrics.CorpusLoaded(0, "error")
		return report, fmt.Errorf("reload: %w", err)
	}
	if err := safety.CheckCanaries(lib.Triage); err != nil {
		rl.lastOK = false
		rl.Metrics.CorpusLoaded(0, "invalid")
		lib.Index.Close()
		rl.log().Error("reload refused: crisis canaries fail; still serving the previous one", slog.String(LogEvent, "reload-canaries"))
		return report, fmt.Errorf("reload refused: %w", err)
	}
	old := rl.Responder.Swap(lib)
	rl.lastOK = true
	rl.Metrics.CorpusLoaded(len(c.Entries), "ok")
	rl.log().Info("corpus reloaded", slog.String(LogEvent, "reloaded"), slog.Int("entries", len(c.Entries)))
	if old != nil && old.Index != nil {
		// Questions that started on the old library may still be searching it.
		time.AfterFunc(time.Minute, func() { old.Index.Close() })
	}
	return report, nil
}

// LastReload is when the last reload ran and whether it succeeded.
func (rl *Reloader) LastReload() (time.Time, bool) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return rl.last, rl.lastOK
}

func (rl *Reloader) log() *slog.Logger {
	if rl.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return rl.Log
}

// Watch reloads after the directory changes, once things have been quiet
// for debounce, until ctx ends.
func (rl *Reloader) Watch(ctx context.Context, debounce time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch corpus: %w", err)
	}
	defer w.Close()
	for _, d := range []string{rl.Dir, filepath.Join(rl.Dir, knowledge.EntriesDir)} {
		if err := w.Add(d); err != nil {
			return fmt.Errorf("watch %s: %w", d, err)
		}
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("watch corpus: watcher closed")
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(debounce, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case <-fire:
			rl.Reload() // failures are logged and keep the old corpus
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("watch corpus: watcher closed")
			}
			rl.log().Error("watch corpus", slog.String(LogEvent, "watch-error"), slog.String(LogError, err.Error()))
		}
	}
}
