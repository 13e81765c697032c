package knowledge

// Drafts: an entry as a moderator types it, rendered to a file and checked
// as lint checks one.

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Draft is an entry as a moderator types it in a Discord modal.
type Draft struct {
	ID        string
	Title     string
	Summary   string // the short answer, plain text
	Questions []string
	Answer    string // Markdown
	Sources   []Source
	Referral  string
	Tags      []string
}

// NewDraft is the draft that renders back to e, to fill an edit form.
func NewDraft(e *Entry) Draft {
	return Draft{
		ID:        e.ID,
		Title:     e.Title,
		Summary:   e.Summary,
		Questions: append([]string(nil), e.Questions...),
		Answer:    e.Body,
		Sources:   append([]Source(nil), e.Sources...),
		Referral:  e.Referral,
		Tags:      append([]string(nil), e.Tags...),
	}
}

// ParseQuestions reads questions typed one per line. Blank lines and list
// bullets ("- ", "* ", "• ") are dropped.
func ParseQuestions(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		q := strings.TrimSpace(line)
		for _, bullet := range []string{"- ", "* ", "• "} {
			q = strings.TrimSpace(strings.TrimPrefix(q, bullet))
		}
		if q != "" {
			out = append(out, q)
		}
	}
	return out
}

// ParseSources reads sources typed one per line, in any of the ways people
// write them (parseSourceLine): "title | publisher | url", "title -
// publisher - url", a link alone, or a Markdown link "[title](url)". It
// returns the problems as plain sentences naming the line. A line read in
// one of these ways is kept even when a part is wrong, so the moderator's
// text can be shown back; ValidateDraft reports those problems again.
func ParseSources(text string) ([]Source, []string) {
	return parseSourceLines(strings.Split(text, "\n"), nil)
}

// whoPrefix starts the line of the moderators' form that says who to see:
// Discord allows five fields in a form, so the referral shares the sources
// field ("who: therapist" on the first line).
const whoPrefix = "who:"

// ParseWhoAndSources reads the sources field of the moderators' form: a
// line "who: <referral>" (the first line, as FormatWhoAndSources writes it,
// though any line is read) and sources one per line as ParseSources reads
// them. Problems name the line of the field. A missing or repeated "who:"
// line is a problem; an unknown referral is left to ValidateDraft.
func ParseWhoAndSources(text string) (referral string, sources []Source, problems []string) {
	lines := strings.Split(text, "\n")
	whoLine := 0
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if len(t) < len(whoPrefix) || !strings.EqualFold(t[:len(whoPrefix)], whoPrefix) {
			continue
		}
		if whoLine > 0 {
			problems = append(problems, fmt.Sprintf("line %d: \"who:\" is already given on line %d; give one", i+1, whoLine))
		} else {
			whoLine = i + 1
			referral = strings.TrimSpace(t[len(whoPrefix):])
		}
		lines[i] = ""
	}
	switch {
	case whoLine == 0:
		problems = append(problems, fmt.Sprintf("line 1: start with who to see, for example \"who: therapist\" (one of: %s)", strings.Join(EntryReferrals, ", ")))
	case referral == "":
		problems = append(problems, fmt.Sprintf("line %d: say who to see after \"who:\" (one of: %s)", whoLine, strings.Join(EntryReferrals, ", ")))
	}
	sources, problems = parseSourceLines(lines, problems)
	return referral, sources, problems
}

// FormatWhoAndSources writes the referral and sources the way
// ParseWhoAndSources reads them.
func FormatWhoAndSources(referral string, sources []Source) string {
	return whoPrefix + " " + referral + "\n" + FormatSources(sources)
}

