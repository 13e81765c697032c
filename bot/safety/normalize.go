package safety

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/confidant-bot/confidant/knowledge"
	"golang.org/x/text/unicode/norm"
)

// token is one word of folded text. joined marks a word rebuilt from
// single letters typed apart ("k i l l"), which patterns may match inside.
type token struct {
	text   string
	joined bool
}

// confusables maps look-alike letters from other scripts to the Latin
// letter they imitate (after lowercasing).
var confusables = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
	'ӏ': 'l', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ү': 'y', 'ɡ': 'g',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'ς': 's', 'σ': 's', 'μ': 'u',
	// Latin oddities
	'ı': 'i', 'ł': 'l', 'ø': 'o', 'đ': 'd', 'ß': 's',
}

// leet maps digits and symbols used as letters inside words.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// ageSuffixes may follow an age written as one word: 14yo, 16f, 16s.
var ageSuffixes = map[string]bool{"yo": true, "y": true, "yr": true, "yrs": true, "f": true, "m": true, "s": true, "years": true}

// fold lowercases, maps look-alikes, strips accents and cleans s, then
// splits it into words the way both the triage patterns and messages are
// matched: leetspeak decoded inside words, apostrophes and dots inside words
// dropped ("s.u.i.c.i.d.e", "don't"), runs of letters typed one by one
// joined, and repeated letters collapsed ("sooo" → "so", "kill" → "kil").
func fold(s string) []token {
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
		toks = append(toks, splitAge(w)...)
	}
	for i := range toks {
		toks[i].text = collapseRepeats(decodeLeet(toks[i].text))
	}
	return joinSingles(toks)
}

// splitAge splits "14yo" into "14" "yo", so ages survive leet decoding.
func splitAge(w string) []token {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i > 0 && i < len(w) && w[0] != '0' && i <= 2 && ageSuffixes[w[i:]] {
		return []token{{text: w[:i]}, {text: w[i:]}}
	}
	return []token{{text: w}}
}

func decodeLeet(w string) string {
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

func collapseRepeats(w string) string {
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
func joinSingles(toks []token) []token {
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
			out = append(out, token{text: collapseRepeats(b.String()), joined: !allDigits})
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

func stripMarks(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// number returns the value of an all-digit token.
func number(t string) (int, bool) {
	if t == "" || len(t) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(t)
	return n, err == nil
}
