package index

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/confidant-bot/confidant/knowledge"
)

// Field names of the two indexes.
const (
	// FieldText holds all of an entry's text (title, questions, tags and
	// body), one document per entry, analysed plainly (see entryMapping).
	FieldText = "text"
	// FieldAsk holds one way of asking (the title or one question) per
	// document, so a question can match the single closest phrasing.
	FieldAsk = "ask"
)

const (
	synonymSource     = "vocabulary"
	synonymCollection = "vocabulary"
	docType           = "entry"
)

// Options tune ranking. The zero value is not useful: start from DefaultOptions.
type Options struct {
	// Scoring of the phrasings is "bm25" or "tfidf" (the whole entries
	// are scored by tf-idf, see entryMapping).
	Scoring string
	// Entry is the weight of the whole entry's match (all its text in one
	// field) and Phrasing the weight of its closest single phrasing (title
	// or one question), each normalised to the best hit of its kind.
	Entry, Phrasing float64
	// Fuzzy is the weight of typo-tolerant matches of the phrasings
	// relative to exact ones; 0 turns typo tolerance off.
	Fuzzy float64
	// Synonyms turns the vocabulary's synonym groups on (in the phrasings;
	// the vocabulary's expansions reach both through the question).
	Synonyms bool
	// Learned is the weight of the learned model's probability (ranker.go);
	// 0 trains no model. LearnedBits and LearnedEpochs size its training.
	Learned       float64
	LearnedBits   uint
	LearnedEpochs int
	// LearnedMaxEntries is the largest corpus the learned model is trained
	// for (0: any): it has one class per entry, so its training time grows
	// with the square of the corpus (0.4 s of CPU at 76 entries, about 2.5 s
	// at 200, 45 s at 1,000) and its weights with the corpus. A larger
	// corpus is ranked without it, which Build logs.
	LearnedMaxEntries int
	// Log receives what Build decides about the corpus (nil: slog.Default).
	Log *slog.Logger
}

// DefaultOptions are the options tuned on the development sets (see README).
// Since 2026-12-03 the whole entry is matched as plain full-text search
// does (all its text in one field, the tokens of bleve's standard analyzer,
// tf-idf: the baseline `eval --baseline` measures), with weight 2, instead of BM25
// over the questions (boost 2) and body (0.6) fields with typo tolerance,
// weight 1: over 3,300 development questions Recall@1 0.893 -> 0.908,
// Recall@3 0.969 -> 0.973, long questions 0.866 -> 0.889, `none` handled
// 0.940 -> 0.939. (Titles and tags had stopped being searched as fields of
// their own on 2026-12-02: a long question's words met in a short title
// outweighed about 90 phrasings.)
func DefaultOptions() Options {
	return Options{Scoring: "bm25", Entry: 2, Phrasing: 0.5, Fuzzy: 0.4, Synonyms: true,
		Learned: 2, LearnedBits: 16, LearnedEpochs: 15, LearnedMaxEntries: 200}
}

// Hit is one entry found for a query.
type Hit struct {
	ID    string
	Score float64
	// Raw is the whole entry's tf-idf score for the question, before
	// normalisation: comparable between entries of one question, and a rough
	// sign of how much the question and the entry share.
	Raw float64
}

// Index is a searchable, immutable view of one corpus. It is safe for
// concurrent use.
type Index struct {
	bleve bleve.Index
	// asks holds one document per phrasing (title or question); it is a
	// separate index so that its statistics do not skew the entries'.
	asks     bleve.Index
	analyzer analysis.Analyzer
	opts     Options
	size     int
	// terms holds, per entry, the analysed terms of all its fields as
	// sorted indexes into words, so that Coverage can tell how much of a
	// question an entry speaks to. Indexes, not a set of strings per entry,
	// keep this small for large corpora.
	terms map[string][]uint32
	words []string          // every canonical term, by index
	ids   map[string]uint32 // the index of each of words
	// canon maps a synonym to the first word of its group.
	canon map[string]string
	// known holds every term of the corpus: only other words (likely typos)
	// get the costly typo-tolerant matching.
	known map[string]struct{}
	// byLen lists the known terms by length, to correct typos quickly.
	byLen map[int][]string
	// rank is the learned model, when Options.Learned > 0.
	rank *ranker
	// prebuilt is true when the two indexes are the shipped ones.
	prebuilt bool
	// askStats are the statistics BM25 reads, given to every search of
	// the phrasings (see bm25Stats).
	askStats *blevesearch.BM25Stats
	// phrasings scores the phrasing query as bleve would, faster
	// (phrasings.go).
	phrasings *phrasingIndex
}

