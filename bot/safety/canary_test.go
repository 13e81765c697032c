package safety_test

import (
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestCanariesWithDefaultModel: the built-in crisis canaries get their
// crisis reply from the embedded corpus and the trained model, so a change
// to the model, its data or the thresholds that would make every reload
// refuse the corpus fails here first.
func TestCanariesWithDefaultModel(t *testing.T) {
	if err := safety.CheckCanaries(safety.New(knowledgetest.MustDefault(t).Triage)); err != nil {
		t.Error(err)
	}
}
