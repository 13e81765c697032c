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

func conceptTable() map[string][]string { return conceptData().table }

// conceptIndex is the table of concepts and, to stop early, every word
// sequence that begins a longer phrase of the table.
type conceptIndex struct {
	table  map[string][]string
	begins map[string]bool
}

var conceptData = sync.OnceValue(loadConcepts)

func loadConcepts() conceptIndex {
	out := map[string][]string{}
	begins := map[string]bool{}
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
			for n := 1; n < len(words); n++ {
				begins[strings.Join(words[:n], " ")] = true
			}
		}
	}
	return conceptIndex{table: out, begins: begins}
}

// concepts names, once each, the concepts that the folded words mention,
// and each pair of concepts mentioned one after the other ("recent" then
// "non-consent").
func concepts(words []string) []string {
	x := conceptData()
	var found []string
	var last string
	note := func(cs []string) {
		for _, c := range cs {
			if last != "" && last != c {
				if pair := last + ">" + c; !slices.Contains(found, pair) {
					found = append(found, pair)
				}
			}
			if !slices.Contains(found, c) {
				found = append(found, c)
			}
			last = c
		}
	}
	var key []byte
	for i := range words {
		key = append(key[:0], words[i]...)
		for n := 1; ; n++ {
			note(x.table[string(key)]) // string(key) in a map index does not allocate
			if n == maxPhrase || i+n == len(words) || !x.begins[string(key)] {
				break
			}
			key = append(append(key, ' '), words[i+n]...)
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
func mentionsRisk(toks []token) bool { return namesRisk(concepts(wordsOf(toks))) }

// namesRisk reports whether a risk concept is among found.
func namesRisk(found []string) bool {
	return slices.ContainsFunc(found, func(c string) bool { return riskConcepts[c] })
}
