package cluster

// What processes share about the people who ask: their question budgets,
// the votes and shares already counted, and the ids already handled.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/discord"
)

// State is what the database keeps about people for every process
// (package postgres): rows under keys made here, each until it expires.
type State interface {
	// TakeToken spends one question of key's budget; see
	// discord.RateLimiter for the decisions.
	TakeToken(ctx context.Context, key []byte, burst int, refill time.Duration) (allowed, notify bool, err error)
	// FirstTime records key for ttl and reports whether it is new.
	FirstTime(ctx context.Context, key []byte, ttl time.Duration) (bool, error)
	// Forget removes key.
	Forget(ctx context.Context, key []byte) error
	// SweepShared deletes the expired rows.
	SweepShared(ctx context.Context) (int64, error)
}

// MinSecretLen is the shortest secret accepted for the keys.
const MinSecretLen = 32

// CountedFor is how long a vote or share is remembered, as in one process
// (discord.Counter): a vote is keyed by its date anyway.
const CountedFor = 24 * time.Hour

// callTimeout bounds each call to the database: past it, the process
// decides alone, as it would without a database.
const callTimeout = 500 * time.Millisecond

// People is what every process on one database shares about the people
// who ask. No user ID, message ID or content is sent to the database: each
// row is keyed by an HMAC-SHA256, cut to 16 bytes, under a secret that
// every process is given (CONFIDANT_SHARED_KEY) and the database never
// sees, of what the row is for and the IDs; without the secret the rows
// cannot be turned back into IDs, not even by trying every one.
//
// When the database does not answer in time, each decision falls back to
// this process's own memory, as without a database: people keep being
// answered, and the limits are per process until it is back.
type People struct {
	state  State
	secret []byte
	log    *slog.Logger
	// failing is set during an outage; the rest, under mu, is what was
	// logged of outages (see result).
	failing atomic.Bool
	mu      sync.Mutex
	logged  time.Time // when an outage was last logged
	told    bool      // whether the current outage was logged
	alone   int64     // decisions made alone since the last "restored"
}

// quietFor is the least time between two outages logged: on a machine
// short of CPU a single call now and then takes over callTimeout, and each
// would otherwise log an error and a recovery.
const quietFor = time.Minute

// NewPeople shares state under secret, which must be at least MinSecretLen
// bytes.
func NewPeople(state State, secret string, log *slog.Logger) (*People, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("CONFIDANT_SHARED_KEY must be at least %d characters (the same random secret on every process), such as the output of: openssl rand -hex 32", MinSecretLen)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &People{state: state, secret: []byte(secret), log: log}, nil
}

// key is the HMAC of purpose and parts, each ended by a zero byte so that
// no two lists make the same input.
func (p *People) key(purpose string, parts ...string) []byte {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	for _, s := range parts {
		m.Write([]byte(s))
		m.Write([]byte{0})
	}
	return m.Sum(nil)[:16]
}

// result notes whether a call to the database worked. The first failure
// of an outage is logged, and its end with the number of decisions made
// alone since the last such message; an outage that starts within
// quietFor of the last one logged is only counted.
func (p *People) result(err error) bool {
	if err == nil {
		if p.failing.Load() {
			p.restored()
		}
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.alone++
	if p.failing.Swap(true) {
		return false
	}
	now := time.Now()
	if p.told = p.logged.IsZero() || now.Sub(p.logged) >= quietFor; p.told {
		p.logged = now
		p.log.Error("shared limits unavailable: each process decides alone until the database answers",
			slog.String(bot.LogEvent, "shared-failed"), slog.String(bot.LogError, err.Error()))
	}
	return false
}

// restored ends an outage.
func (p *People) restored() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.failing.Swap(false) || !p.told {
		return
	}
	p.log.Info("shared limits restored: the database answers again", slog.String(bot.LogEvent, "shared-restored"),
		slog.Int64("decided_alone", p.alone))
	p.alone = 0
}

// Sweep deletes expired rows every interval until ctx ends.
func (p *People) Sweep(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, err := p.state.SweepShared(cctx)
			cancel()
			if err != nil && !errors.Is(err, context.Canceled) {
				p.log.Warn("sweep of expired shared rows failed", slog.String(bot.LogEvent, "shared-sweep"), slog.String(bot.LogError, err.Error()))
			}
		}
	}
}

// Limiter is a question budget per person that every process spends from.
type Limiter struct {
	people *People
	burst  int
	refill time.Duration
	local  *discord.RateLimiter
}

var _ discord.Limiter = (*Limiter)(nil)

// Limiter allows burst questions at once and one more every refill, per
// person, counted across processes.
func (p *People) Limiter(burst int, refill time.Duration) *Limiter {
	return &Limiter{people: p, burst: burst, refill: refill, local: discord.NewRateLimiter(burst, refill)}
}

// Take spends one question of userID's budget.
func (l *Limiter) Take(userID string) discord.Allowance {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	allowed, notify, err := l.people.state.TakeToken(ctx, l.people.key("budget", userID), l.burst, l.refill)
	switch {
	case !l.people.result(err):
		return l.local.Take(userID)
	case allowed:
		return discord.Allow
	case notify:
		return discord.Notify
	}
	return discord.Drop
}

// Counter remembers, across processes, what each person had counted.
type Counter struct {
	people *People
	local  discord.Counter
}

var _ discord.Counter = (*Counter)(nil)

// Counter remembers votes and shares for CountedFor.
func (p *People) Counter() *Counter { return &Counter{people: p, local: discord.NewCounter()} }

// First reports whether userID counts what for the first time within
// CountedFor, in any process, and remembers it. An empty userID always
// counts, as in one process.
func (c *Counter) First(userID, what string, now time.Time) bool {
	if userID == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	first, err := c.people.state.FirstTime(ctx, c.people.key("counted", userID, what), CountedFor)
	if !c.people.result(err) {
		return c.local.First(userID, what, now)
	}
	return first
}

// Forget undoes First, for a count that could not be written.
func (c *Counter) Forget(userID, what string) {
	if userID == "" {
		return
	}
	c.local.Forget(userID, what)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c.people.result(c.people.state.Forget(ctx, c.people.key("counted", userID, what)))
}

// Seen remembers, across processes, which Discord ids were handled.
type Seen struct {
	people  *People
	purpose string
	ttl     time.Duration
	local   discord.Seen
}

var _ discord.Seen = (*Seen)(nil)

// Seen remembers ids for ttl; purpose keeps apart the ids of different
// uses (gateway events, HTTP interactions), and local is what the process
// remembers alone while the database does not answer.
func (p *People) Seen(purpose string, ttl time.Duration, local discord.Seen) *Seen {
	return &Seen{people: p, purpose: purpose, ttl: ttl, local: local}
}

// First records id and reports whether no process handled it within ttl.
// The process also remembers it alone, for a redelivery during an outage.
func (s *Seen) First(id string, now time.Time) bool {
	local := s.local.First(id, now)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	first, err := s.people.state.FirstTime(ctx, s.people.key("seen "+s.purpose, id), s.ttl)
	if !s.people.result(err) {
		return local
	}
	return first
}
