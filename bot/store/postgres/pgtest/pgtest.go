// Package pgtest gives a test a PostgreSQL schema of its own on the server
// that CONFIDANT_TEST_POSTGRES names, and skips the test without one. It is
// imported by tests only.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is the URL of CONFIDANT_TEST_POSTGRES; without it the test is
// skipped.
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("CONFIDANT_TEST_POSTGRES")
	if u == "" {
		tb.Skip("PostgreSQL test skipped: set CONFIDANT_TEST_POSTGRES to a postgres:// URL, such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run it")
	}
	if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		tb.Fatalf("CONFIDANT_TEST_POSTGRES is not a postgres:// URL")
	}
	return u
}

// SchemaURL makes a new empty schema, dropped when the test ends, and
// returns the server's URL with a search_path that puts every table there.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	base := Server(tb)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	name := "confidant_test_" + hex.EncodeToString(b)
	Exec(tb, base, `CREATE SCHEMA `+name)
	tb.Cleanup(func() { Exec(tb, base, `DROP SCHEMA `+name+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("CONFIDANT_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs sql on a connection of its own to connURL, as another process
// would.
func Exec(tb testing.TB, connURL, sql string, args ...any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		tb.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// WriteFile writes a file of a test fixture.
func WriteFile(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
