package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// OneEditApart reports whether a and b differ by at most one insertion,
// deletion or substitution of a byte, or one swap of two neighbouring bytes
// ("teh" for "the"). Search and triage use it to forgive one typo in a long
// word.
func OneEditApart(a, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	if la < lb {
		a, b, la, lb = b, a, lb, la
	}
	i := 0
	for i < lb && a[i] == b[i] {
		i++
	}
	if i == lb {
		return true
	}
	if la == lb {
		return a[i+1:] == b[i+1:] || i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i+1:] == b[i:]
}

// Input bounds. A question longer than MaxQuestionRunes gets a polite "please
// shorten it"; bytes beyond MaxInputBytes are never even looked at.
const (
	MaxQuestionRunes = 1000
	MaxInputBytes    = 16 << 10
)

// Clean makes user text safe to match and to echo: it repairs invalid UTF-8,
// applies NFKC (full-width and compatibility forms become plain letters),
// removes control, format (zero-width, bidirectional overrides) and private
// use characters, and collapses white space. It also reports whether the
// input was longer than MaxQuestionRunes.
func Clean(s string) (clean string, tooLong bool) {
	if len(s) > MaxInputBytes {
		s = s[:MaxInputBytes]
		tooLong = true
	}
	if plainASCII(s) {
		// Nothing to remove, replace or normalise (most messages).
		return s, tooLong || len(s) > MaxQuestionRunes
	}
	s = strings.ToValidUTF8(s, " ")
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case r > ' ' && r < 0x7f:
			// printable ASCII, most of every message: kept as it is
		case r < utf8.RuneSelf && (r == ' ' || r >= '\t' && r <= '\r'):
			r = ' '
		case r < utf8.RuneSelf:
			continue // an ASCII control character
		case r == utf8.RuneError:
			r = ' '
		case unicode.IsSpace(r):
			r = ' '
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
			continue // control, format (zero-width, bidi), private use
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	clean = strings.TrimSpace(b.String())
	if utf8.RuneCountInString(clean) > MaxQuestionRunes {
		tooLong = true
	}
	return clean, tooLong
}

// plainASCII reports printable ASCII with single spaces between words and
// none around them: text that Clean returns as it is.
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}
