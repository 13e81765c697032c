package sqlite_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// TestStore runs the behaviour that every store shares, each test on a
// file of its own.
func TestStore(t *testing.T) {
	storetest.Run(t, new(files).open)
}

// files gives each test a database file of its own, the same one at every
// call in that test.
type files struct {
	mu    sync.Mutex
	paths map[*testing.T]string
}

func (f *files) path(t *testing.T) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.paths == nil {
		f.paths = map[*testing.T]string{}
	}
	if _, ok := f.paths[t]; !ok {
		f.paths[t] = dbPath(t)
	}
	return f.paths[t]
}

func (f *files) open(t *testing.T) store.Store {
	t.Helper()
	path := f.path(t)
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustOpen(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	s, err := sqlite.Open(path, sqlite.WithBusyTimeout(200*time.Millisecond))
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func dbPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "confidant.db")
}

// rawDB opens the file behind the store's back, as another process would.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	s := mustOpen(t, path)
	if err := s.ShareGap(ctx, "what is vaginismus", storetest.Day("2025-03-01")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, path)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	gaps, total, err := s.Gaps(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(gaps) != 1 {
		t.Fatalf("after reopening: %d gaps (total %d), want 1", len(gaps), total)
	}
	s.Close()

	var rows, version int
	if err := rawDB(t, path).QueryRow(`SELECT count(*), max(version) FROM schema_version`).Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || version != 2 {
		t.Fatalf("schema_version: %d rows, version %d; want 1 row, version 2", rows, version)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := dbPath(t)
	mustOpen(t, path).Close()
	if _, err := rawDB(t, path).Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: err = %v, want one that says newer", err)
	}
}

func TestOpenCorrupt(t *testing.T) {
	path := dbPath(t)
	junk := make([]byte, 4096)
	rand.Read(junk)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(path)
	if !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("Open(random bytes) err = %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestOpenLocked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		begin string
		wal   bool // the file was made by the store, in WAL mode
	}{
		{"exclusive on a new file", "BEGIN EXCLUSIVE", false},
		{"immediate on a store file", "BEGIN IMMEDIATE", true},
		{"exclusive on a store file", "BEGIN EXCLUSIVE", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := dbPath(t)
			if tc.wal {
				mustOpen(t, path).Close()
			}
			other := rawDB(t, path)
			if _, err := other.Exec(`CREATE TABLE IF NOT EXISTS other (x)`); err != nil {
				t.Fatal(err)
			}
			tx, err := other.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			// database/sql's Begin says BEGIN; take the stronger lock by hand.
			if _, err := tx.Exec(`COMMIT`); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(tc.begin); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`INSERT INTO other VALUES (1)`); err != nil {
				t.Fatal(err)
			}

			start := time.Now()
			s, err := sqlite.Open(path, sqlite.WithBusyTimeout(100*time.Millisecond))
			if err == nil {
				s.Close()
				t.Fatal("Open of a locked database succeeded")
			}
			if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "locked") {
				t.Fatalf("Open of a locked database: err = %v, want ErrLocked", err)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("Open took %v to report the lock", d)
			}
			if _, err := tx.Exec(`ROLLBACK`); err != nil {
				t.Fatal(err)
			}
			mustOpen(t, path)
		})
	}
}
