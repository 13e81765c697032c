package discord

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestRateLimiterKeepsNoIDs: the table is keyed by an HMAC of the user ID,
// never the ID itself, and forgets people who went quiet.
func TestRateLimiterKeepsNoIDs(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := NewRateLimiter(2, time.Minute)
	l.now = func() time.Time { return now }
	const id = "123456789012345678"
	for i, want := range []Allowance{Allow, Allow, Notify, Drop} {
		if got := l.Take(id); got != want {
			t.Fatalf("take %d = %v, want %v", i, got, want)
		}
	}
	if got := l.Take("someone-else"); got != Allow {
		t.Errorf("another person = %v, want Allow", got)
	}
	for _, k := range l.keys() {
		if k != l.keyOf(id) && k != l.keyOf("someone-else") {
			t.Errorf("key %x is not the HMAC of a user ID", k)
		}
		if strings.Contains(string(k[:]), "1234") || strings.Contains(string(k[:]), "someone") {
			t.Errorf("key %q contains the user ID", k)
		}
	}
	other := NewRateLimiter(2, time.Minute)
	if l.keyOf(id) == other.keyOf(id) {
		t.Error("two limiters derive the same key: the HMAC key is not random")
	}
	now = now.Add(time.Minute) // one question regained
	if got := l.Take(id); got != Allow {
		t.Errorf("after refill = %v, want Allow", got)
	}
	now = now.Add(l.idle + 2*time.Minute)
	l.Take("trigger-gc")
	if n := l.Len(); n != 1 {
		t.Errorf("after idling, %d people tracked, want 1 (only the new one)", n)
	}
}

// keys lists the keys of every person tracked.
func (l *RateLimiter) keys() []personKey {
	var out []personKey
	for i := range l.shards {
		for _, g := range l.shards[i].gens {
			for k := range g {
				out = append(out, k)
			}
		}
	}
	return out
}

// referenceLimiter is the token bucket with nobody ever forgotten: what
// the limiter must decide.
type referenceLimiter struct {
	burst, refill float64
	people        map[string]*bucket
}

func (r *referenceLimiter) take(id string, now time.Duration) Allowance {
	b, ok := r.people[id]
	if !ok {
		b = &bucket{tokens: r.burst, last: now}
		r.people[id] = b
	}
	b.tokens = min(r.burst, b.tokens+float64(now-b.last)/r.refill)
	b.last = now
	switch {
	case b.tokens >= 1:
		b.tokens--
		b.notified = false
		return Allow
	case b.notified:
		return Drop
	}
	b.notified = true
	return Notify
}

// TestRateLimiterForgetsOnlyFullBudgets: people are forgotten only once
// their budget is full again, so over hours of random questions from a few
// hundred people, with quiet spells of every length, the limiter decides
// exactly as a token bucket that never forgets anyone, while tracking only
// the recent askers.
func TestRateLimiterForgetsOnlyFullBudgets(t *testing.T) {
	for _, c := range []struct {
		burst  int
		refill time.Duration
	}{{5, 12 * time.Second}, {2, time.Minute}, {1, time.Second}, {3, 5 * time.Minute}} {
		t.Run(fmt.Sprintf("burst=%d,refill=%s", c.burst, c.refill), func(t *testing.T) {
			start := time.Unix(1_800_000_000, 0)
			now := start
			l := NewRateLimiter(c.burst, c.refill)
			l.now = func() time.Time { return now }
			ref := &referenceLimiter{burst: float64(c.burst), refill: float64(c.refill), people: map[string]*bucket{}}
			rng := rand.New(rand.NewPCG(uint64(c.burst), uint64(c.refill)))
			maxLen := 0
			for i := range 20_000 {
				switch rng.IntN(100) {
				case 0: // a long quiet spell
					now = now.Add(time.Duration(rng.Int64N(int64(20 * c.refill * time.Duration(c.burst)))))
				default:
					now = now.Add(time.Duration(rng.Int64N(int64(c.refill / 4))))
				}
				id := fmt.Sprint(rng.IntN(300))
				if got, want := l.Take(id), ref.take(id, now.Sub(start)); got != want {
					t.Fatalf("question %d, person %s at %s: %v, want %v", i, id, now.Sub(start), got, want)
				}
				maxLen = max(maxLen, l.Len())
			}
			if maxLen > 300 {
				t.Errorf("tracked %d people, more than the 300 asking", maxLen)
			}
			now = now.Add(time.Duration(c.burst)*c.refill + 3*l.slot)
			if n := l.Len(); n != 0 {
				t.Errorf("%d people still tracked once every budget is full again, want 0", n)
			}
		})
	}
}

// TestRateLimiterBounded: past the bound, new people are answered without
// being tracked, and those already tracked keep their budget.
func TestRateLimiterBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := NewRateLimiter(1, time.Hour)
	l.now = func() time.Time { return now }
	l.max = 4 * limiterShards
	for i := range 10 * limiterShards {
		l.Take(fmt.Sprint("person-", i))
	}
	if n := l.Len(); n > l.max {
		t.Fatalf("%d people tracked, bound %d", n, l.max)
	}
	tracked := 0
	for i := range 10 * limiterShards {
		id := fmt.Sprint("person-", i)
		if l.Take(id) != Allow {
			tracked++
		}
	}
	if tracked == 0 || tracked > l.max {
		t.Errorf("%d people over budget on their second question, want between 1 and %d", tracked, l.max)
	}
}
