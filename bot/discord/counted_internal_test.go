package discord

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// TestCountedOncePerDay: the table counts a (person, thing) once, forgets it
// after a day or when told to, and holds only HMACs.
func TestCountedOncePerDay(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var c counted
	const id = "123456789012345678"
	if !c.first(id, "vote\x00kink", now) {
		t.Fatal("first vote not counted")
	}
	if c.first(id, "vote\x00kink", now.Add(time.Hour)) {
		t.Error("second vote within a day counted")
	}
	if !c.first("someone-else", "vote\x00kink", now) {
		t.Error("another person's vote not counted")
	}
	if !c.first(id, "vote\x00vaginismus", now) {
		t.Error("the same person's vote on another entry not counted")
	}
	for k := range c.seen {
		if bytes.Contains(k[:], []byte("1234")) || bytes.Contains(k[:], []byte("kink")) {
			t.Errorf("record %x holds the user ID or the entry", k)
		}
	}
	var other counted
	if other.keyOf(id, "x") == c.keyOf(id, "x") {
		t.Error("two tables derive the same record: the HMAC key is not random")
	}
	c.forget(id, "vote\x00vaginismus")
	if !c.first(id, "vote\x00vaginismus", now) {
		t.Error("a forgotten vote is not counted again")
	}
	if !c.first(id, "vote\x00kink", now.Add(countedTTL)) {
		t.Error("a vote a day later is not counted")
	}
	if !c.first("", "vote\x00kink", now) || !c.first("", "vote\x00kink", now) {
		t.Error("a click without a user is not counted")
	}
}

// TestCountedBounded: the table never holds more than its capacity (the
// oldest records go first) and sheds expired records as it is used.
func TestCountedBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := counted{max: 100, ttl: time.Hour}
	for n := range 1000 {
		c.first(fmt.Sprint("user", n), "share\x00m1", now)
		if c.len() > 100 || c.n > 100 || len(c.ring) > 100 {
			t.Fatalf("after %d records: %d in the map, %d in a ring of %d; want at most 100", n+1, c.len(), c.n, len(c.ring))
		}
	}
	if c.first("user999", "share\x00m1", now) {
		t.Error("the newest record was forgotten")
	}
	if !c.first("user0", "share\x00m1", now) {
		t.Error("the oldest record was kept past the capacity")
	}
	// An hour later, each use retires expired records: 100 uses empty it
	// of everything older.
	later := now.Add(time.Hour)
	for n := range 100 {
		c.first(fmt.Sprint("late", n), "share\x00m2", later)
	}
	for n := range 100 {
		if c.first(fmt.Sprint("late", n), "share\x00m2", later) {
			t.Fatalf("late%d: counted twice", n)
		}
	}
	if got := c.len(); got != 100 {
		t.Errorf("%d records, want the 100 recent ones", got)
	}
}

// BenchmarkCountedFull measures one vote on a full table.
func BenchmarkCountedFull(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	var c counted
	for n := range maxCounted {
		c.first(fmt.Sprint("u", n), "vote", now)
	}
	b.ResetTimer()
	for n := range b.N {
		c.first(fmt.Sprint("b", n), "vote", now.Add(time.Duration(n)))
	}
	b.ReportMetric(float64(c.len()), "records")
}
