package safety

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// exhaustive is t with an index that lets every part through: what the
// triage did before patterns were indexed by their anchors.
func exhaustive(t *Triage) *Triage {
	all := &anchorIndex{squash: t.anchors.squash}
	for id := range t.parts {
		all.always = append(all.always, partID(id))
	}
	e := *t
	e.anchors = all
	return &e
}

// variants are s and four changed copies: a word typed letter by letter,
// a typo, leetspeak in capitals, and a leading negation with two words
// run together.
func variants(rng *rand.Rand, s string) []string {
	out := []string{s}
	w := strings.Fields(s)
	if len(w) == 0 {
		return out
	}
	for k := range 4 {
		c := append([]string(nil), w...)
		i := rng.IntN(len(c))
		x := c[i]
		switch k {
		case 0:
			c[i] = strings.Join(strings.Split(x, ""), " ")
		case 1:
			if len(x) > 1 {
				j := rng.IntN(len(x))
				switch rng.IntN(3) {
				case 0:
					x = x[:j] + x[j+1:]
				case 1:
					x = x[:j] + "x" + x[j:]
				default:
					x = x[:j] + "q" + x[j+1:]
				}
			}
			c[i] = x
		case 2:
			c[i] = strings.ToUpper(strings.NewReplacer("i", "1", "e", "3", "a", "@", "s", "$", "o", "0").Replace(x))
		case 3:
			c = append([]string{"not"}, c...)
			if len(c) > 2 {
				c[1] += c[2]
				c = append(c[:2], c[3:]...)
			}
		}
		out = append(out, strings.Join(c, " "))
	}
	return out
}

func readColumn(tb testing.TB, path string, col int) []string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(string(b), "\n") {
		cols := strings.Split(line, "\t")
		if i > 0 && len(cols) > col && cols[col] != "" {
			out = append(out, cols[col])
		}
	}
	return out
}

// sameDecisions checks that tr and its exhaustive twin decide msg alike:
// the verdict of the patterns, the past markers, and each category's
// denial.
func sameDecisions(t *testing.T, tr, all *Triage, msg string) {
	t.Helper()
	toks := fold(msg)
	if got, want := tr.patterns(toks), all.patterns(toks); got != want {
		t.Errorf("%q: indexed patterns give %+v, every pattern gives %+v", msg, got, want)
	}
	if got, want := tr.isPast(toks), all.isPast(toks); got != want {
		t.Errorf("%q: indexed isPast %v, every marker %v", msg, got, want)
	}
	for _, cat := range knowledge.CrisisCategories {
		if got, want := tr.denies(toks, cat), all.denies(toks, cat); got != want {
			t.Errorf("%q: indexed denies(%s) %v, every pattern %v", msg, cat, got, want)
		}
	}
}

// TestAnchorsLoseNothing: the anchor index only leaves out parts that
// cannot match. On the test sets, and on changed copies of their messages
// (letters typed apart, typos, leetspeak, negations), the triage decides
// exactly as when every part is tried.
func TestAnchorsLoseNothing(t *testing.T) {
	rules := knowledgetest.MustDefault(t).Triage
	tr := NewWithModel(rules, nil)
	all := exhaustive(tr)
	// The adversarial cases and canaries with changed copies, the other
	// sets as they are (trying every part is slow).
	tricky := readColumn(t, "../../testdata/triage-cases.tsv", 0)
	for _, e := range ParseExamples(string(mustRead(t, "data/canaries.tsv"))) {
		tricky = append(tricky, e.Text)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var msgs []string
	for _, m := range tricky {
		msgs = append(msgs, variants(rng, m)...)
	}
	msgs = append(msgs, readColumn(t, "../../testdata/eval-questions.tsv", 0)...)
	msgs = append(msgs, readColumn(t, "../../testdata/safety/heldout.tsv", 2)...)
	n := 0
	for _, m := range msgs {
		sameDecisions(t, tr, all, m)
		n++
	}
	t.Logf("%d messages decided alike", n)
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzAnchors looks for a message the index would wrongly leave out.
func FuzzAnchors(f *testing.F) {
	rules := knowledgetest.MustDefault(f).Triage
	tr := NewWithModel(rules, nil)
	all := exhaustive(tr)
	for _, s := range []string{"i want to k i l l myself", "not suicidal", "sucidial", "im 14 and he is 30",
		"my stepdad touches me", "how many mg of viagra", "r4ped last night", "self-harming again"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		sameDecisions(t, tr, all, msg)
	})
}

// TestAnchorsOfEveryPart: every part of the embedded rules gets an anchor
// (none is tried on every message), so the triage's cost does not grow
// with the rules.
func TestAnchorsOfEveryPart(t *testing.T) {
	tr := NewWithModel(knowledgetest.MustDefault(t).Triage, nil)
	for _, id := range tr.anchors.always {
		ref := tr.parts[id]
		t.Errorf("%q has a part without an anchor: tried on every message", tr.lists[ref.list].patterns[ref.pattern].text)
	}
}
