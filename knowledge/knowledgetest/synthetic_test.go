package knowledgetest_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func TestSyntheticLoads(t *testing.T) {
	const n = 1000
	fsys, err := knowledgetest.Synthetic(n, 1)
	if err != nil {
		t.Fatalf("Synthetic: %v", err)
	}
	c, r, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatalf("Load(Synthetic(%d)): %v\n%v", n, err, r)
	}
	if got, want := len(c.Entries), n; got != want {
		t.Fatalf("entries = %d, want %d", got, want)
	}
	base := knowledgetest.MustDefault(t)
	if id := fmt.Sprintf("%s-%05d", base.Entries[92%len(base.Entries)].ID, 92); !hasEntry(c, id) {
		t.Errorf("entry %s missing", id)
	}
	for _, e := range c.Entries {
		if len(e.Questions) < knowledge.MinQuestions {
			t.Errorf("%s: %d questions", e.ID, len(e.Questions))
		}
	}
}

// TestSyntheticDeterministic checks that a corpus depends only on its seed
// and that a smaller one is part of a larger one.
func TestSyntheticDeterministic(t *testing.T) {
	small, err := knowledgetest.Synthetic(200, 7)
	if err != nil {
		t.Fatal(err)
	}
	large, err := knowledgetest.Synthetic(300, 7)
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(small, "faq/*.md")
	if err != nil || len(names) != 200 {
		t.Fatalf("small corpus has %d entries (%v), want 200", len(names), err)
	}
	for _, name := range names {
		a, _ := fs.ReadFile(small, name)
		b, err := fs.ReadFile(large, name)
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s differs between corpora of 200 and 300 entries (%v)", name, err)
		}
	}
}

func hasEntry(c *knowledge.Corpus, id string) bool {
	_, ok := c.Entry(id)
	return ok
}
