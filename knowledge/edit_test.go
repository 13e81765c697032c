package knowledge_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/knowledge"
)

// mustExport writes the embedded corpus into a new temporary directory.
func mustExport(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "corpus")
	if err := knowledge.Export(dir); err != nil {
		tb.Fatalf("Export: %v", err)
	}
	return dir
}

// mustOpen exports the embedded corpus and opens it for writing.
func mustOpen(tb testing.TB) *knowledge.Dir {
	tb.Helper()
	d, err := knowledge.OpenDir(mustExport(tb))
	if err != nil {
		tb.Fatalf("OpenDir: %v", err)
	}
	return d
}

// snapshot reads every file under dir, by slash path.
func snapshot(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		tb.Fatalf("snapshot %s: %v", dir, err)
	}
	return files
}

// assertSameFiles fails unless the two snapshots hold the same files with
// the same bytes.
func assertSameFiles(tb testing.TB, got, want map[string]string) {
	tb.Helper()
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			tb.Errorf("%s is gone", name)
		case g != w:
			tb.Errorf("%s changed:\n%s\nwant:\n%s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			tb.Errorf("%s was added", name)
		}
	}
}

// mustLoad loads a corpus directory that must be valid.
func mustLoad(tb testing.TB, dir string) *knowledge.Corpus {
	tb.Helper()
	c, _, err := knowledge.LoadDir(dir)
	if err != nil {
		tb.Fatalf("LoadDir(%s): %v", dir, err)
	}
	return c
}

// validDraft is a new entry that lint accepts.
func validDraft(id string) knowledge.Draft {
	return knowledge.Draft{
		ID:      id,
		Title:   "Can stress at work change how often I want sex?",
		Summary: "Yes. Stress often lowers desire for a while. Rest, time off work and talking with your partner help. If it lasts for months, see a doctor or a sex therapist.",
		Questions: []string{
			"my job is so stressful i never feel like sex anymore",
			"does burnout kill your sex drive",
			"work deadlines and zero libido, is that connected",
			"why do I lose interest in sex during busy seasons at work",
		},
		Answer: strings.TrimSpace(`
Yes. Stress is one of the most common reasons desire drops for a while. When the body is in
a state of alert, it puts rest, digestion and sex lower on its list, and a mind busy with
deadlines has little room left for noticing arousal or wanting closeness.

It usually helps to:

- protect some time that is free of work, even a short one
- sleep, move and eat regularly, which lowers stress hormones
- talk with your partner about it, so that a quieter period is not taken as rejection

If the change lasts for months, or brings low mood with it, a doctor can look for other
causes and a sex therapist can help you both find your way back to intimacy.`),
		Sources: []knowledge.Source{
			{Title: "Stress and your sex life", Publisher: "Example Health", URL: "https://health.example.org/stress-and-sex"},
		},
		Referral: knowledge.ReferralTherapist,
		Tags:     []string{"stress", "work", "burnout", "libido"},
	}
}

