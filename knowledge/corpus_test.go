package knowledge_test

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// corpusDir is where the corpus fixtures live, one directory per case.
const corpusDir = "../testdata/corpus"

// wantProblem is a problem a fixture must produce: its place, its severity
// and a part of its message.
type wantProblem struct {
	file string
	line int
	sev  knowledge.Severity
	msg  string
}

func (w wantProblem) String() string {
	return knowledge.Problem{File: w.file, Line: w.line, Severity: w.sev, Message: "…" + w.msg + "…"}.String()
}

func errAt(file string, line int, msg string) wantProblem {
	return wantProblem{file, line, knowledge.Error, msg}
}

func warnAt(file string, line int, msg string) wantProblem {
	return wantProblem{file, line, knowledge.Warning, msg}
}

// overlayFS is the valid fixture corpus with the files of testdata/corpus/<name>
// laid over it: each case directory holds only what it breaks, so the
// problems it reports are exactly the ones it is about.
func overlayFS(tb testing.TB, name string) fs.FS {
	tb.Helper()
	m := fstest.MapFS{}
	for _, dir := range []string{"valid", name} {
		root := filepath.Join(corpusDir, dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
			return nil
		})
		if err != nil {
			tb.Fatalf("read fixture %s: %v", dir, err)
		}
	}
	return m
}

// mustLoadDir loads a fixture corpus that must be valid.
func mustLoadDir(tb testing.TB, dir string) (*knowledge.Corpus, knowledge.Report) {
	tb.Helper()
	c, r, err := knowledge.LoadDir(dir)
	if err != nil {
		tb.Fatalf("LoadDir(%q) error: %v", dir, err)
	}
	return c, r
}

