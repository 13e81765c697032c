package safety_test

import (
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestCorpusPhrasingsNotDeclined: a question the corpus itself answers
// gets that answer, not "That's not something I can help with". It found,
// in session 17, 29 of the corpus's 7,405 phrasings declined: a sextortion
// victim's "someone have my private photo and ask money" (a "[photo]"
// pattern meant for attachments matched the word "photo"), "how late can i
// take the morning after pill"-like questions, "pill or patch, which is
// better", "the combined pill" (one-edit typos made "combine {medicine}"
// match it), "is it illegal to send nudes if im under 18".
//
// The bot-scope entry answers what the bot declines, so its phrasings may
// be declined; so may the ones a decline pattern is the rule itself for
// (stopping or skipping a prescribed medicine, naming a symptom's cause),
// whose decline reply offers the entry.
func TestCorpusPhrasingsNotDeclined(t *testing.T) {
	c := knowledgetest.MustDefault(t)
	tr := safety.New(c.Triage)
	rule := map[string]bool{
		"should i stop my": true, "should i stop taking": true, "skip a dose": true,
		"could it be {infection}": true, "{symptom} & what could it be": true,
	}
	n := 0
	for _, e := range c.Entries {
		if c.CrisisCategoryOf(e.ID) != "" || e.ID == "bot-scope" {
			continue
		}
		for _, q := range append([]string{e.Title}, e.Questions...) {
			n++
			v := tr.Classify(q)
			if v.Kind == knowledge.VerdictDecline && !rule[v.Pattern] {
				t.Errorf("%s: %q declined (%s, pattern %q)", e.ID, q, v.Category, v.Pattern)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d phrasings", n)
	}
}
