package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed faq/*.md referrals.yaml vocabulary.yaml triage.yaml themes.yaml crisis-languages.yaml links.yaml out-of-scope.txt smalltalk.yaml related.yaml people.yaml
var defaultFS embed.FS

// DefaultFS is the corpus embedded in the binary, laid out as a corpus
// directory: faq/*.md, referrals.yaml, vocabulary.yaml, triage.yaml.
func DefaultFS() fs.FS { return defaultFS }

// File names inside a corpus directory.
const (
	EntriesDir     = "faq"
	ReferralsFile  = "referrals.yaml"
	VocabularyFile = "vocabulary.yaml"
)

// Corpus is a validated set of entries with the data that goes with them.
type Corpus struct {
	Entries    []*Entry // sorted by ID
	Referrals  map[string]Referral
	Vocabulary Vocabulary
	Triage     TriageRules
	Themes     []Theme
	// People are human services to turn to ("Talk to a person").
	People []Person
	// Related says how follow-ups move between entries.
	Related Related
	// SmallTalk are the replies to messages that are not questions.
	SmallTalk SmallTalk
	// OutOfScope are example questions the corpus does not answer
	// (out-of-scope.txt), which teach search to say so.
	OutOfScope []string
	// LinkDomains are the domains an answer's Markdown links may point to
	// besides its own sources' (links.yaml).
	LinkDomains []string
	// CrisisLanguages are crisis replies in other languages, by language code.
	CrisisLanguages map[string]CrisisLanguage
	byID            map[string]*Entry
}

// CrisisCategoryOf is the crisis category whose entry id is, or "".
func (c *Corpus) CrisisCategoryOf(id string) string {
	for cat, e := range c.Triage.CrisisEntries {
		if e == id {
			return cat
		}
	}
	return ""
}

// Entry returns the entry with the given id.
func (c *Corpus) Entry(id string) (*Entry, bool) {
	e, ok := c.byID[id]
	return e, ok
}

// Referral returns the wording for a referral key.
func (c *Corpus) Referral(key string) Referral { return c.Referrals[key] }

// Load reads and validates the corpus in fsys. It always returns the report
// of every problem found; it returns a corpus only when there is no error,
// and otherwise a *ValidationError. A corpus directory without
// referrals.yaml or vocabulary.yaml uses the embedded ones.
func Load(fsys fs.FS) (*Corpus, Report, error) {
	return load(fsys, time.Now())
}

// LoadDir loads the corpus directory dir.
func LoadDir(dir string) (*Corpus, Report, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, Report{}, fmt.Errorf("corpus directory: %w", err)
	}
	if !st.IsDir() {
		return nil, Report{}, fmt.Errorf("corpus directory: %s is not a directory", dir)
	}
	return Load(os.DirFS(dir))
}

// Default loads the embedded corpus.
func Default() (*Corpus, Report, error) { return Load(defaultFS) }

func load(fsys fs.FS, now time.Time) (*Corpus, Report, error) {
	var r Report
	c := &Corpus{byID: map[string]*Entry{}}

	names, err := fs.Glob(fsys, EntriesDir+"/*.md")
	if err != nil {
		return nil, r, fmt.Errorf("list entries: %w", err)
	}
	if len(names) == 0 {
		r.errorf(EntriesDir, 0, "no entries: expected Markdown files like %s/what-is-a-sex-therapist.md", EntriesDir)
	}
	var parsed []*Entry // every entry understood, even one with a bad id
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			r.errorf(name, 0, "cannot read: %v", err)
			continue
		}
		e := ParseEntry(name, strings.TrimSuffix(path.Base(name), ".md"), data, &r)
		if e == nil {
			continue
		}
		parsed = append(parsed, e)
		if e.ID == "" {
			continue
		}
		if prev, dup := c.byID[e.ID]; dup {
			r.errorf(name, e.Line("id"), "duplicate id %q (also in %s)", e.ID, prev.File)
			continue
		}
		c.byID[e.ID] = e
		c.Entries = append(c.Entries, e)
	}
	sort.Slice(c.Entries, func(i, j int) bool { return c.Entries[i].ID < c.Entries[j].ID })

	c.Referrals = loadReferrals(fsys, &r)
	if data, name, ok := readOrDefault(fsys, VocabularyFile, &r); ok {
		c.Vocabulary = parseVocabulary(name, data, &r)
	}
	if data, name, ok := readOrDefault(fsys, TriageFile, &r); ok {
		c.Triage = parseTriage(name, data, &r)
		checkTriageEntries(c, embedded(name), &r)
	}
	if data, name, ok := readOrDefault(fsys, ThemesFile, &r); ok {
		c.Themes = parseThemes(name, data, c, embedded(name), &r)
	}
	if data, name, ok := readOrDefault(fsys, PeopleFile, &r); ok {
		c.People = parsePeople(name, data, &r)
	}
	if data, name, ok := readOrDefault(fsys, RelatedFile, &r); ok {
		c.Related = parseRelated(name, data, c, embedded(name), &r)
	}
	if data, name, ok := readOrDefault(fsys, SmallTalkFile, &r); ok {
		c.SmallTalk = parseSmallTalk(name, data, &r)
	}
	if data, _, ok := readOrDefault(fsys, OutOfScopeFile, &r); ok {
		c.OutOfScope = parseLines(data)
	}
	if data, name, ok := readOrDefault(fsys, LinksFile, &r); ok {
		c.LinkDomains = parseLinks(name, data, &r)
	}
	if data, name, ok := readOrDefault(fsys, CrisisLanguagesFile, &r); ok {
		c.CrisisLanguages = parseCrisisLanguages(name, data, &r)
	}
	crossCheck(c, parsed, now, &r)
	for _, e := range parsed {
		checkBodyLinks(e, c.LinkDomains, &r)
	}

	r.Sort()
	if r.Errors() > 0 {
		return nil, r, &ValidationError{Report: r}
	}
	return c, r, nil
}

// embedded reports whether a file name came from the embedded defaults.
func embedded(name string) bool { return strings.HasPrefix(name, "(embedded) ") }

// readOrDefault reads name from fsys, or from the embedded corpus when fsys
// does not have it.
func readOrDefault(fsys fs.FS, name string, r *Report) ([]byte, string, bool) {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) && fsys != fs.FS(defaultFS) {
		data, err = fs.ReadFile(defaultFS, name)
		name = "(embedded) " + name
	}
	if err != nil {
		r.errorf(name, 0, "cannot read: %v", err)
		return nil, name, false
	}
	return data, name, true
}

func loadReferrals(fsys fs.FS, r *Report) map[string]Referral {
	data, name, ok := readOrDefault(fsys, ReferralsFile, r)
	if !ok {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return nil
	}
	out := map[string]Referral{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		r.errorf(name, 1, "expected one block per referral kind")
		return out
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		var ref Referral
		if err := strictDecode(v, &ref); err != nil {
			r.errorf(name, k.Line, "referral %q: %s", k.Value, yamlErrText(err))
			continue
		}
		ref.Text = strings.TrimSpace(ref.Text)
		if ref.Text == "" {
			r.errorf(name, k.Line, "referral %q has no text", k.Value)
		}
		if ref.LinkURL != "" {
			if msg := checkURL(ref.LinkURL); msg != "" {
				r.errorf(name, k.Line, "referral %q: %s", k.Value, strings.Replace(msg, "source url", "link_url", 1))
			}
		}
		if (ref.LinkURL == "") != (ref.LinkTitle == "") {
			r.errorf(name, k.Line, "referral %q: give both link_title and link_url, or neither", k.Value)
		}
		out[k.Value] = ref
	}
	for _, key := range append(append([]string{}, EntryReferrals...), ReferralGeneral) {
		if _, ok := out[key]; !ok {
			r.errorf(name, 0, "missing the referral %q", key)
		}
	}
	return out
}

// strictDecode decodes a YAML node refusing unknown fields.
func strictDecode(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// crossCheck finds the problems that involve more than one entry or the
// entries together with the other files.
func crossCheck(c *Corpus, entries []*Entry, now time.Time, r *Report) {
	type where struct {
		id   string
		file string
	}
	questions := map[string]where{}
	for _, e := range entries {
		if e.Referral != "" {
			if _, ok := c.Referrals[e.Referral]; !ok || e.Referral == ReferralGeneral {
				r.errorf(e.File, e.Line("referral"), "unknown referral %q (use one of: %s)", e.Referral, strings.Join(EntryReferrals, ", "))
			}
		}
		if !e.Reviewed.IsZero() {
			switch {
			case e.Reviewed.After(now.Add(48 * time.Hour)):
				r.errorf(e.File, e.Line("reviewed"), "reviewed date %s is in the future", e.ReviewedDate())
			case e.Reviewed.Before(now.AddDate(0, -StaleMonths, 0)):
				r.warnf(e.File, e.Line("reviewed"), "last reviewed %s, more than 24 months ago: please review it against its sources", e.ReviewedDate())
			}
		}
		for _, q := range append([]string{e.Title}, e.Questions...) {
			key := NormalizePhrase(q)
			if key == "" {
				continue
			}
			if prev, ok := questions[key]; ok {
				if prev.id == e.ID {
					r.warnf(e.File, e.Line("questions"), "question %q is listed twice in this entry", q)
				} else {
					r.warnf(e.File, e.Line("questions"), "question %q also appears in %s", q, prev.file)
				}
				continue
			}
			questions[key] = where{e.ID, e.File}
		}
	}
}

// OutOfScopeFile lists example questions the corpus does not answer.
const OutOfScopeFile = "out-of-scope.txt"

// parseLines reads one item per line, skipping blank lines and # comments.
func parseLines(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