// checkProblems fails unless report holds exactly the wanted problems.
func checkProblems(tb testing.TB, r knowledge.Report, want []wantProblem) {
	tb.Helper()
	used := make([]bool, len(r.Problems))
	for _, w := range want {
		found := false
		for i, p := range r.Problems {
			if !used[i] && p.File == w.file && p.Line == w.line && p.Severity == w.sev && strings.Contains(p.Message, w.msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			tb.Errorf("missing problem %s", w)
		}
	}
	for i, p := range r.Problems {
		if !used[i] {
			tb.Errorf("unexpected problem %s", p)
		}
	}
}

func TestLoadValid(t *testing.T) {
	c, r := mustLoadDir(t, filepath.Join(corpusDir, "valid"))
	if got := len(r.Problems); got != 0 {
		t.Errorf("got %d problem(s), want 0: %v", got, r.Problems)
	}
	var ids []string
	for _, e := range c.Entries {
		ids = append(ids, e.ID)
	}
	if got, want := strings.Join(ids, ","), "confidentiality,crisis-help,erectile-dysfunction,low-desire"; got != want {
		t.Errorf("entry ids = %s, want %s (sorted)", got, want)
	}
	e, ok := c.Entry("confidentiality")
	if !ok {
		t.Fatal("Entry(confidentiality) not found")
	}
	if got, want := e.Title, "Will a sex therapist keep what I say private?"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := len(e.Questions), 4; got != want {
		t.Errorf("questions = %d, want %d", got, want)
	}
	if got, want := e.Referral, knowledge.ReferralTherapist; got != want {
		t.Errorf("referral = %q, want %q", got, want)
	}
	if got, want := e.ReviewedDate(), "2026-10-01"; got != want {
		t.Errorf("reviewed = %q, want %q", got, want)
	}
	if got, want := e.File, "faq/confidentiality.md"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if len(e.Sources) != 1 || e.Sources[0].Publisher != "Cleveland Clinic" {
		t.Errorf("sources = %+v, want one from Cleveland Clinic", e.Sources)
	}
	if strings.HasPrefix(e.Body, "---") || !strings.HasPrefix(e.Body, "Yes, with a few exceptions.") {
		t.Errorf("body starts %.40q, want the answer without front matter", e.Body)
	}
	if _, ok := c.Entry("no-such-entry"); ok {
		t.Error("Entry(no-such-entry) found, want not found")
	}
	if got := c.Referral(knowledge.ReferralCrisis).Text; got == "" {
		t.Error("crisis referral has no text")
	}
	if got, want := c.Vocabulary.Expand("my sex drive is gone"), "libido"; got != want {
		t.Errorf("Expand = %q, want %q (the fixture's own vocabulary)", got, want)
	}
	if got, want := c.Triage.CrisisEntries["self-harm"], "crisis-help"; got != want {
		t.Errorf("crisis entry = %q, want %q (the fixture's own triage)", got, want)
	}
}

func TestLoadProblems(t *testing.T) {
	const f = "faq/painful-sex.md"
	tests := []struct {
		name string
		want []wantProblem
	}{
		{"missing-id", []wantProblem{errAt(f, 1, `missing field "id"`)}},
		{"id-mismatch", []wantProblem{errAt(f, 2, `id "sex-hurts" does not match the file name`)}},
		{"duplicate-id", []wantProblem{
			errAt("faq/zz-copy.md", 2, `id "low-desire" does not match the file name`),
			errAt("faq/zz-copy.md", 2, `duplicate id "low-desire" (also in faq/low-desire.md)`),
		}},
		{"missing-field", []wantProblem{errAt(f, 1, `missing field "tags"`)}},
		{"unknown-field", []wantProblem{errAt(f, 17, `unknown field "author"`)}},
		{"few-questions", []wantProblem{errAt(f, 5, "has 3 question(s); at least 4")}},
		{"no-sources", []wantProblem{errAt(f, 12, "no source")}},
		{"http-url", []wantProblem{errAt(f, 18, `"http://www.example.org/painful-sex" must use https`)}},
		{"malformed-url", []wantProblem{errAt(f, 18, "is not a valid web address")}},
		{"unknown-referral", []wantProblem{errAt(f, 11, `unknown referral "psychic"`)}},
		{"short-body", []wantProblem{errAt(f, 18, "the answer has 8 words; it needs at least 60")}},
		{"long-body", []wantProblem{errAt(f, 18, "it must be at most 300")}},
		{"bad-date", []wantProblem{errAt(f, 16, `reviewed "2026-02-30" is not a date`)}},
		{"future-date", []wantProblem{errAt(f, 16, "reviewed date 2999-01-01 is in the future")}},
		{"invalid-yaml", []wantProblem{errAt(f, 3, "the fields are not valid YAML")}},
		{"no-front-matter", []wantProblem{errAt(f, 1, `must start with a line "---"`)}},
		{"bad-vocabulary", []wantProblem{
			errAt("vocabulary.yaml", 3, `phrase "libdo" has nothing to add`),
			errAt("vocabulary.yaml", 6, `synonym "sex drive" must be a single word`),
			errAt("vocabulary.yaml", 6, "a synonym group needs at least two words"),
			errAt("vocabulary.yaml", 7, "a synonym group needs at least two words"),
		}},
		// Warnings do not stop the corpus from loading.
		{"stale-review", []wantProblem{warnAt(f, 16, "last reviewed 2020-01-01, more than 24 months ago")}},
		// A file without an id still gets every other check.
		{"no-id-more-errors", []wantProblem{
			errAt(f, 1, `missing field "id"`),
			errAt(f, 10, `unknown referral "psychic"`),
			errAt(f, 15, "reviewed date 2999-01-01 is in the future"),
		}},
		{"repeated-question", []wantProblem{warnAt(f, 5, `question "is sex therapy confidential" also appears in faq/confidentiality.md`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r, err := knowledge.Load(overlayFS(t, tt.name))
			checkProblems(t, r, tt.want)
			wantErrors := 0
			for _, w := range tt.want {
				if w.sev == knowledge.Error {
					wantErrors++
				}
			}
			if wantErrors == 0 {
				if err != nil {
					t.Fatalf("Load error: %v, want nil (warnings only)", err)
				}
				if c == nil {
					t.Fatal("Load returned a nil corpus, want the corpus (warnings only)")
				}
				if got, want := r.Warnings(), len(tt.want); got != want {
					t.Errorf("warnings = %d, want %d", got, want)
				}
				return
			}
			if c != nil {
				t.Errorf("Load returned a corpus with %d entries, want nil on errors", len(c.Entries))
			}
			var verr *knowledge.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Load error = %v (%T), want a *knowledge.ValidationError", err, err)
			}
			if got, want := verr.Report.Errors(), wantErrors; got != want {
				t.Errorf("ValidationError has %d error(s), want %d", got, want)
			}
		})
	}
}

// TestLoadReportsEveryProblem checks that validation goes on after the first
// problem, through every field and every file, so one lint run shows all.
func TestLoadReportsEveryProblem(t *testing.T) {
	const f = "faq/painful-sex.md"
	want := []wantProblem{
		errAt(f, 1, `missing field "summary"`),
		errAt(f, 4, "has 2 question(s)"),
		errAt(f, 9, "no source"),
		errAt(f, 12, "must use https"),
		errAt(f, 13, `reviewed "yesterday" is not a date`),
		errAt(f, 14, `unknown field "author"`),
		errAt(f, 16, "the answer has 2 words"),
		errAt("faq/vaginismus.md", 1, `missing field "id"`),
		errAt("faq/vaginismus.md", 1, `missing field "title"`),
	}
	c, r, err := knowledge.Load(overlayFS(t, "several-errors"))
	checkProblems(t, r, want)
	if c != nil {
		t.Error("Load returned a corpus, want nil")
	}
	var verr *knowledge.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Load error = %v, want a *knowledge.ValidationError", err)
	}
	if got, want := verr.Error(), "corpus has 9 error(s); "; !strings.HasPrefix(got, want) {
		t.Errorf("error text = %q, want it to start with %q", got, want)
	}
	for i := 1; i < len(r.Problems); i++ {
		a, b := r.Problems[i-1], r.Problems[i]
		if a.File > b.File || (a.File == b.File && a.Line > b.Line) {
			t.Errorf("problems not sorted: %s before %s", a, b)
		}
	}
}

