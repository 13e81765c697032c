package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
// restart: it loads and validates the whole directory (knowledge.LoadRoot:
// nothing outside the folder is read), builds a complete new
// index beside the old one and swaps it in atomically. Questions already
// being answered finish on the old library, whose index is closed as soon
// as they have (see Responder.Acquire). A corpus that fails validation is
// never served: the old one stays.
//
// Reloads are bounded whatever asks for them (saves, /faq reload, the
// watcher): one runs at a time, requests made meanwhile share the single
// reload that runs next, and a folder whose files have not changed since
// the last reload is not loaded again (its result is given again).
type Reloader struct {
	Dir string
	// Source, when set, is read instead of Dir: a corpus that several
	// processes share in a database.
	Source    CorpusSource
	Responder *Responder
	Options   index.Options
	Log       *slog.Logger
	Metrics   *metrics.Metrics

	mu      sync.Mutex // guards the fields below
	running bool       // a reload is in flight
	pending *reload    // the reload that runs next; requests join it
	last    time.Time
	lastOK  bool
	// seen is the fingerprint of the files the last reload decided on
	// (served, or refused as invalid), with that reload's result.
	seen       string
	seenReport knowledge.Report
	seenErr    error
}

// CorpusSource is a corpus kept elsewhere than in a folder of this machine.
type CorpusSource interface {
	// Snapshot returns the files of the corpus as they are now, laid out
	// as a corpus folder, and a fingerprint that changes whenever they do.
	// It fails when they cannot be read (a database that is down); the
	// corpus being served then stays.
	Snapshot() (files fs.FS, fingerprint string, err error)
}

// reload is one run of the reloader, shared by every request it serves.
type reload struct {
	done   chan struct{}
	report knowledge.Report
	err    error
}

// Reload loads the directory again and waits for the result. On failure it
// returns the problems (a *knowledge.ValidationError when the corpus is
// invalid) and changes nothing. A request made while a reload runs waits
// for the next one, which sees every change made before the request.
func (rl *Reloader) Reload() (knowledge.Report, error) {
	req := rl.request()
	<-req.done
	return req.report, req.err
}

// Trigger asks for a reload like Reload, without waiting for it: for
// watchers, which would otherwise need a goroutine per request.
func (rl *Reloader) Trigger() { rl.request() }

func (rl *Reloader) request() *reload {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	req := rl.pending
	if req == nil {
		req = &reload{done: make(chan struct{})}
		if rl.running {
			rl.pending = req
		} else {
			rl.running = true
			go rl.run(req)
		}
	}
	return req
}

// Serving tells the reloader that the responder already serves the files
// whose fingerprint is fp (loaded at start-up), so that a reload of the same
// files does not build their index again.
func (rl *Reloader) Serving(fp string, report knowledge.Report) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.seen, rl.seenReport, rl.seenErr = fp, report, nil
	rl.last, rl.lastOK = time.Now(), true
}

// run runs req, then the reloads requested meanwhile, one at a time.
func (rl *Reloader) run(req *reload) {
	for req != nil {
		req.report, req.err = rl.reload()
		close(req.done)
		rl.mu.Lock()
		req, rl.pending = rl.pending, nil
		rl.running = req != nil
		rl.mu.Unlock()
	}
}

func (rl *Reloader) reload() (knowledge.Report, error) {
	if rl.Source != nil {
		files, fp, err := rl.Source.Snapshot()
		if err != nil {
			rl.Metrics.CorpusLoaded(0, "error")
			rl.mu.Lock()
			rl.last, rl.lastOK = time.Now(), false
			rl.mu.Unlock()
			rl.log().Error("reload failed: the corpus could not be read; still serving the previous one",
				slog.String(LogEvent, "reload-unreadable"), slog.String(LogError, err.Error()))
			return knowledge.Report{}, fmt.Errorf("reload: %w", err)
		}
		return rl.decide(fp, nil, func() (*knowledge.Corpus, knowledge.Report, error) { return knowledge.Load(files) }, func() {})
	}
	// Read under the folder's lock, shared: a change (knowledge.Dir, in
	// this process or another) holds it until all its files are written,
	// so a reload never sees half of one. The index is built after.
	unlock, err := knowledge.ReadLock(rl.Dir)
	if err != nil {
		rl.Metrics.CorpusLoaded(0, "error")
		return knowledge.Report{}, fmt.Errorf("reload: %w", err)
	}
	// The fingerprint is taken before the load: a change made in between
	// (by hand, without the lock) is then seen by the next reload.
	fp, fpErr := knowledge.Fingerprint(rl.Dir)
	return rl.decide(fp, fpErr, func() (*knowledge.Corpus, knowledge.Report, error) { return knowledge.LoadRoot(rl.Dir) }, unlock)
}

// decide serves the files whose fingerprint is fp (fpErr when it could not
// be taken) unless they are those of the last decided reload, loading them
// with load; unlock is called once they are read.
func (rl *Reloader) decide(fp string, fpErr error, load func() (*knowledge.Corpus, knowledge.Report, error), unlock func()) (knowledge.Report, error) {
	rl.mu.Lock()
	if fpErr == nil && fp == rl.seen {
		report, err := rl.seenReport, rl.seenErr
		rl.last, rl.lastOK = time.Now(), err == nil
		rl.mu.Unlock()
		unlock()
		rl.Metrics.CorpusLoaded(0, "unchanged")
		return report, err
	}
	rl.mu.Unlock()
	c, report, err := load()
	unlock()
	decided := true
	if err != nil {
		rl.Metrics.CorpusLoaded(0, "invalid")
		rl.log().Error("reload refused: the corpus is not valid; still serving the previous one",
			slog.String(LogEvent, "reload-failed"), slog.Int("errors", report.Errors()))
	} else {
		decided, err = rl.serve(c)
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.last, rl.lastOK = time.Now(), err == nil
	rl.seen = ""
	if decided && fpErr == nil {
		rl.seen, rl.seenReport, rl.seenErr = fp, report, err
	}
	return report, err
}

// CheckCorpus is what a corpus must pass besides loading to be served: the
// crisis canaries (safety.CheckCanaries), which a reload checks on the
// library it builds. A change saved elsewhere than in a folder (a database)
// is checked with it before it is saved.
func CheckCorpus(c *knowledge.Corpus) error {
	return safety.CheckCanaries(safety.New(c.Triage))
}

// serve indexes and checks a loaded corpus and serves it. decided is false
// when the failure may pass on its own (building the index), so that the
// same files are tried again.
func (rl *Reloader) serve(c *knowledge.Corpus) (decided bool, err error) {
	lib, err := NewLibrary(c, rl.Options)
	if err != nil {
		rl.Metrics.CorpusLoaded(0, "error")
		return false, fmt.Errorf("reload: %w", err)
	}
	if err := safety.CheckCanaries(lib.Triage); err != nil {
		rl.Metrics.CorpusLoaded(0, "invalid")
		lib.Index.Close()
		rl.log().Error("reload refused: crisis canaries fail; still serving the previous one", slog.String(LogEvent, "reload-canaries"))
		return true, fmt.Errorf("reload refused: %w", err)
	}
	old := rl.Responder.Swap(lib)
	rl.Metrics.CorpusLoaded(len(c.Entries), "ok")
	rl.log().Info("corpus reloaded", slog.String(LogEvent, "reloaded"), slog.Int("entries", len(c.Entries)))
	libraryHolds.retire(rl.Responder, old)
	return true, nil
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
