package sqlite_test

import (
	"context"
	"testing"

	"github.com/confidant-bot/confidant/bot/store/sqlite"
	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// TestWritableReadOnlyDatabase: a database that refuses writes is not
// writable, and the probe agrees with the writes the bot makes.
func TestWritableReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, dbPath(t))
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("Writable on a new database: %v", err)
	}
	if err := sqlite.RefuseWrites(s); err != nil {
		t.Fatal(err)
	}
	if err := s.CountFeedback(ctx, "kink", true, storetest.Day("2025-01-01")); err == nil {
		t.Fatal("a write succeeded on a database that refuses writes")
	}
	if err := s.Writable(ctx); err == nil {
		t.Error("Writable = nil on a database that refuses writes")
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping = %v: the database can still be read", err)
	}
}
