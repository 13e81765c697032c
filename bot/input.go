package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

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
	s = strings.ToValidUTF8(s, " ")
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
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

// hasWords reports whether s has at least one letter or digit, so that a
// message of only emoji or punctuation can get a kind nudge instead of a search.
func hasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// mentionRE matches Discord mention syntax: users, roles, channels, and the
// mass mentions.
var mentionRE = regexp.MustCompile(`<(@[!&]?|#)\d+>|@(everyone|here)\b`)

// StripMentions removes mention syntax, which says nothing about a question
// and must never be matched as words ("<@123>" is not a phone number).
func StripMentions(s string) string {
	return strings.Join(strings.Fields(mentionRE.ReplaceAllString(s, " ")), " ")
}
