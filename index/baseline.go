package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/confidant-bot/confidant/knowledge"
)

// Baseline is plain full-text search over the same corpus: bleve's default
// mapping (standard analyzer, no stemming), every part of an entry in one
// text, one match query, no vocabulary. Evaluation compares against it.
type Baseline struct {
	bleve bleve.Index
}

// BuildBaseline indexes c the plain way.
func BuildBaseline(c *knowledge.Corpus) (*Baseline, error) {
	bi, err := bleve.NewUsing("", bleve.NewIndexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("new baseline index: %w", err)
	}
	b := bi.NewBatch()
	for _, e := range c.Entries {
		if err := b.Index(e.ID, map[string]any{"text": entryText(e)}); err != nil {
			bi.Close()
			return nil, err
		}
	}
	if err := bi.Batch(b); err != nil {
		bi.Close()
		return nil, err
	}
	return &Baseline{bleve: bi}, nil
}

// Search returns up to n entries for text, best first.
func (b *Baseline) Search(ctx context.Context, text string, n int) ([]Hit, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	q := bleve.NewMatchQuery(text)
	res, err := b.bleve.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, n, 0, false))
	if err != nil {
		return nil, fmt.Errorf("baseline search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{ID: h.ID, Score: h.Score})
	}
	return hits, nil
}

// Close releases the index.
func (b *Baseline) Close() error { return b.bleve.Close() }
