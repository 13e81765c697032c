package index

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestPhrasingsScoreAsBleve: the phrasings' own index gives the hits that
// bleve gives for the same query on a bleve index of the phrasings (the
// one Build made until 2026-12-03: BM25, the vocabulary's synonym groups as
// a synonym source, the typo corrections at their weight): the same
// phrasings, each with the same share of the best score (to a billionth),
// on every development question, with the vocabulary's expansions and the
// typo corrections as Search makes them, on the embedded corpus and on a
// synthetic one of 300 entries. The synonyms it expands are bleve's
// thesaurus's.
func TestPhrasingsScoreAsBleve(t *testing.T) {
	for _, size := range []int{0, 300} {
		c := knowledgetest.MustDefault(t)
		if size > 0 {
			var err error
			if c, err = knowledgetest.LoadSized(size); err != nil {
				t.Fatal(err)
			}
		}
		ix, err := build(c, DefaultOptions(), size == 0)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		groups := usableSynonyms(c.Vocabulary)
		ref := newReference(t, c, groups)
		if got, want := len(ix.phrasings.postings), ref.stats.FieldCardinality[fieldAsk]; got != want {
			t.Errorf("%d entries: %d distinct terms, bleve counts %d", len(c.Entries), got, want)
		}
		if got, want := ix.phrasings.count, ref.stats.DocCount; got != want {
			t.Errorf("%d entries: %v documents, bleve counts %v", len(c.Entries), got, want)
		}
		for term, want := range ref.thesaurus(t, ix, groups) {
			got := slices.Sorted(slices.Values(ix.phrasings.synonyms[term]))
			if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("synonyms of %q: %v, bleve's thesaurus %v", term, got, want)
			}
		}
		questions := devQuestions(t)
		if raceEnabled {
			// Every fifth question: the race detector slows scoring tenfold.
			var some []string
			for i := 0; i < len(questions); i += 5 {
				some = append(some, questions[i])
			}
			questions = some
		}
		compared, differ := 0, 0
		for _, q := range questions {
			text := c.Vocabulary.Plain(q)
			if exp := c.Vocabulary.Expand(text); exp != "" {
				text += " " + exp
			}
			terms := ix.Analyze(text)
			fuzz := ix.typoCandidates(terms)
			want, err := search(context.Background(), ref.bi, ref.stats, ref.query(text, fuzz, ix.opts.Fuzzy), 60)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.phrasings.search(context.Background(), terms, fuzz, ix.opts.Fuzzy, 60)
			if err != nil {
				t.Fatal(err)
			}
			compared++
			if !sameHits(want, got) {
				differ++
				if differ <= 3 {
					t.Errorf("%d entries, %q: bleve %v\nours %v", len(c.Entries), q, firstHits(want, 5), firstHits(got, 5))
				}
			}
		}
		t.Logf("%d entries: %d questions compared, %d differ", len(c.Entries), compared, differ)
	}
}

// The reference: a bleve index of the phrasings, its field and synonym
// source.
const (
	fieldAsk          = "ask"
	synonymSource     = "vocabulary"
	synonymCollection = "vocabulary"
)

type reference struct {
	bi    bleve.Index
	stats *blevesearch.BM25Stats
}

