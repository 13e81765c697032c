package discord

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"hash"
	"sync"
	"time"
)

// Limiter decides on one question of a person's budget: a RateLimiter in
// this process, or a budget that several processes share (package
// cluster). Take never fails: a limiter that cannot decide allows.
type Limiter interface {
	Take(userID string) Allowance
}

var _ Limiter = (*RateLimiter)(nil)

// RateLimiter gives each person a small budget of questions that refills
// over time. People are keyed by an HMAC of their Discord user ID under a
// random key made at start-up and never stored, so the table cannot be
// turned back into IDs.
//
// A person is forgotten once their budget would be full again (burst ×
// refill after their last question, at most the idle time): from then on a
// new person and a returning one get the same answers, so forgetting
// changes nothing. To forget without sweeping the table, people are kept in
// a ring of generations per shard, one generation per quarter of that time;
// a question moves its asker to the newest generation, and the oldest
// generation is dropped whole when its time is up. Each question costs a
// few map operations under one shard's lock, however many people are
// tracked.
type RateLimiter struct {
	key    []byte
	burst  float64
	refill time.Duration
	idle   time.Duration
	now    func() time.Time
	// max bounds the people tracked (maxTracked); past it, new people are
	// answered without being tracked rather than refused.
	max    int
	macs   sync.Pool // hash.Hash: HMAC-SHA256 under key
	shards [limiterShards]limiterShard

	setup  sync.Once
	origin time.Time     // slot 0 starts here
	slot   time.Duration // width of a generation
}

// limiterShards splits the table so that concurrent questions seldom wait
// for each other; a power of two.
const limiterShards = 64

// limiterGenerations is how many slots a person's budget takes to refill;
// one more generation holds the slot in progress. A person is dropped when
// the slot after them comes round again, more than limiterGenerations
// slots after their last question.
const limiterGenerations = 4

type limiterShard struct {
	mu sync.Mutex
	// gens is a ring: gens[epoch%len(gens)] holds the people who asked
	// during slot epoch, the generations before it the earlier slots.
	gens  [limiterGenerations + 1]map[personKey]bucket
	epoch int64
	n     int // people in gens
}

// personKey is the first 16 bytes of the HMAC of a user ID.
type personKey [16]byte

type bucket struct {
	tokens   float64
	last     time.Duration // since the limiter's origin
	notified bool          // the "please slow down" notice was sent in this episode
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
	l := &RateLimiter{key: key, burst: float64(burst), refill: refill, idle: 10 * time.Minute,
		now: time.Now, max: maxTracked}
	l.macs.New = func() any { return hmac.New(sha256.New, l.key) }
	return l
}

// maxTracked bounds the table's memory (about 60 bytes a person).
const maxTracked = 1_000_000

func (l *RateLimiter) keyOf(userID string) personKey {
	m := l.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(userID))
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	l.macs.Put(m)
	return personKey(sum[:16])
}

// init fixes the width of a generation on first use, after the tests have
// had a chance to set now and idle.
func (l *RateLimiter) init() {
	l.setup.Do(func() {
		l.origin = l.now()
		forget := min(time.Duration(l.burst*float64(l.refill)), l.idle)
		l.slot = max((forget+limiterGenerations-1)/limiterGenerations, time.Millisecond)
	})
}

// Take spends one question of userID's budget.
func (l *RateLimiter) Take(userID string) Allowance {
	k := l.keyOf(userID)
	l.init()
	s := &l.shards[k[0]%limiterShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	now := l.now().Sub(l.origin)
	s.advance(int64(now / l.slot))
	newest := s.gens[s.epoch%int64(len(s.gens))]
	b, ok := newest[k]
	if !ok {
		b, ok = s.take(k)
		if !ok {
			if s.n >= l.max/limiterShards {
				// A flood of new accounts: answer without tracking
				// rather than refuse everyone.
				return Allow
			}
			b = bucket{tokens: l.burst, last: now}
		}
		if newest == nil {
			newest = map[personKey]bucket{}
			s.gens[s.epoch%int64(len(s.gens))] = newest
		}
		s.n++
	}
	b.tokens += float64(now-b.last) / float64(l.refill)
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	a := Allow
	switch {
	case b.tokens >= 1:
		b.tokens--
		b.notified = false
	case b.notified:
		a = Drop
	default:
		b.notified = true
		a = Notify
	}
	newest[k] = b
	return a
}

// advance drops the generations whose time is up when slot epoch begins.
func (s *limiterShard) advance(epoch int64) {
	if epoch <= s.epoch {
		return
	}
	ring := int64(len(s.gens))
	for e := s.epoch + 1; e <= epoch && e <= s.epoch+ring; e++ {
		s.n -= len(s.gens[e%ring])
		s.gens[e%ring] = nil
	}
	s.epoch = epoch
}

// take removes k from the older generations and returns its bucket.
func (s *limiterShard) take(k personKey) (bucket, bool) {
	ring := int64(len(s.gens))
	for back := int64(1); back < ring; back++ {
		g := s.gens[(s.epoch-back+ring)%ring]
		if b, ok := g[k]; ok {
			delete(g, k)
			s.n--
			return b, true
		}
	}
	return bucket{}, false
}

// Len is the number of people currently tracked.
func (l *RateLimiter) Len() int {
	l.init()
	now := l.now().Sub(l.origin)
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		s.advance(int64(now / l.slot))
		n += s.n
		s.mu.Unlock()
	}
	return n
}