func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// reportHas reports whether r has a problem of severity sev whose message
// contains msg.
func reportHas(r knowledge.Report, sev knowledge.Severity, msg string) bool {
	for _, p := range r.Problems {
		if p.Severity == sev && strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}

func TestRenderRoundTrip(t *testing.T) {
	titles := []string{
		"What's a 'sex therapist': really?",
		"#1 question",
		`She said "no": what now? # not a comment`,
		"- looks like a list item",
		"yes",
		"null",
		"3.14",
		"[brackets], {braces} & *stars* | pipes > more",
		"Qu'est-ce qu'un·e sexologue ? 性治疗",
	}
	reviewed := day(t, "2026-11-20")
	for _, title := range titles {
		t.Run(title, func(t *testing.T) {
			d := validDraft("awkward-title")
			d.Title = title
			d.Summary = title + " " + d.Summary
			d.Questions = append(d.Questions, title, "key: value # comment")
			d.Tags = append(d.Tags, "a, b", "x: y")
			d.Sources = append(d.Sources, knowledge.Source{Title: "Why 'sex': a #hashtag | story", Publisher: "Pub: Inc", URL: "https://example.org/a?b=c#d"})
			var r knowledge.Report
			data := d.Render(reviewed)
			e := knowledge.ParseEntry("faq/awkward-title.md", "awkward-title", data, &r)
			if r.Errors() > 0 || e == nil {
				t.Fatalf("ParseEntry of the rendered draft: %v\n%s", r.Problems, data)
			}
			if got := knowledge.NewDraft(e); !reflect.DeepEqual(got, d) {
				t.Errorf("round trip = %+v\nwant %+v\nfile:\n%s", got, d, data)
			}
			if got, want := e.ReviewedDate(), "2026-11-20"; got != want {
				t.Errorf("reviewed = %q, want %q", got, want)
			}
		})
	}
}

func TestParseQuestions(t *testing.T) {
	got := knowledge.ParseQuestions("  first?\r\n\n- second\n* third\n• fourth\n   \n")
	if want := []string{"first?", "second", "third", "fourth"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ParseQuestions = %q, want %q", got, want)
	}
}

func TestParseSources(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     []knowledge.Source
		problems []string
	}{
		{"one", "Vaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/\n",
			[]knowledge.Source{{"Vaginismus", "NHS", "https://www.nhs.uk/conditions/vaginismus/"}}, nil},
		{"pipe in title", "\nVaginismus | NHS inform | NHS Scotland | https://www.nhsinform.scot/v",
			[]knowledge.Source{{"Vaginismus | NHS inform", "NHS Scotland", "https://www.nhsinform.scot/v"}}, nil},
		{"two parts", "ok | Pub | https://example.org/\nmissing | https://example.org/",
			[]knowledge.Source{{"ok", "Pub", "https://example.org/"}},
			[]string{"line 2: expected title | publisher | url"}},
		{"bad parts", " | | http://example.org/",
			[]knowledge.Source{{"", "", "http://example.org/"}},
			[]string{"line 1: the title is empty", "line 1: the publisher is empty", `line 1: source url "http://example.org/" must use https`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := knowledge.ParseSources(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sources = %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q, want %q", problems, tt.problems)
			}
		})
	}
	srcs := validDraft("x").Sources
	if got, _ := knowledge.ParseSources(knowledge.FormatSources(srcs)); !reflect.DeepEqual(got, srcs) {
		t.Errorf("ParseSources(FormatSources(%+v)) = %+v", srcs, got)
	}
}

func TestParseWhoAndSources(t *testing.T) {
	nhs := knowledge.Source{Title: "Vaginismus", Publisher: "NHS", URL: "https://www.nhs.uk/conditions/vaginismus/"}
	tests := []struct {
		name     string
		text     string
		referral string
		want     []knowledge.Source
		problems []string
	}{
		{"who first", "who: doctor\nVaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/\n", "doctor", []knowledge.Source{nhs}, nil},
		{"any case, any line", "\nVaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/\n  Who:  doctor-then-therapist ", "doctor-then-therapist", []knowledge.Source{nhs}, nil},
		{"no who", "Vaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/", "", []knowledge.Source{nhs},
			[]string{`line 1: start with who to see, for example "who: therapist" (one of: therapist, doctor, doctor-then-therapist, clinic, crisis, none)`}},
		{"empty who", "who:\nVaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/", "", []knowledge.Source{nhs},
			[]string{`line 1: say who to see after "who:" (one of: therapist, doctor, doctor-then-therapist, clinic, crisis, none)`}},
		{"two who lines", "who: doctor\nwho: therapist\nVaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/", "doctor", []knowledge.Source{nhs},
			[]string{`line 2: "who:" is already given on line 1; give one`}},
		{"source lines keep their numbers", "who: none\nmissing | https://example.org/", "none", nil,
			[]string{"line 2: expected title | publisher | url"}},
		{"an unknown referral is left to validation", "who: psychic\nVaginismus | NHS | https://www.nhs.uk/conditions/vaginismus/", "psychic", []knowledge.Source{nhs}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			referral, got, problems := knowledge.ParseWhoAndSources(tt.text)
			if referral != tt.referral {
				t.Errorf("referral = %q, want %q", referral, tt.referral)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sources = %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q, want %q", problems, tt.problems)
			}
		})
	}
	d := validDraft("x")
	text := knowledge.FormatWhoAndSources(d.Referral, d.Sources)
	if !strings.HasPrefix(text, "who: therapist\n") {
		t.Errorf("FormatWhoAndSources = %q, want \"who: therapist\" on the first line", text)
	}
	if ref, srcs, problems := knowledge.ParseWhoAndSources(text); ref != d.Referral || !reflect.DeepEqual(srcs, d.Sources) || problems != nil {
		t.Errorf("ParseWhoAndSources(FormatWhoAndSources) = %q, %+v, %q; want %q, %+v", ref, srcs, problems, d.Referral, d.Sources)
	}
}

