package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/confidant-bot/confidant/knowledge"
)

// usableSynonyms keeps, from each synonym group, the words that the English
// analyzer turns into exactly one term, and drops groups left with fewer
// than two distinct terms. Bleve silently drops multi-token synonyms and
// fails every query when a definition collapses, so nothing else may reach it.
func usableSynonyms(v knowledge.Vocabulary) [][]string {
	groups, _ := checkSynonyms(v)
	return groups
}

// CheckVocabulary reports the vocabulary's synonym words that search
// cannot use, as lint warnings: they are ignored, never fatal.
func CheckVocabulary(v knowledge.Vocabulary) []knowledge.Problem {
	_, probs := checkSynonyms(v)
	return probs
}

func checkSynonyms(v knowledge.Vocabulary) ([][]string, []knowledge.Problem) {
	an := mapping.NewIndexMapping().AnalyzerNamed(en.AnalyzerName)
	var groups [][]string
	var probs []knowledge.Problem
	warn := func(line int, format string, args ...any) {
		probs = append(probs, knowledge.Problem{File: knowledge.VocabularyFile, Line: line, Severity: knowledge.Warning, Message: fmt.Sprintf(format, args...)})
	}
	for _, g := range v.Synonyms {
		var keep []string
		seen := map[string]bool{}
		for _, w := range g.Terms {
			toks := an.Analyze([]byte(w))
			if len(toks) != 1 {
				warn(g.Line, "synonym %q is not one searchable word (it is a stop word or splits in two), so it is ignored; put it under phrases", w)
				continue
			}
			t := string(toks[0].Term)
			if seen[t] {
				continue
			}
			seen[t] = true
			keep = append(keep, w)
		}
		if len(keep) < 2 {
			warn(g.Line, "synonym group %v has fewer than two usable distinct words, so it is ignored", g.Terms)
			continue
		}
		groups = append(groups, keep)
	}
	return groups, probs
}
