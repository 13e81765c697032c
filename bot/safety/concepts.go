package safety

// Concepts: words of different writers and languages that mean the same
// thing to the model (data/concepts.txt).

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

//go:embed data/concepts.txt
var conceptsTxt string

// conceptTable maps a folded word, or up to maxPhrase folded words joined
// by spaces, to the concepts it names.
const maxPhrase = 5

var conceptTable = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for line := range strings.Lines(conceptsTxt) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, list, ok := strings.Cut(line, ":")
		if !ok {
			panic("data/concepts.txt: no colon in " + line) // embedded: a test reads it
		}
		for _, phrase := range strings.Split(list, ",") {
			var words []string
			for _, tk := range fold(phrase) {
				words = append(words, tk.text)
			}
			if len(words) == 0 || len(words) > maxPhrase {
				panic("data/concepts.txt: " + phrase + ": one to five words") // embedded: a test reads it
			}
			key := strings.Join(words, " ")
			if !slices.Contains(out[key], name) {
				out[key] = append(out[key], name)
			}
		}
	}
	return out
})

// concepts names, once each, the concepts that the folded words mention,
// and each pair of concepts mentioned one after the other ("recent" then
// "non-consent").
func concepts(words []string) []string {
	table := conceptTable()
	var found []string
	seen := map[string]bool{}
	var last string
	note := func(cs []string) {
		for _, c := range cs {
			if last != "" && last != c && !seen[last+">"+c] {
				seen[last+">"+c] = true
				found = append(found, last+">"+c)
			}
			if !seen[c] {
				seen[c] = true
				found = append(found, c)
			}
			last = c
		}
	}
	for i := range words {
		for n := 1; n <= maxPhrase && i+n <= len(words); n++ {
			note(table[strings.Join(words[i:i+n], " ")])
		}
	}
	return found
}

// riskConcepts are the concepts that make a crisis plausible; the others
// (when, jokes, topics) only shade it.
var riskConcepts = map[string]bool{
	"death": true, "method": true, "self-injury": true, "burden": true, "goodbye": true, "hopeless": true,
	"non-consent": true, "violence": true, "control": true, "adult-role": true, "grooming": true, "child": true,
}

// mentionsRisk reports whether the folded message names a risk concept.
func mentionsRisk(toks []token) bool {
	words := make([]string, len(toks))
	for i, tk := range toks {
		words[i] = tk.text
	}
	for _, c := range concepts(words) {
		if riskConcepts[c] {
			return true
		}
	}
	return false
}
