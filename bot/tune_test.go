package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestTune prints retrieval figures for option variants. It runs only with
// CONFIDANT_TUNE=path/to/file.tsv and asserts nothing: it is a tuning aid.
func TestTune(t *testing.T) {
	path := os.Getenv("CONFIDANT_TUNE")
	if path == "" {
		t.Skip("set CONFIDANT_TUNE=FILE.tsv to print tuning figures")
	}
	rows := mustEvalRows(t, path)
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := index.DefaultOptions()
	variants := map[string]func(o *index.Options){
		"default":    func(o *index.Options) {},
		"nofuzzy":    func(o *index.Options) { o.Fuzzy = 0 },
		"nosyn":      func(o *index.Options) { o.Synonyms = false },
		"phrasing0":  func(o *index.Options) { o.Phrasing = 0 },
		"phrasing.5": func(o *index.Options) { o.Phrasing = 0.5 },
		"phrasing2":  func(o *index.Options) { o.Phrasing = 2 },
	}
	for name, mod := range variants {
		o := base
		mod(&o)
		lib, err := bot.NewLibrary(c, o)
		if err != nil {
			t.Fatal(err)
		}
		r := bot.NewResponder(lib, nil)
		r.SetConfidence(bot.Confidence{MaxRunnerUp: 2}) // always answer: measures ranking alone
		res := bot.Evaluate(context.Background(), rows, r.RankWith)
		fmt.Printf("%-10s R@1 %.3f R@3 %.3f MRR %.3f\n", name, res.RecallAt1, res.RecallAt3, res.MRR)
	}
}

// TestCalibrate grid-searches the confidence rule on the tuning files in
// CONFIDANT_TUNE (several joined by ",") and prints the settings with the
// best Recall@1 that keep at least 90% of each file's "none" rows handled.
func TestCalibrate(t *testing.T) {
	paths := os.Getenv("CONFIDANT_TUNE")
	if paths == "" {
		t.Skip("set CONFIDANT_TUNE=FILE.tsv[,FILE.tsv] to calibrate")
	}
	var sets [][]knowledge.EvalRow
	for _, p := range strings.Split(paths, ",") {
		sets = append(sets, mustEvalRows(t, p))
	}
	lib, err := bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewResponder(lib, nil)
	var best bot.Confidence
	bestR1, bestNone := -1.0, 0.0
	for _, ms := range []float64{0.03, 0.1} {
		for _, mc := range []float64{0.3, 0.45} {
			for _, mw := range []int{1, 2} {
				for _, mn := range []float64{0, 0.2, 0.35, 0.5} {
					for _, no := range []float64{0, 0.5, 0.7, 0.85} {
						c := bot.Confidence{MinScore: ms, MinCoverage: mc, MinWords: mw, MaxRunnerUp: 0.99, SuggestScore: 0, SuggestCoverage: 0.15, MaxNone: mn, NoneOut: no}
						r.SetConfidence(c)
						r1, minNone, n := 0.0, 1.0, 0
						for _, rows := range sets {
							res := bot.Evaluate(context.Background(), rows, r.RankWith)
							r1 += res.RecallAt1 * float64(res.InScope)
							n += res.InScope
							if res.NoneRows > 0 && res.NoneHandled < minNone {
								minNone = res.NoneHandled
							}
						}
						r1 /= float64(n)
						fmt.Printf("%+v R@1 %.3f min-none %.3f\n", c, r1, minNone)
						if minNone >= 0.85 && r1 > bestR1 {
							best, bestR1, bestNone = c, r1, minNone
						}
					}
				}
			}
		}
	}
	fmt.Printf("best: %+v R@1 %.3f min-none %.3f\n", best, bestR1, bestNone)
}

// TestDumpFeatures prints, per row, what the confidence rule sees.
func TestDumpFeatures(t *testing.T) {
	path := os.Getenv("CONFIDANT_DUMP")
	if path == "" {
		t.Skip("set CONFIDANT_DUMP=FILE.tsv")
	}
	rows := mustEvalRows(t, path)
	lib, err := bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewResponder(lib, nil)
	for _, row := range rows {
		rep := r.Respond(context.Background(), row.Question)
		ids := []string{rep.ID()}
		for _, a := range rep.Alternatives {
			ids = append(ids, a.ID)
		}
		fmt.Printf("%s\t%s\t%s\tnone %.2f\t%v\t%s\n", row.Expected[0], rep.Kind, ids, lib.Index.NoneProbability(row.Question), rep.Reason, row.Question)
	}
}

// TestDumpSignals prints, per row, every signal the confidence rule could
// use, as tab-separated values for analysis: expected, reply kind, reply
// entry, top hit, its fused score, the runner-up's, raw score, coverage,
// words, none probability, the learned model's best entry and its
// probability, its probability of the top hit, and the question.
func TestDumpSignals(t *testing.T) {
	path := os.Getenv("CONFIDANT_SIGNALS")
	if path == "" {
		t.Skip("set CONFIDANT_SIGNALS=FILE.tsv")
	}
	rows := mustEvalRows(t, path)
	lib, err := bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewResponder(lib, nil)
	ctx := context.Background()
	for _, row := range rows {
		rep := r.Respond(ctx, row.Question)
		text := row.Question
		if exp := lib.Corpus.Vocabulary.Expand(row.Question); exp != "" {
			text += " " + exp
		}
		hits, err := lib.Index.Search(ctx, text, 8)
		if err != nil {
			t.Fatal(err)
		}
		var kept []index.Hit
		for _, h := range hits {
			if lib.Corpus.CrisisCategoryOf(h.ID) == "" {
				kept = append(kept, h)
			}
		}
		top, s1, s2, raw, cov, words := "", 0.0, 0.0, 0.0, 0.0, 0
		if len(kept) > 0 {
			top, s1, raw = kept[0].ID, kept[0].Score, kept[0].Raw
			cov, words = lib.Index.Overlap(text, top)
		}
		if len(kept) > 1 {
			s2 = kept[1].Score
		}
		best, bestP := "", 0.0
		for id, p := range lib.Index.Learned(row.Question) {
			if id != "" && p > bestP {
				best, bestP = id, p
			}
		}
		fmt.Printf("%s\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%s\t%.3f\t%.3f\t%s\n",
			strings.Join(row.Expected, "|"), rep.Kind, rep.ID(), top, s1, s2, raw, cov, words,
			lib.Index.NoneProbability(row.Question), best, bestP, lib.Index.Learned(row.Question)[top], row.Question)
	}
}
