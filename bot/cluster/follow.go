package cluster

// Every process follows the corpus in the database.

import (
	"context"
	"log/slog"
	"time"

	"github.com/confidant-bot/confidant/bot"
)

// Watcher tells a process that the corpus in the database may have
// changed (package postgres).
type Watcher interface {
	// WatchCorpus calls changed each time it starts listening (again) and
	// after each committed change, and failed when its connection fails,
	// before it connects again; it returns when ctx ends.
	WatchCorpus(ctx context.Context, changed func(), failed func(error))
}

// Reloads asks for a reload without waiting for it (*bot.Reloader), which
// coalesces the requests.
type Reloads interface{ Trigger() }

// retryEvery is how often Follow tries again to read a corpus that could
// not be read.
const retryEvery = 2 * time.Second

// Follow keeps rl serving the corpus c until ctx ends: rl reloads in the
// background as soon as any process commits a change, and again when the
// database is back after an outage, until a reload can read it. Meanwhile
// the process keeps serving the corpus it last loaded.
func (c *Corpus) Follow(ctx context.Context, w Watcher, rl Reloads, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	failing := false // since the last success: log one error per outage
	changed := func() {
		if failing {
			failing = false
			log.Info("corpus watch restored: catching up", slog.String(bot.LogEvent, "corpus-watch-restored"))
		}
		rl.Trigger()
	}
	failed := func(err error) {
		if !failing {
			log.Error("corpus watch failed: serving the last corpus loaded until the database is back",
				slog.String(bot.LogEvent, "corpus-watch-failed"), slog.String(bot.LogError, err.Error()))
		}
		failing = true
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(retryEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if c.unread.Load() {
					rl.Trigger()
				}
			}
		}
	}()
	w.WatchCorpus(ctx, changed, failed)
	<-done
}
