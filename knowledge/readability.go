package knowledge

// Readability: how hard an answer is to read, so lint can point at
// summaries and answers written above the level most people read at.

import (
	"regexp"
	"strings"
	"unicode"
)

// MaxGrade is the reading grade above which lint warns about a summary or
// an answer.
const MaxGrade = 8

// markdownLinkRE matches [text](url); the text is read, the url is not.
var markdownLinkRE = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// notSentenceEnds are words whose final period does not end a sentence.
var notSentenceEnds = map[string]bool{"e.g.": true, "i.e.": true, "dr.": true, "mr.": true, "mrs.": true, "ms.": true, "vs.": true}

// Grade is the Flesch-Kincaid grade level of Markdown text:
//
//	0.39 × words/sentences + 11.8 × syllables/words − 15.59
//
// (Kincaid et al., 1975), roughly the US school year that can read it.
// Links count by their text, bare web addresses are skipped. A word is a
// space-separated token with at least one letter; a sentence ends at ".",
// "!" or "?" before a space, and at the end of a paragraph, list item or
// heading, so an item without a full stop is a sentence of its own (lines
// of a hard-wrapped paragraph are joined). Syllables are counted by
// Syllables. Text without words has grade 0.
func Grade(markdown string) float64 {
	text := markdownLinkRE.ReplaceAllString(markdown, "$1")
	var words, sentences, syllables int
	open := false // a sentence has words not yet ended
	for _, line := range strings.Split(text, "\n") {
		if open && startsBlock(line) {
			sentences++
			open = false
		}
		for _, tok := range strings.Fields(line) {
			if strings.Contains(tok, "://") || strings.HasPrefix(tok, "www.") {
				continue
			}
			if strings.IndexFunc(tok, unicode.IsLetter) >= 0 {
				words++
				syllables += Syllables(tok)
				open = true
			}
			if open && endsSentence(tok) {
				sentences++
				open = false
			}
		}
	}
	if open {
		sentences++
	}
	if words == 0 {
		return 0
	}
	return 0.39*float64(words)/float64(sentences) + 11.8*float64(syllables)/float64(words) - 15.59
}

// listItemRE matches the start of a Markdown list item.
var listItemRE = regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s`)

// startsBlock reports whether a line ends the paragraph before it: a blank
// line, a list item, a heading or a quote.
func startsBlock(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ">") || listItemRE.MatchString(line)
}

// endsSentence reports whether a token closes its sentence: it ends in
// ".", "!" or "?", possibly followed by quotes, brackets or emphasis marks.
func endsSentence(tok string) bool {
	t := strings.TrimRight(tok, `"'”’)]*_`)
	if t == "" || notSentenceEnds[strings.ToLower(t)] {
		return false
	}
	switch t[len(t)-1] {
	case '.', '!', '?':
		return true
	}
	return false
}

// Syllables estimates the syllables of an English word: the number of
// groups of vowels (a, e, i, o, u, y), less one for a silent final "e"
// ("care", "time", but not "be", "see" or "little"); at least one, and 0
// for a token without letters. Only letters count, so "don't" and
// "self-care" work.
func Syllables(word string) int {
	var letters []rune
	for _, r := range strings.ToLower(word) {
		if unicode.IsLetter(r) {
			letters = append(letters, r)
		}
	}
	if len(letters) == 0 {
		return 0
	}
	n := 0
	prevVowel := false
	for _, r := range letters {
		v := isVowel(r)
		if v && !prevVowel {
			n++
		}
		prevVowel = v
	}
	if k := len(letters); k > 2 && letters[k-1] == 'e' && !isVowel(letters[k-2]) &&
		!(letters[k-2] == 'l' && !isVowel(letters[k-3])) {
		n--
	}
	if n < 1 {
		n = 1
	}
	return n
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'à', 'á', 'â', 'ä', 'è', 'é', 'ê', 'ë', 'ì', 'í', 'î', 'ï', 'ò', 'ó', 'ô', 'ö', 'ù', 'ú', 'û', 'ü':
		return true
	}
	return false
}
