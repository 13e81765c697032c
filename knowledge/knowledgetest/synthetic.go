package knowledgetest

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/confidant-bot/confidant/knowledge"
)

// Synthetic returns a corpus directory of n entries for benchmarks, made
// from the embedded ones so that the words are real: the embedded entries
// as they are, then variants ("low-desire-00042") whose answers recombine
// sentences of their base entry with a few from other entries, and whose
// questions are a shuffled subset of the base's, reworded the way people
// type (lower case, no question mark, "quick question:", a swapped letter).
// Every entry passes validation; duplicate phrasings only cause warnings.
// The vocabulary, referrals, triage and themes are the embedded ones.
//
// The output depends only on seed and n, and variant i is the same for
// every n > i, so a smaller corpus is a part of a larger one. Since no new
// words appear, every word's document frequency grows with n: a harder
// case for search than a real corpus of that size.
func Synthetic(n int, seed uint64) (fs.FS, error) {
	base, _, err := knowledge.Default()
	if err != nil {
		return nil, fmt.Errorf("embedded corpus: %w", err)
	}
	units := make([][]bodyUnit, len(base.Entries))
	for i, e := range base.Entries {
		units[i] = splitBody(e.Body)
	}
	fsys := fstest.MapFS{}
	for i := 0; i < n; i++ {
		if i < len(base.Entries) {
			e := base.Entries[i]
			data, err := fs.ReadFile(knowledge.DefaultFS(), e.File)
			if err != nil {
				return nil, err
			}
			fsys[e.File] = &fstest.MapFile{Data: data}
			continue
		}
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		b := i % len(base.Entries)
		id := fmt.Sprintf("%s-%05d", base.Entries[b].ID, i)
		name := knowledge.EntriesDir + "/" + id + ".md"
		fsys[name] = &fstest.MapFile{Data: variant(rng, id, base.Entries, units, b)}
	}
	return fsys, nil
}

// bodyUnit is a sentence of a paragraph, or one list item.
type bodyUnit struct {
	text  string
	item  bool
	words int
}

// splitBody cuts a Markdown answer into sentences and list items.
func splitBody(body string) []bodyUnit {
	var out []bodyUnit
	add := func(s string, item bool) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, bodyUnit{text: s, item: item, words: len(strings.Fields(s))})
		}
	}
	for _, block := range strings.Split(body, "\n\n") {
		var para, item []string
		flushItem := func() {
			if len(item) > 0 {
				add(strings.Join(item, " "), true)
				item = nil
			}
		}
		for _, line := range strings.Split(block, "\n") {
			t := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(t, "- "):
				flushItem()
				item = []string{strings.TrimPrefix(t, "- ")}
			case item != nil:
				item = append(item, t)
			default:
				para = append(para, t)
			}
		}
		flushItem()
		text := strings.Join(para, " ")
		for text != "" {
			end := strings.IndexAny(text, ".?!")
			for end >= 0 && end+1 < len(text) && text[end+1] != ' ' {
				next := strings.IndexAny(text[end+1:], ".?!")
				if next < 0 {
					end = -1
					break
				}
				end += 1 + next
			}
			if end < 0 {
				add(text, false)
				break
			}
			add(text[:end+1], false)
			text = text[end+1:]
		}
	}
	return out
}

// variant writes one synthetic entry based on entries[b].
// It is a long, flat recipe (title, questions, tags, body) kept in one place.
func variant(rng *rand.Rand, id string, entries []*knowledge.Entry, units [][]bodyUnit, b int) []byte {
	e := entries[b]
	other := func() int { return rng.IntN(len(entries)) }

	var qs []string
	for _, j := range rng.Perm(len(e.Questions))[:knowledge.MinQuestions+rng.IntN(len(e.Questions)-knowledge.MinQuestions+1)] {
		qs = append(qs, reword(rng, e.Questions[j]))
	}
	if rng.IntN(3) == 0 {
		o := entries[other()]
		qs = append(qs, reword(rng, o.Questions[rng.IntN(len(o.Questions))]))
	}
	title := e.Title
	if rng.IntN(2) == 0 {
		if q := upperFirst(reword(rng, e.Questions[rng.IntN(len(e.Questions))])); utf8.RuneCountInString(q) <= knowledge.MaxTitleLength {
			title = q
		}
	}
	var tags []string
	for _, j := range rng.Perm(len(e.Tags))[:1+rng.IntN(len(e.Tags))] {
		tags = append(tags, e.Tags[j])
	}

	// The answer: the base's first sentence, then sentences mostly of the
	// base, some of other entries, up to a random length within the limits.
	target := 90 + rng.IntN(150)
	words := 0
	var chosen []bodyUnit
	used := map[[2]int]bool{}
	pick := func(src, j int) {
		u := units[src][j]
		if !used[[2]int{src, j}] && words+u.words <= knowledge.MaxBodyWords-10 {
			used[[2]int{src, j}] = true
			chosen = append(chosen, u)
			words += u.words
		}
	}
	pick(b, 0)
	for tries := 0; words < target && tries < 200; tries++ {
		src := b
		if rng.IntN(10) < 3 {
			src = other()
		}
		pick(src, rng.IntN(len(units[src])))
	}
	for j := 0; words < knowledge.MinBodyWords && j < len(units[b]); j++ { // not reached with the real entries
		pick(b, j)
	}

	var s strings.Builder
	fmt.Fprintf(&s, "---\nid: %s\ntitle: %s\nsummary: %s\nquestions:\n", id, strconv.Quote(title), strconv.Quote(e.Summary))
	for _, q := range qs {
		fmt.Fprintf(&s, "  - %s\n", strconv.Quote(q))
	}
	s.WriteString("tags: [")
	for j, t := range tags {
		if j > 0 {
			s.WriteString(", ")
		}
		s.WriteString(strconv.Quote(t))
	}
	fmt.Fprintf(&s, "]\nreferral: %s\nsources:\n", e.Referral)
	for _, src := range e.Sources {
		fmt.Fprintf(&s, "  - title: %s\n    publisher: %s\n    url: %s\n", strconv.Quote(src.Title), strconv.Quote(src.Publisher), src.URL)
	}
	fmt.Fprintf(&s, "reviewed: %s\n---\n", e.ReviewedDate())
	inPara, inList := 0, false
	for _, u := range chosen {
		switch {
		case u.item:
			if !inList {
				s.WriteString("\n\n")
			}
			s.WriteString("- " + u.text + "\n")
			inList, inPara = true, 0
		case inPara == 0 || inPara == 3:
			s.WriteString("\n\n" + u.text)
			inList, inPara = false, 1
		default:
			s.WriteString(" " + u.text)
			inPara++
		}
	}
	s.WriteString("\n")
	return []byte(s.String())
}

