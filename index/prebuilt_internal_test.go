package index

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestShippedIndexIsCurrent: data/prebuilt holds the entries index that
// indexing the embedded corpus gives today, so a start that opens it
// answers as one that indexes: the same documents, and the same terms in
// the same documents, each as often. With CONFIDANT_WRITE_INDEX=1 it
// rewrites it instead (after any change to the corpus, the analyzer or the
// mapping).
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
		if err := writePrebuilt(c, prebuiltDir); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", prebuiltDir)
		return
	}
	shipped, ok := openShipped(t, prebuiltKey(c))
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
		{"entries", shipped.bleve, fresh.bleve, []string{FieldText}},
	} {
		for _, f := range p.fields {
			got, want := postings(t, p.shipped, f), postings(t, p.made, f)
			if len(want) == 0 {
				t.Fatalf("%s %s: no terms indexed", p.name, f)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: the shipped index holds %d terms, indexing gives %d (or their documents or counts differ): rewrite it with CONFIDANT_WRITE_INDEX=1 go test ./index -run ShippedIndexIsCurrent", p.name, f, len(got), len(want))
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
		t.Fatal("Build did not open the shipped index for the embedded corpus")
	}
	// Every entry's title finds that entry first.
	for _, e := range c.Entries {
		hits, err := ix.Search(context.Background(), e.Title, 1)
		if err != nil || len(hits) == 0 || hits[0].ID != e.ID {
			t.Errorf("%q: the shipped index gives %v (%v)", e.Title, hits, err)
		}
	}
}

// openShipped opens the shipped index as an Index holding only it.
func openShipped(t *testing.T, key string) (*Index, bool) {
	t.Helper()
	bi, ok := openPrebuilt(key)
	if !ok {
		return nil, false
	}
	ix := &Index{bleve: bi}
	t.Cleanup(func() { ix.Close() })
	return ix, true
}

// readerOf is a reader of bi, closed when the test ends.
func readerOf(tb testing.TB, bi bleve.Index) index.IndexReader {
	tb.Helper()
	idx, err := bi.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := idx.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// postings maps every term of a field to the documents holding it, by
// id, and how often each holds it: what the index holds, whatever order
// its documents were numbered in (a build numbers them in the order their
// analysis finishes).
func postings(t *testing.T, bi bleve.Index, field string) map[string]map[string]uint64 {
	t.Helper()
	r := readerOf(t, bi)
	d, err := r.FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	out := map[string]map[string]uint64{}
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), field, true, false, false)
		if err != nil {
			t.Fatal(err)
		}
		docs := map[string]uint64{}
		for {
			p, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				break
			}
			id, err := r.ExternalID(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			docs[id] = p.Freq
		}
		tfr.Close()
		out[e.Term] = docs
	}
}

// TestPrebuiltRefusesOtherCorpus: a corpus that is not the embedded one
// (here, one changed phrasing) is indexed, never answered from the shipped
// index.
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
		t.Fatal("a changed corpus opened the shipped index")
	}
	hits, err := ix.Search(context.Background(), "a phrasing the shipped index has never seen", 1)
	if err != nil || len(hits) == 0 || hits[0].ID != e.ID {
		t.Fatalf("the changed phrasing is not searched: %v %v", hits, err)
	}
}
