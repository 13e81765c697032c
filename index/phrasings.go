package index

// The phrasings' index. Every entry has about a hundred phrasings (its
// title and questions), each its own document, so that a question can
// match the single closest way of asking. They used to be a second bleve
// index; bleve visits each posting of each query term through a heap of
// searchers, about a tenth of a microsecond apiece, and that query was
// most of a search. This index keeps the same postings in plain slices
// and scores them exactly as bleve scored that query: BM25 with bleve's
// statistics (its average length is the number of distinct terms over the
// number of documents, rounded up; its document count held the synonym
// definitions too), each synonym at half the boost of the word, a
// coordination factor per disjunction, the query norm, and bleve's float32
// field-length norms. TestPhrasingsScoreAsBleve builds that bleve index
// and compares the two on every development question.

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	blevesearch "github.com/blevesearch/bleve/v2/search"
)

// phrasingIndex holds, per analysed term, the phrasings that have it.
type phrasingIndex struct {
	// entries are the entries' ids; a document is the phrasing number of
	// its entry (entry, nth), from which its id "entry#n" is made.
	entries []string
	docs    []phrasingDoc
	// length is bleve's field length of each document: its number of
	// tokens, as it comes back from the float32 norm bleve stores.
	length   []float64
	postings map[string][]posting
	count    float64 // bleve's document count
	avgLen   float64 // bleve's average length: distinct terms / documents, rounded up
	// synonyms maps an analysed term to the other terms of its synonym
	// groups, what bleve's thesaurus expanded it to.
	synonyms map[string][]string
	scratch  []termFreq // while adding
}

// phrasingDoc is one phrasing: which entry, which of its phrasings.
type phrasingDoc struct{ entry, nth uint32 }

// id is the phrasing id of document doc.
func (p *phrasingIndex) id(doc uint32) string {
	d := p.docs[doc]
	return askID(p.entries[d.entry], int(d.nth))
}

// posting is one document that has a term, and how many times.
type posting struct {
	doc  uint32
	freq uint32
}

// newPhrasingIndex is an empty index.
func newPhrasingIndex() *phrasingIndex { return &phrasingIndex{postings: map[string][]posting{}} }

// add indexes the nth phrasing of entry (its title is the 0th), given as
// its analysed tokens. Phrasings are added entry by entry.
func (p *phrasingIndex) add(entry string, nth int, toks analysis.TokenStream) {
	if len(p.entries) == 0 || p.entries[len(p.entries)-1] != entry {
		p.entries = append(p.entries, entry)
	}
	doc := uint32(len(p.docs))
	p.docs = append(p.docs, phrasingDoc{entry: uint32(len(p.entries) - 1), nth: uint32(nth)})
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

// finish takes the synonyms and bleve's statistics: its document count
// held the synonym definitions (groups of them) too.
func (p *phrasingIndex) finish(synonyms map[string][]string, groups int) {
	p.synonyms = synonyms
	p.count = float64(len(p.docs) + groups)
	if p.count > 0 {
		p.avgLen = math.Ceil(float64(len(p.postings)) / p.count)
	}
	p.docs = slices.Clip(p.docs)
	p.length = slices.Clip(p.length)
	p.scratch = nil
}

// clause is one term of the query with its synonyms: a term query, or the
// disjunction bleve makes of a term that has synonyms.
type clause struct {
	terms  []string
	boosts []float64
}

// group is a disjunction of clauses.
type group []clause

// search scores the phrasings for a query of two parts, as bleve scored a
// disjunction of a match query of the question's words (exact, boost 1)
// and a disjunction of term queries of the typo corrections (fuzz, each
// at boost fuzzy), and returns the n best, best first (equal scores in
// corpus order).
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
	sc := scratchFor(len(p.docs))
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
		hits[i] = Hit{ID: p.id(x.doc), Score: x.score}
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
	hits    []uint32
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
			l.sum, l.hits = make([]float64, n), make([]uint32, n)
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
	return math.Log(1 + (p.count-df+0.5)/(df+0.5))
}

// phrasingSynonyms maps each analysed term of the synonym groups to the
// other terms of its groups, in the groups' order: what bleve's thesaurus
// gave a query on the phrasings (TestPhrasingsScoreAsBleve compares).
func (ix *Index) phrasingSynonyms(groups [][]string) map[string][]string {
	if len(groups) == 0 {
		return nil
	}
	out := map[string][]string{}
	for _, g := range groups {
		var terms []string
		for _, w := range g {
			terms = append(terms, ix.Analyze(w)...)
		}
		for _, t := range terms {
			for _, u := range terms {
				if u != t && !slices.Contains(out[t], u) {
					out[t] = append(out[t], u)
				}
			}
		}
	}
	return out
}
