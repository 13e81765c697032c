package bot_test

import (
	"context"
	"os"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestHeldOutQuality fails below floors set just under what was measured
// on each held-out set, so no change can quietly make answers worse:
//   - testdata/heldout-2026-11-30.tsv: 460 rows by two writers who never
//     saw the corpus or any other set, frozen and never tuned on; measured
//     2026-11-30 at R@1 0.739, R@3 0.879, none handled 0.611, then after
//     the phrasings, the learned ranker and the confidence rule at R@1
//     0.857, R@3 0.951, none handled 0.870, and at the end of the session
//     at R@1 0.882, R@3 0.973, none handled 0.870, long R@1 0.926, and
//     on 2026-11-30 at 90ed2da at R@1 0.879, R@3 0.970, none handled
//     0.889, long R@1 0.919; at the end of session 5 (2026-12-01) at R@1
//     0.872, R@3 0.966, none handled 0.907, long R@1 0.896 (with the
//     safety model of 33 writers, which gave 12 of its ordinary questions
//     a crisis reply instead of 6, 0.865 / 0.958 / 0.889 / 0.889); in
//     session 6 (48 writers, the safety model's decline classes) at R@1
//     0.867, R@3 0.961, none handled 0.926, long R@1 0.889, and at its
//     end (54 writers, CrisisMin 0.3) at R@1 0.862, R@3 0.956, none
//     handled 0.926, long R@1 0.874; in session 8 (2026-12-02), after
//     4,350 phrasings by fourteen more writers, the safety model trained on
//     them as ordinary and the confidence rule's MinScore recalibrated, at
//     R@1 0.901, R@3 0.988, none handled 0.981, long R@1 0.941;
//   - testdata/heldout-2026-12-02.tsv: 478 rows by two more writers (a
//     practice nurse who answered a newspaper's health column, a
//     helpline volunteer whose first language is Portuguese, told to
//     avoid the topics' own words and to write a quarter as long stories)
//     who saw only the topic list; 46 of 524 rows close to a question we
//     hold (three-word shingles, Jaccard above 0.4) were dropped unread.
//     Measured once as it came, on 2026-12-02 at 43d4789: R@1 0.637, R@3
//     0.856, none handled 0.761, long R@1 0.375 (64 rows): what people
//     who write like this meet, far below the first set. Nine of its
//     `none` rows asked what entries added since the topic list answer
//     (birth control, condoms, pregnancy tests); an annotator who saw only
//     those rows and the entries' titles relabelled them (the start then
//     reads 0.639 / 0.857 / 0.892 / 0.385). At the end of session 8 (the
//     changes above): R@1 0.864, R@3 0.959, none handled 0.919, long R@1
//     0.754 (`confidant eval`: 0.862 / 0.957 / 0.919 / 0.754); after the
//     entries query stopped searching titles and tags (chosen on the
//     development sets), R@1 0.896, R@3 0.961, none handled 0.919 (the
//     older set: 0.921, 0.988, 0.981);
//   - testdata/heldout-2026-12-02b.tsv: 535 rows by two more writers with
//     personas of their own (a fast-typing 19-year-old, a worried
//     45-year-old, non-native speakers, an older man, a queer 24-year-old;
//     an embarrassed 17-year-old, a new dad, a nurse, a trans man, a
//     religious couple, a gamer, an ALL-CAPS worrier), who saw only the
//     list of the 72 non-crisis topic ids with one line each; 170 rows of
//     30+ words, 38 `none`; 25 of 560 rows close to a question we hold
//     (word-set Jaccard 0.8 or more) were dropped unread. Measured once at
//     7078f90 (before titles and tags left the search): R@1 0.831, R@3
//     0.942, none handled 1.000, long R@1 0.900; once at 87b9004: R@1
//     0.851, R@3 0.938, none handled 1.000, long R@1 0.906 (plain Bleve
//     0.871 / 0.968 / 0 / 0.912); after 750 contrastive phrasings
//     (7c8fd53): R@1 0.859, R@3 0.944, none handled 1.000, long R@1 0.912
//     (the other two sets: 0.900 / 0.961 / 0.919 and 0.926 / 0.988 /
//     0.981); with session 10's safety model, the same except none handled
//     on the 2026-12-02 set, 0.919 -> 0.946 (fewer crisis replies to
//     questions no entry answers); with session 11's (everyday messages
//     trained on, CrisisMin 0.25), the same except none handled on this
//     set, 1.000 -> 0.974 (one of its 38 questions no entry answers);
//     on 2026-12-03, after whole entries began to be matched plainly
//     (Options.Entry), R@1 0.857, R@3 0.940, none handled 0.974, long R@1
//     0.876 (before: 0.859 / 0.944 / 0.974 / 0.912; the first set
//     unchanged, the second 0.905 / 0.966 / 0.946, before 0.898 / 0.959 /
//     0.946);
//   - testdata/heldout-2026-12-03.tsv: 458 rows by three more writers with
//     personas of their own (a night-shift warehouse worker typing on his
//     phone, censored words and slang; a 56-year-old accountant born in
//     Lagos whose English is his third language, writing formally and for
//     his church group; a nonbinary linguistics student in Leipzig writing
//     long hedged stories and terse fragments), who saw only the 72 topic
//     ids with their titles; 162 in-scope rows of 30+ words, 47 `none`; 22
//     of 480 rows close to a message we hold (word-set Jaccard 0.8 or more)
//     were dropped unread, and an annotator who saw only the rows and the
//     titles added one second acceptable id. Measured once before and once
//     after the change above, no misses printed: before R@1 0.825, R@3
//     0.932, none handled 0.957, long R@1 0.901; after 0.844 / 0.934 /
//     0.957 / 0.895 (plain Bleve 0.895 / 0.961 / 0 / 0.957);
//   - testdata/heldout-2026-12-03b.tsv: 452 rows by three more writers with
//     personas of their own (people texting from a night shift or a
//     delivery round; a forum for people over 50; an anonymous advice
//     forum of 18-35-year-olds of all genders), who saw only the 72 topic
//     ids and titles; 151 in-scope rows of 30+ words, 54 `none`; 34 of 486
//     rows close to a message we hold (or to the development set written
//     beside it) dropped unread; an annotator who saw only the rows and the
//     titles added a second acceptable id to five. Measured as it came
//     (2026-12-03, 7988148), no misses printed: R@1 0.882, R@3 0.957, none
//     handled 0.907, long R@1 0.914 (plain Bleve 0.872 / 0.970 / 0 /
//     0.907). Measured once more with everyday questions taught to the
//     learned model as `none` (not kept): 0.864 / 0.952 / 0.907 / 0.901;
//     and once after eleven vocabulary phrases, four narrowed decline
//     patterns and a strong clear match outweighing the learned model's
//     doubt (Confidence.StrongRaw): 0.892 / 0.957 / 0.907 / 0.914, the other
//     held-out sets 0.847, 0.863, 0.909 and 0.931 (before 0.844, 0.857,
//     0.905, 0.926; Recall@3 and none handled unchanged);
//   - testdata/eval-questions.tsv: the first held-out set, looked at since
//     and now a second development set (R@1 0.710, R@3 0.882; 0.865 and
//     0.979 in session 8).
func TestHeldOutQuality(t *testing.T) {
	lib, err := bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct {
		path                   string
		recall1, recall3, none float64
	}{
		{"../testdata/heldout-2026-11-30.tsv", 0.91, 0.98, 0.97},
		{"../testdata/heldout-2026-12-02.tsv", 0.88, 0.95, 0.94},
		{"../testdata/heldout-2026-12-02b.tsv", 0.85, 0.93, 0.97},
		{"../testdata/heldout-2026-12-03.tsv", 0.83, 0.92, 0.95},
		{"../testdata/heldout-2026-12-03b.tsv", 0.87, 0.96, 0.89},
		{"../testdata/eval-questions.tsv", 0.90, 0.97, 0.92},
	} {
		rows := mustEvalRows(t, set.path)
		res := bot.Evaluate(context.Background(), rows, bot.NewResponder(lib, nil).RankWith)
		t.Logf("%s: Recall@1 %.3f Recall@3 %.3f MRR %.3f none handled %.3f", set.path, res.RecallAt1, res.RecallAt3, res.MRR, res.NoneHandled)
		for _, c := range []struct {
			name       string
			got, floor float64
		}{{"Recall@1", res.RecallAt1, set.recall1}, {"Recall@3", res.RecallAt3, set.recall3}, {"none handled", res.NoneHandled, set.none}} {
			if c.got < c.floor {
				t.Errorf("%s: %s = %.3f, below the floor %.2f", set.path, c.name, c.got, c.floor)
			}
		}
	}
}

// mustEvalRows reads a labelled question file.
func mustEvalRows(tb testing.TB, path string) []knowledge.EvalRow {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := knowledge.ReadEvalSet(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return rows
}
