package index_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestTuneLearned chooses the weight of the learned model by 5-fold
// cross-validation over the corpus's own phrasings: each fold holds out a
// fifth of every entry's questions, builds the index and the model on the
// rest, and counts the held-out questions ranked first. No evaluation set
// is used. Run with CONFIDANT_TUNE_LEARNED=1 go test -run TuneLearned -v ./index.
func TestTuneLearned(t *testing.T) {
	if os.Getenv("CONFIDANT_TUNE_LEARNED") == "" {
		t.Skip("set CONFIDANT_TUNE_LEARNED=1 to cross-validate the learned model's weight")
	}
	full := knowledgetest.MustDefault(t)
	const k = 5
	for _, w := range []float64{0, 0.5, 1, 2, 3, 4} {
		right, n := 0, 0
		for fold := 0; fold < k; fold++ {
			sub, err := knowledgetest.Subset(full, func(_ string, i int) bool { return i%k != fold })
			if err != nil {
				t.Fatal(err)
			}
			o := index.DefaultOptions()
			o.Learned = w
			ix, err := index.Build(sub, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range full.Entries {
				for i, q := range e.Questions {
					if i%k != fold {
						continue
					}
					n++
					if hits, _ := ix.Search(context.Background(), q, 1); len(hits) > 0 && hits[0].ID == e.ID {
						right++
					}
				}
			}
			ix.Close()
		}
		fmt.Printf("learned weight %.1f: held-out phrasings ranked first %.3f (%d/%d)\n", w, float64(right)/float64(n), right, n)
	}
}