func TestValidateDraft(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := day(t, "2026-11-25")
	existing, _ := c.Entry("kink")

	if r := knowledge.ValidateDraft(c, validDraft("work-stress"), now); len(r.Problems) > 0 {
		t.Errorf("valid draft: %v, want no problem", r.Problems)
	}

	d := validDraft("work-stress")
	d.Referral = "astrologer"
	d.Questions = append(d.Questions, existing.Questions[0])
	r := knowledge.ValidateDraft(c, d, now)
	if !reportHas(r, knowledge.Error, `unknown referral "astrologer"`) {
		t.Errorf("problems %v lack the unknown referral", r.Problems)
	}
	if !reportHas(r, knowledge.Warning, "also appears in faq/kink.md") {
		t.Errorf("problems %v lack the warning about the question kink has", r.Problems)
	}
	for _, p := range r.Problems {
		if p.File != "faq/work-stress.md" {
			t.Errorf("problem about another file: %v", p)
		}
	}

	edit := knowledge.NewDraft(existing)
	if r := knowledge.ValidateDraft(c, edit, now); !reportHas(r, knowledge.Error, `id "kink" is already used`) {
		t.Errorf("adding an existing id: %v, want a duplicate id error", r.Problems)
	}
	if r := knowledge.ValidateEdit(c, edit, now); r.Errors() > 0 {
		t.Errorf("editing kink unchanged: %v, want no error", r.Problems)
	}
	if r := knowledge.ValidateEdit(c, validDraft("work-stress"), now); !reportHas(r, knowledge.Error, "no entry") {
		t.Errorf("editing a missing entry: %v, want an error", r.Problems)
	}
}

func TestAdd(t *testing.T) {
	d := mustOpen(t)
	now := time.Now()
	r, err := d.Add(validDraft("work-stress"), now)
	if err != nil {
		t.Fatalf("Add: %v (%v)", err, r.Problems)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), "faq", "work-stress.md")); err != nil {
		t.Fatalf("entry file: %v", err)
	}
	e, ok := mustLoad(t, d.Path()).Entry("work-stress")
	if !ok {
		t.Fatal("the corpus does not have the new entry")
	}
	if got, want := e.ReviewedDate(), now.Format(time.DateOnly); got != want {
		t.Errorf("reviewed = %s, want %s", got, want)
	}
}

