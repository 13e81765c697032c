package safety

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
	if !isASCII(s) {
		// Look-alikes and accents exist only outside ASCII.
		s = strings.Map(func(r rune) rune {
			if c, ok := confusables[r]; ok {
				return c
			}
			return r
		}, s)
		s = stripMarks(s)
	}

	// Split into raw words: letters, digits and leet symbols; joiners
	// inside a word are dropped; anything else separates. A word is a piece
	// of s (no copy) until a joiner is dropped from it.
	words := make([]string, 0, len(s)/4+1)
	start, end := -1, 0 // the word so far is s[start:end], unless dropped
	var cur []byte      // the word so far, once a joiner is dropped
	dropped := false
	flush := func() {
		switch {
		case start < 0:
		case dropped:
			words = append(words, string(cur))
		default:
			words = append(words, s[start:end])
		}
		start, dropped = -1, false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := rune(-1)
		if i+size < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+size:])
		}
		keep := false
		switch {
		case isLetter(r) || isDigit(r):
			keep = true
		case (r == '@' || r == '$' || r == '!' || r == '|') && start >= 0 && isLetter(next):
			keep = true
		case r == '@' || r == '$':
			if isLetter(next) {
				keep = true
			} else {
				flush()
			}
		case isJoiner(r) && start >= 0 && (isLetter(next) || isDigit(next)):
			// joiner inside a word: drop it
			if !dropped {
				cur = append(cur[:0], s[start:end]...)
				dropped = true
			}
		default:
			flush()
		}
		if keep {
			if start < 0 {
				start = i
			}
			if dropped {
				cur = append(cur, s[i:i+size]...)
			}
			end = i + size
		}
		i += size
	}
	flush()

	toks := make([]token, 0, len(words)+2)
	for _, w := range words {
		toks = appendAge(toks, w)
	}
	for i := range toks {
		toks[i].text = collapseRepeats(decodeLeet(toks[i].text))
	}
	return joinSingles(toks)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isLetter and isDigit are unicode.IsLetter and unicode.IsDigit, quicker
// for ASCII.
func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// isJoiner reports a character dropped inside a word: "s.u.i.c.i.d.e",
// "don't".
func isJoiner(r rune) bool {
	switch r {
	case '.', '\'', '’', '`', '_', '*', '·':
		return true
	}
	return false
}

// appendAge appends w, split in two when it is an age with its unit
// ("14yo" becomes "14" "yo"), so ages survive leet decoding.
func appendAge(toks []token, w string) []token {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i > 0 && i < len(w) && w[0] != '0' && i <= 2 && ageSuffixes[w[i:]] {
		return append(toks, token{text: w[:i]}, token{text: w[i:]})
	}
	// "f17", "m15": a sex and an age, which leet decoding would make "fit".
	if len(w) == 3 && (w[0] == 'f' || w[0] == 'm') && w[1] == '1' && w[2] >= '0' && w[2] <= '9' {
		return append(toks, token{text: w[:1]}, token{text: w[1:]})
	}
	// "4º", "9ª" (ordinals, folded to "4o", "9a"): the number, which leet
	// decoding would make a letter.
	if len(w) == 2 && w[0] >= '1' && w[0] <= '9' && (w[1] == 'o' || w[1] == 'a') {
		return append(toks, token{text: w[:1]})
	}
	return append(toks, token{text: w})
}

// leetTable is leet as a table over ASCII (0: not a leet character).
var leetTable = func() (t [utf8.RuneSelf]rune) {
	for k, v := range leet {
		t[k] = v
	}
	return t
}()

func decodeLeet(w string) string {
	hasLeet := false
	for i := 0; i < len(w); i++ {
		if w[i] < utf8.RuneSelf && leetTable[w[i]] != 0 {
			hasLeet = true
			break
		}
	}
	if !hasLeet {
		return w
	}
	hasLetter := strings.IndexFunc(w, unicode.IsLetter) >= 0
	if !hasLetter {
		return w
	}
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && leetTable[r] != 0 {
			return leetTable[r]
		}
		return r
	}, w)
}

func collapseRepeats(w string) string {
	if !hasRepeat(w) {
		return w
	}
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

// hasRepeat reports the same letter twice in a row.
func hasRepeat(w string) bool {
	var prev rune = -1
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			return true
		}
		prev = r
	}
	return false
}

// joinSingles joins runs of three or more one-letter words ("k i l l"), and
// runs of two or more one-digit words ("1 4").
func joinSingles(toks []token) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && utf8.RuneCountInString(toks[j].text) == 1 {
			j++
		}
		n := j - i
		if n == 0 {
			out = append(out, toks[i])
			i++
			continue
		}
		allDigits := true
		for k := i; k < j; k++ {
			r, _ := utf8.DecodeRuneInString(toks[k].text)
			if !unicode.IsDigit(r) {
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
	n := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false // not strconv.Atoi: its error costs an allocation for every word
		}
		n = n*10 + int(t[i]-'0')
	}
	return n, true
}
