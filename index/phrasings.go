package index

// The phrasings' own inverted index. Every entry has about a hundred
// phrasings, so the phrasing query is most of a search's cost: bleve visits
// each posting of each query term through a heap of searchers, about a
// tenth of a microsecond apiece. This index keeps the same postings in
// plain slices and scores them exactly as bleve scores the phrasing query
// (askQuery: BM25 with the statistics of bm25Stats, synonyms expanded at
// half the weight, a coordination factor per disjunction, the query norm),
// so the hits are bleve's, at a fraction of the time
// (TestPhrasingsScoreAsBleve compares them on every development question).

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// phrasingIndex holds, per analysed term, the phrasings that have it.
type phrasingIndex struct {
	ids []string // the phrasing id ("entry#n") of each document number
	// length is bleve's field length of each document: its number of
	// tokens, as it comes back from the float32 norm bleve stores.
	length   []float64
	postings map[string][]posting
	docs     float64 // document count
	avgLen   float64 // bleve's average length: distinct terms / documents, rounded up
	// synonyms maps an analysed term to its synonyms, as the thesaurus of
	// the phrasings' bleve index gives them.
	synonyms map[string][]string
	scratch  []termFreq // while adding
}

// posting is one document that has a term, and how many times.
type posting struct {
	doc  uint32
	freq uint32
}

// add indexes one phrasing, given as its analysed tokens.
func (p *phrasingIndex) add(id string, toks analysis.TokenStream) {
	doc := uint32(len(p.ids))
	p.ids = append(p.ids, id)
	// A phrasing has a few words: its distinct terms are found by looking
	// back, without a map per phrasing.
	first := len(p.scratch)
	for _, t := range toks {
		found := false
		for i := first; i < len(p.scratch); i++ {
			if string(t.Term) == p.scratch[i].term {
				p.scratch[i].freq++
				found = true
				break
			}
		}
		if !found {
			p.scratch = append(p.scratch, termFreq{term: string(t.Term), freq: 1})
		}
	}
	for _, tf := range p.scratch[first:] {
		p.postings[tf.term] = append(p.postings[tf.term], posting{doc: doc, freq: tf.freq})
	}
	p.scratch = p.scratch[:first]
	norm := float64(float32(1 / math.Sqrt(float64(len(toks)))))
	p.length = append(p.length, 1/(norm*norm))
}

// termFreq is a term of the phrasing being added and its count.
type termFreq struct {
	term string
	freq uint32
}

// scoreAs takes bleve's statistics (its document count holds the synonym
// definitions too) and the synonyms to expand.
func (p *phrasingIndex) scoreAs(stats *blevesearch.BM25Stats, field string, synonyms map[string][]string) {
	p.synonyms = synonyms
	p.docs = stats.DocCount
	if p.docs > 0 {
		p.avgLen = math.Ceil(float64(stats.FieldCardinality[field]) / p.docs)
	}
}

// clause is one term of the query with its synonyms: a term query, or the
// disjunction bleve makes of a term that has synonyms.
type clause struct {
	terms  []string
	boosts []float64
}

// group is a disjunction of clauses.
type group []clause

