package safety

import (
	"slices"
	"testing"
)

// TestConcepts: data/concepts.txt parses, words are folded like messages,
// two-word phrases count, and a concept is named once.
func TestConcepts(t *testing.T) {
	words := func(s string) []string {
		var out []string
		for _, tk := range fold(s) {
			out = append(out, tk.text)
		}
		return out
	}
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{"the ROPE in the garage", []string{"method"}},
		{"a corda e a ponte", []string{"method"}},
		{"last night he wouldnt stop", []string{"recent", "non-consent", "recent>non-consent"}},
		{"i missed 2 pills", nil},
		{"honestly i dont see the point in living anymore", []string{"hopeless", "death"}},
		{"how do i bake bread", nil},
	} {
		got := concepts(words(c.msg))
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: concepts %v, want %s among them", c.msg, got, w)
			}
		}
		if c.want == nil && len(got) > 0 {
			t.Errorf("%q: concepts %v, want none", c.msg, got)
		}
	}
	// A word of another language that is an everyday English word is no
	// risk concept: German "Last" (burden), "Kind" (child), "Handy"
	// (phone), "Brief" (letter) once were.
	for _, msg := range []string{"it happened last night", "she is kind to me", "lube is handy", "a brief question", "what kind of therapist", "how to live with herpes", "best way to clean a cast iron pan", "it burns when i pee", "bleeding after sex", "a letter to my landlord"} {
		for _, c := range concepts(words(msg)) {
			if riskConcepts[c] {
				t.Errorf("%q: concepts %v, want no risk concept", msg, concepts(words(msg)))
			}
		}
	}
	for key, cs := range conceptTable() {
		if len(slices.Compact(slices.Sorted(slices.Values(cs)))) != len(cs) {
			t.Errorf("%q names a concept twice: %v", key, cs)
		}
	}
}
