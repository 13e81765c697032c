package safety

import "testing"

// TestSaidNo: a "no" someone said is told apart from a "no" that denies
// what follows, in each language the triage reads.
func TestSaidNo(t *testing.T) {
	cases := []struct {
		msg  string
		no   string // the refusal word, as folded
		said bool
	}{
		{"i said no he choked me", "no", true},
		{"told him no and he kept going", "no", true},
		{"when i say no she hits me", "no", true},
		{"le dije que no y siguió", "no", true},
		{"dije no y me empujó", "no", true},
		{"eu disse que não e ele continuou", "nao", true},
		{"falei não e ele me bateu", "nao", true},
		{"j'ai dit non et il a continué", "non", true},
		{"je lui disais non mais il continuait", "non", true},
		{"ich sagte nein und er machte weiter", "nein", true},
		{"ich habe nein gesagt, er hat weitergemacht", "nein", true},
		{"ich habe laut nein geschrien", "nein", true},
		{"no he never hurt me", "no", false},
		{"no i am not going to hurt myself", "no", false},
		{"não, ele nunca me bateu", "nao", false},
		{"non, je ne veux pas mourir", "non", false},
		{"nein, ich will mir nichts antun", "nein", false},
		{"no one hurt me", "no", false},
	}
	for _, c := range cases {
		toks := fold(c.msg)
		k := -1
		for i, tk := range toks {
			if tk.text == c.no {
				k = i
				break
			}
		}
		if k < 0 {
			t.Fatalf("%q: no %q among %v", c.msg, c.no, toks)
		}
		if got := saidNo(toks, k); got != c.said {
			t.Errorf("saidNo(%q) = %v, want %v", c.msg, got, c.said)
		}
	}
}
