package discord

// Overload shedding for HTTP interactions: past what the process can answer
// in time, an interaction gets a short "busy, please retry" reply at once
// instead of waiting in line until it misses Discord's 3-second window
// (Discord then shows "This interaction failed" and the work is lost anyway).

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Defaults of HTTPServer's shedding.
const (
	// AnswersPerCore sizes the interactions answered at once. Answering is
	// CPU work (about half a millisecond), so more answers at once than
	// cores only make each wait for a core, and the goroutines that read
	// new requests wait behind them: on 2 busy cores, 4 per core gave 1.5 to
	// 3 times the p99 of 1 per core under overload, and fewer answers per
	// second (BenchmarkOverload).
	AnswersPerCore = 1
	// DefaultMaxWait is how long an interaction may wait for its turn.
	DefaultMaxWait = 250 * time.Millisecond
	// WaitingPerTurn bounds the interactions waiting for a turn, and so
	// the memory they hold (a goroutine, the body, the connection's
	// buffers: about 10 KB each): past it an interaction is shed without
	// waiting. A turn answers about a thousand a second, so this is roughly
	// what it can take up within DefaultMaxWait. With 16 per turn, 15% of a
	// 10-minute run at 2,000/s from 64 clients was shed, bursts the server
	// then caught up with; with 128, none.
	WaitingPerTurn = 128
)

// Reasons an interaction was shed, for the metric.
const (
	ShedWait  = "wait"  // no turn within the wait
	ShedQueue = "queue" // too many waiting already
)

// busyText is the whole reply to a shed interaction.
const busyText = "I'm very busy right now, please try again in a moment."

// busyResponse is the reply to a shed interaction: only the person who
// asked sees it (flags 64), and it mentions no one.
func busyResponse() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         busyText,
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions(),
		},
	}
}

// turns hands out a bounded number of turns to answer. Waiters are served
// in arrival order (a channel's blocked senders queue), each for at most
// wait.
type turns struct {
	slots      chan struct{}
	wait       time.Duration
	waiting    atomic.Int64
	maxWaiting int64
}

// newTurns gives n turns (0: AnswersPerCore per core) and waits at most
// wait (0: DefaultMaxWait) for one.
func newTurns(n int, wait time.Duration) *turns {
	if n <= 0 {
		n = AnswersPerCore * runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultMaxWait
	}
	return &turns{slots: make(chan struct{}, n), wait: wait, maxWaiting: int64(n * WaitingPerTurn)}
}

// take returns once the caller may answer (ok, and it must call done), or
// with the reason it may not: no turn came within the wait, too many wait
// already, or ctx ended.
func (t *turns) take(ctx context.Context) (ok bool, reason string) {
	select {
	case t.slots <- struct{}{}:
		return true, ""
	default:
	}
	if t.waiting.Add(1) > t.maxWaiting {
		t.waiting.Add(-1)
		return false, ShedQueue
	}
	defer t.waiting.Add(-1)
	timer := time.NewTimer(t.wait)
	defer timer.Stop()
	select {
	case t.slots <- struct{}{}:
		return true, ""
	case <-timer.C:
		return false, ShedWait
	case <-ctx.Done():
		return false, ShedWait
	}
}

// done gives the turn back.
func (t *turns) done() { <-t.slots }
