package cluster_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

const secret = "0123456789abcdef0123456789abcdef-test-secret"

func mustPeople(t *testing.T, connURL string) *cluster.People {
	t.Helper()
	p, err := cluster.NewPeople(mustOpen(t, connURL), secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSharedBudget: a person's questions through two processes spend one
// budget, decided as one process decides.
func TestSharedBudget(t *testing.T) {
	u := pgtest.SchemaURL(t)
	a, b := mustPeople(t, u).Limiter(5, time.Hour), mustPeople(t, u).Limiter(5, time.Hour)
	var got []discord.Allowance
	for i := range 8 {
		l := a
		if i%2 == 1 {
			l = b
		}
		got = append(got, l.Take("111111111111111111"))
	}
	want := []discord.Allowance{discord.Allow, discord.Allow, discord.Allow, discord.Allow, discord.Allow, discord.Notify, discord.Drop, discord.Drop}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("decisions across two processes = %v, want %v", got, want)
		}
	}
	if got := b.Take("222222222222222222"); got != discord.Allow {
		t.Errorf("another person's first question = %v, want Allow", got)
	}

	fast := mustPeople(t, u).Limiter(1, 300*time.Millisecond)
	if got := fast.Take("333333333333333333"); got != discord.Allow {
		t.Fatalf("first question = %v, want Allow", got)
	}
	if got := fast.Take("333333333333333333"); got != discord.Notify {
		t.Fatalf("second question at once = %v, want Notify", got)
	}
	time.Sleep(400 * time.Millisecond)
	if got := fast.Take("333333333333333333"); got != discord.Allow {
		t.Errorf("question once the budget refilled = %v, want Allow", got)
	}
}

// TestSharedCounter: a vote counted through one process is not counted
// again through another; a vote forgotten (not written) may be tried again.
func TestSharedCounter(t *testing.T) {
	u := pgtest.SchemaURL(t)
	a, b := mustPeople(t, u).Counter(), mustPeople(t, u).Counter()
	now := time.Now()
	const what = "vote\x00vaginismus\x002026-11-30"
	if !a.First("444444444444444444", what, now) {
		t.Fatal("first vote not counted")
	}
	if b.First("444444444444444444", what, now) {
		t.Fatal("the same vote through another process counted again")
	}
	if !b.First("555555555555555555", what, now) {
		t.Error("another person's vote not counted")
	}
	b.Forget("444444444444444444", what)
	if !a.First("444444444444444444", what, now) {
		t.Error("a forgotten vote cannot be tried again")
	}
	if !a.First("", what, now) || !b.First("", what, now) {
		t.Error("a vote without a user ID is not counted (it is never remembered)")
	}
}

// TestSharedSeen: an id handled by one process is refused by another for
// the window, then forgotten; ids of other uses are kept apart.
func TestSharedSeen(t *testing.T) {
	u := pgtest.SchemaURL(t)
	pa, pb := mustPeople(t, u), mustPeople(t, u)
	a := pa.Seen("http", 500*time.Millisecond, discord.NewSeen(500*time.Millisecond, 100))
	b := pb.Seen("http", 500*time.Millisecond, discord.NewSeen(500*time.Millisecond, 100))
	now := time.Now()
	if !a.First("1300000000000000001", now) {
		t.Fatal("a new interaction id is refused")
	}
	if b.First("1300000000000000001", now) {
		t.Fatal("an interaction replayed to another process is accepted")
	}
	if !pb.Seen("gateway", time.Minute, discord.NewSeen(time.Minute, 100)).First("1300000000000000001", now) {
		t.Error("an id of another use is refused")
	}
	time.Sleep(700 * time.Millisecond)
	if !b.First("1300000000000000001", time.Now()) {
		t.Error("an id is still refused after its window")
	}
}

