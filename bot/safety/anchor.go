package safety

// The patterns indexed by their anchors. Every part of a pattern (and every
// safe phrase and past marker) can only match a message that contains one
// particular word of it, its anchor: a whole word, a word's beginning for
// "word*", a word within one typo for words of seven letters or more, or a
// number for {minor} and {adult-age}; a {list} is anchored by one word of
// each of its items. A message is then tried only against the parts whose
// anchor one of its words carries, so the cost of the triage follows the
// length of the message, not the number of patterns. The matching itself
// is unchanged (matchSeq): the index only leaves out parts that cannot
// match, which TestAnchorsLoseNothing checks against trying every part.

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// anchorKind says how an anchor is looked up.
type anchorKind uint8

const (
	anchorWord   anchorKind = iota // the word itself
	anchorTypo                     // the word, or a word one edit from it
	anchorPrefix                   // any word starting with it
	anchorNumber                   // any number (an age)
)

type anchor struct {
	kind anchorKind
	text string
}

// partID numbers the parts of all lists, list by list and pattern by
// pattern, so that sorted ids keep the order in which lists are tried.
type partID = int32

// partRef is where a part belongs.
type partRef struct {
	list, pattern int32
}

// phraseList is an ordered list of patterns, tried first to last; safe
// phrases and past markers are lists of one-part patterns.
type phraseList struct {
	patterns []compiled
	first    []partID // id of the first part of each pattern
	lo, hi   partID   // the list's parts are lo..hi-1
}

// anchorIndex maps what a word of a message can be to the parts it may
// start a match of.
type anchorIndex struct {
	word   map[string][]partID
	typo   map[string][]partID // a word of 7+ letters and each form of it with one letter deleted
	prefix map[string][]partID
	// prefixLens are the lengths of prefixes starting with each byte.
	prefixLens [256][]int
	number     []partID
	// always are parts without an anchor (only "..." and ages in lists):
	// tried on every message.
	always []partID
	// squashed finds parts whose words, run together, sit inside a word
	// rebuilt from letters typed apart ("k i l l m y s e l f"): by their
	// first four bytes.
	squashed map[string][]partID
	squash   []string // squash of each part; "" when it has none
	maxTypo  int      // length of the longest word with typos allowed
}

func newAnchorIndex() *anchorIndex {
	return &anchorIndex{word: map[string][]partID{}, typo: map[string][]partID{},
		prefix: map[string][]partID{}, squashed: map[string][]partID{}}
}

// add indexes one part under the anchor of its cheapest element.
func (x *anchorIndex) add(id partID, part []element, sq string) {
	x.squash = append(x.squash, sq)
	if len(sq) >= 4 {
		x.squashed[sq[:4]] = append(x.squashed[sq[:4]], id)
	}
	anchors, ok := anchorsOfSeq(part)
	if !ok {
		x.always = append(x.always, id)
		return
	}
	for _, a := range anchors {
		switch a.kind {
		case anchorWord:
			x.word[a.text] = appendOnce(x.word[a.text], id)
		case anchorTypo:
			x.maxTypo = max(x.maxTypo, len(a.text))
			x.typo[a.text] = appendOnce(x.typo[a.text], id)
			var buf []byte
			for k := range len(a.text) {
				buf = append(append(buf[:0], a.text[:k]...), a.text[k+1:]...)
				x.typo[string(buf)] = appendOnce(x.typo[string(buf)], id)
			}
		case anchorPrefix:
			x.prefix[a.text] = appendOnce(x.prefix[a.text], id)
			lens := &x.prefixLens[a.text[0]]
			if !slices.Contains(*lens, len(a.text)) {
				*lens = append(*lens, len(a.text))
				slices.Sort(*lens)
			}
		case anchorNumber:
			x.number = appendOnce(x.number, id)
		}
	}
}

// appendOnce appends id unless it is already last (ids are added in order).
func appendOnce(ids []partID, id partID) []partID {
	if len(ids) > 0 && ids[len(ids)-1] == id {
		return ids
	}
	return append(ids, id)
}