// Build indexes every entry of c, in batches of bounded size (see
// entryBatch) that score as one; the embedded corpus's indexes ship built.
func Build(c *knowledge.Corpus, opts Options) (*Index, error) { return build(c, opts, true) }

// build is Build; with prebuilt false it never opens the shipped indexes.
func build(c *knowledge.Corpus, opts Options, prebuilt bool) (*Index, error) {
	m, groups, err := newMapping(c, opts)
	if err != nil {
		return nil, err
	}
	ix := &Index{
		analyzer: m.AnalyzerNamed(analyzerName),
		opts:     opts,
		size:     len(c.Entries),
		terms:    make(map[string][]uint32, len(c.Entries)),
		ids:      map[string]uint32{},
		canon:    map[string]string{},
		known:    map[string]struct{}{},
	}
	// Coverage compares analysed terms, so the synonym table is keyed by
	// each word's analysed form.
	for _, g := range groups {
		head := ix.Analyze(g[0])
		for _, w := range g {
			if t := ix.Analyze(w); len(t) == 1 && len(head) == 1 {
				ix.canon[t[0]] = head[0]
			}
		}
	}
	// The embedded corpus's two indexes ship built (prebuilt.go); any
	// other corpus is indexed here, in memory, while the term sets are
	// built and the learned model trained or loaded: they do not depend on
	// one another (the analyzer is safe for concurrent use).
	var wg sync.WaitGroup
	var errWrite error
	opened := false
	if prebuilt {
		ix.bleve, ix.asks, opened = openPrebuilt(prebuiltKey(c, opts, groups))
		ix.prebuilt = opened
	}
	if !opened {
		if ix.bleve, ix.asks, err = newPair(m, "", ""); err != nil {
			return nil, err
		}
		wg.Go(func() { errWrite = writeCorpus(ix.bleve, ix.asks, c, groups) })
	}
	if ix.learns(len(c.Entries)) {
		wg.Go(func() { ix.rank = ix.trainRanker(c) })
	}
	ix.addTerms(c.Entries)
	wg.Wait()
	if errWrite != nil {
		ix.Close()
		return nil, errWrite
	}
	if ix.askStats, err = bm25Stats(ix.asks, FieldAsk); err != nil {
		ix.Close()
		return nil, err
	}
	syns, err := ix.phrasingSynonyms(groups)
	if err != nil {
		ix.Close()
		return nil, err
	}
	ix.phrasings.scoreAs(ix.askStats, FieldAsk, syns)
	// A smoke query catches a broken synonym source or mapping now, not on
	// the first question a person asks.
	if len(c.Entries) > 0 {
		if _, err := ix.Search(context.Background(), c.Entries[0].Title, 1); err != nil {
			ix.Close()
			return nil, fmt.Errorf("smoke query: %w", err)
		}
	}
	return ix, nil
}

// newMapping is the mapping of the phrasings' index, and the synonym
// groups it holds (none when opts.Synonyms is off).
func newMapping(c *knowledge.Corpus, opts Options) (*mapping.IndexMappingImpl, [][]string, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = analyzerName
	m.ScoringModel = opts.Scoring
	if opts.Scoring == "tfidf" {
		m.ScoringModel = ""
	}
	groups := usableSynonyms(c.Vocabulary)
	if opts.Synonyms && len(groups) > 0 {
		if err := m.AddSynonymSource(synonymSource, map[string]any{
			"collection": synonymCollection,
			"analyzer":   analyzerName,
		}); err != nil {
			return nil, nil, fmt.Errorf("synonym source: %w", err)
		}
	} else {
		groups = nil
	}
	source := ""
	if groups != nil {
		source = synonymSource
	}
	oneField(m, FieldAsk, analyzerName, source)
	return m, groups, nil
}

