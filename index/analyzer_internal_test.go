package index

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/confidant-bot/confidant/knowledge"
)

// tricky are texts at the edges of the word-boundary rules.
var tricky = []string{
	"", " ", "a", "don't", "e.g. this", "3.5mg", "1,000,000 and 1;2", "a:b c::d", "end.", "'quoted'",
	"a.1 1.a a'1 1'a a1'2 1a'b", "x..y", "it's Sam's", "U.S.A.", "HIV+ / PrEP?!", "c++ c# .net",
	"under_score", "naïve café", "emoji 🙂 here", "tab\tnew\nline\r\ncr", "\x00\x7f", "12:30", "a-b",
	"who’s", "ＦＵＬＬ", "well...ok", "v1.2.3-beta", "'s", "s'", "A'B'C'", "3'4'", "1.2.", ".5",
}

func questionsOf(tb testing.TB) []string {
	tb.Helper()
	c, _, err := knowledge.Default()
	if err != nil {
		tb.Fatal(err)
	}
	texts := append([]string(nil), tricky...)
	for _, e := range c.Entries {
		texts = append(texts, e.Title, e.Body, strings.Join(e.Questions, "\n"), strings.Join(e.Tags, ", "))
	}
	texts = append(texts, c.OutOfScope...)
	for _, f := range []string{"../testdata/eval-questions.tsv", "../testdata/long-dev.tsv", "../testdata/triage-cases.tsv"} {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			texts = append(texts, sc.Text())
		}
		fh.Close()
	}
	return texts
}

func sameTokens(tb testing.TB, text string, got, want analysis.TokenStream) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%q: %d tokens, want %d:\n got %v\nwant %v", text, len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position || g.Type != w.Type || g.KeyWord != w.KeyWord {
			tb.Fatalf("%q: token %d = %v, want %v", text, i, g, w)
		}
	}
}

// TestAnalyzerMatchesEnglish wants from Confidant's analyzer the very
// tokens of bleve's "en" analyzer, for every text of the embedded corpus,
// the evaluation questions and texts at the edges of the rules.
func TestAnalyzerMatchesEnglish(t *testing.T) {
	m := mapping.NewIndexMapping()
	ours, theirs := m.AnalyzerNamed(analyzerName), m.AnalyzerNamed(en.AnalyzerName)
	texts := questionsOf(t)
	for range 2 { // the second time, the stems are remembered
		for _, text := range texts {
			sameTokens(t, text, ours.Analyze([]byte(text)), theirs.Analyze([]byte(text)))
		}
	}
}

// TestPlainAnalyzerMatchesStandard wants from the plain analyzer the very
// tokens of bleve's "standard" analyzer, which plain search (Baseline)
// uses, for the same texts.
func TestPlainAnalyzerMatchesStandard(t *testing.T) {
	m := mapping.NewIndexMapping()
	ours, theirs := m.AnalyzerNamed(plainAnalyzerName), m.AnalyzerNamed(standard.Name)
	for _, text := range questionsOf(t) {
		sameTokens(t, text, ours.Analyze([]byte(text)), theirs.Analyze([]byte(text)))
	}
}

// FuzzTokenizer wants the tokens of bleve's Unicode tokenizer for any text.
func FuzzTokenizer(f *testing.F) {
	for _, s := range tricky {
		f.Add(s)
	}
	unicodeTokenizer := unicode.NewUnicodeTokenizer()
	ours := asciiTokenizer{unicode: unicodeTokenizer}
	m := mapping.NewIndexMapping()
	oursAn, theirsAn := m.AnalyzerNamed(analyzerName), m.AnalyzerNamed(en.AnalyzerName)
	oursPlain, theirsPlain := m.AnalyzerNamed(plainAnalyzerName), m.AnalyzerNamed(standard.Name)
	f.Fuzz(func(t *testing.T, text string) {
		sameTokens(t, text, ours.Tokenize([]byte(text)), unicodeTokenizer.Tokenize([]byte(text)))
		sameTokens(t, text, oursAn.Analyze([]byte(text)), theirsAn.Analyze([]byte(text)))
		sameTokens(t, text, oursPlain.Analyze([]byte(text)), theirsPlain.Analyze([]byte(text)))
	})
}

// TestTokenizerJoiners tries every string of up to four characters from
// the characters that matter to word boundaries in ASCII.
func TestTokenizerJoiners(t *testing.T) {
	const chars = "a1:.',; _-\n"
	unicodeTokenizer := unicode.NewUnicodeTokenizer()
	ours := asciiTokenizer{unicode: unicodeTokenizer}
	var walk func(prefix []byte)
	walk = func(prefix []byte) {
		sameTokens(t, string(prefix), ours.Tokenize(prefix), unicodeTokenizer.Tokenize(prefix))
		if len(prefix) == 5 {
			return
		}
		for i := 0; i < len(chars); i++ {
			walk(append(prefix, chars[i]))
		}
	}
	walk(nil)
}

func BenchmarkAnalyze(b *testing.B) {
	m := mapping.NewIndexMapping()
	texts := questionsOf(b)
	for _, name := range []string{en.AnalyzerName, analyzerName} {
		an := m.AnalyzerNamed(name)
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for _, text := range texts {
					an.Analyze([]byte(text))
				}
			}
		})
	}
}
