package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/confidant-bot/confidant/bot/store"
)

func mustOpen(tb testing.TB, path string) *store.SQLite {
	tb.Helper()
	s, err := store.Open(path, store.WithBusyTimeout(200*time.Millisecond))
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

// day is a date at noon, so that a store keeping the time would show it.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(12*time.Hour + 34*time.Minute)
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
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
	if err := s.ShareGap(ctx, "what is vaginismus", day("2025-03-01")); err != nil {
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
	_, err := store.Open(path)
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
	_, err := store.Open(path)
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
			s, err := store.Open(path, store.WithBusyTimeout(100*time.Millisecond))
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

func TestGapsGroupNearIdentical(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, dbPath(t))
	for _, q := range []string{
		"Is it normal to bleed after sex?",
		"is it normal to bleed after sex",
		"Hi! Is it NORMAL to bleed after sex??",
	} {
		if err := s.ShareGap(ctx, q, day("2025-03-02")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ShareGap(ctx, "Is it not normal to bleed after sex?", day("2025-03-01")); err != nil {
		t.Fatal(err)
	}
	gaps, total, err := s.Gaps(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(gaps) != 2 {
		t.Fatalf("got %d groups (total %d): %+v, want 2", len(gaps), total, gaps)
	}
	g := gaps[0]
	if got, want := g.Count, 3; got != want {
		t.Errorf("group count = %d, want %d", got, want)
	}
	if got, want := g.Text, "Is it normal to bleed after sex?"; got != want {
		t.Errorf("group text = %q, want %q (the first one asked)", got, want)
	}
	if !g.FirstDay.Equal(date("2025-03-02")) || !g.LastDay.Equal(date("2025-03-02")) {
		t.Errorf("group days = %v..%v, want 2025-03-02 at midnight", g.FirstDay, g.LastDay)
	}
}

func TestGapsOrderPagingDismiss(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, dbPath(t))
	share := func(text, d string, times int) {
		t.Helper()
		for range times {
			if err := s.ShareGap(ctx, text, day(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	share("old and popular", "2025-01-01", 9)
	share("recent and rare", "2025-01-03", 1)
	share("recent and common", "2025-01-03", 4)
	share("middle", "2025-01-02", 2)
	share("middle", "2025-01-01", 1) // an earlier day widens the span

	var got []string
	for page := 1; page <= 3; page++ {
		gaps, total, err := s.Gaps(ctx, page, 3)
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 {
			t.Fatalf("page %d: total = %d, want 4", page, total)
		}
		for _, g := range gaps {
			got = append(got, g.Text)
		}
	}
	want := []string{"recent and common", "recent and rare", "middle", "old and popular"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("order = %q, want %q", got, want)
	}

	gaps, _, err := s.Gaps(ctx, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	middle := gaps[0]
	if middle.Text != "middle" || middle.Count != 3 || !middle.FirstDay.Equal(date("2025-01-01")) || !middle.LastDay.Equal(date("2025-01-02")) {
		t.Fatalf("middle = %+v, want count 3 from 2025-01-01 to 2025-01-02", middle)
	}

	if err := s.DismissGap(ctx, middle.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissGap(ctx, middle.ID); err != nil {
		t.Fatalf("dismissing twice: %v", err)
	}
	if err := s.DismissGap(ctx, 12345); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DismissGap(unknown) err = %v, want ErrNotFound", err)
	}
	share("middle", "2025-01-04", 1) // asked again: stays dismissed
	gaps, total, err := s.Gaps(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(gaps) != 3 {
		t.Fatalf("after dismissing: %d gaps (total %d), want 3", len(gaps), total)
	}
	for _, g := range gaps {
		if g.ID == middle.ID {
			t.Fatalf("dismissed gap %+v is still listed", g)
		}
	}
}

func TestInvalidArguments(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, dbPath(t))
	d := day("2025-01-01")
	for name, err := range map[string]error{
		"gap only IDs":        s.ShareGap(ctx, "<@123456789012345678> 876543210987654321", d),
		"gap empty":           s.ShareGap(ctx, "  ", d),
		"gap zero day":        s.ShareGap(ctx, "a question", time.Time{}),
		"unknown kind":        s.CountQuestion(ctx, "shrug", "", d),
		"entry not a slug":    s.CountQuestion(ctx, "answer", "Not A Slug", d),
		"entry like an ID":    s.CountFeedback(ctx, "123456789012345678", true, d),
		"feedback no entry":   s.CountFeedback(ctx, "", true, d),
		"audit no moderator":  s.Audit(ctx, store.AuditRecord{Action: "edit"}),
		"page zero":           func() error { _, _, err := s.Gaps(ctx, 0, 10); return err }(),
		"per page too many":   func() error { _, _, err := s.Gaps(ctx, 1, store.MaxPerPage+1); return err }(),
		"audit log limit 0":   func() error { _, err := s.AuditLog(ctx, 0); return err }(),
		"audit log too large": func() error { _, err := s.AuditLog(ctx, store.MaxAuditLog+1); return err }(),
	} {
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "123456789012345678") {
			t.Errorf("%s: error %q repeats an ID", name, err)
		}
	}
}

func TestStatsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	s := mustOpen(t, path)
	count := func(s *store.SQLite, kind, entry, d string, n int) {
		t.Helper()
		for range n {
			if err := s.CountQuestion(ctx, kind, entry, day(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	vote := func(s *store.SQLite, entry string, helpful bool, d string, n int) {
		t.Helper()
		for range n {
			if err := s.CountFeedback(ctx, entry, helpful, day(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	count(s, "answer", "vaginismus", "2025-02-01", 3)
	count(s, "answer", "condoms", "2025-02-01", 1)
	count(s, "fallback", "", "2025-02-03", 2)
	count(s, "answer", "ignored-before-since", "2025-01-20", 5)
	vote(s, "vaginismus", true, "2025-02-01", 3)
	vote(s, "condoms", false, "2025-02-01", 2)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, path)
	count(s, "crisis", "crisis-support", "2025-02-03", 1)
	count(s, "answer", "condoms", "2025-02-03", 1)
	vote(s, "condoms", true, "2025-02-03", 1)
	vote(s, "few-votes", false, "2025-02-03", 2)
	s.Close()

	s = mustOpen(t, path)
	st, err := s.Stats(ctx, date("2025-02-01").Add(23*time.Hour)) // the date counts, not the hour
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Questions, 8; got != want {
		t.Errorf("Questions = %d, want %d", got, want)
	}
	if got, want := fmt.Sprint(st.Days), fmt.Sprint([]store.DayCount{
		{Day: date("2025-02-01"), Count: 4}, {Day: date("2025-02-02"), Count: 0}, {Day: date("2025-02-03"), Count: 4},
	}); got != want {
		t.Errorf("Days = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(st.Kinds), fmt.Sprint([]store.KindCount{
		{Kind: "answer", Count: 5, Share: 5.0 / 8}, {Kind: "fallback", Count: 2, Share: 2.0 / 8}, {Kind: "crisis", Count: 1, Share: 1.0 / 8},
	}); got != want {
		t.Errorf("Kinds = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(st.Top), fmt.Sprint([]store.EntryCount{
		{EntryID: "vaginismus", Count: 3}, {EntryID: "condoms", Count: 2}, {EntryID: "crisis-support", Count: 1},
	}); got != want {
		t.Errorf("Top = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(st.Feedback), fmt.Sprint([]store.EntryFeedback{
		{EntryID: "condoms", Helpful: 1, NotHelpful: 2}, {EntryID: "vaginismus", Helpful: 3},
		{EntryID: "few-votes", NotHelpful: 2},
	}); got != want {
		t.Errorf("Feedback = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(st.Worst), fmt.Sprint([]store.EntryFeedback{
		{EntryID: "condoms", Helpful: 1, NotHelpful: 2}, {EntryID: "vaginismus", Helpful: 3},
	}); got != want {
		t.Errorf("Worst = %s, want %s (entries with fewer than %d votes left out)", got, want, store.MinVotes)
	}
}

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	s := mustOpen(t, path)
	at := time.Date(2025, 4, 1, 9, 30, 0, 0, time.UTC)
	for i, r := range []store.AuditRecord{
		{ModeratorID: "mod-1", EntryID: "condoms", Action: "edit", At: at},
		{ModeratorID: "mod-2", EntryID: "", Action: "dismiss gap", At: at.Add(time.Hour)},
		{ModeratorID: "mod-1", EntryID: "vaginismus", Action: "publish", At: at.Add(-time.Hour)},
	} {
		if err := s.Audit(ctx, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	s.Close()
	s = mustOpen(t, path)
	log, err := s.AuditLog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.AuditRecord{
		{ModeratorID: "mod-2", EntryID: "", Action: "dismiss gap", At: at.Add(time.Hour)},
		{ModeratorID: "mod-1", EntryID: "condoms", Action: "edit", At: at},
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Fatalf("AuditLog(2) = %v, want %v", log, want)
	}
}

func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, dbPath(t))
	const workers, each = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				d := day("2025-05-01")
				for _, err := range []error{
					s.CountQuestion(ctx, "answer", "condoms", d),
					s.CountFeedback(ctx, "condoms", i%2 == 0, d),
					s.ShareGap(ctx, "Where can I get tested?", d),
					s.ShareGap(ctx, fmt.Sprintf("pill %d of %d", i, w), d),
				} {
					if err != nil {
						errs <- err
						return
					}
				}
				if _, _, err := s.Gaps(ctx, 1, 5); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	st, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Questions, workers*each; got != want {
		t.Errorf("Questions = %d, want %d", got, want)
	}
	if got, want := fmt.Sprint(st.Feedback), fmt.Sprint([]store.EntryFeedback{{EntryID: "condoms", Helpful: workers * each / 2, NotHelpful: workers * each / 2}}); got != want {
		t.Errorf("Feedback = %s, want %s", got, want)
	}
	gaps, total, err := s.Gaps(ctx, 1, store.MaxPerPage)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := total, 1+workers*each; got != want {
		t.Errorf("gap groups = %d, want %d", got, want)
	}
	if gaps[0].Text != "Where can I get tested?" || gaps[0].Count != workers*each {
		t.Errorf("first gap = %+v, want the shared question counted %d times", gaps[0], workers*each)
	}
}
