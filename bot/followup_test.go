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
// from the expected entry (followUpShare; the set has no "none" or crisis
// rows, whose scoring differs). Measured 2026-11-30; the floor sits just
// under.
// go test -v -run FollowUpSet ./bot
func TestFollowUpSet(t *testing.T) {
	followUpFloor(t, "../testdata/followups-2026-11-30.tsv", "follow-ups right", floorFollowUps)
}

// floorFollowUps is just under the follow-up figure measured once after
// the follow-up rules were tuned on both development sets (0.782, 86 of
// 110; 0.773 after the first set alone, 0.718 before); 0.791 (87) after
// session 8's phrasings, 0.800 (88) when the entries query stopped
// searching titles and tags. The set has no
// "none" or crisis rows, so the stricter scoring here costs nothing.
const floorFollowUps = 0.79

// TestFollowUpSet2 measures follow-ups on
// testdata/followups-2026-12-02.tsv: 259 two-message conversations by two
// more writers (a Discord community manager, a family doctor) who saw only
// the topic list; a third of the second writer's switch to another topic
// entirely. 52 of 311 pairs whose first message (or a follow-up of six
// words or more) came close to one we hold were dropped unread. Measured
// once as it came, on 2026-12-02 at 43d4789: 0.633 (164 of 259); 0.780
// (202) after session 8's phrasings, with no change to the follow-up rules. Its
// misses were printed once while measuring, so it is no longer unseen:
// it may not be tuned on, and the next follow-up work needs a new set.
// go test -v -run FollowUpSet2 ./bot
func TestFollowUpSet2(t *testing.T) {
	followUpFloor(t, "../testdata/followups-2026-12-02.tsv", "follow-ups right (2026-12-02)", 0.77)
}

// TestFollowUpDevSet measures follow-ups on testdata/followups-dev.tsv, the
// development set for tuning follow-ups (150 conversations; the dated set
// above stays held out).
// go test -v -run FollowUpDevSet ./bot
func TestFollowUpDevSet(t *testing.T) {
	followUpFloor(t, "../testdata/followups-dev.tsv", "follow-ups right (dev)", floorFollowUpsDev)
}

// floorFollowUpsDev is just under the development figure (0.880, 132 of
// 150; 0.873 before the second round of follow-up work).
const floorFollowUpsDev = 0.87

// TestFollowUpDevSet2 measures follow-ups on testdata/followups-dev2.tsv, a
// second development set by another writer (200 conversations: very short
// pronoun-only follow-ups, personal details with a question, topic
// switches). Measured as it came, before any tuning on it: 0.655 (131 of
// 200), a fair estimate of how the rules tuned on the first set generalise.
// go test -v -run FollowUpDevSet2 ./bot
func TestFollowUpDevSet2(t *testing.T) {
	followUpFloor(t, "../testdata/followups-dev2.tsv", "follow-ups right (dev2)", floorFollowUpsDev2)
}

// floorFollowUpsDev2 is just under the figure after tuning on both sets
// (0.755, 151 of 200; 0.785 on 2026-12-01 with more related.yaml topics).
const floorFollowUpsDev2 = 0.82

// TestFollowUpDevSet3: testdata/followups-dev3.tsv, a third development set
// by another writer (200 conversations over every entry, 20 of them with
// no answer). Measured as it came on 2026-12-01, before any change made
// with it: 0.675 (135 of 200); 0.695 after the day's changes (the crisis
// carry-over, related.yaml topics chosen on the second set, the retrained
// safety model).
// go test -v -run FollowUpDevSet3 ./bot
func TestFollowUpDevSet3(t *testing.T) {
	followUpFloor(t, "../testdata/followups-dev3.tsv", "follow-ups right (dev3)", 0.73)
}

// TestFollowUpDevSet4 and 5: testdata/followups-dev4.tsv and dev5.tsv, two
// more development sets of session 17 (160 conversations each; a
// university peer sex-ed text line's students, and a family-clinic
// nurse's midlife and men's health forums; the writers saw only the topic
// list). Measured as they came: 0.744 (119) and 0.819 (131); after
// session 17's changes, made with them, 0.781 (125) and 0.825 (132; the
// safety model of the same session took one).
// go test -v -run 'FollowUpDevSet[45]' ./bot
func TestFollowUpDevSet4(t *testing.T) {
	followUpFloor(t, "../testdata/followups-dev4.tsv", "follow-ups right (dev4)", 0.77)
}

func TestFollowUpDevSet5(t *testing.T) {
	followUpFloor(t, "../testdata/followups-dev5.tsv", "follow-ups right (dev5)", 0.82)
}