// oneField makes m index documents of one text field, analysed by the
// analyzer named (with the synonym source named, if any), searchable only:
// nothing stored, no term vectors or doc values. Every query names its
// field, so the catch-all "_all" field would only cost time and memory.
func oneField(m *mapping.IndexMappingImpl, field, analyzer, synonyms string) {
	dm := bleve.NewDocumentStaticMapping()
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = analyzer
	fm.Store = false
	fm.IncludeTermVectors = false
	fm.DocValues = false
	fm.IncludeInAll = false
	fm.SynonymSource = synonyms
	dm.AddFieldMappingsAt(field, fm)
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.AddDocumentMapping(docType, dm)
	m.DefaultMapping = dm
	m.TypeField = "_type"
}

// entryMapping is the mapping of the entries' index: all of an entry's
// text in one field, analysed with the tokens of bleve's standard analyzer
// (plainAnalyzerName: no stemming, no synonyms) and scored by tf-idf, as
// plain full-text search does (Baseline). Matched this way the whole entry
// ranks long, chatty questions better than BM25 over separate, stemmed
// fields did; stems, synonyms and typos are the phrasings' part.
func entryMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	oneField(m, FieldText, plainAnalyzerName, "")
	return m
}

// entryText is all of an entry's text, as the entries' index holds it.
func entryText(e *knowledge.Entry) string {
	return strings.Join([]string{e.Title, strings.Join(e.Questions, "\n"), strings.Join(e.Tags, ", "), e.Body}, "\n")
}

// newPair creates the entries index and the phrasings index (with mapping
// m), in memory when their paths are "".
func newPair(m *mapping.IndexMappingImpl, entriesPath, asksPath string) (bleve.Index, bleve.Index, error) {
	bi, err := bleve.NewUsing(entriesPath, entryMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("new index: %w", err)
	}
	ai, err := bleve.NewUsing(asksPath, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		bi.Close()
		return nil, nil, fmt.Errorf("new index: %w", err)
	}
	return bi, ai, nil
}

// writeCorpus writes every entry to bi and every phrasing (the title or one
// question) to ai with the synonym groups, the two at once.
func writeCorpus(bi, ai bleve.Index, c *knowledge.Corpus, groups [][]string) error {
	entries := func(yield func(string, map[string]any) bool) {
		for _, e := range c.Entries {
			if !yield(e.ID, map[string]any{"_type": docType, FieldText: entryText(e)}) {
				return
			}
		}
	}
	asks := func(yield func(string, map[string]any) bool) {
		for _, e := range c.Entries {
			for i, ask := range append([]string{e.Title}, e.Questions...) {
				if !yield(askID(e.ID, i), map[string]any{"_type": docType, FieldAsk: ask}) {
					return
				}
			}
		}
	}
	var wg sync.WaitGroup
	var errEntries, errAsks error
	wg.Go(func() { errEntries = writeBatches(bi, nil, entries, entryBatch) })
	wg.Go(func() { errAsks = writeBatches(ai, groups, asks, askBatch) })
	wg.Wait()
	return errors.Join(errEntries, errAsks)
}

// Documents per bleve batch. A batch analyses all its documents before it
// writes them as one segment, so a single batch of a large corpus held over
// a gigabyte at once; but every segment is one more place each query looks
// in (in memory, bleve never merges them), so batches stay large.
var (
	entryBatch = 2500
	askBatch   = 25000
)

// writeBatches indexes the synonym groups and the documents in batches of
// at most size documents.
func writeBatches(bi bleve.Index, groups [][]string, docs iter.Seq2[string, map[string]any], size int) error {
	b := bi.NewBatch()
	for i, g := range groups {
		if err := b.IndexSynonym(fmt.Sprintf("syn-%d", i), synonymCollection, &bleve.SynonymDefinition{Synonyms: g}); err != nil {
			return fmt.Errorf("synonym group %v: %w", g, err)
		}
	}
	n := 0
	for id, doc := range docs {
		if err := b.Index(id, doc); err != nil {
			return fmt.Errorf("index %s: %w", id, err)
		}
		if n++; n == size {
			if err := bi.Batch(b); err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
			b.Reset()
			n = 0
		}
	}
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	return nil
}

