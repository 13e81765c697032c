package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

// Run runs the behaviour tests, each as a subtest of t.
//
// open returns a Store on the database of the test it is given: empty at
// that test's first call, and the same database again at every later call
// in that test, as a restarted process or a second process would open it.
// Each Store it returns is closed when that test ends; a test may close it
// earlier, so closing twice must be harmless.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, opener)
	}{
		{"ReopenKeepsData", testReopenKeepsData},
		{"GapsGroupNearIdentical", testGapsGroupNearIdentical},
		{"GapsOrderPagingDismiss", testGapsOrderPagingDismiss},
		{"InvalidArguments", testInvalidArguments},
		{"StoredTextIsStorable", testStoredTextIsStorable},
		{"StatsAcrossRestart", testStatsAcrossRestart},
		{"AuditLog", testAuditLog},
		{"ConcurrentWritesTwoStores", testConcurrentWrites},
		{"ContextCanceled", testContextCanceled},
		{"Closed", testClosed},
		{"Writable", testWritable},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open) })
	}
}

// Day is a date at noon UTC, so that a store keeping the time would show it.
func Day(s string) time.Time {
	return Date(s).Add(12*time.Hour + 34*time.Minute)
}

// Date is a date at midnight UTC, as a store returns it.
func Date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

type opener = func(t *testing.T) store.Store