var (
	askPrefixes = []string{"hi, ", "quick question: ", "honestly ", "so ", "asking for a friend: ", "sorry if this is weird but ", "ok so "}
	askSuffixes = []string{" thanks", " pls", " lol", " (asking seriously)", "??"}
)

// reword changes a question the way people type it differently.
func reword(rng *rand.Rand, q string) string {
	if rng.IntN(3) == 0 {
		q = strings.ToLower(q)
	}
	if rng.IntN(3) == 0 {
		q = strings.TrimRight(q, "?")
	}
	if rng.IntN(4) == 0 {
		q = askPrefixes[rng.IntN(len(askPrefixes))] + q
	}
	if rng.IntN(6) == 0 {
		q += askSuffixes[rng.IntN(len(askSuffixes))]
	}
	if rng.IntN(8) == 0 {
		// Swap two letters of a longer word: a typo.
		words := strings.Fields(q)
		j := rng.IntN(len(words))
		if w := []rune(words[j]); len(w) > 4 && unicode.IsLetter(w[1]) && unicode.IsLetter(w[2]) {
			w[1], w[2] = w[2], w[1]
			words[j] = string(w)
			q = strings.Join(words, " ")
		}
	}
	return q
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// BenchSize is one corpus size the benchmarks of index and bot measure.
type BenchSize struct {
	Name string
	N    int // 0 is the embedded corpus
}

// BenchSizes are the embedded corpus and synthetic ones of 1k, 10k, 100k.
var BenchSizes = []BenchSize{{"embedded", 0}, {"1k", 1000}, {"10k", 10000}, {"100k", 100000}}

// LargeBench is the size from which a benchmark runs only when asked for:
// with CONFIDANT_BENCH_LARGE=1 or a -bench pattern naming "100k".
const LargeBench = 100000

// BenchWanted reports whether a benchmark on n entries should run, given
// the -bench pattern and the CONFIDANT_BENCH_LARGE setting.
func BenchWanted(n int, benchPattern, large string) bool {
	return n < LargeBench || large == "1" || strings.Contains(benchPattern, "100k")
}

// LoadSized loads the embedded corpus (n == 0) or a synthetic one of n
// entries made with seed 1.
func LoadSized(n int) (*knowledge.Corpus, error) {
	fsys := knowledge.DefaultFS()
	if n > 0 {
		var err error
		if fsys, err = Synthetic(n, 1); err != nil {
			return nil, fmt.Errorf("synthetic corpus of %d: %w", n, err)
		}
	}
	c, _, err := knowledge.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("load corpus of %d entries: %w", n, err)
	}
	return c, nil
}

// MustDefault is the embedded corpus; the test fails if it does not load.
func MustDefault(tb testing.TB) *knowledge.Corpus {
	tb.Helper()
	c, _, err := knowledge.Default()
	if err != nil {
		tb.Fatalf("load embedded corpus: %v", err)
	}
	return c
}

// CopyDefault writes the embedded corpus into a new directory.
func CopyDefault(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	err := fs.WalkDir(knowledge.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		}
		b, err := fs.ReadFile(knowledge.DefaultFS(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Subset is c with only the questions keep accepts (by entry id and the
// question's position), loaded again as a corpus: for cross-validation over
// the corpus's own phrasings.
func Subset(c *knowledge.Corpus, keep func(id string, i int) bool) (*knowledge.Corpus, error) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(knowledge.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, knowledge.EntriesDir+"/") {
			return err
		}
		b, err := fs.ReadFile(knowledge.DefaultFS(), p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range c.Entries {
		d := knowledge.NewDraft(e)
		d.Questions = nil
		for i, q := range e.Questions {
			if keep(e.ID, i) {
				d.Questions = append(d.Questions, q)
			}
		}
		fsys[e.File] = &fstest.MapFile{Data: d.Render(e.Reviewed)}
	}
	sub, _, err := knowledge.Load(fsys)
	return sub, err
}