func TestAddInvalid(t *testing.T) {
	d := mustOpen(t)
	before := snapshot(t, d.Path())
	bad := validDraft("work-stress")
	bad.Title = ""
	bad.Questions = bad.Questions[:2]
	bad.Answer = "Too short."
	bad.Tags = nil
	bad.Referral = "astrologer"
	bad.Sources = []knowledge.Source{{Title: "Plain", Publisher: "Web", URL: "http://example.org/"}}
	r, err := d.Add(bad, time.Now())
	var verr *knowledge.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Add of an invalid draft: %v, want a *ValidationError", err)
	}
	for _, msg := range []string{
		`missing field "title"`,
		"has 2 question(s)",
		"the answer has 2 words",
		"tags is empty",
		`unknown referral "astrologer"`,
		"must use https",
	} {
		if !reportHas(r, knowledge.Error, msg) {
			t.Errorf("report lacks %q; got %v", msg, r.Problems)
		}
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)
}

func TestAddDuplicate(t *testing.T) {
	d := mustOpen(t)
	before := snapshot(t, d.Path())
	r, err := d.Add(validDraft("kink"), time.Now())
	if !errors.Is(err, knowledge.ErrExists) {
		t.Fatalf("Add with the id of an entry: %v, want ErrExists", err)
	}
	if !reportHas(r, knowledge.Error, `id "kink" is already used`) {
		t.Errorf("report %v lacks the duplicate id", r.Problems)
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)
}

func TestEdit(t *testing.T) {
	d := mustOpen(t)
	c := mustLoad(t, d.Path())
	e, _ := c.Entry("kink")
	v, err := d.Version("kink")
	if err != nil {
		t.Fatal(err)
	}
	dr := knowledge.NewDraft(e)
	dr.Title = "Is kink okay: a #1 question?"
	now := time.Now()
	if r, err := d.Edit(dr, v, now); err != nil {
		t.Fatalf("Edit: %v (%v)", err, r.Problems)
	}
	got, _ := mustLoad(t, d.Path()).Entry("kink")
	if got.Title != dr.Title || got.ReviewedDate() != now.Format(time.DateOnly) {
		t.Errorf("after Edit: title %q reviewed %s, want %q reviewed %s", got.Title, got.ReviewedDate(), dr.Title, now.Format(time.DateOnly))
	}
	if v2, _ := d.Version("kink"); v2 == v {
		t.Errorf("Version unchanged after an edit: %s", v)
	}

	// A second moderator who opened the entry before the first edit.
	before := snapshot(t, d.Path())
	dr.Title = "Something else"
	if _, err := d.Edit(dr, v, now); !errors.Is(err, knowledge.ErrChanged) {
		t.Fatalf("Edit with an old version: %v, want ErrChanged", err)
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)

	if _, err := d.Edit(validDraft("no-such-entry"), v, now); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Edit of a missing entry: %v, want ErrNotFound", err)
	}
}

func TestEditInvalid(t *testing.T) {
	d := mustOpen(t)
	before := snapshot(t, d.Path())
	e, _ := mustLoad(t, d.Path()).Entry("kink")
	v, _ := d.Version("kink")
	dr := knowledge.NewDraft(e)
	dr.Sources = nil
	r, err := d.Edit(dr, v, time.Now())
	var verr *knowledge.ValidationError
	if !errors.As(err, &verr) || !reportHas(r, knowledge.Error, "no source") {
		t.Fatalf("Edit without sources: %v %v, want a *ValidationError about sources", err, r.Problems)
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)
}

func TestEditConcurrent(t *testing.T) {
	d := mustOpen(t)
	e, _ := mustLoad(t, d.Path()).Entry("kink")
	v, _ := d.Version("kink")
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dr := knowledge.NewDraft(e)
			dr.Title = strings.Repeat("Really ", i+1) + "okay?"
			_, errs[i] = d.Edit(dr, v, time.Now())
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, knowledge.ErrChanged):
			t.Errorf("edit %d: %v, want nil or ErrChanged", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d edits were written, want exactly 1", won)
	}
	mustLoad(t, d.Path())
}

