package bot_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge"
)

var crisisIDs = []string{"crisis-self-harm", "sexual-assault-help", "relationship-abuse", "minors-and-safety"}

// TestDevSetTargets checks the targets of the corpus and safety issues on
// the shared development set (../shared/eval/dev-questions.tsv, beside the
// repository; skipped where it is absent): Recall@1 >= 0.90, Recall@3 >=
// 0.97, >= 0.90 of "none" rows not answered with confidence, every crisis
// row answered with its crisis entry first as a crisis reply, and at most 3%
// of the other in-scope rows stopped by triage.
// ageOnly are crisis rows of the shared set that only state an age.
var ageOnly = map[string]bool{"im 14 and have questions about sex but cant ask my parents, where can teens get safe info": true}

func TestDevSetTargets(t *testing.T) {
	f, err := os.Open("../../shared/eval/dev-questions.tsv")
	if err != nil {
		t.Skipf("development set not available: %v", err)
	}
	rows, err := knowledge.ReadEvalSet(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := bottest.MustResponder(t)
	res := bot.Evaluate(context.Background(), rows, r.RankWith)
	t.Logf("dev set: Recall@1 %.3f Recall@3 %.3f MRR %.3f none handled %.3f", res.RecallAt1, res.RecallAt3, res.MRR, res.NoneHandled)
	// Recall@1 was 0.909 on 62 entries and fell to 0.888 when 14 entries
	// were added; the phrasings and the learned ranker brought it to 0.930.
	if res.RecallAt1 < 0.90 || res.RecallAt3 < 0.97 || res.NoneHandled < 0.90 {
		t.Errorf("dev set below target: Recall@1 %.3f (>= 0.90), Recall@3 %.3f (>= 0.97), none %.3f (>= 0.90)", res.RecallAt1, res.RecallAt3, res.NoneHandled)
	}
	stopped, other := 0, 0
	for _, row := range rows {
		if !row.InScope() {
			continue
		}
		rep := r.Respond(context.Background(), row.Question)
		isCrisisRow := false
		for _, id := range row.Expected {
			if slices.Contains(crisisIDs, id) {
				isCrisisRow = true
			}
		}
		if isCrisisRow {
			if ageOnly[row.Question] {
				// Safety issue §4: a stated age under 18 is not a crisis by
				// itself; it gets an answer for teens with teen resources.
				if rep.Kind == knowledge.KindCrisis || !strings.Contains(rep.Notice, "under 18") {
					t.Errorf("age-only row %q: got %s %q (notice %q), want an answer with the teen notice", row.Question, rep.Kind, rep.ID(), rep.Notice)
				}
				continue
			}
			if rep.Kind != knowledge.KindCrisis || !slices.Contains(row.Expected, rep.ID()) {
				t.Errorf("crisis row %q: got %s %q, want a crisis reply from %v", row.Question, rep.Kind, rep.ID(), row.Expected)
			}
			continue
		}
		other++
		if rep.Kind == knowledge.KindCrisis || rep.Kind == knowledge.KindDecline {
			stopped++
			t.Logf("in-scope row stopped by triage: %q -> %s/%s", row.Question, rep.Kind, rep.Category)
		}
	}
	if share := float64(stopped) / float64(other); share > 0.03 {
		t.Errorf("%d of %d in-scope rows (%.1f%%) stopped by triage, want at most 3%%", stopped, other, 100*share)
	}
}

// TestNoneDevSet2: testdata/none-dev2.tsv, 300 questions by a writer who saw
// only the entries' titles: 200 a sex-health bot hears but no entry answers
// (fertility, miscarriage, abortion law, prostate, toys shopping, and far
// off-topic ones), 100 that an entry answers. A development set. Measured
// 2026-12-01 as it came: none handled 0.840 (13 of the 32 misses were
// crisis replies to questions like "best way to clean a cast iron pan"),
// Recall@1 0.810; after the safety model learned knowledge/out-of-scope.txt
// as ordinary and the concepts lost everyday words: 0.865 and 0.820. On
// 2026-12-01 (later) the safety model learned this file's questions as ordinary
// too (0.890, 0.860), and the confidence rule turned weak matches the
// learned model does not back into "did you mean" (Confidence.WeakRaw,
// chosen on all the development sets): 0.935 and 0.860.
// go test -v -run NoneDevSet2 ./bot
func TestNoneDevSet2(t *testing.T) {
	rows := mustEvalRows(t, "../testdata/none-dev2.tsv")
	res := bot.Evaluate(context.Background(), rows, bottest.MustResponder(t).RankWith)
	t.Logf("none-dev2: none handled %.3f, Recall@1 %.3f, Recall@3 %.3f", res.NoneHandled, res.RecallAt1, res.RecallAt3)
	if res.NoneHandled < 0.92 || res.RecallAt1 < 0.83 {
		t.Errorf("none-dev2: none handled %.3f (floor 0.92), Recall@1 %.3f (floor 0.83)", res.NoneHandled, res.RecallAt1)
	}
}

// TestDevSet20261202: testdata/dev-2026-12-02.tsv, 330 questions by a clinic
// nurse persona who saw only the topic list (5 per topic and 40 `none`,
// five of them relabelled to the birth-control and pregnancy entries the
// list lacked). A development set: it measured session 8's phrasings by
// fourteen other writers (R@1 0.607 as it came, 0.755, 0.800 and 0.834
// after each round) and chose the confidence rule's MinScore (0.875 with
// it), then the entries query without titles and tags (0.922). With 750
// contrastive phrasings for 30 sibling entries (session 9) R@1 stayed
// 0.922 and `none` handled went 0.943 -> 0.914 (one row of 35).
// go test -v -run DevSet20261202 ./bot
func TestDevSet20261202(t *testing.T) {
	devSetFloors(t, "../testdata/dev-2026-12-02.tsv", evalFloors{recall1: 0.91, recall3: 0.96, none: 0.91})
}

// TestDevSetLong20261202: testdata/dev-long-2026-12-02.tsv, 1,320 questions
// by four more writers who saw only the topic list (an agony aunt's
// letters, first responders after a shift, newcomers writing in a second
// language, young adults with chronic illness), told to write at least
// half as stories of over 50 words. Measured as it came at the end of
// session 8, never tuned on: Recall@1 0.822, Recall@3 0.941, none handled
// 0.912, long Recall@1 0.773 (743 rows). Trained on as phrasings, they
// raised the fresh held-out set (0.864 -> 0.875) but sent one more short
// ordinary message to a crisis reply and lost two held-out follow-ups, so
// they wait for the next session as a development set. It then chose, with
// the others, an entries query without titles and tags (Recall@1 0.859,
// none handled 0.906, long Recall@1 0.825).
// go test -v -run DevSetLong20261202 ./bot
func TestDevSetLong20261202(t *testing.T) {
	devSetFloors(t, "../testdata/dev-long-2026-12-02.tsv", evalFloors{recall1: 0.85, none: 0.90, long: 0.81})
}

// evalFloors are the least figures a set must reach; 0 sets no floor.
type evalFloors struct{ recall1, recall3, none, long float64 }

// devSetFloors logs the figures of the labelled set at path and fails
// where one is below its floor.
func devSetFloors(t *testing.T, path string, floors evalFloors) bot.EvalResult {
	t.Helper()
	res := bot.Evaluate(context.Background(), mustEvalRows(t, path), bottest.MustResponder(t).RankWith)
	t.Logf("%s: Recall@1 %.3f, Recall@3 %.3f, none handled %.3f, long Recall@1 %.3f", path, res.RecallAt1, res.RecallAt3, res.NoneHandled, res.LongRecallAt1)
	for _, c := range []struct {
		name       string
		got, floor float64
	}{{"Recall@1", res.RecallAt1, floors.recall1}, {"Recall@3", res.RecallAt3, floors.recall3}, {"none handled", res.NoneHandled, floors.none}, {"long Recall@1", res.LongRecallAt1, floors.long}} {
		if c.got < c.floor {
			t.Errorf("%s: %s %.3f, below the floor %.2f", path, c.name, c.got, c.floor)
		}
	}
	return res
}

// TestNoneDevSet20261202: testdata/none-dev-2026-12-02.tsv, 440 messages
// by two writers about everyday life and health that is not sexual
// (gardening, cars, DIY, nosebleeds, flu shots), none of which the corpus
// answers. A development set. As it came (2026-12-02, safety model of 65
// writers) 0.909 were handled (a fallback, decline or small talk), and 23
// got a CRISIS reply ("tomato plant leaves going yellow", "gift for a 10
// year old who loves dinosaurs"): the safety model had learned crisis
// against sexual-health questions and read everyday text as far from
// them. Session 10's safety model (pairs of words apart, the corpus's
// newer phrasings as ordinary examples): 0.916 handled, 20 crisis replies.
// go test -v -run NoneDevSet20261202 ./bot
func TestNoneDevSet20261202(t *testing.T) {
	noneDevCrisis(t, "../testdata/none-dev-2026-12-02.tsv", noneDevFloor, noneDevMaxCrisis)
}

// TestNoneDevSet20261203: testdata/none-dev-2026-12-03.tsv, 400 everyday
// messages that share the corpus's words (a business partner, a hospital
// discharge, a grace period, hair loss, in-laws, a pill cut in half) by a
// writer who saw neither the corpus nor any evaluation set; 20 of 420
// close to a message we hold were dropped. A development set. As it came
// (2026-12-03): 0.905 handled, 9 crisis replies, all from the safety
// model alone ("my dog swallowed one of my vitamin pills, should i call
// the vet"). Taught to the search's learned model as questions it does not
// answer, they raised `none` handled on a fresh development set but cost
// Recall@1 on four of five held-out sets (0.882 -> 0.864 on the newest),
// so they were not kept there.
// go test -v -run NoneDevSet20261203 ./bot
func TestNoneDevSet20261203(t *testing.T) {
	noneDevCrisis(t, "../testdata/none-dev-2026-12-03.tsv", 0.89, 12)
}

// TestDevSet20261203: testdata/dev-2026-12-03.tsv, 449 questions by three
// writers with personas of their own (a peer educator's anonymous question
// box, a couples' clinic's intake forms, adults writing in a second
// language) who saw only the 72 topic ids and titles; 132 in-scope rows of
// 30+ words, 48 `none`; 31 of 480 close to a message we hold dropped
// unread. Written as a fresh development set for tuning (2026-12-03). As
// it came: Recall@1 0.875, Recall@3 0.963, none handled 0.875, long Recall@1
// 0.864 (plain Bleve's first hit right 0.893, Recall@3 0.978); the fusion
// weights of the ranking barely move it (0.870-0.880 over Entry 2 with
// Phrasing 0-1 and Learned 0-4). Eleven phrases for contraception,
// periods and the body in regional and older English raised it to 0.880
// (long Recall@1 0.871).
// go test -v -run DevSet20261203 ./bot
func TestDevSet20261203(t *testing.T) {
	devSetFloors(t, "../testdata/dev-2026-12-03.tsv", evalFloors{recall1: 0.87, recall3: 0.95, none: 0.85, long: 0.85})
}

// noneDevCrisis holds a set of `none` messages to its floor of handled
// ones and counts those that got a crisis reply.
func noneDevCrisis(t *testing.T, path string, floor float64, maxCrisis int) {
	t.Helper()
	crisis := 0
	for _, m := range devSetFloors(t, path, evalFloors{none: floor}).Misses {
		if m.Kind == knowledge.KindCrisis {
			crisis++
		}
	}
	t.Logf("%s: %d crisis replies", path, crisis)
	if crisis > maxCrisis {
		t.Errorf("%s: %d everyday messages got a crisis reply, at most %d allowed", path, crisis, maxCrisis)
	}
}

const (
	noneDevFloor     = 0.91
	noneDevMaxCrisis = 20
)
