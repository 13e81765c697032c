package discord

import (
	"hash/maphash"
	"sync"
	"time"
)

// Seen remembers which Discord ids (messages, interactions) were already
// handled: in this process (NewSeen), or in a database that several
// processes share (package cluster). First records id and reports whether
// it is new; it never fails: when it cannot tell, it says new.
type Seen interface {
	First(id string, now time.Time) bool
}

// NewSeen remembers ids for ttl, at most max of them, in this process.
func NewSeen(ttl time.Duration, max int) Seen { return newSeenIDs(ttl, max) }

// seenIDs remembers which Discord ids (messages, interactions) were already
// handled, for a while and in bounded memory, so that each is handled once.
// It keeps a hash of each id under a seed made at start-up, never the id
// itself, and nothing else about the message.
type seenIDs struct {
	mu    sync.Mutex
	seed  maphash.Seed
	ttl   time.Duration
	max   int
	until map[uint64]time.Time
	order []seenID // in the order added, which is also the order they expire
	head  int      // order[:head] are gone
}

type seenID struct {
	key   uint64
	until time.Time
}

func newSeenIDs(ttl time.Duration, max int) *seenIDs {
	return &seenIDs{seed: maphash.MakeSeed(), ttl: ttl, max: max, until: map[uint64]time.Time{}}
}

// First records id at now and reports whether it is new: false when it was
// recorded less than ttl ago. When max ids are remembered, the oldest is
// forgotten early, so the guarantee weakens under a flood instead of the
// memory growing.
func (s *seenIDs) First(id string, now time.Time) bool {
	k := maphash.String(s.seed, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if until, ok := s.until[k]; ok && now.Before(until) {
		return false
	}
	for len(s.until) >= s.max && s.head < len(s.order) {
		s.pop()
	}
	until := now.Add(s.ttl)
	s.until[k] = until
	s.order = append(s.order, seenID{k, until})
	return true
}

// Len is the number of ids remembered.
func (s *seenIDs) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.until)
}

func (s *seenIDs) expire(now time.Time) {
	for s.head < len(s.order) && !now.Before(s.order[s.head].until) {
		s.pop()
	}
}

// pop forgets the oldest id, and compacts the queue once half of it is gone.
func (s *seenIDs) pop() {
	if s.head >= len(s.order) {
		return
	}
	e := s.order[s.head]
	s.head++
	// A newer record of the same key (a re-add after expiry) stays.
	if s.until[e.key] == e.until {
		delete(s.until, e.key)
	}
	if s.head > len(s.order)/2 && s.head > 64 {
		s.order = append(s.order[:0], s.order[s.head:]...)
		s.head = 0
	}
}
