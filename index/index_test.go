package index_test

import (
	"context"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// validCorpus is the small fixture corpus shared with the knowledge tests.
const validCorpus = "../testdata/corpus/valid"

func mustCorpus(tb testing.TB) *knowledge.Corpus {
	tb.Helper()
	c, _, err := knowledge.LoadDir(validCorpus)
	if err != nil {
		tb.Fatalf("load %s: %v", validCorpus, err)
	}
	return c
}

func mustBuild(tb testing.TB, c *knowledge.Corpus, opts index.Options) *index.Index {
	tb.Helper()
	ix, err := index.Build(c, opts)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

func mustSearch(tb testing.TB, ix *index.Index, q string) []index.Hit {
	tb.Helper()
	hits, err := ix.Search(context.Background(), q, 4)
	if err != nil {
		tb.Fatalf("Search(%.40q) error: %v", q, err)
	}
	return hits
}

func TestSearchRanksEntryFirst(t *testing.T) {
	ix := mustBuild(t, mustCorpus(t), index.DefaultOptions())
	if got, want := ix.Len(), 4; got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	tests := []struct {
		name, question, want string
	}{
		{"desire", "why don't I want sex anymore, my libido is gone", "low-desire"},
		{"erection", "I can't keep an erection during sex", "erectile-dysfunction"},
		{"privacy", "would my therapist tell anyone what I say", "confidentiality"},
		{"crisis", "I keep thinking about suicide", "crisis-help"},
		{"typo libdo", "libdo is gone", "low-desire"},
		{"typo erectle", "erectle problems at 25", "erectile-dysfunction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := mustSearch(t, ix, tt.question)
			if len(hits) == 0 {
				t.Fatalf("no hits, want %s first", tt.want)
			}
			if got := hits[0].ID; got != tt.want {
				t.Errorf("top hit = %q, want %q (hits %v)", got, tt.want, hits)
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("hits not sorted by score: %v", hits)
				}
			}
		})
	}
}

// TestSearchQuerySyntax checks that what a person types is only ever words:
// query-string syntax, huge or broken text never makes search fail.
func TestSearchQuerySyntax(t *testing.T) {
	ix := mustBuild(t, mustCorpus(t), index.DefaultOptions())
	tests := []struct {
		name, q string
	}{
		{"field", "title:foo"},
		{"regexp", "/.*/"},
		{"unbalanced quote", `"unbalanced`},
		{"operators", "+-^~*"},
		{"field group", "body:(x OR y)"},
		{"wildcard", "libid* erect?"},
		{"long word", strings.Repeat("a", 100000)},
		{"longest question", strings.Repeat("sex ", 250)},
		{"invalid utf-8", "\xff\xfe libido \xc3"},
		{"empty", ""},
		{"spaces", " \t\n "},
		{"nul", "libido\x00desire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.q, 4)
			if err != nil {
				t.Errorf("Search error: %v, want nil", err)
			}
		})
	}
	t.Run("n zero", func(t *testing.T) {
		hits, err := ix.Search(context.Background(), "libido", 0)
		if err != nil || len(hits) != 0 {
			t.Errorf("Search(n=0) = %v, %v; want no hits, no error", hits, err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		// A cancelled search may fail, but must not panic or hang.
		_, _ = ix.Search(ctx, "libido", 4)
	})
}

// TestBuildWithBadSynonyms guards against the bleve synonym bug: a group
// that collapses to one term made every query fail with "no synonyms
// found", and multi-word synonyms were silently dropped.
func TestBuildWithBadSynonyms(t *testing.T) {
	c := mustCorpus(t)
	c.Vocabulary.Synonyms = []knowledge.SynonymGroup{
		{Terms: []string{"sex drive", "libido"}, Line: 1},
		{Terms: []string{"the", "a"}, Line: 2},
		{Terms: []string{"run", "running"}, Line: 3},
		{Terms: []string{"erection", "erections"}, Line: 4},
		{Terms: []string{"libido", "desire"}, Line: 5},
		{Terms: []string{"private", "confidential"}, Line: 6},
	}
	ix := mustBuild(t, c, index.DefaultOptions())
	for _, q := range []string{"libido", "the running erection", "sex drive", "is it private", "a"} {
		if _, err := ix.Search(context.Background(), q, 4); err != nil {
			t.Errorf("Search(%q) error: %v, want nil", q, err)
		}
	}
	hits := mustSearch(t, ix, "is it private")
	if len(hits) == 0 || hits[0].ID != "confidentiality" {
		t.Errorf("hits for \"is it private\" = %v, want confidentiality first", hits)
	}
}

// TestSynonyms checks that a synonym group makes a word find an entry that
// only uses the other word of the group, and only when synonyms are on.
func TestSynonyms(t *testing.T) {
	c := mustCorpus(t)
	c.Vocabulary.Synonyms = []knowledge.SynonymGroup{
		{Terms: []string{"zebra", "erections"}},     // "erections" is stemmed to "erect"
		{Terms: []string{"giraffe", "penetration"}}, // "penetration" to "penetr"
	}
	// Both words are in questions of one entry: the synonyms work in the
	// phrasings (the whole entries are matched plainly, without them).
	// The learned model is off: these are the synonyms' hits alone.
	on := index.DefaultOptions()
	on.Learned = 0
	off := on
	off.Synonyms = false
	for _, tt := range []struct {
		name string
		opts index.Options
		want string
	}{
		{"on", on, "erectile-dysfunction"},
		{"off", off, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix := mustBuild(t, c, tt.opts)
			for _, q := range []string{"zebra", "giraffe"} {
				var got []string
				for _, h := range mustSearch(t, ix, q) {
					got = append(got, h.ID)
				}
				if strings.Join(got, ",") != tt.want {
					t.Errorf("hits for %q = %v, want [%s]", q, got, tt.want)
				}
			}
		})
	}
	ix := mustBuild(t, c, on)
	t.Run("coverage", func(t *testing.T) {
		if got, want := ix.Coverage("giraffe", "erectile-dysfunction"), 1.0; got != want {
			t.Errorf("Coverage(giraffe) = %v, want %v", got, want)
		}
	})
	t.Run("coverage of a stemmed synonym", func(t *testing.T) {
		// The synonym table is keyed by analysed terms, so a synonym whose
		// stem differs from the word still counts.
		got, want := ix.Coverage("zebra", "erectile-dysfunction"), 1.0
		if got != want {
			t.Errorf("Coverage(zebra) = %v, want %v", got, want)
		}
	})
}

