package cluster

// One process at a time: the gateway connection.

import (
	"context"
	"log/slog"
	"time"

	"github.com/confidant-bot/confidant/bot"
)

// Lock is a lock that one process at a time holds (postgres.Lock).
type Lock interface {
	// Try takes the lock unless another process holds it, and reports
	// whether this process holds it; an error means the database could not
	// be asked.
	Try(ctx context.Context) (bool, error)
	// Check fails when the lock may have been lost (its connection failed).
	Check(ctx context.Context) error
	// Release gives the lock up.
	Release()
}

// How RunExclusive uses its lock: a process waiting for it tries every
// TryEvery; the holder checks its lock every CheckEvery, each check within
// checkTimeout. A holder whose process dies loses the lock at once, and
// another process takes over within TryEvery.
const (
	TryEvery     = time.Second
	CheckEvery   = time.Second
	checkTimeout = 2 * time.Second
)

// RunExclusive runs run while this process holds lock, so that of any
// number of processes calling it, one runs at a time; the others wait, and
// one of them takes over when the holder stops or dies. It returns when ctx
// ends (nil), or with run's error if run fails while holding the lock.
//
// When the holder's connection to the database fails, it takes the lock
// again on a new connection. If the database answers that another process
// holds it, run's context is cancelled and the process waits again. If the
// database does not answer, run goes on: when the database is down for
// every process nobody else can take over, and the bot keeps answering;
// only when the holder alone is cut from a database that the others reach
// may two run at once until it reaches the database again, which the
// gateway's reply nonces make harmless.
func RunExclusive(ctx context.Context, lock Lock, run func(context.Context) error, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defer lock.Release()
	for {
		if !wait(ctx, lock, log) {
			return nil
		}
		log.Info("holding the gateway lock: this process connects", slog.String(bot.LogEvent, "lock-held"))
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- run(runCtx) }()
		taken, err := hold(ctx, lock, done, log)
		stop()
		if !taken {
			return err
		}
		log.Warn("another process holds the gateway lock now: disconnecting", slog.String(bot.LogEvent, "lock-lost"))
		if err := <-done; err != nil {
			log.Error("gateway stopped with an error", slog.String(bot.LogEvent, "lock-lost"), slog.String(bot.LogError, err.Error()))
		}
	}
}

// wait tries lock every TryEvery until this process holds it (true) or ctx
// ends (false).
func wait(ctx context.Context, lock Lock, log *slog.Logger) bool {
	failing := false
	for {
		held, err := lock.Try(ctx)
		switch {
		case ctx.Err() != nil:
			return false
		case held:
			return true
		case err != nil && !failing:
			failing = true
			log.Error("cannot ask the database for the gateway lock: waiting for it", slog.String(bot.LogEvent, "lock-failed"), slog.String(bot.LogError, err.Error()))
		case err == nil && failing:
			failing = false
			log.Info("another process holds the gateway lock: waiting to take over", slog.String(bot.LogEvent, "lock-waiting"))
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(TryEvery):
		}
	}
}

// hold checks the lock while run runs, until run returns (its error) or
// another process has taken the lock (taken).
func hold(ctx context.Context, lock Lock, done <-chan error, log *slog.Logger) (taken bool, err error) {
	tick := time.NewTicker(CheckEvery)
	defer tick.Stop()
	unreachable := false
	for {
		select {
		case err := <-done:
			return false, err
		case <-tick.C:
		}
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		cerr := lock.Check(cctx)
		cancel()
		if cerr == nil || ctx.Err() != nil {
			continue
		}
		tctx, cancel := context.WithTimeout(ctx, checkTimeout)
		held, terr := lock.Try(tctx)
		cancel()
		switch {
		case ctx.Err() != nil:
		case terr != nil:
			if !unreachable {
				unreachable = true
				log.Error("the database does not answer: keeping the gateway until it does",
					slog.String(bot.LogEvent, "lock-unreachable"), slog.String(bot.LogError, terr.Error()))
			}
		case held:
			if unreachable {
				unreachable = false
				log.Info("gateway lock taken again", slog.String(bot.LogEvent, "lock-held"))
			}
		default:
			return true, nil
		}
	}
}
