package discord

import (
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
	for k := range l.buckets {
		if strings.Contains(k, id) || strings.Contains(k, "someone") {
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