func TestCheckVocabulary(t *testing.T) {
	tests := []struct {
		name  string
		group []string
		want  []string // message parts, one per warning
	}{
		{"fine", []string{"libido", "desire"}, nil},
		{"stop words", []string{"the", "a"}, []string{`synonym "the" is not one searchable word`, `synonym "a" is not one searchable word`, "fewer than two usable distinct words"}},
		{"same stem", []string{"run", "running"}, []string{"fewer than two usable distinct words"}},
		{"multi-word", []string{"sex drive", "libido", "desire"}, []string{`synonym "sex drive" is not one searchable word`}},
		{"one usable word", []string{"of", "libido"}, []string{`synonym "of" is not one searchable word`, "fewer than two usable distinct words"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := knowledge.Vocabulary{Synonyms: []knowledge.SynonymGroup{{Terms: tt.group, Line: 7}}}
			probs := index.CheckVocabulary(v)
			if got, want := len(probs), len(tt.want); got != want {
				t.Fatalf("got %d warning(s) %v, want %d", got, probs, want)
			}
			for i, p := range probs {
				if !strings.Contains(p.Message, tt.want[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, p.Message, tt.want[i])
				}
				if p.Severity != knowledge.Warning || p.File != knowledge.VocabularyFile || p.Line != 7 {
					t.Errorf("warning %d at %s, want a warning at %s:7", i, p, knowledge.VocabularyFile)
				}
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	ix := mustBuild(t, mustCorpus(t), index.DefaultOptions())
	tests := []struct {
		name, text, id string
		want           float64
	}{
		{"empty", "", "low-desire", 0},
		{"only stop words", "the and of", "low-desire", 0},
		{"unknown entry", "libido", "no-such-entry", 0},
		{"every word", "What causes erectile dysfunction?", "erectile-dysfunction", 1},
		{"typo in long word", "erectle dysfunction", "erectile-dysfunction", 1},
		{"half", "libido zebra", "low-desire", 0.5},
		{"nothing", "zebra giraffe", "confidentiality", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.Coverage(tt.text, tt.id); got != tt.want {
				t.Errorf("Coverage(%q, %s) = %v, want %v", tt.text, tt.id, got, tt.want)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	b, err := index.BuildBaseline(mustCorpus(t))
	if err != nil {
		t.Fatalf("BuildBaseline: %v", err)
	}
	defer b.Close()
	hits, err := b.Search(context.Background(), "is sex therapy confidential", 3)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if len(hits) == 0 || hits[0].ID != "confidentiality" {
		t.Errorf("hits = %v, want confidentiality first", hits)
	}
	if hits, err := b.Search(context.Background(), "  ", 3); err != nil || len(hits) != 0 {
		t.Errorf("empty Search = %v, %v; want nothing", hits, err)
	}
}

func BenchmarkSearch(b *testing.B) {
	c, _, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix := mustBuild(b, c, index.DefaultOptions())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, "my erections are not firm and I get anxious about it", 4); err != nil {
			b.Fatal(err)
		}
	}
}
