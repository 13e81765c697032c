package safety

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestFoldFastPaths: fold, with its shortcuts for plain ASCII text, folds
// every message of the training set, and of the test sets with changed
// copies, exactly as the plain definition does.
func TestFoldFastPaths(t *testing.T) {
	var msgs []string
	msgs = append(msgs, readColumn(t, "../../testdata/triage-cases.tsv", 0)...)
	msgs = append(msgs, readColumn(t, "../../testdata/safety/heldout.tsv", 2)...)
	rng := rand.New(rand.NewPCG(2, 2))
	for _, m := range msgs {
		for _, v := range variants(rng, m) {
			sameFold(t, v)
		}
	}
	for _, e := range TrainingSet() {
		sameFold(t, e.Text)
	}
}

func sameFold(t *testing.T, s string) {
	t.Helper()
	got, want := fold(s), foldReference(s)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fold(%q) = %v, want %v", s, got, want)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"k i l l", "s.u.i.c.i.d.e", "14yo", "sooo  done", "Ѕuісіdе", "café", "k1ll mys3lf", "1 4 yo", "@ss $", "don’t", "ＡＢＣ", "a\u200bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameFold(t, s) })
}

// foldReference is fold as first written, without its fast paths: the
// definition fold must keep to.
func foldReference(s string) []token {
	s, _ = knowledge.Clean(s)
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		if c, ok := confusables[r]; ok {
			return c
		}
		return r
	}, s)
	s = stripMarks(s)

	// Split into raw words: letters, digits and leet symbols; joiners
	// inside a word are dropped; anything else separates.
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
		case (r == '@' || r == '$' || r == '!' || r == '|') && len(cur) > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			cur = append(cur, r)
		case r == '@' || r == '$':
			if i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
				cur = append(cur, r)
			} else {
				flush()
			}
		case strings.ContainsRune(".'’`_*·", r) && len(cur) > 0 && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])):
			// joiner inside a word: drop it
		default:
			flush()
		}
	}
	flush()

	var toks []token
	for _, w := range words {
		toks = append(toks, splitAgeReference(w)...)
	}
	for i := range toks {
		toks[i].text = collapseRepeatsReference(decodeLeetReference(toks[i].text))
	}
	return joinSinglesReference(toks)
}

// splitAge splits "14yo" into "14" "yo", so ages survive leet decoding.
func splitAgeReference(w string) []token {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i > 0 && i < len(w) && w[0] != '0' && i <= 2 && ageSuffixes[w[i:]] {
		return []token{{text: w[:i]}, {text: w[i:]}}
	}
	if len(w) == 3 && strings.ContainsRune("fm", rune(w[0])) && w[1] == '1' && unicode.IsDigit(rune(w[2])) {
		return []token{{text: w[:1]}, {text: w[1:]}}
	}
	if len(w) == 2 && strings.ContainsRune("123456789", rune(w[0])) && strings.ContainsRune("oa", rune(w[1])) {
		return []token{{text: w[:1]}}
	}
	return []token{{text: w}}
}

func decodeLeetReference(w string) string {
	hasLetter := strings.IndexFunc(w, unicode.IsLetter) >= 0
	if !hasLetter {
		return w
	}
	return strings.Map(func(r rune) rune {
		if l, ok := leet[r]; ok {
			return l
		}
		return r
	}, w)
}

func collapseRepeatsReference(w string) string {
	var b strings.Builder
	var prev rune = -1
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// joinSingles joins runs of three or more one-letter words ("k i l l"), and
// runs of two or more one-digit words ("1 4").
func joinSinglesReference(toks []token) []token {
	var out []token
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && len([]rune(toks[j].text)) == 1 {
			j++
		}
		n := j - i
		allDigits := n > 0
		for k := i; k < j; k++ {
			if !unicode.IsDigit([]rune(toks[k].text)[0]) {
				allDigits = false
			}
		}
		if n >= 3 || (n >= 2 && allDigits) {
			var b strings.Builder
			for k := i; k < j; k++ {
				b.WriteString(toks[k].text)
			}
			out = append(out, token{text: collapseRepeatsReference(b.String()), joined: !allDigits})
			i = j
			continue
		}
		if n == 0 {
			out = append(out, toks[i])
			i++
			continue
		}
		out = append(out, toks[i:j]...)
		i = j
	}
	return out
}

// TestAgesAndDurations: "married 14 years" is a duration and "my 7 year old
// daughter" a parent's child, neither a minor with an adult; "im 14 and he
// is 25" still is (they got a crisis reply for minors before, from
// "{minor} & {adult-age}").
func TestAgesAndDurations(t *testing.T) {
	rules := knowledgetest.MustDefault(t).Triage
	tr := NewWithModel(rules, nil)
	for _, c := range []struct {
		msg    string
		crisis bool
	}{
		{"I'm 38, he's 41, married 14 years, and we fight about money", false},
		{"I'm 33, my partner is 35, together 8 years, no sex for two years", false},
		{"I'm 35, divorced with a 7 year old daughter, my new partner is HIV positive", false},
		{"im 14 and he is 25, he wants to meet", true},
		{"i am 15 years old and my boyfriend is 22", true},
	} {
		if got := tr.Classify(c.msg).Kind == knowledge.VerdictCrisis; got != c.crisis {
			t.Errorf("%q: patterns give crisis %v, want %v", c.msg, got, c.crisis)
		}
	}
}

// TestSafeNowIsPast: "I am safe now" and "it's been N years" mark a
// disclosure about the past (safety issue §3, past and present).
func TestSafeNowIsPast(t *testing.T) {
	tr := NewWithModel(knowledgetest.MustDefault(t).Triage, nil)
	for _, msg := range []string{
		"i was raped by my ex, im safe now, but sex is so hard",
		"he raped me at a party, it's been 5 years, how do i start dating",
	} {
		if v := tr.Classify(msg); v.Kind == knowledge.VerdictCrisis || !v.Past {
			t.Errorf("%q: got %s/%s past %v, want a disclosure about the past", msg, v.Kind, v.Category, v.Past)
		}
	}
}
