package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/confidant-bot/confidant/knowledge"
)

// Ranked is what evaluation needs from a way of answering: the kind of reply
// and the entry ids in rank order (the answer or first choice first).
type Ranked struct {
	Kind knowledge.Kind
	IDs  []string
}

// RankFunc answers one question for evaluation.
type RankFunc func(ctx context.Context, question string) Ranked

// RankWith evaluates the full pipeline of a Responder.
func (r *Responder) RankWith(ctx context.Context, question string) Ranked {
	rep := r.Respond(ctx, question)
	var ids []string
	if rep.Entry != nil {
		ids = append(ids, rep.Entry.ID)
	}
	for _, a := range rep.Alternatives {
		ids = append(ids, a.ID)
	}
	return Ranked{Kind: rep.Kind, IDs: ids}
}

// Miss is an evaluation row that was not answered right at rank 1.
type Miss struct {
	Question string
	Expected []string
	Kind     knowledge.Kind
	Got      []string
}

// EvalResult holds retrieval quality figures over an evaluation set.
type EvalResult struct {
	InScope, NoneRows int
	// RecallAt1 counts in-scope rows whose right entry came back as a
	// confident answer; RecallAt3 rows where it was among the first three
	// ids offered (answer or choices).
	RecallAt1, RecallAt3 float64
	// RecallAt1Choice also counts a right first "did you mean" choice.
	RecallAt1Choice float64
	// MRR is the mean reciprocal rank within the first three ids (0 below).
	MRR float64
	// LongRecallAt1 is RecallAt1 over the LongRows in-scope rows of 30
	// words or more.
	LongRecallAt1 float64
	LongRows      int
	// NoneHandled is the share of "none" rows that got a fallback or decline.
	NoneHandled float64
	Misses      []Miss
}

// Evaluate runs every row through rank.
func Evaluate(ctx context.Context, rows []knowledge.EvalRow, rank RankFunc) EvalResult {
	var res EvalResult
	var r1, r1c, r3, noneOK, long1 int
	var rr float64
	for _, row := range rows {
		got := rank(ctx, row.Question)
		if !row.InScope() {
			res.NoneRows++
			if got.Kind == knowledge.KindFallback || got.Kind == knowledge.KindDecline || got.Kind == knowledge.KindSmallTalk {
				noneOK++
			} else {
				res.Misses = append(res.Misses, Miss{row.Question, row.Expected, got.Kind, got.IDs})
			}
			continue
		}
		res.InScope++
		rank := 0
		for i, id := range got.IDs {
			if slices.Contains(row.Expected, id) {
				rank = i + 1
				break
			}
		}
		confident := got.Kind == knowledge.KindAnswer || got.Kind == knowledge.KindCrisis
		isLong := len(strings.Fields(row.Question)) >= 30
		if isLong {
			res.LongRows++
		}
		if rank == 1 && (confident || got.Kind == knowledge.KindFallback) {
			r1c++
		}
		if rank == 1 && confident {
			r1++
			if isLong {
				long1++
			}
		} else {
			res.Misses = append(res.Misses, Miss{row.Question, row.Expected, got.Kind, got.IDs})
		}
		if rank >= 1 && rank <= 3 {
			r3++
		}
		if rank >= 1 && rank <= 3 {
			rr += 1 / float64(rank)
		}
	}
	if res.InScope > 0 {
		res.RecallAt1 = float64(r1) / float64(res.InScope)
		res.RecallAt3 = float64(r3) / float64(res.InScope)
		res.RecallAt1Choice = float64(r1c) / float64(res.InScope)
		res.MRR = rr / float64(res.InScope)
	}
	if res.LongRows > 0 {
		res.LongRecallAt1 = float64(long1) / float64(res.LongRows)
	}
	if res.NoneRows > 0 {
		res.NoneHandled = float64(noneOK) / float64(res.NoneRows)
	}
	return res
}
