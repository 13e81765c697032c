package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

const evalUsage = `Usage: confidant eval [--baseline] [--misses] [--corpus DIR] FILE.tsv

Measure answer quality on a labelled file of "question<TAB>expected" rows
(expected: an entry id, several joined by "|", or "none"). Prints Recall@1
(right entry as a confident answer), Recall@3 (right entry among the first
three offered), MRR within the first three, the share of "none" rows that
got a fallback, decline or small talk, Recall@1 also counting a right first
"did you mean" choice, and Recall@1 over questions of 30 words or more.
--baseline adds plain Bleve search side by side.

`

func runEval(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("eval", evalUsage, s)
	dir := corpusFlag(fs, getenv)
	baseline := fs.Bool("baseline", false, "also evaluate plain full-text search (default mapping, no vocabulary, no confidence rule)")
	misses := fs.Bool("misses", true, "list the rows answered wrongly")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"eval needs exactly one FILE.tsv"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := knowledge.ReadEvalSet(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	r, err := newResponder(*dir, nil)
	if err != nil {
		return err
	}
	res := bot.Evaluate(ctx, rows, r.RankWith)
	printEval(s.out, "confidant", res)
	if *baseline {
		b, err := index.BuildBaseline(r.Library().Corpus)
		if err != nil {
			return err
		}
		defer b.Close()
		bres := bot.Evaluate(ctx, rows, baselineRank(b))
		printEval(s.out, "baseline", bres)
	}
	if *misses && len(res.Misses) > 0 {
		fmt.Fprintf(s.out, "\nmisses (confidant):\n")
		for _, m := range res.Misses {
			fmt.Fprintf(s.out, "- %q\n  expected %s, got %s %s\n", m.Question, strings.Join(m.Expected, "|"), m.Kind, strings.Join(m.Got, ","))
		}
	}
	return nil
}

func printEval(w io.Writer, name string, r bot.EvalResult) {
	fmt.Fprintf(w, "%-10s Recall@1 %.3f  Recall@3 %.3f  MRR %.3f  (in-scope rows %d)  none handled %.3f (%d rows)  Recall@1+choice %.3f  long Recall@1 %.3f (%d rows)\n",
		name, r.RecallAt1, r.RecallAt3, r.MRR, r.InScope, r.NoneHandled, r.NoneRows, r.RecallAt1Choice, r.LongRecallAt1, r.LongRows)
}

// baselineRank answers with the top hit of plain search, always as an answer.
func baselineRank(b *index.Baseline) bot.RankFunc {
	return func(ctx context.Context, q string) bot.Ranked {
		hits, err := b.Search(ctx, q, 3)
		if err != nil || len(hits) == 0 {
			return bot.Ranked{Kind: knowledge.KindFallback}
		}
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		return bot.Ranked{Kind: knowledge.KindAnswer, IDs: ids}
	}
}