// TestPeopleRowsHoldNoIDs: what the database keeps about people is keys,
// numbers and times: no user ID, message ID or entry, in any form; and
// expired rows are swept.
func TestPeopleRowsHoldNoIDs(t *testing.T) {
	u := pgtest.SchemaURL(t)
	db := mustOpen(t, u)
	p, err := cluster.NewPeople(db, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	const user, message, entry = "987654321098765432", "1234567890123456789", "vaginismus"
	p.Limiter(5, time.Second).Take(user)
	p.Counter().First(user, "vote\x00"+entry+"\x002026-11-30", time.Now())
	p.Counter().First(user, "share\x00"+message, time.Now())
	p.Seen("gateway", 200*time.Millisecond, discord.NewSeen(time.Minute, 10)).First(message, time.Now())

	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var dump strings.Builder
	for _, table := range []string{"person_budgets", "seen_keys"} {
		rows, err := conn.Query(context.Background(), `SELECT t::text FROM `+table+` t`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			dump.WriteString(s + "\n")
			n++
		}
		if n == 0 {
			t.Errorf("%s holds no row", table)
		}
	}
	for _, id := range []string{user, message, entry} {
		for _, form := range []string{id, hex.EncodeToString([]byte(id))} {
			if strings.Contains(dump.String(), form) {
				t.Errorf("the shared rows hold %q:\n%s", form, dump.String())
			}
		}
	}
	time.Sleep(400 * time.Millisecond) // the seen id (200 ms) expires
	n, err := db.SweepShared(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 {
		t.Errorf("SweepShared deleted %d rows, want the expired seen id at least", n)
	}
}

// TestPeopleFallBackWhileDatabaseDown: without the database each process
// decides alone, promptly, and shares again once it is back.
func TestPeopleFallBackWhileDatabaseDown(t *testing.T) {
	u := pgtest.SchemaURL(t)
	proxy := pgtest.NewProxy(t, u)
	p := mustPeople(t, proxy.URL(u))
	l, seen := p.Limiter(2, time.Hour), p.Seen("http", time.Minute, discord.NewSeen(time.Minute, 100))
	if got := l.Take("666666666666666666"); got != discord.Allow {
		t.Fatalf("first question = %v, want Allow", got)
	}
	if !seen.First("1400000000000000001", time.Now()) {
		t.Fatal("a new id is refused")
	}
	proxy.Down()
	start := time.Now()
	if got := l.Take("777777777777777777"); got != discord.Allow {
		t.Errorf("first question while the database is down = %v, want Allow (decided alone)", got)
	}
	if seen.First("1400000000000000001", time.Now()) {
		t.Error("an id handled before the outage is accepted again during it")
	}
	t.Logf("two decisions without the database took %v", time.Since(start))
	proxy.Up()
	other := mustPeople(t, u).Limiter(2, time.Hour)
	other.Take("888888888888888888")
	other.Take("888888888888888888")
	var got discord.Allowance
	for range 50 { // the pool reconnects on the next call
		if got = l.Take("888888888888888888"); got == discord.Notify {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != discord.Notify {
		t.Errorf("question over a budget spent through another process, once the database is back = %v, want Notify", got)
	}
}

func TestNewPeopleRefusesShortSecret(t *testing.T) {
	if _, err := cluster.NewPeople(nil, "short", nil); err == nil || !strings.Contains(err.Error(), "CONFIDANT_SHARED_KEY") {
		t.Errorf("NewPeople with a short secret: err = %v, want one naming CONFIDANT_SHARED_KEY", err)
	}
}

// flakyState is a database whose calls fail while down is set.
type flakyState struct{ down atomic.Bool }

func (f *flakyState) err() error {
	if f.down.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

func (f *flakyState) TakeToken(context.Context, []byte, int, time.Duration) (bool, bool, error) {
	return true, false, f.err()
}
func (f *flakyState) FirstTime(context.Context, []byte, time.Duration) (bool, error) {
	return true, f.err()
}
func (f *flakyState) Forget(context.Context, []byte) error       { return f.err() }
func (f *flakyState) SweepShared(context.Context) (int64, error) { return 0, f.err() }

// TestSlowCallsLoggedOncePerMinute: single calls over the time limit now
// and then, as on a machine short of CPU, log one outage and its end (with
// the decisions made alone) a minute, not one each.
func TestSlowCallsLoggedOncePerMinute(t *testing.T) {
	var logs bytes.Buffer
	state := &flakyState{}
	p, err := cluster.NewPeople(state, secret, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	l := p.Limiter(5, time.Hour)
	for i := range 10 {
		state.down.Store(i%2 == 0)
		l.Take(fmt.Sprintf("9%017d", i))
		l.Take(fmt.Sprintf("9%017d", i))
	}
	if got, want := strings.Count(logs.String(), "event=shared-failed"), 1; got != want {
		t.Errorf("%d outages logged, want %d:\n%s", got, want, logs.String())
	}
	if got, want := strings.Count(logs.String(), "event=shared-restored decided_alone=2"), 1; got != want {
		t.Errorf("%d recoveries logged with 2 decisions alone, want %d:\n%s", got, want, logs.String())
	}
}
