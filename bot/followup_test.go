package bot_test

import (
	"bufio"
	"context"
	"os"
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
// (0.718, 79 of 110).
const floorFollowUps = 0.70
