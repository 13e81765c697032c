package postgres_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// TestWritableWhenWritesFail: when the server refuses every write (here a
// trigger on each table raises disk_full, as PostgreSQL does when it cannot
// extend a file), the probe fails as the bot's writes do, and passes again
// once writes succeed.
func TestWritableWhenWritesFail(t *testing.T) {
	var sc schemas
	u := sc.url(t)
	s := mustOpen(t, u)
	ctx := context.Background()
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("Writable on a new schema: %v", err)
	}

	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	schema := pgx.Identifier{parsed.Query().Get("search_path")}.Sanitize()
	c := conn(t, u)
	exec := func(sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`CREATE FUNCTION ` + schema + `.refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`)
	rows, err := c.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		exec(`CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE OR DELETE ON ` + schema + `.` + pgx.Identifier{table}.Sanitize() +
			` FOR EACH STATEMENT EXECUTE FUNCTION ` + schema + `.refuse_writes()`)
	}

	if err := s.CountFeedback(ctx, "kink", true, storetest.Day("2025-01-01")); err == nil {
		t.Fatal("a write succeeded: the triggers do not refuse writes")
	}
	if err := s.Writable(ctx); err == nil {
		t.Error("Writable = nil while every write fails")
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping = %v: the database can still be read", err)
	}
	for _, table := range tables {
		exec(`DROP TRIGGER refuse_writes ON ` + schema + `.` + pgx.Identifier{table}.Sanitize())
	}
	if err := s.Writable(ctx); err != nil {
		t.Errorf("Writable once writes succeed again: %v", err)
	}
}
