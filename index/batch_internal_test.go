package index

import (
	"context"
	"math"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestBatchesScoreAsOne builds the embedded corpus in one batch per index
// and in many small ones (many segments), and wants the same hits with the
// same scores: with the statistics Build gives every search, how the
// documents were batched changes no ranking. Without them (bleve adds up
// the terms of every segment) the first hit changed for about 3% of the
// questions.
func TestBatchesScoreAsOne(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Learned = 0
	one, err := Build(c, o)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	defer func(e, a int) { entryBatch, askBatch = e, a }(entryBatch, askBatch)
	entryBatch, askBatch = 7, 250
	many, err := Build(c, o)
	if err != nil {
		t.Fatal(err)
	}
	defer many.Close()
	ctx := context.Background()
	n := 0
	for _, e := range c.Entries {
		for _, q := range e.Questions {
			fuzz := one.typoCandidates(q)
			for _, pair := range []struct {
				name      string
				one, many func() ([]Hit, error)
			}{
				{"entries", func() ([]Hit, error) { return search(ctx, one.bleve, nil, one.entryQuery(q), 20) },
					func() ([]Hit, error) { return search(ctx, many.bleve, nil, many.entryQuery(q), 20) }},
				{"phrasings", func() ([]Hit, error) { return search(ctx, one.asks, one.askStats, one.askQuery(q, fuzz), 60) },
					func() ([]Hit, error) { return search(ctx, many.asks, many.askStats, many.askQuery(q, fuzz), 60) }},
			} {
				a, err := pair.one()
				if err != nil {
					t.Fatal(err)
				}
				b, err := pair.many()
				if err != nil {
					t.Fatal(err)
				}
				// Equal scores may be ordered differently, so the scores are
				// compared rank by rank.
				if len(a) != len(b) {
					t.Fatalf("%q: %d %s hits in one batch, %d batched", q, len(a), pair.name, len(b))
				}
				for i := range a {
					if math.Abs(a[i].Score-b[i].Score) > 1e-9 {
						t.Fatalf("%q: %s hit %d scores %.12f in one batch (%s), %.12f batched (%s)", q, pair.name, i, a[i].Score, a[i].ID, b[i].Score, b[i].ID)
					}
				}
			}
			n++
		}
	}
	t.Logf("%d questions", n)
}