func TestRetireRestore(t *testing.T) {
	d := mustOpen(t)
	before := snapshot(t, d.Path())
	if err := d.Retire("kink"); err != nil {
		t.Fatalf("Retire: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), "faq", "kink.md")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("faq/kink.md after Retire: %v, want it gone", err)
	}
	retired, err := os.ReadFile(filepath.Join(d.Path(), "retired", "kink.md"))
	if err != nil || string(retired) != before["faq/kink.md"] {
		t.Errorf("retired/kink.md: %v, want the entry unchanged", err)
	}
	c := mustLoad(t, d.Path())
	if _, ok := c.Entry("kink"); ok {
		t.Error("the corpus still has kink after Retire")
	}
	for _, th := range c.Themes {
		for _, id := range th.Entries {
			if id == "kink" {
				t.Errorf("theme %q still lists kink", th.Name)
			}
		}
	}
	if _, err := d.Version("kink"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Version of a retired entry: %v, want ErrNotFound", err)
	}
	if _, err := d.Add(validDraft("kink"), time.Now()); !errors.Is(err, knowledge.ErrExists) {
		t.Errorf("Add with a retired id: %v, want ErrExists", err)
	}

	if err := d.Restore("kink"); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)
	if err := d.Restore("kink"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Restore again: %v, want ErrNotFound", err)
	}
}

func TestRestoreRefused(t *testing.T) {
	d := mustOpen(t)
	if err := d.Retire("kink"); err != nil {
		t.Fatal(err)
	}
	retired := filepath.Join(d.Path(), "retired", "kink.md")
	data, err := os.ReadFile(retired)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("active entry with the id", func(t *testing.T) {
		active := filepath.Join(d.Path(), "faq", "kink.md")
		if err := os.WriteFile(active, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(active)
		before := snapshot(t, d.Path())
		if err := d.Restore("kink"); !errors.Is(err, knowledge.ErrExists) {
			t.Errorf("Restore over an active entry: %v, want ErrExists", err)
		}
		assertSameFiles(t, snapshot(t, d.Path()), before)
	})

	t.Run("entry that no longer loads", func(t *testing.T) {
		broken := strings.Replace(string(data), "referral: therapist", "referral: astrologer", 1)
		if broken == string(data) {
			t.Fatal("fixture: kink has no therapist referral to break")
		}
		if err := os.WriteFile(retired, []byte(broken), 0o644); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, d.Path())
		var verr *knowledge.ValidationError
		if err := d.Restore("kink"); !errors.As(err, &verr) {
			t.Errorf("Restore of a broken entry: %v, want a *ValidationError", err)
		}
		assertSameFiles(t, snapshot(t, d.Path()), before)
		mustLoad(t, d.Path())
	})
}

func TestRetireProtected(t *testing.T) {
	d := mustOpen(t)
	before := snapshot(t, d.Path())
	for _, id := range []string{"crisis-self-harm", "sexual-assault-help", "relationship-abuse", "minors-and-safety", "sexual-trauma"} {
		if err := d.Retire(id); !errors.Is(err, knowledge.ErrProtected) {
			t.Errorf("Retire(%s) = %v, want ErrProtected", id, err)
		}
	}
	if err := d.Retire("no-such-entry"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Retire of a missing entry: %v, want ErrNotFound", err)
	}
	if err := d.Retire("../referrals"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Retire of a path: %v, want ErrNotFound", err)
	}
	assertSameFiles(t, snapshot(t, d.Path()), before)
}

func TestExport(t *testing.T) {
	dir := mustExport(t)
	c := mustLoad(t, dir)
	def, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.Entries), len(def.Entries); got != want {
		t.Errorf("exported corpus has %d entries, want %d", got, want)
	}
	for _, name := range []string{"referrals.yaml", "vocabulary.yaml", "triage.yaml", "themes.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("exported %s: %v", name, err)
		}
	}
	if err := knowledge.Export(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Export into a non-empty directory: %v, want a refusal", err)
	}
	empty := t.TempDir()
	if err := knowledge.Export(empty); err != nil {
		t.Errorf("Export into an empty directory: %v", err)
	}
}
