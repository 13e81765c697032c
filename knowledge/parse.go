package knowledge

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits an entry must respect.
const (
	MinQuestions = 4
	// MaxIDLength keeps an id inside Discord's 100-character custom IDs
	// with room for the prefixes and versions the bot adds.
	MaxIDLength = 64
	// MaxTitleLength keeps a title inside a Discord embed title (256).
	MaxTitleLength = 200
	MinBodyWords   = 60
	MaxBodyWords   = 300
	// MaxSummaryWords keeps the short answer, shown before the full one,
	// short.
	MaxSummaryWords = 45
	// StaleMonths is how old, in months, a review may be before lint warns.
	StaleMonths = 24
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// entryFields maps the front-matter keys to whether they are required.
var entryFields = map[string]bool{
	"id": true, "title": true, "summary": true, "questions": true, "tags": true,
	"referral": true, "sources": true, "reviewed": true,
}

var fieldOrder = []string{"id", "title", "summary", "questions", "tags", "referral", "sources", "reviewed"}

// ParseEntry reads one entry file. name is its path inside the corpus (used
// in messages and to check the id); wantID is the file's base name without
// ".md". Problems are added to r; the returned entry is nil when the file
// cannot be understood at all.
func ParseEntry(name, wantID string, data []byte, r *Report) *Entry {
	if !utf8.Valid(data) {
		r.errorf(name, 0, "the file is not valid UTF-8 text")
		return nil
	}
	text := strings.ReplaceAll(string(trimBOM(data)), "\r\n", "\n")
	front, body, bodyLine, ok := splitFrontMatter(text)
	if !ok {
		r.errorf(name, 1, "the file must start with a line \"---\", then the fields, then another \"---\" line before the answer")
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		r.errorf(name, yamlErrLine(err), "the fields are not valid YAML: %s", yamlErrText(err))
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		r.errorf(name, 2, "the fields must be \"name: value\" lines")
		return nil
	}
	e := &Entry{File: name, Body: strings.TrimSpace(body), lines: map[string]int{}}
	m := doc.Content[0]
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + 1 // front matter starts on the file's second line
		key := k.Value
		if _, known := entryFields[key]; !known {
			r.errorf(name, line, "unknown field %q (allowed: %s)", key, strings.Join(fieldOrder, ", "))
			continue
		}
		if prev, dup := seen[key]; dup {
			r.errorf(name, line, "field %q is given twice (first on line %d)", key, prev)
			continue
		}
		seen[key] = line
		decodeField(e, key, v, name, line, r)
		e.lines[key] = line
	}
	for _, key := range fieldOrder {
		if _, ok := seen[key]; !ok && entryFields[key] {
			r.errorf(name, 1, "missing field %q", key)
		}
	}
	if _, ok := seen["id"]; ok {
		switch {
		case e.ID == "":
			r.errorf(name, seen["id"], "id is empty")
		case !slugRE.MatchString(e.ID):
			r.errorf(name, seen["id"], "id %q must be a lowercase slug (letters, digits and single hyphens)", e.ID)
		case len(e.ID) > MaxIDLength:
			r.errorf(name, seen["id"], "id %q has %d characters; at most %d fit in Discord's buttons and forms", e.ID, len(e.ID), MaxIDLength)
		case reservedNames[e.ID]:
			r.errorf(name, seen["id"], "id %q is a reserved file name on some systems; choose another", e.ID)
		case e.ID != wantID:
			r.errorf(name, seen["id"], "id %q does not match the file name", e.ID)
		}
	}
	if n := utf8.RuneCountInString(e.Title); n > MaxTitleLength {
		r.errorf(name, seen["title"], "title has %d characters; at most %d", n, MaxTitleLength)
	}
	if _, ok := seen["questions"]; ok && len(e.Questions) < MinQuestions {
		r.errorf(name, seen["questions"], "has %d question(s); at least %d other ways of asking are needed", len(e.Questions), MinQuestions)
	}
	if _, ok := seen["sources"]; ok && len(e.Sources) == 0 {
		r.errorf(name, seen["sources"], "no source: cite at least one reputable page by URL")
	}
	if n := len(strings.Fields(e.Summary)); n > MaxSummaryWords {
		r.errorf(name, seen["summary"], "the summary has %d words; it must be at most %d", n, MaxSummaryWords)
	}
	if g := Grade(e.Summary); g > MaxGrade {
		r.warnf(name, seen["summary"], "the summary reads at grade %.1f (Flesch-Kincaid); aim for grade %d or below: shorter sentences, shorter words", g, MaxGrade)
	}
	switch n := e.WordCount(); {
	case n < MinBodyWords:
		r.errorf(name, bodyLine, "the answer has %d words; it needs at least %d", n, MinBodyWords)
	case n > MaxBodyWords:
		r.errorf(name, bodyLine, "the answer has %d words; it must be at most %d", n, MaxBodyWords)
	}
	if g := Grade(e.Body); g > MaxGrade {
		r.warnf(name, bodyLine, "the answer reads at grade %.1f (Flesch-Kincaid); aim for grade %d or below: shorter sentences, shorter words", g, MaxGrade)
	}
	return e
}