// followUpFloor logs the share of follow-ups answered right on the set at
// path and fails below floor.
func followUpFloor(t *testing.T, path, label string, floor float64) {
	share := followUpShare(t, path)
	t.Logf("%s: %.3f", label, share)
	if share < floor {
		t.Errorf("%s %.3f, below the floor %.2f", label, share, floor)
	}
}

// followUpShare is the share of a follow-up set's conversations (first
// message, follow-up, expected entry) answered right: a reply from the
// expected entry (a crisis reply for a crisis entry), or, for "none", no
// confident answer at all. It logs the misses only with
// CONFIDANT_FOLLOWUP_MISSES=1 (for the development sets), so that -v on a
// held-out set does not show them.
func followUpShare(t *testing.T, path string) float64 {
	t.Helper()
	f, err := os.Open(path)
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
		} else if os.Getenv("CONFIDANT_FOLLOWUP_MISSES") == "1" {
			t.Logf("miss: %q -> %q: got %s %q (%s), want %s", parts[0], parts[1], rep.Kind, rep.ID(), rep.Reason, parts[2])
		}
	}
	if n == 0 {
		t.Fatalf("%s: no conversations", path)
	}
	t.Logf("%s: %d of %d right", path, right, n)
	return float64(right) / float64(n)
}

// TestFollowUpSet3 measures follow-ups on
// testdata/followups-2026-12-02b.tsv: two-message conversations by two
// more writers with personas of their own who saw only the topic list
// (pronoun-only continuations, moves to a neighbouring topic, switches to
// an unrelated one, and off-topic follow-ups in about equal parts); 22 of
// 260 whose first message (or a follow-up of six words or more) came
// close to one we hold (word-set Jaccard 0.8 or more) were dropped
// unread. Never tuned on; measured without printing its misses: 0.811
// (193 of 238) at 6db7839, and the same after a follow-up with no answer
// of its own stopped moving to a neighbour the learned model does not find
// likely (2026-12-02; +1 row on each of two development sets). A
// new-topic lead-in left out of the search ("random q, whats aasect") was
// tried and not kept: it moved nothing on this set either, and "another
// question: what about women" then got a confident one-word match.
// go test -run FollowUpSet3 ./bot
func TestFollowUpSet3(t *testing.T) {
	followUpFloor(t, "../testdata/followups-2026-12-02b.tsv", "follow-ups right (2026-12-02b)", 0.80)
}

// TestFollowUpSet4 measures follow-ups on
// testdata/followups-2026-12-02c.tsv: 208 two-message conversations by two
// more writers with personas of their own (a sexual-health clinic's
// community health worker writing as her clients; a retired couples
// counsellor who moderates a Discord server for long-term couples) who saw
// only the topic list: continuations without a topic word, moves to a
// neighbouring topic, switches, and follow-ups no entry answers (49) in
// about equal parts. 72 of 280 whose first message (or a follow-up of six
// words or more) came close to a message we hold (word-set Jaccard 0.8 or
// more) were dropped unread. Never tuned on; measured as it came on
// 2026-12-02 (a6a3b2b): 0.779 (162 of 208), the same after the day's
// safety model. Four of its misses were printed once by a run with -v
// (which logs misses), so it is not wholly unseen: run it without -v.
// go test -run FollowUpSet4 ./bot
func TestFollowUpSet4(t *testing.T) {
	followUpFloor(t, "../testdata/followups-2026-12-02c.tsv", "follow-ups right (2026-12-02c)", 0.77)
}

// TestFollowUpSet5 measures follow-ups on
// testdata/followups-2026-12-03.tsv: 185 two-message conversations by two
// more writers with personas of their own (a pharmacist's sexual-health
// text line; a Discord server for people in new and long-distance
// relationships) who saw only the topic list: continuations without a
// topic word, moves to a neighbouring topic, switches, and follow-ups no
// entry answers (41) in about equal parts. 75 of 260 whose first message
// (or a follow-up of six words or more) came close to a message we hold
// (word-set Jaccard 0.8 or more) were dropped unread. Never tuned on;
// measured as it came on 2026-12-03 (7988148), without printing misses:
// 0.784 (145 of 185); 0.795 (147) with everyday questions taught to the
// learned model as `none`, a change not kept for what it cost the
// held-out quality sets; 0.795 (147) after the vocabulary phrases, the
// narrowed decline patterns and Confidence.StrongRaw of the same day, and
// after the three-word rule (tinyWords), which moved the older sets
// 91 -> 92 and 197 -> 199.
// go test -run FollowUpSet5 ./bot
func TestFollowUpSet5(t *testing.T) {
	followUpFloor(t, "../testdata/followups-2026-12-03.tsv", "follow-ups right (2026-12-03)", 0.77)
}
