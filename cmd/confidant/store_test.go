package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
)

func TestOpenStoreSQLite(t *testing.T) {
	for _, name := range []string{"confidant.db", "postgres.db"} {
		path := filepath.Join(t.TempDir(), name)
		s, err := openStore(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, ok := s.(*sqlite.DB); !ok {
			t.Errorf("openStore(%q) = %T, want *sqlite.DB", path, s)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the SQLite file was not made: %v", err)
		}
	}
}

// TestOpenStorePostgresURL needs no server: a URL is never taken for a
// file name, and where nothing listens the error says so.
func TestOpenStorePostgresURL(t *testing.T) {
	for _, scheme := range []string{"postgres", "postgresql", "POSTGRES"} {
		setting := scheme + "://confidant@127.0.0.1:1/db?sslmode=disable&connect_timeout=5"
		s, err := openStore(setting)
		if err == nil {
			s.Close()
			t.Fatalf("openStore(%q) succeeded with no server", setting)
		}
		if !strings.Contains(err.Error(), "connect") {
			t.Errorf("openStore(%q) err = %v, want a failure to connect", setting, err)
		}
	}
}

// TestOpenStorePostgres opens the server of CONFIDANT_TEST_POSTGRES, in a
// schema of its own.
func TestOpenStorePostgres(t *testing.T) {
	base := os.Getenv("CONFIDANT_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL test skipped: set CONFIDANT_TEST_POSTGRES to a postgres:// URL to run it")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatal("CONFIDANT_TEST_POSTGRES is not a postgres:// URL")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("confidant_test_openstore_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE; CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	s, err := openStore(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*postgres.DB); !ok {
		t.Fatalf("openStore(postgres URL) = %T, want *postgres.DB", s)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestServeNamesShortSharedKey: a shared key too short to key what the
// processes share is a configuration problem, named with the others.
func TestServeNamesShortSharedKey(t *testing.T) {
	res := mustRun(t, "", map[string]string{"CONFIDANT_SHARED_KEY": "too-short"}, "serve")
	if res.code != 1 || res.runErr == nil {
		t.Fatalf("serve with a short CONFIDANT_SHARED_KEY: exit %d (%v), want 1", res.code, res.runErr)
	}
	for _, want := range []string{"CONFIDANT_SHARED_KEY", "DISCORD_TOKEN"} {
		if !strings.Contains(res.runErr.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, res.runErr)
		}
	}
	if strings.Contains(res.runErr.Error()+res.out+res.err, "too-short") {
		t.Error("the secret was printed")
	}
}