// bm25Stats are the document count and, per field, the number of distinct
// terms, which bleve's BM25 divides to get its average document length.
// Bleve adds up the terms of each segment, so an index written in several
// batches would score differently from the same index written in one;
// given these, every search scores as if it were one segment. (The
// entries' index scores by tf-idf, whose statistics need no such help:
// TestBatchesScoreAsOne.)
func bm25Stats(bi bleve.Index, fields ...string) (*blevesearch.BM25Stats, error) {
	idx, err := bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bm25 statistics: %w", err)
	}
	r, err := idx.Reader()
	if err != nil {
		return nil, fmt.Errorf("bm25 statistics: %w", err)
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("bm25 statistics: %w", err)
	}
	stats := &blevesearch.BM25Stats{DocCount: float64(docs), FieldCardinality: map[string]int{}}
	for _, f := range fields {
		d, err := r.FieldDict(f)
		if err != nil {
			return nil, fmt.Errorf("bm25 statistics %s: %w", f, err)
		}
		n := 0
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("bm25 statistics %s: %w", f, err)
			}
			if e == nil {
				break
			}
			n++
		}
		d.Close()
		stats.FieldCardinality[f] = n
	}
	return stats, nil
}

// Close releases the index.
func (ix *Index) Close() error { return errors.Join(ix.bleve.Close(), ix.asks.Close()) }

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

// addTerms fills terms, words, ids and known from the entries. It reads
// the analyser's tokens directly: looking a word up needs no string of its
// own, so only new words are copied.
func (ix *Index) addTerms(entries []*knowledge.Entry) {
	ix.phrasings = &phrasingIndex{postings: map[string][]posting{}}
	for _, e := range entries {
		var set []uint32
		// The title and each question are analysed alone, for the
		// phrasings' own index too (in the order writeCorpus gives them to
		// bleve); the tags and the body only add terms.
		for i, text := range append([]string{e.Title}, e.Questions...) {
			toks := ix.analyzer.Analyze([]byte(text))
			ix.phrasings.add(askID(e.ID, i), toks)
			set = ix.addTokens(set, toks)
		}
		for _, text := range []string{strings.Join(e.Tags, ", "), e.Body} {
			set = ix.addTokens(set, ix.analyzer.Analyze([]byte(text)))
		}
		slices.Sort(set)
		ix.terms[e.ID] = slices.Clip(slices.Compact(set))
	}
	ix.byLen = map[int][]string{}
	for t := range ix.known {
		ix.byLen[len(t)] = append(ix.byLen[len(t)], t)
	}
	for _, l := range ix.byLen {
		slices.Sort(l)
	}
}

// addTokens adds the ids of the tokens' canonical terms to set, and the
// terms to known, words and ids.
func (ix *Index) addTokens(set []uint32, toks analysis.TokenStream) []uint32 {
	for _, tok := range toks {
		if _, ok := ix.known[string(tok.Term)]; !ok {
			ix.known[string(tok.Term)] = struct{}{}
		}
		id, ok := ix.ids[string(tok.Term)]
		if c, syn := ix.canon[string(tok.Term)]; syn {
			id, ok = ix.ids[c]
		}
		if !ok {
			ct := ix.canonical(string(tok.Term))
			id = uint32(len(ix.words))
			ix.words = append(ix.words, ct)
			ix.ids[ct] = id
		}
		set = append(set, id)
	}
	return set
}

// hasTerm reports whether the sorted term set holds term.
func (ix *Index) hasTerm(set []uint32, term string) bool {
	id, ok := ix.ids[term]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(set, id)
	return found
}

func (ix *Index) canonical(term string) string {
	if c, ok := ix.canon[term]; ok {
		return c
	}
	return term
}

