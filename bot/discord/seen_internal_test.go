package discord

import (
	"strconv"
	"testing"
	"time"
)

// TestSeenIDs: an id is new once per ttl, memory stays under max, and old
// ids are forgotten.
func TestSeenIDs(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := newSeenIDs(10*time.Minute, 1000)
	if !s.First("1300000000000000001", now) {
		t.Fatal("first sight = false, want true")
	}
	if s.First("1300000000000000001", now.Add(9*time.Minute)) {
		t.Error("again within the ttl = true, want false")
	}
	if !s.First("1300000000000000002", now) {
		t.Error("another id = false, want true")
	}
	if !s.First("1300000000000000001", now.Add(10*time.Minute)) {
		t.Error("again after the ttl = false, want true")
	}
	if s.First("1300000000000000001", now.Add(11*time.Minute)) {
		t.Error("re-added id forgotten too early")
	}

	for i := range 5000 {
		s.First(strconv.Itoa(i), now.Add(12*time.Minute))
		if n := s.Len(); n > 1000 {
			t.Fatalf("%d ids remembered, want at most 1000", n)
		}
	}
	if s.First("4999", now.Add(12*time.Minute)) {
		t.Error("the newest id was forgotten under the cap")
	}
	if len(s.order)-s.head > 1000 || cap(s.order) > 4000 {
		t.Errorf("queue holds %d (capacity %d), want it compacted", len(s.order)-s.head, cap(s.order))
	}
	s.First("x", now.Add(time.Hour))
	if n := s.Len(); n != 1 {
		t.Errorf("after an hour %d ids remembered, want 1", n)
	}
}
