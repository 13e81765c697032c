package discord

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// Counter remembers what each person already had counted (votes, shares):
// in this process (NewCounter), or in a database that several processes
// share (package cluster). First reports whether this is the first time
// within a day that userID counts what, and remembers it; Forget undoes
// that, for a count that could not be written. Neither fails: when First
// cannot tell, it says first.
type Counter interface {
	First(userID, what string, now time.Time) bool
	Forget(userID, what string)
}

// NewCounter remembers counts for a day in this process.
func NewCounter() Counter { return new(counted) }

func (c *counted) First(userID, what string, now time.Time) bool { return c.first(userID, what, now) }
func (c *counted) Forget(userID, what string)                    { c.forget(userID, what) }

// counter is Moderation.Counted, or this process's own.
func (m *Moderation) counter() Counter {
	if m.Counted != nil {
		return m.Counted
	}
	return &m.counted
}

// counted remembers, for a day, which votes and shares each person has
// already had counted, so that one person cannot stuff the statistics or
// the shared questions. Like the rate limiter it never holds a user ID: a
// record is an HMAC of the user ID and what was counted, under a random key
// made when the table is first used and never stored, so the table cannot be
// turned back into IDs, nor into the entries or messages people acted on.
//
// Its size is bounded (maxCounted records; past that the oldest is
// forgotten first) and every call does a constant amount of work: records
// sit in a ring in the order they were made, and each call retires at most
// two expired ones from its front besides the map lookup.
//
// The zero value is ready to use; a counted must not be copied after use.
type counted struct {
	mu   sync.Mutex
	key  []byte
	seen map[countedKey]countedStamp
	ring []countedRecord // records oldest first, from head, n in use
	head int
	n    int
	seq  uint64
	ttl  time.Duration // 0: countedTTL
	max  int           // 0: maxCounted
}

type countedKey [16]byte

// countedStamp is when a record was made (Unix ns) and its sequence
// number, which tells a record made again apart from an older one.
type countedStamp struct {
	at  int64
	seq uint64
}

type countedRecord struct {
	key countedKey
	countedStamp
}

const (
	// countedTTL is how long a record is kept: a vote is keyed by its date
	// anyway, and nobody shares the same message a day later by accident.
	countedTTL = 24 * time.Hour
	// maxCounted bounds the memory (about 70 bytes a record).
	maxCounted = 250_000
)

// first reports whether this is the first time within the last day that
// userID counts what, and if so remembers it. An empty userID is never
// remembered (it would lump everyone together) and always counts.
func (c *counted) first(userID, what string, now time.Time) bool {
	if userID == "" {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.keyOf(userID, what)
	at := now.UnixNano()
	c.expire(at, 2)
	if made, ok := c.seen[k]; ok && at-made.at < int64(c.lifetime()) {
		return false
	}
	c.seq++
	c.push(countedRecord{key: k, countedStamp: countedStamp{at: at, seq: c.seq}})
	return true
}

// forget removes what userID counted, so that a vote or share that could
// not be written may be tried again.
func (c *counted) forget(userID, what string) {
	if userID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, c.keyOf(userID, what))
	// Its ring record stays until it expires; expire skips it.
}

// len is the number of records held.
func (c *counted) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

func (c *counted) keyOf(userID, what string) countedKey {
	if c.key == nil {
		c.key = make([]byte, 32)
		if _, err := rand.Read(c.key); err != nil {
			panic("crypto/rand: " + err.Error())
		}
		c.seen = map[countedKey]countedStamp{}
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(userID))
	m.Write([]byte{0})
	m.Write([]byte(what))
	var k countedKey
	copy(k[:], m.Sum(nil))
	return k
}

func (c *counted) lifetime() time.Duration {
	if c.ttl > 0 {
		return c.ttl
	}
	return countedTTL
}

func (c *counted) capacity() int {
	if c.max > 0 {
		return c.max
	}
	return maxCounted
}

// expire retires up to limit expired records from the front of the ring.
func (c *counted) expire(now int64, limit int) {
	for ; limit > 0 && c.n > 0; limit-- {
		r := c.ring[c.head]
		if now-r.at < int64(c.lifetime()) {
			return
		}
		c.pop()
	}
}

// pop retires the oldest record. The map entry goes only if it is still
// this record's (it may have been forgotten, or made again since).
func (c *counted) pop() {
	r := c.ring[c.head]
	if s, ok := c.seen[r.key]; ok && s.seq == r.seq {
		delete(c.seen, r.key)
	}
	c.ring[c.head] = countedRecord{}
	c.head = (c.head + 1) % len(c.ring)
	c.n--
}

// push adds a record, growing the ring up to capacity and forgetting the
// oldest record once it is full.
func (c *counted) push(r countedRecord) {
	if c.n == len(c.ring) {
		if size := min(max(2*len(c.ring), 64), c.capacity()); size > len(c.ring) {
			ring := make([]countedRecord, size)
			for i := 0; i < c.n; i++ {
				ring[i] = c.ring[(c.head+i)%len(c.ring)]
			}
			c.ring, c.head = ring, 0
		} else {
			c.pop()
		}
	}
	c.ring[(c.head+c.n)%len(c.ring)] = r
	c.n++
	c.seen[r.key] = r.countedStamp
}
