package safety_test

import (
	"maps"
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
)

// TestShippedModelIsCurrent: the shipped weights are those a training on
// the embedded data gives today, to the last bit of every probability on
// the training messages; otherwise every start would train for seconds (or,
// had the vectorizer changed, use stale weights). Fix with
// `go run ./bot/safety/gen_model.go`.
func TestShippedModelIsCurrent(t *testing.T) {
	shipped, ok := safety.ShippedModel()
	if !ok {
		t.Fatal("data/model.bin was not trained on the embedded training set (or is damaged): run go run ./bot/safety/gen_model.go")
	}
	set := safety.TrainingSet()
	trained := safety.Train(set)
	for i := 0; i < len(set); i += 7 {
		if a, b := shipped.Predict(set[i].Text), trained.Predict(set[i].Text); a != b {
			t.Fatalf("%q: shipped model %v, trained today %v: run go run ./bot/safety/gen_model.go", set[i].Text, a, b)
		}
	}
}

// TestShippedWordCountsAreCurrent: data/words.tsv.gz holds the word counts
// of the embedded training set, which choose the patterns' anchors; a start
// reads them instead of counting. Fix with `go run ./bot/safety/gen_model.go`.
func TestShippedWordCountsAreCurrent(t *testing.T) {
	got, want := safety.ShippedWordCounts(), safety.WordCounts()
	if got == nil {
		t.Fatal("data/words.tsv.gz was not counted on the embedded training set: run go run ./bot/safety/gen_model.go")
	}
	if !maps.Equal(got, want) {
		t.Fatalf("data/words.tsv.gz holds %d words, counting gives %d: run go run ./bot/safety/gen_model.go", len(got), len(want))
	}
}