// parseSourceLines reads source lines (parseSourceLine), skipping blank
// ones, and adds their problems, prefixed with the line's number, to
// problems.
func parseSourceLines(lines []string, problems []string) ([]Source, []string) {
	var out []Source
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		s, msgs, ok := parseSourceLine(line)
		for _, msg := range msgs {
			problems = append(problems, fmt.Sprintf("line %d: %s", i+1, msg))
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, problems
}

var (
	// markdownLink is "[title](url)", then perhaps the publisher. The url
	// runs to the last ")" before a space, so it may hold brackets.
	markdownLink = regexp.MustCompile(`^\[(.*?)\]\((\S+)\)(?:\s+(.*))?$`)
	// dashSeparator is a hyphen, en dash or em dash with space on both
	// sides, so that hyphenated words ("self-help") and urls stay whole.
	dashSeparator = regexp.MustCompile(`\s+[-–—]\s+`)
)

// parseSourceLine reads one source, written as
//
//   - title | publisher | url (the url is the last part and the publisher
//     the one before it, so a title may itself hold "|");
//   - [title](url), perhaps followed by the publisher;
//   - a link alone: its host, without "www.", is the title and publisher;
//   - title - publisher - url (or en or em dashes), split as with "|".
//
// A Markdown link is tried first, since its title may hold "|". It returns
// the problems of the line without its number, and whether it was read as
// a source at all.
func parseSourceLine(line string) (s Source, problems []string, ok bool) {
	switch m := markdownLink.FindStringSubmatch(line); {
	case m != nil:
		s = Source{Title: strings.TrimSpace(m[1]), URL: m[2],
			Publisher: strings.TrimSpace(strings.TrimLeft(m[3], "-–—|,: \t"))}
		if s.Publisher == "" {
			s.Publisher = linkHost(s.URL)
		}
	case strings.Contains(line, "|"):
		parts := strings.Split(line, "|")
		if len(parts) < 3 {
			return Source{}, []string{"expected title | publisher | url"}, false
		}
		k := len(parts)
		s = Source{
			Title:     strings.TrimSpace(strings.Join(parts[:k-2], "|")),
			Publisher: strings.TrimSpace(parts[k-2]),
			URL:       strings.TrimSpace(parts[k-1]),
		}
	case !strings.ContainsAny(line, " \t") && (strings.Contains(line, "://") || strings.Contains(line, ".")):
		host := linkHost(line)
		return Source{Title: host, Publisher: host, URL: line}, urlProblem(line), true
	default:
		seps := dashSeparator.FindAllStringIndex(line, -1)
		if len(seps) < 2 {
			return Source{}, []string{fmt.Sprintf("%q is not a source: write title - publisher - https://…, a link alone, or [title](https://…)", shortLine(line))}, false
		}
		pub, link := seps[len(seps)-2], seps[len(seps)-1]
		s = Source{
			Title:     strings.TrimSpace(line[:pub[0]]),
			Publisher: strings.TrimSpace(line[pub[1]:link[0]]),
			URL:       strings.TrimSpace(line[link[1]:]),
		}
	}
	if s.Title == "" {
		problems = append(problems, "the title is empty")
	}
	if s.Publisher == "" {
		problems = append(problems, "the publisher is empty")
	}
	return s, append(problems, urlProblem(s.URL)...), true
}

// shortLine is line cut to 60 characters, to quote it in a problem.
func shortLine(line string) string {
	if r := []rune(line); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return line
}

// urlProblem is checkURL's problem with link, if any, saying to start it
// with https:// when it has no scheme ("www.nhs.uk/...").
func urlProblem(link string) []string {
	msg := checkURL(link)
	switch {
	case msg == "":
		return nil
	case link != "" && !strings.Contains(link, "://"):
		msg += ": start it with https://"
	}
	return []string{msg}
}

// linkHost is the host of a link without "www.", read as if it began with
// https:// when it has no scheme; "" when there is none.
func linkHost(link string) string {
	if !strings.Contains(link, "://") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// FormatSources writes sources the way ParseSources reads them.
func FormatSources(sources []Source) string {
	var b strings.Builder
	for _, s := range sources {
		fmt.Fprintf(&b, "%s | %s | %s\n", s.Title, s.Publisher, s.URL)
	}
	return b.String()
}

// Render writes the draft as an entry file reviewed on the given day. Every
// text is double-quoted by the YAML encoder, so a title holding ':', '#' or
// quotes reads back unchanged. An empty id, title, summary or referral is
// left out, so that ParseEntry reports the field as missing.
func (d Draft) Render(reviewed time.Time) []byte {
	m := &yaml.Node{Kind: yaml.MappingNode}
	field := func(key string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	for _, f := range []struct{ key, value string }{{"id", d.id()}, {"title", oneLine(d.Title)}, {"summary", oneLine(d.Summary)}} {
		if f.value != "" {
			field(f.key, quoted(f.value))
		}
	}
	field("questions", quotedList(d.Questions, 0))
	field("tags", quotedList(d.Tags, yaml.FlowStyle))
	if ref := oneLine(d.Referral); ref != "" {
		field("referral", quoted(ref))
	}
	sources := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range d.Sources {
		sources.Content = append(sources.Content, &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "title"}, quoted(oneLine(s.Title)),
			{Kind: yaml.ScalarNode, Value: "publisher"}, quoted(oneLine(s.Publisher)),
			{Kind: yaml.ScalarNode, Value: "url"}, quoted(oneLine(s.URL)),
		}})
	}
	field("sources", sources)
	field("reviewed", &yaml.Node{Kind: yaml.ScalarNode, Value: reviewed.Format(time.DateOnly)})

	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		// A tree of valid UTF-8 strings always encodes.
		panic(fmt.Sprintf("knowledge: render draft: %v", err))
	}
	enc.Close()
	b.WriteString("---\n")
	body := strings.ReplaceAll(strings.ToValidUTF8(d.Answer, "\uFFFD"), "\r\n", "\n")
	b.WriteString(strings.TrimSpace(body))
	b.WriteString("\n")
	return b.Bytes()
}

