package index

import (
	"context"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestShippedIndexIsCurrent: data/prebuilt holds the indexes that indexing
// the embedded corpus gives today, so a start that opens them answers as
// one that indexes: the same documents, the same terms with the same
// document counts in every field, and the same hits and scores for the
// development questions. With CONFIDANT_WRITE_INDEX=1 it rewrites them
// instead (after any change to the corpus, the vocabulary's synonyms, the
// analyzer or the mapping).
func TestShippedIndexIsCurrent(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	if os.Getenv("CONFIDANT_WRITE_INDEX") != "" {
		if err := os.RemoveAll(prebuiltDir); err != nil {
			t.Fatal(err)
		}
		if err := writePrebuilt(c, opts, prebuiltDir); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", prebuiltDir)
		return
	}
	_, groups, err := newMapping(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	shipped, ok := openPrebuiltPair(t, prebuiltKey(c, opts, groups))
	if !ok {
		t.Fatal("data/prebuilt was built from another corpus or format than the embedded corpus gives today: rewrite it with CONFIDANT_WRITE_INDEX=1 go test ./index -run ShippedIndexIsCurrent")
	}
	fresh, err := build(c, opts, false)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, p := range []struct {
		name          string
		shipped, made bleve.Index
		fields        []string
	}{
		{"entries", shipped.bleve, fresh.bleve, []string{FieldTitle, FieldQuestions, FieldTags, FieldBody}},
		{"phrasings", shipped.asks, fresh.asks, []string{FieldAsk}},
	} {
		for _, f := range p.fields {
			got, want := dictionary(t, p.shipped, f), dictionary(t, p.made, f)
			if len(want) == 0 {
				t.Fatalf("%s %s: no terms indexed", p.name, f)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: the shipped index holds %d terms, indexing gives %d (or their counts differ): rewrite it with CONFIDANT_WRITE_INDEX=1 go test ./index -run ShippedIndexIsCurrent", p.name, f, len(got), len(want))
			}
		}
		a, _ := p.shipped.DocCount()
		b, _ := p.made.DocCount()
		if a != b {
			t.Errorf("%s: %d documents shipped, %d indexed", p.name, a, b)
		}
	}
	ix, err := Build(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.prebuilt {
		t.Fatal("Build did not open the shipped indexes for the embedded corpus")
	}
	b, err := os.ReadFile("../testdata/eval-questions.tsv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n")[1:] {
		q, _, _ := strings.Cut(line, "\t")
		if q == "" {
			continue
		}
		n++
		got, err1 := ix.Search(context.Background(), q, 6)
		want, err2 := fresh.Search(context.Background(), q, 6)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !sameHits(got, want) {
			t.Errorf("%q: shipped index %v, indexed %v", q, got, want)
		}
	}
	if n < 100 {
		t.Fatalf("only %d questions compared", n)
	}
}

// sameHits: the same entries in the same order, with the same scores up
// to the last bits of a float. Bleve's batches number documents in the
// order their analysis finishes, so two builds of one corpus add a
// document's partial scores in different orders and differ there (search
// breaks exact ties by document id, so the order does not change).
func sameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }
	for i := range a {
		if a[i].ID != b[i].ID || !close(a[i].Score, b[i].Score) || !close(a[i].Raw, b[i].Raw) {
			return false
		}
	}
	return true
}

// openPrebuiltPair opens the shipped indexes as an Index holding only them.
func openPrebuiltPair(t *testing.T, key string) (*Index, bool) {
	t.Helper()
	bi, ai, ok := openPrebuilt(key)
	if !ok {
		return nil, false
	}
	ix := &Index{bleve: bi, asks: ai}
	t.Cleanup(func() { ix.Close() })
	return ix, true
}

// dictionary maps every term of a field to the number of documents
// holding it.
func dictionary(t *testing.T, bi bleve.Index, field string) map[string]uint64 {
	t.Helper()
	idx, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := idx.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d, err := r.FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := map[string]uint64{}
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		out[e.Term] += e.Count
	}
}

// TestPrebuiltRefusesOtherCorpus: a corpus that is not the embedded one
// (here, one changed phrasing) is indexed, never answered from the shipped
// indexes.
func TestPrebuiltRefusesOtherCorpus(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := *c.Entries[0]
	e.Questions = append([]string{"a phrasing the shipped index has never seen"}, e.Questions...)
	c2 := *c
	c2.Entries = append([]*knowledge.Entry{&e}, c.Entries[1:]...)
	ix, err := Build(&c2, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.prebuilt {
		t.Fatal("a changed corpus opened the shipped indexes")
	}
	hits, err := ix.Search(context.Background(), "a phrasing the shipped index has never seen", 1)
	if err != nil || len(hits) == 0 || hits[0].ID != e.ID {
		t.Fatalf("the changed phrasing is not searched: %v %v", hits, err)
	}
}