// newReference indexes c's phrasings in bleve, with the synonym groups,
// in one batch, and reads the statistics BM25 needs. The index is closed
// when the test ends.
func newReference(tb testing.TB, c *knowledge.Corpus, groups [][]string) reference {
	tb.Helper()
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = analyzerName
	m.ScoringModel = index.BM25Scoring
	source := ""
	if len(groups) > 0 {
		if err := m.AddSynonymSource(synonymSource, map[string]any{"collection": synonymCollection, "analyzer": analyzerName}); err != nil {
			tb.Fatal(err)
		}
		source = synonymSource
	}
	oneField(m, fieldAsk, analyzerName, source)
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bi.Close() }) // after the readers (readerOf), which close first
	b := bi.NewBatch()
	for i, g := range groups {
		if err := b.IndexSynonym(fmt.Sprintf("syn-%d", i), synonymCollection, &bleve.SynonymDefinition{Synonyms: g}); err != nil {
			tb.Fatal(err)
		}
	}
	for _, e := range c.Entries {
		for i, ask := range append([]string{e.Title}, e.Questions...) {
			if err := b.Index(askID(e.ID, i), map[string]any{"_type": docType, fieldAsk: ask}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := bi.Batch(b); err != nil {
		tb.Fatal(err)
	}
	r := reference{bi: bi}
	rd := readerOf(tb, bi)
	docs, err := rd.DocCount()
	if err != nil {
		tb.Fatal(err)
	}
	r.stats = &blevesearch.BM25Stats{DocCount: float64(docs), FieldCardinality: map[string]int{}}
	d, err := rd.FieldDict(fieldAsk)
	if err != nil {
		tb.Fatal(err)
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil {
			tb.Fatal(err)
		}
		if e == nil {
			break
		}
		r.stats.FieldCardinality[fieldAsk]++
	}
	return r
}

// query is the phrasing query Search ran: the question's words, and the
// typo corrections at weight fuzzy.
func (r reference) query(text string, fuzz []string, fuzzy float64) query.Query {
	exact := query.NewMatchQuery(text)
	exact.SetField(fieldAsk)
	exact.SetBoost(1)
	qs := []query.Query{exact}
	if len(fuzz) > 0 {
		fqs := make([]query.Query, 0, len(fuzz))
		for _, t := range fuzz {
			tq := query.NewTermQuery(t)
			tq.SetField(fieldAsk)
			tq.SetBoost(fuzzy)
			fqs = append(fqs, tq)
		}
		d := query.NewDisjunctionQuery(fqs)
		d.SetBoost(fuzzy)
		qs = append(qs, d)
	}
	return query.NewDisjunctionQuery(qs)
}

// thesaurus is what bleve's thesaurus expands each analysed term of the
// groups to.
func (r reference) thesaurus(tb testing.TB, ix *Index, groups [][]string) map[string][]string {
	tb.Helper()
	tr, ok := readerOf(tb, r.bi).(index.ThesaurusReader)
	if !ok {
		tb.Fatal("no thesaurus reader")
	}
	out := map[string][]string{}
	for _, g := range groups {
		for _, w := range g {
			for _, t := range ix.Analyze(w) {
				terms, err := tr.ThesaurusTermReader(context.Background(), synonymSource, []byte(t))
				if err != nil {
					tb.Fatal(err)
				}
				var syns []string
				for {
					s, err := terms.Next()
					if err != nil {
						tb.Fatal(err)
					}
					if s == "" {
						break
					}
					syns = append(syns, s)
				}
				terms.Close()
				out[t] = syns
			}
		}
	}
	return out
}

// sameHits reports whether two hit lists hold the same phrasings with the
// same shares of their best score. A score tied with the last one kept may
// keep a different phrasing, so the last score's ties are compared by score.
func sameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	share := func(hs []Hit) map[string]float64 {
		m := map[string]float64{}
		for _, h := range hs {
			m[h.ID] = h.Score / hs[0].Score
		}
		return m
	}
	sa, sb := share(a), share(b)
	last := sa[a[len(a)-1].ID]
	for id, x := range sa {
		y, ok := sb[id]
		if !ok {
			if math.Abs(x-last) <= 1e-9*last {
				continue // tied with the cut
			}
			return false
		}
		if math.Abs(x-y) > 1e-9*math.Max(x, y) {
			return false
		}
	}
	return true
}

func firstHits(hs []Hit, n int) []Hit { return hs[:min(n, len(hs))] }

// devQuestions are the questions of the shared development set and of the
// repository's development sets.
func devQuestions(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, path := range []string{"../../shared/eval/dev-questions.tsv", "../testdata/dev-2026-12-02.tsv", "../testdata/dev-2026-12-03.tsv", "../testdata/eval-questions.tsv", "../testdata/none-dev-2026-12-03.tsv"} {
		f, err := os.Open(path)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			tb.Fatal(err)
		}
		rows, err := knowledge.ReadEvalSet(f)
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r.Question)
		}
	}
	return out
}

// TestPhrasingsLongQuery: a query of more words than a 16-bit count holds
// (35,000 times each of two words) ranks as the two words once each: the
// phrasings with both keep their whole coordination factor.
func TestPhrasingsLongQuery(t *testing.T) {
	ix, err := Build(knowledgetest.MustDefault(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	two := ix.Analyze("vaginismus pain")
	want, err := ix.phrasings.search(context.Background(), two, nil, 1, 20)
	if err != nil || len(want) == 0 {
		t.Fatalf("two words: %v %v", want, err)
	}
	many := append(slices.Repeat(two[:1], 35000), slices.Repeat(two[1:], 35000)...)
	got, err := ix.phrasings.search(context.Background(), many, nil, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !sameHits(want, got) {
		t.Errorf("35,000 times each word: %v, want the ranking of the two words %v", firstHits(got, 3), firstHits(want, 3))
	}
}
