package safety_test

import (
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
		t.Fatal("data/model.bin.gz was not trained on the embedded training set (or is damaged): run go run ./bot/safety/gen_model.go")
	}
	set := safety.TrainingSet()
	trained := safety.Train(set)
	for i := 0; i < len(set); i += 7 {
		if a, b := shipped.Predict(set[i].Text), trained.Predict(set[i].Text); a != b {
			t.Fatalf("%q: shipped model %v, trained today %v: run go run ./bot/safety/gen_model.go", set[i].Text, a, b)
		}
	}
}
