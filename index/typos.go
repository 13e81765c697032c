package index

// Typo tolerance: words the corpus lacks are corrected against its own
// vocabulary (one edit, same first letter) and matched exactly.

import "github.com/confidant-bot/confidant/knowledge"

// maxCorrections bounds the known words one typo may stand for.
const maxCorrections = 4

// typoCandidates are corrections of the question's terms that the corpus
// does not contain: known terms one edit away, with the same first letter.
// They are matched exactly, at a lower weight; this is much cheaper than
// bleve's fuzzy queries, which build an automaton per word and field.
func (ix *Index) typoCandidates(terms []string) []string {
	if ix.opts.Fuzzy <= 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	typos := 0
	for _, t := range terms {
		if seen[t] || len(t) < minTypoLen || len(t) > maxTypoLen {
			continue
		}
		seen[t] = true
		if _, ok := ix.known[t]; ok {
			continue
		}
		if typos++; typos > maxTypoTerms {
			break
		}
		found := 0
		for l := len(t) - 1; l <= len(t)+1 && found < maxCorrections; l++ {
			for _, k := range ix.byLen[l] {
				if k[0] == t[0] && !seen[k] && knowledge.OneEditApart(t, k) {
					seen[k] = true
					out = append(out, k)
					if found++; found == maxCorrections {
						break
					}
				}
			}
		}
	}
	return out
}
