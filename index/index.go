package index

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/confidant-bot/confidant/knowledge"
)

// Field names of an indexed entry.
const (
	FieldTitle     = "title"
	FieldQuestions = "questions"
	FieldTags      = "tags"
	FieldBody      = "body"
)

const (
	synonymSource     = "vocabulary"
	synonymCollection = "vocabulary"
	docType           = "entry"
)

// Options tune ranking. The zero value is not useful: start from DefaultOptions.
type Options struct {
	// Scoring is "bm25" or "tfidf".
	Scoring string
	// Boosts per field.
	Title, Questions, Tags, Body float64
	// Fuzzy is the weight of typo-tolerant matches relative to exact ones;
	// 0 turns typo tolerance off.
	Fuzzy float64
	// Synonyms turns the vocabulary's synonym groups on.
	Synonyms bool
}

// DefaultOptions are the options tuned on the development set (see README).
func DefaultOptions() Options {
	return Options{Scoring: "bm25", Title: 2.0, Questions: 2.0, Tags: 1.0, Body: 0.6, Fuzzy: 0.4, Synonyms: true}
}

// Hit is one entry found for a query.
type Hit struct {
	ID    string
	Score float64
}

// Index is a searchable, immutable view of one corpus. It is safe for
// concurrent use.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	opts     Options
	size     int
	// terms holds, per entry, the analysed terms of all its fields, so that
	// Coverage can tell how much of a question an entry speaks to.
	terms map[string]map[string]struct{}
	// canon maps a synonym to the first word of its group.
	canon map[string]string
}

// Build indexes every entry of c in one batch.
func Build(c *knowledge.Corpus, opts Options) (*Index, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = en.AnalyzerName
	m.ScoringModel = opts.Scoring
	if opts.Scoring == "tfidf" {
		m.ScoringModel = ""
	}
	groups := usableSynonyms(c.Vocabulary)
	if opts.Synonyms && len(groups) > 0 {
		if err := m.AddSynonymSource(synonymSource, map[string]any{
			"collection": synonymCollection,
			"analyzer":   en.AnalyzerName,
		}); err != nil {
			return nil, fmt.Errorf("synonym source: %w", err)
		}
	} else {
		groups = nil
	}
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{FieldTitle, FieldQuestions, FieldTags, FieldBody} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		fm.IncludeInAll = false
		if groups != nil {
			fm.SynonymSource = synonymSource
		}
		dm.AddFieldMappingsAt(f, fm)
	}
	m.AddDocumentMapping(docType, dm)
	m.DefaultMapping = dm
	m.TypeField = "_type"

	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	ix := &Index{
		bleve:    bi,
		analyzer: m.AnalyzerNamed(en.AnalyzerName),
		opts:     opts,
		size:     len(c.Entries),
		terms:    make(map[string]map[string]struct{}, len(c.Entries)),
		canon:    map[string]string{},
	}
	for _, g := range groups {
		for _, t := range g {
			ix.canon[t] = g[0]
		}
	}
	b := bi.NewBatch()
	for _, e := range c.Entries {
		doc := map[string]any{
			"_type":        docType,
			FieldTitle:     e.Title,
			FieldQuestions: strings.Join(e.Questions, "\n"),
			FieldTags:      strings.Join(e.Tags, ", "),
			FieldBody:      e.Body,
		}
		if err := b.Index(e.ID, doc); err != nil {
			bi.Close()
			return nil, fmt.Errorf("index %s: %w", e.ID, err)
		}
		set := map[string]struct{}{}
		for _, text := range []string{e.Title, strings.Join(e.Questions, "\n"), strings.Join(e.Tags, ", "), e.Body} {
			for _, t := range ix.Analyze(text) {
				set[ix.canonical(t)] = struct{}{}
			}
		}
		ix.terms[e.ID] = set
	}
	for i, g := range groups {
		if err := b.IndexSynonym(fmt.Sprintf("syn-%d", i), synonymCollection, &bleve.SynonymDefinition{Synonyms: g}); err != nil {
			bi.Close()
			return nil, fmt.Errorf("synonym group %v: %w", g, err)
		}
	}
	if err := bi.Batch(b); err != nil {
		bi.Close()
		return nil, fmt.Errorf("index batch: %w", err)
	}
	// A smoke query catches a broken synonym source or mapping now, not on
	// the first question a person asks.
	if len(c.Entries) > 0 {
		if _, err := ix.Search(context.Background(), c.Entries[0].Title, 1); err != nil {
			bi.Close()
			return nil, fmt.Errorf("smoke query: %w", err)
		}
	}
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Len is the number of entries indexed.
func (ix *Index) Len() int { return ix.size }

// Analyze returns the terms search would see for text: lowercased, stop
// words removed, stemmed.
func (ix *Index) Analyze(text string) []string {
	toks := ix.analyzer.Analyze([]byte(text))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}

func (ix *Index) canonical(term string) string {
	if c, ok := ix.canon[term]; ok {
		return c
	}
	return term
}

// Search returns up to n entries for the question, best first. The text is
// only ever analysed as plain words: no query syntax reaches bleve.
func (ix *Index) Search(ctx context.Context, text string, n int) ([]Hit, error) {
	if strings.TrimSpace(text) == "" || n <= 0 {
		return nil, nil
	}
	var qs []query.Query
	add := func(field string, boost float64) {
		if boost <= 0 {
			return
		}
		exact := query.NewMatchQuery(text)
		exact.SetField(field)
		exact.SetBoost(boost)
		qs = append(qs, exact)
		if ix.opts.Fuzzy > 0 {
			fz := query.NewMatchQuery(text)
			fz.SetField(field)
			fz.SetFuzziness(1)
			fz.SetPrefix(1)
			fz.SetBoost(boost * ix.opts.Fuzzy)
			qs = append(qs, fz)
		}
	}
	add(FieldTitle, ix.opts.Title)
	add(FieldQuestions, ix.opts.Questions)
	add(FieldTags, ix.opts.Tags)
	add(FieldBody, ix.opts.Body)
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), n, 0, false)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{ID: h.ID, Score: h.Score})
	}
	return hits, nil
}

// Coverage is the share of the question's terms (after analysis) that occur
// in the entry, allowing one typo in words of five letters or more. It is 0
// for a question with no terms.
func (ix *Index) Coverage(text, id string) float64 {
	set := ix.terms[id]
	qt := ix.Analyze(text)
	if len(qt) == 0 || set == nil {
		return 0
	}
	seen := map[string]bool{}
	total, found := 0, 0
	for _, t := range qt {
		t = ix.canonical(t)
		if seen[t] {
			continue
		}
		seen[t] = true
		total++
		if _, ok := set[t]; ok {
			found++
			continue
		}
		if len(t) >= 5 {
			for term := range set {
				if withinOneEdit(t, term) {
					found++
					break
				}
			}
		}
	}
	return float64(found) / float64(total)
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion or substitution.
func withinOneEdit(a, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	if la < lb {
		a, b, la, lb = b, a, lb, la
	}
	i := 0
	for i < lb && a[i] == b[i] {
		i++
	}
	if i == lb {
		return true
	}
	if la == lb {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}
