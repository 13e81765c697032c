package index

import (
	"context"
	"math"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestBatchesScoreAsOne builds the embedded corpus's entries index in one
// batch and in many small ones (many segments), and wants the same hits
// with the same scores: how the documents were batched changes no ranking.
// (The phrasings' index has no batches; when it was a bleve index too, its
// BM25 statistics had to be given to every search for this to hold.)
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
	defer func(e int) { entryBatch = e }(entryBatch)
	entryBatch = 7
	many, err := Build(c, o)
	if err != nil {
		t.Fatal(err)
	}
	defer many.Close()
	ctx := context.Background()
	n := 0
	for _, e := range c.Entries {
		for _, q := range e.Questions {
			for _, pair := range []struct {
				name      string
				one, many func() ([]Hit, error)
			}{
				{"entries", func() ([]Hit, error) { return search(ctx, one.bleve, nil, one.entryQuery(q), 20) },
					func() ([]Hit, error) { return search(ctx, many.bleve, nil, many.entryQuery(q), 20) }},
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
