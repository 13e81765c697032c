package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// serverURL is the server the tests may use, from CONFIDANT_TEST_POSTGRES;
// without it the test is skipped.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("CONFIDANT_TEST_POSTGRES")
	if u == "" {
		t.Skip("PostgreSQL tests skipped: set CONFIDANT_TEST_POSTGRES to a postgres:// URL, such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run them")
	}
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		t.Fatalf("CONFIDANT_TEST_POSTGRES is not a postgres:// URL")
	}
	return u
}

// admin runs one statement on the server outside any test schema.
func admin(t *testing.T, base, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to CONFIDANT_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// schemas gives each test a fresh schema of its own, dropped when the test
// ends, and the same one at every call in that test.
type schemas struct {
	mu   sync.Mutex
	urls map[*testing.T]string
}

// url is the URL of the test's schema.
func (s *schemas) url(t *testing.T) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.urls[t]; ok {
		return u
	}
	base := serverURL(t)
	name := "confidant_test_" + randomHex(t)
	admin(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { admin(t, base, `DROP SCHEMA `+name+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("CONFIDANT_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	if s.urls == nil {
		s.urls = map[*testing.T]string{}
	}
	s.urls[t] = u.String()
	return s.urls[t]
}

func (s *schemas) open(t *testing.T) store.Store {
	t.Helper()
	return mustOpen(t, s.url(t))
}

func mustOpen(t *testing.T, connURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), connURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func randomHex(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// conn connects to the test's schema behind the store's back, as another
// process would.
func conn(t *testing.T, connURL string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), connURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// TestStore runs the behaviour that every store shares, each test in a
// schema of its own.
func TestStore(t *testing.T) {
	serverURL(t)
	storetest.Run(t, new(schemas).open)
}

// TestPrivacy reads every row of every table after the bot recorded text
// full of IDs, and looks for them.
func TestPrivacy(t *testing.T) {
	var s schemas
	storetest.Privacy(t, s.open, func(t *testing.T) storetest.Rows {
		return dumpAll(t, conn(t, s.url(t)))
	})
}

// dumpAll reads every row of every table of the current schema, each value
// as PostgreSQL prints it.
func dumpAll(t *testing.T, c *pgx.Conn) storetest.Rows {
	t.Helper()
	ctx := context.Background()
	rows, err := c.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		cols[table] = append(cols[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	all := storetest.Rows{}
	for table, names := range cols {
		var exprs []string
		for _, col := range names {
			exprs = append(exprs, pgx.Identifier{col}.Sanitize()+`::text`)
		}
		rows, err := c.Query(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+pgx.Identifier{table}.Sanitize())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]*string, len(names))
			ptrs := make([]any, len(names))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rec := map[string]string{}
			for i, col := range names {
				if vals[i] != nil {
					rec[col] = *vals[i]
				}
			}
			all[table] = append(all[table], rec)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// TestOpenTogetherMigratesOnce opens one new schema from several processes
// at once, as replicas starting together would.
func TestOpenTogetherMigratesOnce(t *testing.T) {
	var s schemas
	u := s.url(t)
	const n = 4
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), u)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
	}
	mustOpen(t, u).Close()

	var rows, version int
	if err := conn(t, u).QueryRow(context.Background(), `SELECT count(*), max(version) FROM schema_version`).Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || version != 3 {
		t.Fatalf("schema_version: %d rows, version %d; want 1 row, version 3", rows, version)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	var s schemas
	u := s.url(t)
	mustOpen(t, u).Close()
	if _, err := conn(t, u).Exec(context.Background(), `UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(context.Background(), u)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: err = %v, want one that says newer", err)
	}
}

// TestLocked holds a lock from another connection past the store's lock
// timeout, set here in the URL.
func TestLocked(t *testing.T) {
	ctx := context.Background()
	var s schemas
	u := s.url(t) + "&lock_timeout=100ms"
	db := mustOpen(t, u)

	other := conn(t, u)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE question_counts, schema_version IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	err = db.CountQuestion(ctx, "answer", "condoms", storetest.Day("2025-01-01"))
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("CountQuestion on a locked table: err = %v, want ErrLocked", err)
	}
	second, err := postgres.Open(ctx, u)
	if err == nil {
		second.Close()
		t.Fatal("Open of a locked schema succeeded")
	}
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("Open of a locked schema: err = %v, want ErrLocked", err)
	}

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CountQuestion(ctx, "answer", "condoms", storetest.Day("2025-01-01")); err != nil {
		t.Fatalf("CountQuestion once the lock is gone: %v", err)
	}
}

// TestOpenErrorsHidePassword needs no server: one URL cannot be parsed,
// the other names a port where none listens.
func TestOpenErrorsHidePassword(t *testing.T) {
	const password = "s3cret-Pa55word"
	for _, tc := range []struct {
		name, url string
		invalid   bool
	}{
		{"unparsable", "postgres://confidant:" + password + "@127.0.0.1:notaport/db", true},
		{"no server", "postgres://confidant:" + password + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			db, err := postgres.Open(ctx, tc.url)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			t.Logf("Open: %v", err)
			if strings.Contains(err.Error(), password) {
				t.Errorf("error %q quotes the password", err)
			}
			if got := errors.Is(err, store.ErrInvalid); got != tc.invalid {
				t.Errorf("errors.Is(%v, ErrInvalid) = %v, want %v", err, got, tc.invalid)
			}
		})
	}
}
