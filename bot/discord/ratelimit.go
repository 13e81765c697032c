package discord

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// RateLimiter gives each person a small budget of questions that refills
// over time. People are keyed by an HMAC of their Discord user ID under a
// random key made at start-up and never stored, so the table cannot be
// turned back into IDs; entries idle for a while are dropped.
type RateLimiter struct {
	mu      sync.Mutex
	key     []byte
	burst   float64
	refill  time.Duration // time to regain one question
	idle    time.Duration
	buckets map[string]*bucket
	now     func() time.Time
	lastGC  time.Time
}

type bucket struct {
	tokens   float64
	last     time.Time
	notified bool // the "please slow down" notice was sent in this episode
}

// Decision of the rate limiter for one question.
type Allowance int

const (
	Allow  Allowance = iota // answer
	Notify                  // over budget: send one "please slow down"
	Drop                    // over budget and already told: stay silent
)

// NewRateLimiter allows burst questions at once and one more every refill.
func NewRateLimiter(burst int, refill time.Duration) *RateLimiter {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return &RateLimiter{key: key, burst: float64(burst), refill: refill, idle: 10 * time.Minute,
		buckets: map[string]*bucket{}, now: time.Now}
}

func (l *RateLimiter) keyOf(userID string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Take spends one question of userID's budget.
func (l *RateLimiter) Take(userID string) Allowance {
	k := l.keyOf(userID)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.gc(now, false)
	b, ok := l.buckets[k]
	if !ok && len(l.buckets) >= maxTracked {
		// A flood of new accounts: sweep now, and if the table is still
		// full, answer without tracking rather than refuse everyone.
		l.gc(now, true)
		if len(l.buckets) >= maxTracked {
			return Allow
		}
	}
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[k] = b
	}
	b.tokens += float64(now.Sub(b.last)) / float64(l.refill)
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.notified = false
		return Allow
	}
	if b.notified {
		return Drop
	}
	b.notified = true
	return Notify
}

// Len is the number of people currently tracked.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// maxTracked bounds the table's memory (about 100 bytes an entry).
const maxTracked = 200_000

// gc drops entries idle longer than l.idle, at most once a minute unless forced.
func (l *RateLimiter) gc(now time.Time, force bool) {
	if !force && now.Sub(l.lastGC) < time.Minute {
		return
	}
	l.lastGC = now
	for k, b := range l.buckets {
		if now.Sub(b.last) > l.idle {
			delete(l.buckets, k)
		}
	}
}
