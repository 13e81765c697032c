package bot_test

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge"
)

// TestFollowUpSet measures follow-ups on testdata/followups-2026-11-30.tsv:
// 110 two-message conversations (first message, follow-up, the entry that
// answers the follow-up) by a writer who never saw the corpus; half stay on
// the topic, half move to a related one. Right means a confident answer
// from the expected entry. Measured 2026-11-30; the floor sits just under.
// go test -v -run FollowUpSet ./bot
func TestFollowUpSet(t *testing.T) {
	f, err := os.Open("../testdata/followups-2026-11-30.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bottest.MustResponder(t)
	right, n := 0, 0
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		parts := strings.Split(sc.Text(), "\t")
		if first || len(parts) != 3 {
			continue
		}
		var conv bot.Conversation
		r.Converse(context.Background(), &conv, parts[0])
		rep := r.Converse(context.Background(), &conv, parts[1])
		n++
		if rep.Kind == knowledge.KindAnswer && rep.ID() == parts[2] {
			right++
		} else if testing.Verbose() {
			t.Logf("miss: %q -> %q: got %s %q, want %s", parts[0], parts[1], rep.Kind, rep.ID(), parts[2])
		}
	}
	share := float64(right) / float64(n)
	t.Logf("follow-ups right: %.3f (%d of %d)", share, right, n)
	if share < floorFollowUps {
		t.Errorf("follow-ups right %.3f, below the floor %.2f", share, floorFollowUps)
	}
}

// floorFollowUps is just under the follow-up figure measured on 2026-11-30
// after the follow-up rules were tuned on the development set (0.773, 85 of
// 110; 0.718 before).
const floorFollowUps = 0.76

// TestFollowUpDevSet measures follow-ups on testdata/followups-dev.tsv, the
// development set for tuning follow-ups (150 conversations; the dated set
// above stays held out). Right is a reply from the expected entry (a crisis
// reply for a crisis entry), or, for "none", no confident answer at all.
// go test -v -run FollowUpDevSet ./bot
func TestFollowUpDevSet(t *testing.T) {
	f, err := os.Open("../testdata/followups-dev.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bottest.MustResponder(t)
	right, n := 0, 0
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		parts := strings.Split(sc.Text(), "\t")
		if first || len(parts) != 3 {
			continue
		}
		var conv bot.Conversation
		r.Converse(context.Background(), &conv, parts[0])
		rep := r.Converse(context.Background(), &conv, parts[1])
		n++
		var ok bool
		switch want := parts[2]; {
		case want == "none":
			ok = rep.Kind != knowledge.KindAnswer
		case slices.Contains(crisisIDs, want):
			ok = (rep.Kind == knowledge.KindAnswer || rep.Kind == knowledge.KindCrisis) && rep.ID() == want
		default:
			ok = rep.Kind == knowledge.KindAnswer && rep.ID() == want
		}
		if ok {
			right++
		} else if testing.Verbose() {
			t.Logf("miss: %q -> %q: got %s %q (%s), want %s", parts[0], parts[1], rep.Kind, rep.ID(), rep.Reason, parts[2])
		}
	}
	share := float64(right) / float64(n)
	t.Logf("follow-ups right (dev): %.3f (%d of %d)", share, right, n)
	if share < floorFollowUpsDev {
		t.Errorf("follow-ups right (dev) %.3f, below the floor %.2f", share, floorFollowUpsDev)
	}
}

// floorFollowUpsDev is just under the development figure (0.873, 131 of
// 150, on 2026-11-30).
const floorFollowUpsDev = 0.86
