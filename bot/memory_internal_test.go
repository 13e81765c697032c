package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// TestMemoryKeepsNoIDsAndForgets: the memory is keyed by an HMAC of the
// person's ID, holds entry ids only, and forgets a conversation after ten
// idle minutes (so a follow-up is no longer read with the old topic).
func TestMemoryKeepsNoIDsAndForgets(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := NewLibrary(c, index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := NewResponder(lib, nil)
	m := NewMemory()
	now := time.Unix(1_800_000_000, 0)
	m.now = func() time.Time { return now }
	const user = "123456789012345678"
	ctx := context.Background()
	m.Converse(ctx, r, user, "why cant i keep an erection")
	if rep := m.Converse(ctx, r, user, "what about for women?"); rep.ID() != "arousal-difficulties" {
		t.Fatalf("follow-up within the idle time: %q, want arousal-difficulties", rep.ID())
	}
	for k, c := range m.convs {
		if strings.Contains(string(k[:]), user) || strings.Contains(c.conv.Last, "women") {
			t.Fatalf("memory holds the ID or words: %x %+v", k, c.conv)
		}
	}
	now = now.Add(IdleAfter + time.Second)
	if rep := m.Converse(ctx, r, user, "what about for women?"); rep.ID() == "arousal-difficulties" && strings.HasPrefix(rep.Reason, "follow-up") {
		t.Errorf("follow-up after %v idle was still read with the old topic", IdleAfter)
	}
	now = now.Add(IdleAfter + time.Second)
	for i := 0; i < 50; i++ {
		m.Converse(ctx, r, "someone-else", "hi")
	}
	if n := m.Len(); n != 1 {
		t.Errorf("%d conversations remembered after the first went idle, want 1", n)
	}
}