func decodeField(e *Entry, key string, v *yaml.Node, name string, line int, r *Report) {
	vline := v.Line + 1
	switch key {
	case "id", "title", "summary", "referral":
		var s string
		if v.Kind != yaml.ScalarNode || v.Decode(&s) != nil {
			r.errorf(name, vline, "%s must be a single line of text", key)
			return
		}
		s = strings.TrimSpace(s)
		switch key {
		case "id":
			e.ID = s
		case "title":
			if s == "" {
				r.errorf(name, vline, "title is empty")
			}
			e.Title = s
		case "summary":
			if s == "" {
				r.errorf(name, vline, "summary is empty: give the short answer in at most %d words", MaxSummaryWords)
			}
			e.Summary = oneLine(s) // plain text: a YAML block's line breaks are spaces
		case "referral":
			e.Referral = s
		}
	case "questions", "tags":
		list, ok := stringList(v)
		if !ok {
			r.errorf(name, vline, "%s must be a list of text items", key)
			return
		}
		for i, s := range list {
			if s == "" {
				r.errorf(name, itemLine(v, i), "%s item %d is empty", key, i+1)
			}
		}
		if key == "questions" {
			e.Questions = list
		} else {
			if len(list) == 0 {
				r.errorf(name, vline, "tags is empty: give a few keywords")
			}
			e.Tags = list
		}
	case "sources":
		if v.Kind != yaml.SequenceNode {
			r.errorf(name, vline, "sources must be a list of title, publisher and url")
			return
		}
		for _, item := range v.Content {
			if s, ok := decodeSource(item, name, r); ok {
				e.Sources = append(e.Sources, s)
			}
		}
	case "reviewed":
		var s string
		if v.Kind != yaml.ScalarNode || v.Decode(&s) != nil {
			r.errorf(name, vline, "reviewed must be a date like 2026-01-31")
			return
		}
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			r.errorf(name, vline, "reviewed %q is not a date in the form YYYY-MM-DD", s)
			return
		}
		e.Reviewed = t
	}
}

func decodeSource(n *yaml.Node, name string, r *Report) (Source, bool) {
	line := n.Line + 1
	if n.Kind != yaml.MappingNode {
		r.errorf(name, line, "each source needs title, publisher and url")
		return Source{}, false
	}
	var s Source
	seen := map[string]bool{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var val string
		if v.Kind != yaml.ScalarNode || v.Decode(&val) != nil {
			r.errorf(name, v.Line+1, "source %s must be a single line of text", k.Value)
			ok = false
			continue
		}
		val = strings.TrimSpace(val)
		seen[k.Value] = true
		switch k.Value {
		case "title":
			s.Title = val
		case "publisher":
			s.Publisher = val
		case "url":
			s.URL = val
			if msg := checkURL(val); msg != "" {
				r.errorf(name, v.Line+1, "%s", msg)
				ok = false
			}
		default:
			r.errorf(name, k.Line+1, "unknown source field %q (allowed: title, publisher, url)", k.Value)
			ok = false
		}
	}
	for _, f := range []string{"title", "publisher", "url"} {
		if !seen[f] {
			r.errorf(name, line, "source is missing %q", f)
			ok = false
		} else if f != "url" && ((f == "title" && s.Title == "") || (f == "publisher" && s.Publisher == "")) {
			r.errorf(name, line, "source %s is empty", f)
			ok = false
		}
	}
	return s, ok
}

// checkURL returns a plain sentence describing what is wrong with u, or "".
func checkURL(u string) string {
	p, err := url.Parse(u)
	switch {
	case u == "":
		return "source url is empty"
	case err != nil || p.Host == "" || strings.ContainsAny(u, " \t<>\"") || !strings.Contains(p.Hostname(), "."):
		return fmt.Sprintf("source url %q is not a valid web address", u)
	case p.Scheme != "https":
		return fmt.Sprintf("source url %q must use https", u)
	case p.User != nil:
		return fmt.Sprintf("source url %q must not carry a user name or password (user@host hides the real site)", u)
	}
	return ""
}

func stringList(v *yaml.Node) ([]string, bool) {
	if v.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, 0, len(v.Content))
	for _, it := range v.Content {
		var s string
		if it.Kind != yaml.ScalarNode || it.Decode(&s) != nil {
			return nil, false
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, true
}

func itemLine(v *yaml.Node, i int) int {
	if i < len(v.Content) {
		return v.Content[i].Line + 1
	}
	return v.Line + 1
}

// splitFrontMatter returns the YAML between the two "---" lines, the body
// after them and the body's first line number.
func splitFrontMatter(text string) (front, body string, bodyLine int, ok bool) {
	if !strings.HasPrefix(text, "---\n") {
		return "", "", 0, false
	}
	rest := text[4:]
	end := -1
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		end = 0
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n---") {
		end = len(rest) - 3
	}
	if end < 0 {
		return "", "", 0, false
	}
	front = rest[:end]
	body = strings.TrimPrefix(rest[end:], "---")
	body = strings.TrimPrefix(body, "\n")
	bodyLine = 2 + strings.Count(front, "\n") + 1
	return front, body, bodyLine, true
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 1
	}
	var n int
	fmt.Sscanf(m[1], "%d", &n)
	return n + 1
}

func yamlErrText(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	s = yamlLineRE.ReplaceAllString(s, "")
	s = strings.TrimPrefix(strings.TrimSpace(s), ":")
	return strings.TrimSpace(s)
}

// trimBOM drops a UTF-8 byte order mark, which some editors add.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// reservedNames cannot be file names on Windows, so a corpus using them
// could not be checked out there.
var reservedNames = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "lpt1": true, "lpt2": true, "lpt3": true}