// Search returns up to n entries for the question, best first. The text is
// only ever analysed as plain words: no query syntax reaches bleve.
//
// An entry's score combines how well the whole entry matches with how well
// its single closest phrasing matches, each divided by the best of its kind
// and weighted (Entry, Phrasing), and the learned model's probability
// (Learned).
func (ix *Index) Search(ctx context.Context, text string, n int) ([]Hit, error) {
	if strings.TrimSpace(text) == "" || n <= 0 {
		return nil, nil
	}
	const pool = 20 // candidates taken from each ranking before combining
	fuzz := ix.typoCandidates(text)
	// The closest phrasings are searched at the same time as the entries:
	// on a large corpus each search takes long, and they are independent.
	var asks []Hit
	var errAsks error
	var wg sync.WaitGroup
	if ix.opts.Phrasing > 0 {
		wg.Go(func() {
			asks, errAsks = ix.phrasings.search(ctx, ix.Analyze(text), fuzz, ix.opts.Fuzzy, pool*3)
		})
	}
	entries, err := search(ctx, ix.bleve, nil, ix.entryQuery(text), pool)
	wg.Wait()
	if err := errors.Join(err, errAsks); err != nil {
		return nil, err
	}
	scores := map[string]float64{}
	raw := map[string]float64{}
	if len(entries) > 0 {
		top := entries[0].Score
		for _, h := range entries {
			scores[h.ID] += ix.opts.Entry * h.Score / top
			raw[h.ID] = h.Score
		}
	}
	if ix.opts.Phrasing > 0 {
		best := map[string]bool{}
		if len(asks) > 0 {
			top := asks[0].Score
			for _, h := range asks {
				id := entryOf(h.ID)
				if id == "" || best[id] {
					continue
				}
				best[id] = true
				scores[id] += ix.opts.Phrasing * h.Score / top
			}
		}
	}
	ix.addLearned(text, scores)
	hits := make([]Hit, 0, len(scores))
	for id, sc := range scores {
		hits = append(hits, Hit{ID: id, Score: sc, Raw: raw[id]})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > n {
		hits = hits[:n]
	}
	return hits, nil
}

// addLearned adds the learned model's weighted probabilities to scores,
// for every entry it gives at least a small chance.
func (ix *Index) addLearned(text string, scores map[string]float64) {
	if ix.rank == nil {
		return
	}
	p := ix.rank.model.predict(ix.vectorize(text))
	for i, id := range ix.rank.ids {
		if p[i] >= 0.01 || scores[id] > 0 {
			scores[id] += ix.opts.Learned * float64(p[i])
		}
	}
}

// entryQuery matches the words of text against whole entries, plainly.
func (ix *Index) entryQuery(text string) query.Query {
	q := query.NewMatchQuery(text)
	q.SetField(FieldText)
	return q
}

// askQuery matches the words of text against single phrasings: the query
// the phrasings' own index scores as bleve would (phrasings.go;
// TestPhrasingsScoreAsBleve runs both).
func (ix *Index) askQuery(text string, fuzz []string) query.Query {
	return query.NewDisjunctionQuery(ix.fieldQueries(text, fuzz, FieldAsk, 1))
}

// Typo tolerance limits: only words of this length get fuzzy matching (a
// very long word would also build an automaton bleve refuses), and only
// this many per question.
const (
	minTypoLen   = 4
	maxTypoLen   = 20
	maxTypoTerms = 12
)

// fieldQueries match the words of text in one field exactly, and the typo
// corrections at a lower weight.
func (ix *Index) fieldQueries(text string, fuzz []string, field string, boost float64) []query.Query {
	exact := query.NewMatchQuery(text)
	exact.SetField(field)
	exact.SetBoost(boost)
	if len(fuzz) == 0 {
		return []query.Query{exact}
	}
	fqs := make([]query.Query, 0, len(fuzz))
	for _, t := range fuzz {
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost * ix.opts.Fuzzy)
		fqs = append(fqs, tq)
	}
	d := query.NewDisjunctionQuery(fqs)
	d.SetBoost(boost * ix.opts.Fuzzy)
	return []query.Query{exact, d}
}

func search(ctx context.Context, bi bleve.Index, stats *blevesearch.BM25Stats, q query.Query, n int) ([]Hit, error) {
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	if stats != nil {
		req.PreSearchData = map[string]any{blevesearch.BM25PreSearchDataKey: stats}
	}
	res, err := bi.SearchInContext(ctx, req)
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

// Phrasing documents have ids "<entry id>#<n>"; entry ids are slugs without '#'.
func askID(entry string, n int) string { return entry + "#" + strconv.Itoa(n) }

func entryOf(askID string) string {
	id, _, ok := strings.Cut(askID, "#")
	if !ok {
		return ""
	}
	return id
}