// search scores the phrasings for a query of two parts, as askQuery asks
// bleve: the analysed words of the question (exact, boost 1) and the typo
// corrections (fuzz, each at boost fuzzy), and returns the n best.
func (p *phrasingIndex) search(ctx context.Context, exact []string, fuzz []string, fuzzy float64, n int) ([]Hit, error) {
	var groups []group
	if len(exact) > 0 {
		groups = append(groups, p.group(exact, 1))
	}
	if len(fuzz) > 0 {
		groups = append(groups, p.group(fuzz, fuzzy))
	}
	if len(groups) == 0 || n <= 0 {
		return nil, nil
	}
	// The query norm: one over the root of the sum of the squared weights
	// (boost times idf) of every term searcher, nested or not.
	var squares float64
	for _, g := range groups {
		for _, c := range g {
			for i, t := range c.terms {
				w := c.boosts[i] * p.idf(t)
				squares += w * w
			}
		}
	}
	norm := 1 / math.Sqrt(squares)
	// Scores are summed per document the way bleve sums them: per clause,
	// then per group, then over the groups, each level times its share of
	// matching parts. Each level keeps dense sums and the documents it
	// touched, so a search costs its postings, not the phrasings.
	sc := scratchFor(len(p.ids))
	for _, g := range groups {
		for _, c := range g {
			for i, t := range c.terms {
				posts := p.postings[t]
				if len(posts) == 0 {
					continue
				}
				idf := p.idf(t)
				weight := c.boosts[i] * idf * norm
				for _, ps := range posts {
					tf := math.Sqrt(float64(ps.freq))
					s := idf * (tf * blevesearch.BM25_k1) /
						(tf + blevesearch.BM25_k1*(1-blevesearch.BM25_b+(blevesearch.BM25_b*p.length[ps.doc]/p.avgLen)))
					sc.clause.add(ps.doc, s*weight)
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			sc.clause.into(&sc.group, len(c.terms))
		}
		sc.group.into(&sc.root, len(g))
	}
	touched := sc.root.touched
	// The n best by a bounded heap whose root is the worst kept (lowest
	// score; among equal scores the latest phrasing), then sorted.
	best := make([]scored, 0, n)
	for _, doc := range touched {
		s := sc.root.sum[doc]
		if len(groups) > 1 {
			s *= float64(sc.root.hits[doc]) / float64(len(groups))
		}
		x := scored{doc: doc, score: s}
		switch {
		case len(best) < n:
			best = append(best, x)
			up(best, len(best)-1)
		case x.before(best[0]):
			best[0] = x
			down(best, 0)
		}
	}
	sc.root.reset()
	scratches.Put(sc)
	slices.SortFunc(best, func(a, b scored) int {
		if a.before(b) {
			return -1
		}
		return 1
	})
	hits := make([]Hit, len(best))
	for i, x := range best {
		hits[i] = Hit{ID: p.ids[x.doc], Score: x.score}
	}
	return hits, nil
}

// scored is a phrasing and its score.
type scored struct {
	doc   uint32
	score float64
}

// before reports whether x ranks before y: a higher score, or the same
// score and an earlier phrasing.
func (x scored) before(y scored) bool {
	return x.score > y.score || x.score == y.score && x.doc < y.doc
}

// up and down keep h a heap whose root ranks after every other element.
func up(h []scored, i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h[parent].before(h[i]) {
			return
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func down(h []scored, i int) {
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h[worst].before(h[l]) {
			worst = l
		}
		if r < len(h) && h[worst].before(h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// level is one level of the sums: per document its sum and how many of
// its parts matched, and the documents touched, in the order first touched.
type level struct {
	sum     []float64
	hits    []uint16
	touched []uint32
}

func (l *level) add(doc uint32, s float64) {
	if l.hits[doc] == 0 {
		l.touched = append(l.touched, doc)
	}
	l.sum[doc] += s
	l.hits[doc]++
}

// into adds this level's sums, each times its share of parts matched (of
// parts; none for a single part, as bleve has no disjunction there), to
// the level above, and clears this one.
func (l *level) into(up *level, parts int) {
	for _, doc := range l.touched {
		s := l.sum[doc]
		if parts > 1 {
			s *= float64(l.hits[doc]) / float64(parts)
		}
		up.add(doc, s)
	}
	l.reset()
}

func (l *level) reset() {
	for _, doc := range l.touched {
		l.sum[doc], l.hits[doc] = 0, 0
	}
	l.touched = l.touched[:0]
}

// scratch is the three levels of one search.
type scratch struct{ clause, group, root level }

var scratches sync.Pool

// scratchFor is a cleared scratch for n documents.
func scratchFor(n int) *scratch {
	sc, _ := scratches.Get().(*scratch)
	if sc == nil || len(sc.root.sum) != n {
		sc = &scratch{}
		for _, l := range []*level{&sc.clause, &sc.group, &sc.root} {
			l.sum, l.hits = make([]float64, n), make([]uint16, n)
		}
	}
	return sc
}

// group is the disjunction bleve makes of terms at boost: one clause per
// term, in order and repeats included; a term with synonyms becomes a
// clause of the term at boost and each synonym at half of it.
func (p *phrasingIndex) group(terms []string, boost float64) group {
	g := make(group, 0, len(terms))
	for _, t := range terms {
		c := clause{terms: []string{t}, boosts: []float64{boost}}
		for _, s := range p.synonyms[t] {
			c.terms = append(c.terms, s)
			c.boosts = append(c.boosts, boost/2)
		}
		g = append(g, c)
	}
	return g
}

// idf is bleve's BM25 inverse document frequency of a term.
func (p *phrasingIndex) idf(term string) float64 {
	df := float64(len(p.postings[term]))
	return math.Log(1 + (p.docs-df+0.5)/(df+0.5))
}

// thesaurus reads, for every term of the synonym groups, the synonyms the
// bleve index's thesaurus gives it (what a query on the phrasings expands
// the term to).
func thesaurus(ctx context.Context, r index.IndexReader, source string, terms []string) (map[string][]string, error) {
	tr, ok := r.(index.ThesaurusReader)
	if !ok {
		return nil, nil
	}
	out := map[string][]string{}
	for _, t := range terms {
		if _, done := out[t]; done {
			continue
		}
		rd, err := tr.ThesaurusTermReader(ctx, source, []byte(t))
		if err != nil {
			return nil, err
		}
		var syns []string
		for {
			s, err := rd.Next()
			if err != nil {
				rd.Close()
				return nil, err
			}
			if s == "" {
				break
			}
			syns = append(syns, s)
		}
		rd.Close()
		if len(syns) > 0 {
			out[t] = syns
		}
	}
	return out, nil
}

// phrasingSynonyms is, for every term of the synonym groups, what the
// phrasings' bleve index's thesaurus expands it to.
func (ix *Index) phrasingSynonyms(groups [][]string) (map[string][]string, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	idx, err := ix.asks.Advanced()
	if err != nil {
		return nil, fmt.Errorf("phrasings: %w", err)
	}
	r, err := idx.Reader()
	if err != nil {
		return nil, fmt.Errorf("phrasings: %w", err)
	}
	defer r.Close()
	var terms []string
	for _, g := range groups {
		for _, w := range g {
			terms = append(terms, ix.Analyze(w)...)
		}
	}
	syns, err := thesaurus(context.Background(), r, synonymSource, terms)
	if err != nil {
		return nil, fmt.Errorf("phrasings: synonyms: %w", err)
	}
	return syns, nil
}
