package index

// How much of a question an entry covers: the confidence rule's evidence.

import "github.com/confidant-bot/confidant/knowledge"

// Coverage is the share of the question's terms (after analysis) that occur
// in the entry, allowing one typo in words of five letters or more. It is 0
// for a question with no terms.
func (ix *Index) Coverage(text, id string) float64 {
	share, _ := ix.Overlap(text, id)
	return share
}

// Overlap returns Coverage and the number of distinct question terms found.
func (ix *Index) Overlap(text, id string) (float64, int) {
	set := ix.terms[id]
	qt := ix.Analyze(text)
	if len(qt) == 0 || set == nil {
		return 0, 0
	}
	seen := map[string]bool{}
	total, found := 0, 0
	for _, t := range qt {
		t = ix.canonical(t)
		if seen[t] || genericTerms[t] {
			continue
		}
		seen[t] = true
		total++
		if ix.hasTerm(set, t) {
			found++
			continue
		}
		if len(t) >= 5 {
			for _, id := range set {
				if knowledge.OneEditApart(t, ix.words[id]) {
					found++
					break
				}
			}
		}
	}
	if total == 0 {
		return 0, 0
	}
	return float64(found) / float64(total), found
}

// genericTerms are analysed words that say nothing about a topic; Coverage
// ignores them so "what is it going to be like" does not look on topic.
var genericTerms = map[string]bool{
	"like": true, "go": true, "get": true, "got": true, "know": true, "want": true, "realli": true,
	"just": true, "thing": true, "make": true, "think": true, "someth": true, "anyth": true,
	"lol": true, "ok": true, "okai": true, "yeah": true, "tomorrow": true, "todai": true,
	"also": true, "even": true, "still": true, "wai": true, "much": true, "mani": true, "lot": true,
	"ever": true, "actual": true, "kind": true, "sort": true, "stuff": true, "pleas": true,
	"help": true, "good": true, "best": true, "need": true, "tell": true, "can": true, "u": true,
	"im": true, "ive": true, "dont": true, "cant": true, "would": true, "could": true, "should": true,
}
