package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// RetiredDir is the folder of a corpus directory, beside faq, that holds
// retired entries. It is not loaded.
const RetiredDir = "retired"

// retiredThemesFile, inside RetiredDir, remembers where retired entries were
// listed in themes.yaml so that Restore can put them back.
const retiredThemesFile = "themes.yaml"

// Errors that callers of Dir test for.
var (
	// ErrChanged means the entry was changed by someone else after the
	// moderator opened it; nothing was written.
	ErrChanged = errors.New("changed since you opened it")
	// ErrNotFound means there is no entry with that id.
	ErrNotFound = errors.New("no such entry")
	// ErrExists means the id is already taken by an active or retired entry.
	ErrExists = errors.New("an entry with that id already exists")
	// ErrProtected means the safety triage names the entry, so it cannot be
	// retired.
	ErrProtected = errors.New("the safety triage needs this entry")
)

// Draft is an entry as a moderator types it in a Discord modal.
type Draft struct {
	ID        string
	Title     string
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

// ParseSources reads sources typed one per line as "title | publisher | url"
// and returns the problems as plain sentences naming the line. The url is
// the last part and the publisher the one before it, so a page title may
// itself contain "|". A line with the three parts is kept even when one is
// wrong, so the moderator's text can be shown back; ValidateDraft reports
// those problems again.
func ParseSources(text string) ([]Source, []string) {
	var out []Source
	var problems []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n := i + 1
		parts := strings.Split(line, "|")
		if len(parts) < 3 {
			problems = append(problems, fmt.Sprintf("line %d: expected title | publisher | url", n))
			continue
		}
		k := len(parts)
		s := Source{
			Title:     strings.TrimSpace(strings.Join(parts[:k-2], "|")),
			Publisher: strings.TrimSpace(parts[k-2]),
			URL:       strings.TrimSpace(parts[k-1]),
		}
		if s.Title == "" {
			problems = append(problems, fmt.Sprintf("line %d: the title is empty", n))
		}
		if s.Publisher == "" {
			problems = append(problems, fmt.Sprintf("line %d: the publisher is empty", n))
		}
		if msg := checkURL(s.URL); msg != "" {
			problems = append(problems, fmt.Sprintf("line %d: %s", n, msg))
		}
		out = append(out, s)
	}
	return out, problems
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
// quotes reads back unchanged. An empty id, title or referral is left out,
// so that ParseEntry reports the field as missing.
func (d Draft) Render(reviewed time.Time) []byte {
	m := &yaml.Node{Kind: yaml.MappingNode}
	field := func(key string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	for _, f := range []struct{ key, value string }{{"id", d.id()}, {"title", oneLine(d.Title)}} {
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

// Dir is a corpus directory that moderators change. Its methods are safe
// for concurrent use and serialise their writes; each write is atomic, and
// one that would leave the directory unable to load is undone. Another
// process writing the same directory is not guarded against.
type Dir struct {
	path string
	mu   sync.Mutex
}

// OpenDir opens the corpus directory path, which must load.
func OpenDir(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("corpus directory: %w", err)
	}
	if _, _, err := LoadDir(abs); err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	return &Dir{path: abs}, nil
}

// Path is the absolute path of the directory.
func (d *Dir) Path() string { return d.path }

func (d *Dir) active(id string) string  { return filepath.Join(d.path, EntriesDir, id+".md") }
func (d *Dir) retired(id string) string { return filepath.Join(d.path, RetiredDir, id+".md") }

// Version identifies the current content of entry id: give it back to Edit
// to detect a change made in between.
func (d *Dir) Version(id string) (string, error) {
	if !slugRE.MatchString(id) {
		return "", fmt.Errorf("entry %q: %w", id, ErrNotFound)
	}
	data, err := os.ReadFile(d.active(id))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("entry %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	return version(data), nil
}

func version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Add writes a new entry reviewed now. It refuses an id in use, active or
// retired (ErrExists), and an invalid draft (*ValidationError); either way
// it writes nothing and the report holds every problem.
func (d *Dir) Add(dr Draft, now time.Time) (Report, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, _, err := LoadDir(d.path)
	if err != nil {
		return Report{}, fmt.Errorf("load corpus: %w", err)
	}
	r := ValidateDraft(c, dr, now)
	id := dr.id()
	_, taken := c.Entry(id)
	if slugRE.MatchString(id) && exists(d.retired(id)) {
		r.errorf(dr.file(), 0, "id %q belongs to a retired entry: restore it, or choose another id", id)
		taken = true
	}
	if taken {
		return r, fmt.Errorf("add %s: %w", id, ErrExists)
	}
	if r.Errors() > 0 {
		return r, &ValidationError{Report: r}
	}
	var t undoLog
	if err := t.write(d.active(id), dr.Render(now)); err != nil {
		return r, fmt.Errorf("add %s: %w", id, err)
	}
	if lr, err := d.checkLoads(&t); err != nil {
		return lr, err
	}
	return r, nil
}

// Edit replaces entry dr.ID with the draft, reviewed now. baseVersion is
// what Version returned when the moderator opened the entry: if the file
// has changed since, Edit returns ErrChanged. An invalid draft gives a
// *ValidationError and a report of every problem. On any error nothing is
// written.
func (d *Dir) Edit(dr Draft, baseVersion string, now time.Time) (Report, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := dr.id()
	cur, err := d.Version(id)
	if err != nil {
		return Report{}, fmt.Errorf("edit: %w", err)
	}
	if cur != baseVersion {
		return Report{}, fmt.Errorf("edit %s: %w", id, ErrChanged)
	}
	c, _, err := LoadDir(d.path)
	if err != nil {
		return Report{}, fmt.Errorf("load corpus: %w", err)
	}
	r := ValidateEdit(c, dr, now)
	if r.Errors() > 0 {
		return r, &ValidationError{Report: r}
	}
	var t undoLog
	if err := t.write(d.active(id), dr.Render(now)); err != nil {
		return r, fmt.Errorf("edit %s: %w", id, err)
	}
	if lr, err := d.checkLoads(&t); err != nil {
		return lr, err
	}
	return r, nil
}

// Retire moves faq/<id>.md to retired/<id>.md and takes the id out of
// themes.yaml, remembering its place for Restore. Nothing is deleted. The
// entries the safety triage names cannot be retired (ErrProtected).
func (d *Dir) Retire(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !slugRE.MatchString(id) {
		return fmt.Errorf("retire %q: %w", id, ErrNotFound)
	}
	c, _, err := LoadDir(d.path)
	if err != nil {
		return fmt.Errorf("load corpus: %w", err)
	}
	if _, ok := c.Entry(id); !ok {
		return fmt.Errorf("retire %s: %w", id, ErrNotFound)
	}
	if triageNeeds(c.Triage, id) {
		return fmt.Errorf("retire %s: %w", id, ErrProtected)
	}
	if exists(d.retired(id)) {
		return fmt.Errorf("retire %s: %s already holds an entry with that id", id, RetiredDir)
	}
	var t undoLog
	if err := d.retireFromThemes(&t, id); err != nil {
		_ = t.rollback()
		return fmt.Errorf("retire %s: %w", id, err)
	}
	if err := os.MkdirAll(filepath.Join(d.path, RetiredDir), 0o755); err != nil {
		_ = t.rollback()
		return fmt.Errorf("retire %s: %w", id, err)
	}
	if err := t.rename(d.active(id), d.retired(id)); err != nil {
		_ = t.rollback()
		return fmt.Errorf("retire %s: %w", id, err)
	}
	_, err = d.checkLoads(&t)
	return err
}

// Restore brings a retired entry back, with its place in themes.yaml. It
// refuses when an active entry has the id (ErrExists).
func (d *Dir) Restore(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !slugRE.MatchString(id) || !exists(d.retired(id)) {
		return fmt.Errorf("restore %q: %w", id, ErrNotFound)
	}
	if exists(d.active(id)) {
		return fmt.Errorf("restore %s: %w", id, ErrExists)
	}
	var t undoLog
	if err := d.restoreToThemes(&t, id); err != nil {
		_ = t.rollback()
		return fmt.Errorf("restore %s: %w", id, err)
	}
	if err := t.rename(d.retired(id), d.active(id)); err != nil {
		_ = t.rollback()
		return fmt.Errorf("restore %s: %w", id, err)
	}
	_, err := d.checkLoads(&t)
	return err
}

// checkLoads loads the directory after a change and undoes the change when
// it does not load.
func (d *Dir) checkLoads(t *undoLog) (Report, error) {
	_, r, err := LoadDir(d.path)
	if err == nil {
		return r, nil
	}
	err = fmt.Errorf("the corpus would not load, so the change was undone: %w", err)
	if uerr := t.rollback(); uerr != nil {
		err = errors.Join(err, fmt.Errorf("undo: %w", uerr))
	}
	return r, err
}

// triageNeeds reports whether the triage shows entry id for a crisis or
// redirects to it.
func triageNeeds(tr TriageRules, id string) bool {
	for _, e := range tr.CrisisEntries {
		if e == id {
			return true
		}
	}
	for _, e := range tr.Past.Redirect {
		if e == id {
			return true
		}
	}
	return false
}

// themePlace is where a retired entry was listed in themes.yaml.
type themePlace struct {
	Theme    string `yaml:"theme"`
	Position int    `yaml:"position"`
}

const retiredThemesHeader = "# Where retired entries were listed in themes.yaml, so that restoring one\n# puts it back. Written by Confidant.\n"

func (d *Dir) retireFromThemes(t *undoLog, id string) error {
	themesPath := filepath.Join(d.path, ThemesFile)
	doc, err := readThemes(themesPath)
	if doc == nil || err != nil {
		return err // no themes.yaml: the embedded one drops missing ids itself
	}
	var places []themePlace
	for _, theme := range themeNodes(doc) {
		name, entries := themeFields(theme)
		if entries == nil {
			continue
		}
		kept := entries.Content[:0]
		for i, item := range entries.Content {
			if item.Value == id {
				places = append(places, themePlace{Theme: name, Position: i})
				continue
			}
			kept = append(kept, item)
		}
		if len(kept) == 0 && len(entries.Content) > 0 {
			return fmt.Errorf("it is the only entry of the theme %q: add another entry to that theme first", name)
		}
		entries.Content = kept
	}
	if len(places) == 0 {
		return nil
	}
	record, err := readRetiredThemes(d.path)
	if err != nil {
		return err
	}
	record[id] = places
	if err := d.writeRetiredThemes(t, record); err != nil {
		return err
	}
	return t.write(themesPath, encodeYAML(doc))
}

func (d *Dir) restoreToThemes(t *undoLog, id string) error {
	record, err := readRetiredThemes(d.path)
	if err != nil {
		return err
	}
	places, ok := record[id]
	if !ok {
		return nil
	}
	delete(record, id)
	if err := d.writeRetiredThemes(t, record); err != nil {
		return err
	}
	themesPath := filepath.Join(d.path, ThemesFile)
	doc, err := readThemes(themesPath)
	if doc == nil || err != nil {
		return err
	}
	// A theme renamed or filled up since is skipped: load then warns that
	// the entry is in no theme.
	for _, p := range places {
		for _, theme := range themeNodes(doc) {
			name, entries := themeFields(theme)
			if name != p.Theme || entries == nil || len(entries.Content) >= MaxThemeEntries {
				continue
			}
			pos := min(max(p.Position, 0), len(entries.Content))
			item := &yaml.Node{Kind: yaml.ScalarNode, Value: id}
			entries.Content = append(entries.Content[:pos], append([]*yaml.Node{item}, entries.Content[pos:]...)...)
			break
		}
	}
	return t.write(themesPath, encodeYAML(doc))
}

// readThemes parses themes.yaml keeping its comments and layout; it returns
// nil when the directory has none.
func readThemes(name string) (*yaml.Node, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", ThemesFile, yamlErrText(err))
	}
	return &doc, nil
}

func themeNodes(doc *yaml.Node) []*yaml.Node {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil
	}
	return doc.Content[0].Content
}

// themeFields returns a theme's name and its list of entries.
func themeFields(theme *yaml.Node) (name string, entries *yaml.Node) {
	if theme.Kind != yaml.MappingNode {
		return "", nil
	}
	for i := 0; i+1 < len(theme.Content); i += 2 {
		switch k, v := theme.Content[i], theme.Content[i+1]; k.Value {
		case "theme":
			name = v.Value
		case "entries":
			if v.Kind == yaml.SequenceNode {
				entries = v
			}
		}
	}
	return name, entries
}

func readRetiredThemes(dir string) (map[string][]themePlace, error) {
	record := map[string][]themePlace{}
	data, err := os.ReadFile(filepath.Join(dir, RetiredDir, retiredThemesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return record, nil
	}
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(data, &record); err != nil {
		return nil, fmt.Errorf("%s/%s: %s", RetiredDir, retiredThemesFile, yamlErrText(err))
	}
	if record == nil {
		record = map[string][]themePlace{}
	}
	return record, nil
}

// writeRetiredThemes writes the record, or removes it once empty.
func (d *Dir) writeRetiredThemes(t *undoLog, record map[string][]themePlace) error {
	name := filepath.Join(d.path, RetiredDir, retiredThemesFile)
	if len(record) == 0 {
		return t.remove(name)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	data, err := yaml.Marshal(record)
	if err != nil {
		return err
	}
	return t.write(name, append([]byte(retiredThemesHeader), data...))
}

func encodeYAML(n *yaml.Node) []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		// A tree that was just decoded always encodes.
		panic(fmt.Sprintf("knowledge: encode yaml: %v", err))
	}
	enc.Close()
	return b.Bytes()
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// undoLog remembers how to undo each file change of one operation.
type undoLog struct{ steps []func() error }

// write replaces name atomically with data.
func (t *undoLog) write(name string, data []byte) error {
	old, err := os.ReadFile(name)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeFileAtomic(name, data); err != nil {
		return err
	}
	t.steps = append(t.steps, func() error {
		if existed {
			return writeFileAtomic(name, old)
		}
		return os.Remove(name)
	})
	return nil
}

// remove deletes name if it exists.
func (t *undoLog) remove(name string) error {
	old, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.Remove(name); err != nil {
		return err
	}
	t.steps = append(t.steps, func() error { return writeFileAtomic(name, old) })
	return nil
}

// rename moves from to to, which must not exist.
func (t *undoLog) rename(from, to string) error {
	if exists(to) {
		return fmt.Errorf("%s already exists", to)
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(from))
	syncDir(filepath.Dir(to))
	t.steps = append(t.steps, func() error { return os.Rename(to, from) })
	return nil
}

// rollback undoes the changes, last first.
func (t *undoLog) rollback() error {
	var errs []error
	for i := len(t.steps) - 1; i >= 0; i-- {
		errs = append(errs, t.steps[i]())
	}
	t.steps = nil
	return errors.Join(errs...)
}

// writeFileAtomic writes data to a temporary file in name's directory,
// syncs it and renames it over name, so a reader sees the old file or the
// new one, never a part. The temporary name does not end in ".md", so a
// load in between does not see it.
func writeFileAtomic(name string, data []byte) (err error) {
	perm := fs.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		perm = st.Mode().Perm()
	}
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// directory; the rename has happened either way, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Export writes the embedded corpus (faq/*.md and the YAML files) into dst,
// which must be a new or empty directory, to edit it and serve it with
// --corpus.
func Export(dst string) error {
	names, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case len(names) > 0:
		return fmt.Errorf("export: %s is not empty", dst)
	}
	err = fs.WalkDir(defaultFS, ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(defaultFS, name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
