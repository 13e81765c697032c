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

// FieldText holds all of an entry's text (title, questions, tags and
// body), one document per entry, analysed plainly (see entryMapping).
const FieldText = "text"

const docType = "entry"

// Options tune ranking. The zero value is not useful: start from DefaultOptions.
type Options struct {
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
	return Options{Entry: 2, Phrasing: 0.5, Fuzzy: 0.4, Synonyms: true,
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
	bleve    bleve.Index
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
	// prebuilt is true when the entries index is the shipped one.
	prebuilt bool
	// phrasings holds one document per phrasing (title or question), so a
	// question can match the single closest one (phrasings.go).
	phrasings *phrasingIndex
}

// Build indexes every entry of c, in batches of bounded size (see
// entryBatch) that score as one; the embedded corpus's indexes ship built.
func Build(c *knowledge.Corpus, opts Options) (*Index, error) { return build(c, opts, true) }

// build is Build; with prebuilt false it never opens the shipped indexes.
func build(c *knowledge.Corpus, opts Options, prebuilt bool) (*Index, error) {
	var groups [][]string
	if opts.Synonyms {
		groups = usableSynonyms(c.Vocabulary)
	}
	ix := &Index{
		analyzer: bleve.NewIndexMapping().AnalyzerNamed(analyzerName),
		opts:     opts,
		size:     len(c.Entries),
		terms:    make(map[string][]uint32, len(c.Entries)),
		ids:      map[string]uint32{},
		canon:    map[string]string{},
		known:    map[string]struct{}{},
	}
	if ix.analyzer == nil {
		return nil, fmt.Errorf("no analyzer %s", analyzerName)
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
	// The embedded corpus's entries index ships built (prebuilt.go); any
	// other corpus is indexed here, in memory, while the term sets and the
	// phrasings' index are built and the learned model trained or loaded:
	// they do not depend on one another (the analyzer is safe for
	// concurrent use).
	var wg sync.WaitGroup
	var errWrite error
	opened := false
	if prebuilt {
		ix.bleve, opened = openPrebuilt(prebuiltKey(c))
		ix.prebuilt = opened
	}
	if !opened {
		var err error
		if ix.bleve, err = newEntriesIndex(""); err != nil {
			return nil, err
		}
		wg.Go(func() { errWrite = writeEntries(ix.bleve, c) })
	}
	if ix.learns(len(c.Entries)) {
		wg.Go(func() { ix.rank = ix.trainRanker(c) })
	}
	ix.addTerms(c.Entries)
	ix.phrasings.finish(ix.phrasingSynonyms(groups), len(groups))
	wg.Wait()
	if errWrite != nil {
		ix.Close()
		return nil, errWrite
	}
	// A smoke query catches a broken mapping now, not on the first
	// question a person asks.
	if len(c.Entries) > 0 {
		if _, err := ix.Search(context.Background(), c.Entries[0].Title, 1); err != nil {
			ix.Close()
			return nil, fmt.Errorf("smoke query: %w", err)
		}
	}
	return ix, nil
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

// newEntriesIndex creates the entries index, in memory for path "".
func newEntriesIndex(path string) (bleve.Index, error) {
	bi, err := bleve.NewUsing(path, entryMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	return bi, nil
}

// writeEntries writes every entry to bi.
func writeEntries(bi bleve.Index, c *knowledge.Corpus) error {
	entries := func(yield func(string, map[string]any) bool) {
		for _, e := range c.Entries {
			if !yield(e.ID, map[string]any{"_type": docType, FieldText: entryText(e)}) {
				return
			}
		}
	}
	return writeBatches(bi, entries, entryBatch)
}

// Documents per bleve batch. A batch analyses all its documents before it
// writes them as one segment, so a single batch of a large corpus held over
// a gigabyte at once; but every segment is one more place each query looks
// in (in memory, bleve never merges them), so batches stay large.
var entryBatch = 2500

// writeBatches indexes the documents in batches of at most size.
func writeBatches(bi bleve.Index, docs iter.Seq2[string, map[string]any], size int) error {
	b := bi.NewBatch()
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

// addTerms fills terms, words, ids and known from the entries. It reads
// the analyser's tokens directly: looking a word up needs no string of its
// own, so only new words are copied.
func (ix *Index) addTerms(entries []*knowledge.Entry) {
	ix.phrasings = newPhrasingIndex()
	for _, e := range entries {
		var set []uint32
		// The title and each question are analysed alone, for the
		// phrasings' own index too (in the order writeCorpus gives them to
		// bleve); the tags and the body only add terms.
		for i, text := range append([]string{e.Title}, e.Questions...) {
			toks := ix.analyzer.Analyze([]byte(text))
			ix.phrasings.add(e.ID, i, toks)
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
	terms := ix.Analyze(text)
	fuzz := ix.typoCandidates(terms)
	// The closest phrasings are searched at the same time as the entries:
	// on a large corpus each search takes long, and they are independent.
	var asks []Hit
	var errAsks error
	var wg sync.WaitGroup
	if ix.opts.Phrasing > 0 {
		wg.Go(func() {
			asks, errAsks = ix.phrasings.search(ctx, terms, fuzz, ix.opts.Fuzzy, pool*3)
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

// Typo tolerance limits: only words of this length get fuzzy matching (a
// very long word would also build an automaton bleve refuses), and only
// this many per question.
const (
	minTypoLen   = 4
	maxTypoLen   = 20
	maxTypoTerms = 12
)

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