// hits returns, sorted and without repeats, the ids of the parts that may
// match toks: those whose anchor a word of toks carries, those without an
// anchor, and those that may match inside a word rebuilt from letters typed
// apart.
func (x *anchorIndex) hits(toks []token) []partID {
	out := make([]partID, 0, 32)
	out = append(out, x.always...)
	var buf []byte
	for _, tk := range toks {
		w := tk.text
		out = append(out, x.word[w]...)
		if n, ok := number(w); ok && n >= 1 && n <= 99 {
			out = append(out, x.number...)
		}
		for _, l := range x.prefixLens[w[0]] {
			if l > len(w) {
				break
			}
			out = append(out, x.prefix[w[:l]]...)
		}
		if len(w) >= 6 && len(w) <= x.maxTypo+1 {
			out = append(out, x.typo[w]...)
			for k := range len(w) {
				buf = append(append(buf[:0], w[:k]...), w[k+1:]...)
				out = append(out, x.typo[string(buf)]...)
			}
		}
		if tk.joined {
			for i := 0; i+4 <= len(w); i++ {
				for _, id := range x.squashed[w[i:i+4]] {
					if strings.HasPrefix(w[i:], x.squash[id]) {
						out = append(out, id)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// anchorsOfSeq chooses the anchors of the cheapest element of a sequence
// that every match must use; ok is false when no element has anchors
// (only gaps), so the sequence must be tried on every message.
func anchorsOfSeq(seq []element) (anchors []anchor, ok bool) {
	best := -1.0
	for _, e := range seq {
		as, cost, ok := anchorsOf(e)
		if ok && (best < 0 || cost < best) {
			anchors, best = as, cost
		}
	}
	return anchors, best >= 0
}

// anchorsOf is what one element needs a message to contain, with the
// expected cost of trying it. An element that can never match ({list} of
// a list that does not exist) needs nothing and costs nothing: its part is
// never tried, as it never matched.
func anchorsOf(e element) (anchors []anchor, cost float64, ok bool) {
	switch {
	case e.gap:
		return nil, 0, false
	case e.alts != nil:
		for _, alt := range e.alts {
			if len(alt) == 0 {
				continue // an empty item never matches (matchSeq needs a word)
			}
			as, ok := anchorsOfSeq(alt)
			if !ok {
				return nil, 0, false
			}
			for _, a := range as {
				cost += anchorCost(a)
			}
			anchors = append(anchors, as...)
		}
		return anchors, cost, true
	case e.age != 0:
		return []anchor{{kind: anchorNumber}}, numberCost, true
	case e.word == "":
		return nil, 0, true
	case e.prefix:
		a := anchor{kind: anchorPrefix, text: e.word}
		return []anchor{a}, anchorCost(a), true
	case len(e.word) >= typoMinLen:
		a := anchor{kind: anchorTypo, text: e.word}
		return []anchor{a}, anchorCost(a), true
	}
	a := anchor{kind: anchorWord, text: e.word}
	return []anchor{a}, anchorCost(a), true
}

// typoMinLen is the length from which a word also matches words one edit
// away (matchSeq).
const typoMinLen = 7

// anchorCost is how often a message is expected to carry a: the number of
// training messages that contain it, plus one.
func anchorCost(a anchor) float64 {
	st := wordStats()
	switch a.kind {
	case anchorNumber:
		return numberCost
	case anchorPrefix:
		lo, _ := slices.BinarySearch(st.words, a.text)
		hi := lo
		for hi < len(st.words) && strings.HasPrefix(st.words[hi], a.text) {
			hi++
		}
		return float64(st.cum[hi] - st.cum[lo] + 1)
	}
	return float64(st.counts[a.text] + 1)
}

// numberCost is the cost of a number: numbers are common, so one is used
// as an anchor only when nothing else is.
const numberCost = 1000

// wordStats counts, over the training messages, the messages each folded
// word appears in: how common a word is in what people write here. The
// counts ship beside the model (data/words.tsv.gz, by gen_model.go) for the
// training set they were counted on; counting them again takes a sixth of
// a second at every start.
var wordStats = sync.OnceValue(func() (st struct {
	counts map[string]int
	words  []string // sorted
	cum    []int    // cum[i]: the counts of words[:i] added up
}) {
	st.counts = ShippedWordCounts()
	if st.counts == nil {
		st.counts = WordCounts()
	}
	st.words = slices.Sorted(maps.Keys(st.counts))
	st.cum = make([]int, len(st.words)+1)
	for i, w := range st.words {
		st.cum[i+1] = st.cum[i] + st.counts[w]
	}
	return st
})

// WordCounts counts, over the embedded training messages, the messages
// each folded word appears in.
func WordCounts() map[string]int {
	counts := map[string]int{}
	for _, e := range TrainingSet() {
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(e.Text), notWordByte) {
			w = collapseRepeats(w)
			if !seen[w] {
				seen[w] = true
				counts[w]++
			}
		}
	}
	return counts
}

// EncodeWordCounts writes counts as gen_model ships them: the training
// set's fingerprint on the first line, then a word and its count per line,
// gzip-compressed.
func EncodeWordCounts(w io.Writer, counts map[string]int) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	fmt.Fprintln(zw, TrainingFingerprint())
	for _, word := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(zw, "%s\t%d\n", word, counts[word])
	}
	return zw.Close()
}

// ShippedWordCounts are the counts of data/words.tsv.gz if they were
// counted on the embedded training set, or nil.
func ShippedWordCounts() map[string]int {
	zr, err := gzip.NewReader(bytes.NewReader(shippedWords))
	if err != nil {
		return nil
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	head, rest, _ := strings.Cut(string(b), "\n")
	if head != TrainingFingerprint() {
		return nil
	}
	counts := map[string]int{}
	for line := range strings.Lines(rest) {
		word, n, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		c, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil
		}
		counts[word] = c
	}
	return counts
}

//go:embed data/words.tsv.gz
var shippedWords []byte

func notWordByte(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
}