func (d Draft) id() string { return oneLine(d.ID) }

// file is the draft's path inside the corpus, as load names it.
func (d Draft) file() string { return EntriesDir + "/" + d.id() + ".md" }

// oneLine makes s a single line of valid UTF-8: line breaks and runs of
// spaces become one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Style: yaml.DoubleQuotedStyle}
}

func quotedList(items []string, style yaml.Style) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: style}
	for _, s := range items {
		n.Content = append(n.Content, quoted(oneLine(s)))
	}
	return n
}

// ValidateDraft checks a draft for a new entry as lint would check its file
// in the corpus c: the entry on its own (ParseEntry), then against the other
// entries (crossCheck): an id already in use, an unknown referral, questions
// that another entry already has (warnings). Problems name the file the
// draft would be written to.
func ValidateDraft(c *Corpus, d Draft, now time.Time) Report {
	return validateDraft(c, d, now, false)
}

// ValidateEdit is ValidateDraft for a draft that replaces the entry of the
// same id.
func ValidateEdit(c *Corpus, d Draft, now time.Time) Report {
	return validateDraft(c, d, now, true)
}

func validateDraft(c *Corpus, d Draft, now time.Time, editing bool) Report {
	var r Report
	name := d.file()
	e := ParseEntry(name, d.id(), d.Render(now), &r)
	if e == nil || c == nil {
		r.Sort()
		return r
	}
	prev, exists := c.Entry(e.ID)
	switch {
	case !editing && exists:
		r.errorf(name, e.Line("id"), "id %q is already used by %s: choose another id, or edit that entry", e.ID, prev.File)
	case editing && !exists && e.ID != "":
		r.errorf(name, e.Line("id"), "there is no entry %q to edit", e.ID)
	}
	entries := make([]*Entry, 0, len(c.Entries)+1)
	for _, o := range c.Entries {
		if o.ID != e.ID {
			entries = append(entries, o)
		}
	}
	// The draft goes last, so a question it shares is reported on it.
	var cross Report
	crossCheck(c, append(entries, e), now, &cross)
	for _, p := range cross.Problems {
		if p.File == name {
			r.Add(p)
		}
	}
	r.Sort()
	return r
}
