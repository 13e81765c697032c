package index

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestPhrasingsScoreAsBleve: the phrasings' own index gives the hits
// bleve gives for the same query on the phrasings' bleve index: the same
// phrasings, each with the same share of the best score (to a billionth),
// on every development question, with the vocabulary's expansions and the
// typo corrections as Search makes them, on the embedded corpus and on a
// synthetic one of 300 entries (several batches, more synonyms in play).
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
		if got, want := len(ix.phrasings.postings), ix.askStats.FieldCardinality[FieldAsk]; got != want {
			t.Errorf("%d entries: %d distinct terms, bleve counts %d", len(c.Entries), got, want)
		}
		if got, want := len(ix.phrasings.ids)+len(usableSynonyms(c.Vocabulary)), int(ix.askStats.DocCount); got != want {
			t.Errorf("%d entries: %v phrasings and synonym groups, bleve counts %v documents", len(c.Entries), got, want)
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
			fuzz := ix.typoCandidates(text)
			want, err := search(context.Background(), ix.asks, ix.askStats, ix.askQuery(text, fuzz), 60)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ix.phrasings.search(context.Background(), ix.Analyze(text), fuzz, ix.opts.Fuzzy, 60)
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
