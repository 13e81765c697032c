package index

// Confidant's English analyzer gives exactly the terms of bleve's "en"
// analyzer (Unicode word segmentation, possessives dropped, lower case,
// English stop words, Porter stemming), faster: analysis was most of the
// time of building a large index (the phrasings are analysed for the
// entries, the phrasings index and the term sets) and part of every
// question. Two changes, each giving the very same output
// (TestAnalyzerMatchesEnglish, FuzzTokenizer):
//
//   - text of plain ASCII is cut into words by a direct reading of the
//     word-boundary rules bleve's segmenter implements for those
//     characters, instead of the general Unicode state machine; any other
//     text goes to bleve's tokenizer;
//   - the stems of words already seen are remembered (Porter stemming is a
//     pure function of the word), up to a bound.

import (
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// analyzerName names the analyzer in bleve's registry; plainAnalyzerName
// names the same tokenizer with bleve's "standard" filters (lower case,
// English stop words; no possessives dropped, no stems), which gives the
// tokens of the "standard" analyzer the whole entries are matched with.
const (
	analyzerName      = "confidant_en"
	plainAnalyzerName = "confidant_plain"
)

func init() {
	if err := registry.RegisterAnalyzer(analyzerName, newAnalyzer); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(plainAnalyzerName, newPlainAnalyzer); err != nil {
		panic(err)
	}
}

func newPlainAnalyzer(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	unicodeTokenizer, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, fmt.Errorf("analyzer %s: %w", plainAnalyzerName, err)
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{lowercase.Name, en.StopName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, fmt.Errorf("analyzer %s: %w", plainAnalyzerName, err)
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{Tokenizer: asciiTokenizer{unicode: unicodeTokenizer}, TokenFilters: filters}, nil
}

func newAnalyzer(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	unicodeTokenizer, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, fmt.Errorf("analyzer %s: %w", analyzerName, err)
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, en.StopName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, fmt.Errorf("analyzer %s: %w", analyzerName, err)
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer:    asciiTokenizer{unicode: unicodeTokenizer},
		TokenFilters: append(filters, stems),
	}, nil
}

// asciiTokenizer cuts plain ASCII text into words itself and leaves any
// other text to bleve's Unicode tokenizer.
type asciiTokenizer struct {
	unicode analysis.Tokenizer
}

// Tokenize returns the tokens bleve's Unicode tokenizer returns: the words
// with their byte offsets, positions from 1, and type Numeric for words
// without letters.
//
// For ASCII, bleve's segmenter (UAX #29 word boundaries, Unicode 8) keeps
// letters and digits together, and a single character between two of them
// when both sides fit it: ':' between letters, '.' and '\” between
// letters or between digits, ',' and ';' between digits. Every other
// character stands alone and is no word. The underscore joins more
// liberally, so text holding one goes to the Unicode tokenizer.
func (t asciiTokenizer) Tokenize(input []byte) analysis.TokenStream {
	for _, c := range input {
		if c >= 0x80 || c == '_' {
			return t.unicode.Tokenize(input)
		}
	}
	type span struct {
		start, end int
		letters    bool
	}
	var buf [64]span
	spans := buf[:0]
	for start := 0; start < len(input); {
		end, letters := wordAt(input, start)
		if end == start {
			start++
			continue
		}
		spans = append(spans, span{start, end, letters})
		start = end
	}
	tokens := make([]analysis.Token, len(spans))
	out := make(analysis.TokenStream, len(spans))
	for i, sp := range spans {
		tok := &tokens[i]
		tok.Term, tok.Start, tok.End, tok.Position = input[sp.start:sp.end], sp.start, sp.end, i+1
		tok.Type = analysis.AlphaNumeric
		if !sp.letters {
			tok.Type = analysis.Numeric
		}
		out[i] = tok
	}
	return out
}

// wordAt returns the end of the word starting at start (start itself when
// no word starts there) and whether the word holds a letter.
func wordAt(s []byte, start int) (end int, letters bool) {
	if !isLetter(s[start]) && !isDigit(s[start]) {
		return start, false
	}
	end = start
	for end < len(s) {
		c := s[end]
		switch {
		case isLetter(c):
			letters = true
			end++
		case isDigit(c):
			end++
		case end > start && end+1 < len(s) && joins(s[end-1], c, s[end+1]):
			end += 2
			letters = letters || isLetter(s[end-1])
		default:
			return end, letters
		}
	}
	return end, letters
}

// joins reports whether c keeps the characters on either side in one word.
func joins(before, c, after byte) bool {
	switch c {
	case ':':
		return isLetter(before) && isLetter(after)
	case '.', '\'':
		return isLetter(before) && isLetter(after) || isDigit(before) && isDigit(after)
	case ',', ';':
		return isDigit(before) && isDigit(after)
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// stems is bleve's Porter stemmer with a memory of the stems it has made.
var stems = &stemFilter{porter: porter.NewPorterStemmer()}

// maxStems bounds the memory: a corpus's and its questions' words are far
// fewer, and past it words are stemmed again each time.
const maxStems = 1 << 18

type stemFilter struct {
	porter *porter.PorterStemmer
	seed   maphash.Seed
	once   sync.Once
	shards [64]stemShard
	size   sync.Mutex
	n      int // stems remembered
}

type stemShard struct {
	sync.RWMutex
	stem map[string][]byte
}

// Filter replaces each term that is not a keyword by its stem, as bleve's
// Porter filter does. Every token gets a term of its own: later steps may
// keep or change it.
func (f *stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	f.once.Do(func() { f.seed = maphash.MakeSeed() })
	var miss analysis.TokenStream
	for _, tok := range input {
		if tok.KeyWord {
			continue
		}
		sh := &f.shards[maphash.Bytes(f.seed, tok.Term)%uint64(len(f.shards))]
		sh.RLock()
		stem, ok := sh.stem[string(tok.Term)]
		sh.RUnlock()
		if !ok {
			miss = append(miss[:0], &analysis.Token{Term: tok.Term})
			f.porter.Filter(miss)
			stem = miss[0].Term
			f.remember(sh, string(tok.Term), stem)
		}
		tok.Term = append([]byte(nil), stem...)
	}
	return input
}

// remember keeps the stem of word, unless maxStems are kept already.
func (f *stemFilter) remember(sh *stemShard, word string, stem []byte) {
	f.size.Lock()
	full := f.n >= maxStems
	if !full {
		f.n++
	}
	f.size.Unlock()
	if full {
		return
	}
	sh.Lock()
	if sh.stem == nil {
		sh.stem = map[string][]byte{}
	}
	sh.stem[word] = stem
	sh.Unlock()
}