func TestLoadDirNotACorpus(t *testing.T) {
	tests := []struct {
		name string
		dir  string
	}{
		{"missing", filepath.Join(t.TempDir(), "nope")},
		{"file", filepath.Join(corpusDir, "valid", "triage.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := knowledge.LoadDir(tt.dir)
			if err == nil || c != nil {
				t.Fatalf("LoadDir(%q) = %v, %v; want nil and an error", tt.dir, c, err)
			}
			var verr *knowledge.ValidationError
			if errors.As(err, &verr) {
				t.Errorf("error is a ValidationError, want a plain error: %v", err)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, r, err := knowledge.LoadDir(t.TempDir())
		var verr *knowledge.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("error = %v, want a ValidationError", err)
		}
		if r.Errors() == 0 || !strings.Contains(r.Problems[0].Message, "no entries") {
			t.Errorf("problems = %v, want \"no entries\" first", r.Problems)
		}
	})
}

// crisisIDs are the entries the safety triage shows; they must point to
// crisis services, not to a therapist.
var crisisIDs = []string{"crisis-self-harm", "sexual-assault-help", "relationship-abuse", "minors-and-safety"}

// TestDefaultCorpus checks the embedded corpus against the shared topic list.
func TestDefaultCorpus(t *testing.T) {
	c, r, err := knowledge.Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	for _, p := range r.Problems {
		t.Logf("%s", p)
	}
	if got := r.Errors(); got != 0 {
		t.Errorf("embedded corpus has %d error(s), want 0", got)
	}
	for _, id := range readTopicIDs(t) {
		t.Run(id, func(t *testing.T) {
			e, ok := c.Entry(id)
			if !ok {
				t.Fatalf("entry %q is missing", id)
			}
			if got, want := len(e.Questions), 6; got < want {
				t.Errorf("questions = %d, want at least %d", got, want)
			}
			https := 0
			for _, s := range e.Sources {
				if u, err := url.Parse(s.URL); err == nil && u.Scheme == "https" {
					https++
				}
			}
			if https == 0 {
				t.Errorf("sources = %v, want at least one https source", e.Sources)
			}
			if e.Reviewed.IsZero() {
				t.Error("no reviewed date")
			}
		})
	}
	for _, id := range crisisIDs {
		if e, ok := c.Entry(id); !ok {
			t.Errorf("crisis entry %q is missing", id)
		} else if got, want := e.Referral, knowledge.ReferralCrisis; got != want {
			t.Errorf("%s: referral = %q, want %q", id, got, want)
		}
	}
	for cat, id := range c.Triage.CrisisEntries {
		if e, ok := c.Entry(id); ok && e.Referral != knowledge.ReferralCrisis {
			t.Errorf("triage %s shows %s, whose referral is %q, want %q", cat, id, e.Referral, knowledge.ReferralCrisis)
		}
	}
}

// TestBodiesNotWrapped checks that the embedded answers are not
// hard-wrapped: each paragraph and list item is one line, so that a reader
// can wrap them to any width.
func TestBodiesNotWrapped(t *testing.T) {
	c := knowledgetest.MustDefault(t)
	item := regexp.MustCompile(`^([-*+]|\d+[.)]) `)
	for _, e := range c.Entries {
		lines := strings.Split(e.Body, "\n")
		for i := 1; i < len(lines); i++ {
			if lines[i] != "" && lines[i-1] != "" && !item.MatchString(lines[i]) {
				t.Errorf("%s: body line %d continues line %d: %.40q; join them", e.File, i+1, i, lines[i])
			}
		}
	}
}

// readTopicIDs reads the ids of the shared topic list, skipping the test
// when the file is not there (outside the shared workspace).
func readTopicIDs(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "eval", "topics.tsv"))
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skip("../../shared/eval/topics.tsv not found")
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		id, _, _ := strings.Cut(sc.Text(), "\t")
		if id = strings.TrimSpace(id); id == "" || (n == 1 && id == "id") {
			continue
		}
		ids = append(ids, id)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if got, want := len(ids), 62; got < want {
		tb.Fatalf("topics.tsv has %d ids, want at least %d", got, want)
	}
	return ids
}

