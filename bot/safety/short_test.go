package safety_test

import (
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestShortOrdinaryNotCrisis: short everyday messages
// (testdata/safety/short-ordinary.txt: "i think im gay", "i dont know",
// "i miss him") are made of words common in crisis messages too; before
// the ShortWords rule and the short-message writer, 26 of 63 got a crisis
// reply. A development check the team wrote, not a held-out figure.
func TestShortOrdinaryNotCrisis(t *testing.T) {
	tr := safety.New(knowledgetest.MustDefault(t).Triage)
	var crisis []string
	short := shortOrdinary(t)
	for _, m := range short {
		if v := tr.Classify(m); v.Kind == knowledge.VerdictCrisis {
			crisis = append(crisis, m+" ("+v.Pattern+")")
		}
	}
	t.Logf("%d of %d short ordinary messages got a crisis reply: %q", len(crisis), len(short), crisis)
	if len(crisis) > 3 {
		t.Errorf("%d short ordinary messages got a crisis reply, at most 3 allowed: %q", len(crisis), crisis)
	}
}
