package bot

import (
	"regexp"
	"strings"
	"unicode"
)

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