func TestNormalizePhrase(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"apostrophes", "Can't  get it UP!", "cant get it up"},
		{"curly apostrophe", "don’t", "dont"},
		{"punctuation runs", "--sex...drive??", "sex drive"},
		{"empty", "  !?  ", ""},
		{"accented letters", "Ça va", "ça va"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := knowledge.NormalizePhrase(tt.in); got != tt.want {
				t.Errorf("NormalizePhrase(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestVocabularyExpand(t *testing.T) {
	v := knowledge.Vocabulary{Phrases: []knowledge.Phrase{
		{Match: "cant get it up", Expansion: "erectile dysfunction"},
		{Match: "libdo", Expansion: "libido"},
		{Match: "ed", Expansion: "erection"},
	}}
	tests := []struct {
		name, question, want string
	}{
		{"none", "is sex therapy confidential", ""},
		{"phrase with apostrophe", "I can't get it up anymore", "erectile dysfunction"},
		{"two phrases", "ED and low libdo", "libido erection"},
		{"whole words only", "I edited my reply", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.Expand(tt.question); got != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.question, got, tt.want)
			}
		})
	}
	var nilVocab *knowledge.Vocabulary
	if got := nilVocab.Expand("anything"); got != "" {
		t.Errorf("nil Expand = %q, want \"\"", got)
	}
}

// TestCrisisEntryCannotBeWeakened edits the crisis entry as a careless or
// hostile moderator might: lint refuses both changes.
func TestCrisisEntryCannotBeWeakened(t *testing.T) {
	for name, edit := range map[string]func(string) string{
		"hotline removed":   func(s string) string { return strings.ReplaceAll(s, "988", "555") },
		"referral weakened": func(s string) string { return strings.Replace(s, "referral: crisis", "referral: therapist", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := knowledgetest.CopyDefault(t)
			file := filepath.Join(dir, "faq", "crisis-self-harm.md")
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(edit(string(b))), 0o644); err != nil {
				t.Fatal(err)
			}
			_, r, err := knowledge.LoadDir(dir)
			if err == nil || !strings.Contains(err.Error()+fmt.Sprint(r.Problems), "crisis-self-harm") {
				t.Fatalf("LoadDir accepted a weakened crisis entry: %v\n%v", err, r.Problems)
			}
		})
	}
}

// TestLongAndReservedIDs checks the limits that keep entries editable from
// Discord and portable: ids of at most 64 characters, titles of at most
// 200, no reserved file names.
func TestLongAndReservedIDs(t *testing.T) {
	for name, tc := range map[string]struct{ id, title, want string }{
		"long id":     {strings.Repeat("a", 65), "A title?", "at most 64"},
		"reserved id": {"con", "A title?", "reserved file name"},
		"long title":  {"long-title", strings.Repeat("t", 201), "at most 200"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := knowledgetest.CopyDefault(t)
			b, err := os.ReadFile(filepath.Join(dir, "faq", "vaginismus.md"))
			if err != nil {
				t.Fatal(err)
			}
			s := strings.Replace(string(b), "id: vaginismus", "id: "+tc.id, 1)
			s = strings.Replace(s, "title: Why does my body tense up and block penetration?", "title: "+tc.title, 1)
			if err := os.WriteFile(filepath.Join(dir, "faq", tc.id+".md"), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err = knowledge.LoadDir(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadDir = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestLinksCannotHideTheirSite checks masked links in answers and user
// names in addresses.
func TestLinksCannotHideTheirSite(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(string) string
		want string
	}{
		"masked link elsewhere": {func(s string) string {
			return strings.Replace(s, "---\nVaginismus is when", "---\n[Call 988](https://evil.example/help) Vaginismus is when", 1)
		}, "evil.example"},
		"user name in a body link": {func(s string) string {
			return strings.Replace(s, "---\nVaginismus is when", "---\nSee https://988lifeline.org@evil.example now. Vaginismus is when", 1)
		}, "user name"},
		"user name in a source": {func(s string) string {
			return strings.Replace(s, "url: https://thefemedic.com/", "url: https://thefemedic.com@evil.example/", 1)
		}, "user name"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := knowledgetest.CopyDefault(t)
			file := filepath.Join(dir, "faq", "vaginismus.md")
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			changed := tc.edit(string(b))
			if changed == string(b) {
				t.Fatal("the edit did not apply: fixture changed?")
			}
			if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			_, r, err := knowledge.LoadDir(dir)
			if err == nil || !strings.Contains(fmt.Sprint(r.Problems), tc.want) {
				t.Fatalf("LoadDir = %v, want a problem mentioning %q; problems %v", err, tc.want, r.Problems)
			}
		})
	}
}