func mustClose(t *testing.T, s store.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func testReopenKeepsData(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	if err := s.ShareGap(ctx, "what is vaginismus", Day("2025-03-01")); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	s = open(t)
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
}

func testGapsGroupNearIdentical(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	for _, q := range []string{
		"Is it normal to bleed after sex?",
		"is it normal to bleed after sex",
		"Hi! Is it NORMAL to bleed after sex??",
	} {
		if err := s.ShareGap(ctx, q, Day("2025-03-02")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ShareGap(ctx, "Is it not normal to bleed after sex?", Day("2025-03-01")); err != nil {
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
	if !g.FirstDay.Equal(Date("2025-03-02")) || !g.LastDay.Equal(Date("2025-03-02")) {
		t.Errorf("group days = %v..%v, want 2025-03-02 at midnight", g.FirstDay, g.LastDay)
	}
}

func testGapsOrderPagingDismiss(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	share := func(text, d string, times int) {
		t.Helper()
		for range times {
			if err := s.ShareGap(ctx, text, Day(d)); err != nil {
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
	if middle.Text != "middle" || middle.Count != 3 || !middle.FirstDay.Equal(Date("2025-01-01")) || !middle.LastDay.Equal(Date("2025-01-02")) {
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
	if gaps, total, err := s.Gaps(ctx, 9, 10); err != nil || total != 3 || len(gaps) != 0 {
		t.Fatalf("a page past the end: %d gaps, total %d, err %v; want none, total 3, no error", len(gaps), total, err)
	}
}

func testInvalidArguments(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	d := Day("2025-01-01")
	for name, err := range map[string]error{
		"gap only IDs":        s.ShareGap(ctx, "<@123456789012345678> 876543210987654321", d),
		"gap empty":           s.ShareGap(ctx, "  ", d),
		"gap zero day":        s.ShareGap(ctx, "a question", time.Time{}),
		"unknown kind":        s.CountQuestion(ctx, "shrug", "", d),
		"count zero":          s.CountQuestions(ctx, "answer", "", d, 0),
		"count zero day":      s.CountQuestion(ctx, "answer", "", time.Time{}),
		"entry not a slug":    s.CountQuestion(ctx, "answer", "Not A Slug", d),
		"entry like an ID":    s.CountFeedback(ctx, "123456789012345678", true, d),
		"feedback no entry":   s.CountFeedback(ctx, "", true, d),
		"feedback zero day":   s.CountFeedback(ctx, "condoms", true, time.Time{}),
		"audit no moderator":  s.Audit(ctx, store.AuditRecord{Action: "edit"}),
		"audit no action":     s.Audit(ctx, store.AuditRecord{ModeratorID: "mod-1"}),
		"page zero":           func() error { _, _, err := s.Gaps(ctx, 0, 10); return err }(),
		"per page zero":       func() error { _, _, err := s.Gaps(ctx, 1, 0); return err }(),
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
	// A refused write changes nothing.
	st, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Questions != 0 || len(st.Feedback) != 0 {
		t.Errorf("after refused writes: stats %+v, want none", st)
	}
	if _, total, err := s.Gaps(ctx, 1, 10); err != nil || total != 0 {
		t.Errorf("after refused writes: %d gaps (err %v), want none", total, err)
	}
	if log, err := s.AuditLog(ctx, 10); err != nil || len(log) != 0 {
		t.Errorf("after refused writes: audit log %v (err %v), want none", log, err)
	}
}

// testStoredTextIsStorable: text that one database would keep and another
// refuse (a NUL byte, broken UTF-8) is kept the same way by every store,
// and over-long text is cut.
func testStoredTextIsStorable(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	if err := s.ShareGap(ctx, "is\x00 it ok \xff\xfe to ask", Day("2025-03-01")); err != nil {
		t.Fatalf("ShareGap with a NUL byte and broken UTF-8: %v", err)
	}
	if err := s.ShareGap(ctx, strings.Repeat("long question ", 100), Day("2025-03-01")); err != nil {
		t.Fatal(err)
	}
	gaps, _, err := s.Gaps(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, g := range gaps {
		texts = append(texts, g.Text)
	}
	if got, want := len(texts), 2; got != want {
		t.Fatalf("gaps = %q, want %d", texts, want)
	}
	for _, text := range texts {
		switch {
		case strings.HasPrefix(text, "long"):
			if n := len([]rune(text)); n != store.MaxText+1 || !strings.HasSuffix(text, "…") {
				t.Errorf("long text kept as %d runes ending %q, want %d and an ellipsis", n, text[len(text)-8:], store.MaxText+1)
			}
		case text != "is it ok \uFFFD to ask":
			t.Errorf("text = %q, want %q", text, "is it ok \uFFFD to ask")
		}
	}

	at := time.Date(2025, 4, 1, 9, 30, 0, 0, time.UTC)
	if err := s.Audit(ctx, store.AuditRecord{GuildID: "g\x00", ModeratorID: "mod\xff", EntryID: "condoms", Action: strings.Repeat("x", 2*store.MaxText), At: at}); err != nil {
		t.Fatalf("Audit with a NUL byte, broken UTF-8 and a long action: %v", err)
	}
	log, err := s.AuditLog(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].GuildID != "g" || log[0].ModeratorID != "mod\uFFFD" || len([]rune(log[0].Action)) != store.MaxText+1 {
		t.Errorf("audit log = %q, want guild %q, moderator %q and the action cut", log, "g", "mod\uFFFD")
	}
}

func testStatsAcrossRestart(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	count := func(s store.Store, kind, entry, d string, n int) {
		t.Helper()
		for range n {
			if err := s.CountQuestion(ctx, kind, entry, Day(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	vote := func(s store.Store, entry string, helpful bool, d string, n int) {
		t.Helper()
		for range n {
			if err := s.CountFeedback(ctx, entry, helpful, Day(d)); err != nil {
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
	mustClose(t, s)

	s = open(t)
	count(s, "crisis", "crisis-support", "2025-02-03", 1)
	count(s, "answer", "condoms", "2025-02-03", 1)
	vote(s, "condoms", true, "2025-02-03", 1)
	vote(s, "few-votes", false, "2025-02-03", 2)
	mustClose(t, s)

	s = open(t)
	st, err := s.Stats(ctx, Date("2025-02-01").Add(23*time.Hour)) // the date counts, not the hour
	if err != nil {
		t.Fatal(err)
	}
	if got, want := st.Questions, 8; got != want {
		t.Errorf("Questions = %d, want %d", got, want)
	}
	if got, want := fmt.Sprint(st.Days), fmt.Sprint([]store.DayCount{
		{Day: Date("2025-02-01"), Count: 4}, {Day: Date("2025-02-02"), Count: 0}, {Day: Date("2025-02-03"), Count: 4},
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

	// CountQuestions adds n at once; a zero since sums every day.
	if err := s.CountQuestions(ctx, "decline", "", Day("2025-01-20"), 4); err != nil {
		t.Fatal(err)
	}
	all, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := all.Questions, 8+5+4; got != want {
		t.Errorf("Stats(zero since).Questions = %d, want %d", got, want)
	}
	if got, want := len(all.Days), 15; got != want {
		t.Errorf("Stats(zero since) has %d days, want %d (2025-01-20 to 2025-02-03)", got, want)
	}
}

func testAuditLog(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	at := time.Date(2025, 4, 1, 9, 30, 0, 0, time.UTC)
	for i, r := range []store.AuditRecord{
		{GuildID: "guild-1", ModeratorID: "mod-1", EntryID: "condoms", Action: "edit", At: at},
		{GuildID: "guild-2", ModeratorID: "mod-2", EntryID: "", Action: "dismiss gap", At: at.Add(time.Hour)},
		{ModeratorID: "mod-1", EntryID: "vaginismus", Action: "publish", At: at.Add(-time.Hour)},
	} {
		if err := s.Audit(ctx, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	mustClose(t, s)
	s = open(t)
	log, err := s.AuditLog(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.AuditRecord{
		{GuildID: "guild-2", ModeratorID: "mod-2", EntryID: "", Action: "dismiss gap", At: at.Add(time.Hour)},
		{GuildID: "guild-1", ModeratorID: "mod-1", EntryID: "condoms", Action: "edit", At: at},
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Fatalf("AuditLog(2) = %v, want %v", log, want)
	}

	// A zero At means now, kept to the second, in UTC; another zone is
	// the same instant.
	before := time.Now().Truncate(time.Second)
	if err := s.Audit(ctx, store.AuditRecord{ModeratorID: "mod-3", Action: "reload"}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	cest := time.FixedZone("CEST", 2*3600)
	if err := s.Audit(ctx, store.AuditRecord{ModeratorID: "mod-4", Action: "retire", At: time.Date(2030, 1, 1, 11, 0, 0, 999, cest)}); err != nil {
		t.Fatal(err)
	}
	log, err = s.AuditLog(ctx, store.MaxAuditLog)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(log), 5; got != want {
		t.Fatalf("AuditLog(max) has %d records, want %d", got, want)
	}
	if got, want := log[0].At, time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC); got != want {
		t.Errorf("newest At = %v, want %v", got, want)
	}
	if now := log[1]; now.ModeratorID != "mod-3" || now.At.Before(before) || now.At.After(after) || now.At.Location() != time.UTC || now.At.Nanosecond() != 0 {
		t.Errorf("record with a zero At = %+v, want mod-3 at a second between %v and %v, UTC", now, before, after)
	}
}

// testConcurrentWrites writes from many goroutines through two stores on
// one database, as two processes would.
func testConcurrentWrites(t *testing.T, open opener) {
	ctx := context.Background()
	stores := []store.Store{open(t), open(t)}
	const workers, each = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				d := Day("2025-05-01")
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

	for i, s := range stores {
		st, err := s.Stats(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := st.Questions, workers*each; got != want {
			t.Errorf("store %d: Questions = %d, want %d", i, got, want)
		}
		if got, want := fmt.Sprint(st.Feedback), fmt.Sprint([]store.EntryFeedback{{EntryID: "condoms", Helpful: workers * each / 2, NotHelpful: workers * each / 2}}); got != want {
			t.Errorf("store %d: Feedback = %s, want %s", i, got, want)
		}
		gaps, total, err := s.Gaps(ctx, 1, store.MaxPerPage)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := total, 1+workers*each; got != want {
			t.Errorf("store %d: gap groups = %d, want %d", i, got, want)
		}
		if gaps[0].Text != "Where can I get tested?" || gaps[0].Count != workers*each {
			t.Errorf("store %d: first gap = %+v, want the shared question counted %d times", i, gaps[0], workers*each)
		}
	}
}

func testContextCanceled(t *testing.T, open opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := Day("2025-01-01")
	for name, err := range map[string]error{
		"ShareGap":      s.ShareGap(ctx, "a question", d),
		"CountQuestion": s.CountQuestion(ctx, "answer", "condoms", d),
		"CountFeedback": s.CountFeedback(ctx, "condoms", true, d),
		"Audit":         s.Audit(ctx, store.AuditRecord{ModeratorID: "mod-1", Action: "edit"}),
		"Gaps":          func() error { _, _, err := s.Gaps(ctx, 1, 10); return err }(),
		"DismissGap":    s.DismissGap(ctx, 1),
		"Stats":         func() error { _, err := s.Stats(ctx, time.Time{}); return err }(),
		"AuditLog":      func() error { _, err := s.AuditLog(ctx, 10); return err }(),
		"Ping":          s.Ping(ctx),
		"Writable":      s.Writable(ctx),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: err = %v, want context.Canceled", name, err)
		}
	}
	st, err := s.Stats(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Questions != 0 || len(st.Feedback) != 0 {
		t.Errorf("writes with a canceled context were kept: %+v", st)
	}
}

func testClosed(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	mustClose(t, s)
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded")
	}
	if err := s.CountQuestion(ctx, "answer", "condoms", Day("2025-01-01")); err == nil {
		t.Error("CountQuestion after Close succeeded")
	}
	if _, _, err := s.Gaps(ctx, 1, 10); err == nil {
		t.Error("Gaps after Close succeeded")
	}
}

// testWritable: a working store is writable, the probe changes no data and
// leaves the store usable after a restart, and a closed store is not
// writable. Each implementation tests a full or read-only disk itself.
func testWritable(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	if err := s.CountFeedback(ctx, "condoms", true, Day("2025-01-01")); err != nil {
		t.Fatal(err)
	}
	before, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.Writable(ctx); err != nil {
			t.Fatalf("Writable on a working store: %v", err)
		}
	}
	mustClose(t, s)
	s = open(t)
	after, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("Writable changed the data: stats %+v, want %+v", after, before)
	}
	mustClose(t, s)
	if err := s.Writable(ctx); err == nil {
		t.Error("Writable after Close succeeded")
	}
}
