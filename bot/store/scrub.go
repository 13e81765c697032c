package store

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Removed stands in for whatever Scrub took out.
const Removed = "[removed]"

// scrubbers run in order: URLs before e-mail addresses (a URL may hold an
// @), mentions before handles, phone numbers before bare digit runs.
var scrubbers = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+`),
	regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`),
	regexp.MustCompile(`(?i)\b(?:[a-z0-9-]+\.)+(?:com|net|org|gg|io|me|co|uk|de|fr|nl|info|biz|app|dev|xyz|ly|tv|us|ca|au)\b(?:/\S*)?`),
	// <@123> <@!123> <@&123> <#123>, custom emoji <:name:123>, <t:123:R>
	regexp.MustCompile(`<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>`),
	regexp.MustCompile(`(?i)@(?:everyone|here)\b`),
	// @handles: a person's name on Discord or elsewhere.
	regexp.MustCompile(`\B@[\w.]{2,32}`),
}

// phoneRE finds candidates; isPhone decides, so that dates and ages
// ("2024-01-15", "18 19 20") survive.
var (
	phoneRE   = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
	localRE   = regexp.MustCompile(`^\d{3}[ .-]\d{4}$`)
	digitsRE  = regexp.MustCompile(`\d{6,}`)
	repeatsRE = regexp.MustCompile(regexp.QuoteMeta(Removed) + `(?:[\s.,;:/-]*` + regexp.QuoteMeta(Removed) + `)+`)
	punctRE   = regexp.MustCompile(regexp.QuoteMeta(Removed) + ` ([.,;:!?)])`)
)

func isPhone(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	switch {
	case n < 7 || n > 15:
		return false
	case s[0] == '+' || strings.Contains(s, "("):
		return true
	}
	return n >= 10 || localRE.MatchString(s)
}

// Scrub removes from text what could identify a person: e-mail addresses,
// phone numbers, URLs, Discord mentions, @everyone and @here, @handles and
// runs of six or more digits (snowflake IDs among them), each replaced by
// Removed. Whitespace is collapsed. Scrub(Scrub(s)) == Scrub(s).
func Scrub(text string) string {
	for _, re := range scrubbers {
		text = re.ReplaceAllString(text, " "+Removed+" ")
	}
	text = phoneRE.ReplaceAllStringFunc(text, func(s string) string {
		if isPhone(s) {
			return " " + Removed + " "
		}
		return s
	})
	text = digitsRE.ReplaceAllString(text, " "+Removed+" ")
	text = repeatsRE.ReplaceAllString(text, Removed)
	text = strings.Join(strings.Fields(text), " ")
	return punctRE.ReplaceAllString(text, Removed+"$1")
}

// stopWords carry no topic, so questions that differ only in them are one
// gap. Negations and question words are kept: they change the question.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the is are am was were be been being i im me my mine
		it its this that these those to of in on at for with about and or but so
		do does did can could would should will may might must just really very
		please hi hello hey um uh like ok okay thanks thank anyone someone quick
		question there here have has had get got`) {
		stopWords[w] = true
	}
}

// groupKey folds scrubbed text into the key that near-identical questions
// share: lowercase, no accents, apostrophes or punctuation, no stop words,
// a plural "s" dropped.
func groupKey(text string) string {
	var b strings.Builder
	text = strings.ReplaceAll(text, Removed, " ")
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’':
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	all := strings.Fields(b.String())
	var words []string
	for _, w := range all {
		if stopWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		words = all
	}
	return strings.Join(words, " ")
}
