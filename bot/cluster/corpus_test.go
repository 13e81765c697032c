package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// replica is what one serve process holds of the shared corpus.
type replica struct {
	db     *postgres.DB
	corpus *cluster.Corpus
	rl     *bot.Reloader
}

func mustOpen(t *testing.T, connURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), connURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mustImport puts the embedded corpus into the database of connURL.
func mustImport(t *testing.T, connURL string) {
	t.Helper()
	db := mustOpen(t, connURL)
	if _, _, _, err := cluster.Import(context.Background(), db, knowledgetest.CopyDefault(t), bot.CheckCorpus); err != nil {
		t.Fatalf("Import: %v", err)
	}
}

// newReplica serves the corpus of the database at connURL and follows its
// changes, as serve does.
func newReplica(t *testing.T, connURL string) *replica {
	t.Helper()
	db := mustOpen(t, connURL)
	c, err := cluster.NewCorpus(db, bot.CheckCorpus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fsys, fp, err := c.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	corpus, report, err := knowledge.Load(fsys)
	if err != nil {
		t.Fatalf("load the snapshot: %v", err)
	}
	lib, err := bot.NewLibrary(corpus, bottest.ReloadOptions())
	if err != nil {
		t.Fatal(err)
	}
	rl := &bot.Reloader{Source: c, Responder: bot.NewResponder(lib, nil), Options: bottest.ReloadOptions()}
	rl.Serving(fp, report)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Follow(ctx, db, rl, nil); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &replica{db: db, corpus: c, rl: rl}
}

func (r *replica) title(id string) string {
	e, ok := r.rl.Responder.Library().Corpus.Entry(id)
	if !ok {
		return ""
	}
	return e.Title
}

// draft is entry id as served, with another title.
func (r *replica) draft(t *testing.T, id, title string) knowledge.Draft {
	t.Helper()
	e, ok := r.rl.Responder.Library().Corpus.Entry(id)
	if !ok {
		t.Fatalf("no entry %q", id)
	}
	d := knowledge.NewDraft(e)
	d.Title = title
	return d
}

func (r *replica) version(t *testing.T, id string) string {
	t.Helper()
	v, err := r.corpus.Version(id)
	if err != nil {
		t.Fatalf("Version(%q): %v", id, err)
	}
	return v
}

// TestEditServedByEveryReplica: a moderator's edit through one process is
// served by the others without anyone asking them to reload.
func TestEditServedByEveryReplica(t *testing.T) {
	u := pgtest.SchemaURL(t)
	mustImport(t, u)
	a, b, c := newReplica(t, u), newReplica(t, u), newReplica(t, u)
	const title = "Will a sex therapist keep what I tell them private, even from my partner?"
	if _, err := a.corpus.Edit(a.draft(t, "confidentiality", title), a.version(t, "confidentiality"), time.Now()); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	start := time.Now()
	for _, r := range []*replica{b, c} {
		bottest.WaitFor(t, "the other replicas to serve the edit", func() bool { return r.title("confidentiality") == title })
	}
	t.Logf("served by the other replicas %v after the save", time.Since(start))
	if got := a.title("confidentiality"); got != title {
		// The saving process reloads when told, like the others.
		bottest.WaitFor(t, "the saving replica to serve the edit", func() bool { return a.title("confidentiality") == title })
	}
}

// TestSimultaneousEditsOneSaved: two processes save the same entry from
// the same version at once: one is saved, the other refused, whatever the
// order.
func TestSimultaneousEditsOneSaved(t *testing.T) {
	u := pgtest.SchemaURL(t)
	mustImport(t, u)
	a, b := newReplica(t, u), newReplica(t, u)
	for round := range 3 {
		base := a.version(t, "confidentiality")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, r := range []*replica{a, b} {
			d := r.draft(t, "confidentiality", fmt.Sprintf("Round %d, moderator %d: is what I tell a sex therapist private?", round, i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.corpus.Edit(d, base, time.Now())
			}()
		}
		wg.Wait()
		saved, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				saved++
			case errors.Is(err, knowledge.ErrChanged):
				refused++
			default:
				t.Fatalf("round %d: Edit: %v", round, err)
			}
		}
		if saved != 1 || refused != 1 {
			t.Fatalf("round %d: %d saved and %d refused, want 1 and 1 (errors %v)", round, saved, refused, errs)
		}
		if got := a.version(t, "confidentiality"); got == base {
			t.Fatalf("round %d: version still %s after a save", round, got)
		}
		bottest.WaitFor(t, "both replicas to serve the saved edit", func() bool {
			return a.title("confidentiality") == b.title("confidentiality") && strings.HasPrefix(a.title("confidentiality"), fmt.Sprintf("Round %d", round))
		})
	}
}

// TestRefusedChangesWriteNothing: a draft that lint refuses, an unknown
// entry, and a corpus that fails the check leave the database as it was.
func TestRefusedChangesWriteNothing(t *testing.T) {
	u := pgtest.SchemaURL(t)
	mustImport(t, u)
	db := mustOpen(t, u)
	before, err := db.CorpusFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := newReplica(t, u)

	bad := r.draft(t, "confidentiality", "Too short?")
	bad.Questions = bad.Questions[:1]
	report, err := r.corpus.Edit(bad, r.version(t, "confidentiality"), time.Now())
	var invalid *knowledge.ValidationError
	if !errors.As(err, &invalid) || report.Errors() == 0 {
		t.Errorf("Edit with one question: err = %v, %d errors reported; want a ValidationError with its problems", err, report.Errors())
	}
	if _, err := r.corpus.Version("no-such-entry"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Version of an unknown entry: err = %v, want ErrNotFound", err)
	}
	ghost := r.draft(t, "confidentiality", "A question about nothing at all?")
	ghost.ID = "no-such-entry"
	if _, err := r.corpus.Edit(ghost, "1", time.Now()); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Edit of an unknown entry: err = %v, want ErrNotFound", err)
	}
	if err := r.corpus.Retire("no-such-entry"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Retire of an unknown entry: err = %v, want ErrNotFound", err)
	}

	canaries := errors.New("2 of the built-in crisis canaries would no longer get their crisis reply")
	strict, err := cluster.NewCorpus(db, func(*knowledge.Corpus) error { return canaries })
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	good := r.draft(t, "confidentiality", "Is what I tell a sex therapist kept private?")
	if _, err := strict.Edit(good, r.version(t, "confidentiality"), time.Now()); !errors.Is(err, canaries) {
		t.Errorf("Edit refused by the check: err = %v, want the check's error", err)
	}

	after, err := db.CorpusFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(before, after) {
		t.Error("a refused change wrote to the database")
	}
}

// TestRetireRestore moves an entry aside and back in the database, with its
// place in themes.yaml, as in a folder.
func TestRetireRestore(t *testing.T) {
	u := pgtest.SchemaURL(t)
	mustImport(t, u)
	a, b := newReplica(t, u), newReplica(t, u)
	if err := a.corpus.Retire("confidentiality"); err != nil {
		t.Fatalf("Retire: %v", err)
	}
	files, err := a.db.CorpusFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := files["faq/confidentiality.md"]; ok {
		t.Error("faq/confidentiality.md still in the database after Retire")
	}
	if _, ok := files["retired/confidentiality.md"]; !ok {
		t.Error("retired/confidentiality.md not in the database after Retire")
	}
	if strings.Contains(files["themes.yaml"].Content, "confidentiality") {
		t.Error("themes.yaml still lists the retired entry")
	}
	bottest.WaitFor(t, "the other replica to stop serving the retired entry", func() bool { return b.title("confidentiality") == "" })
	if err := a.corpus.Restore("confidentiality"); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	bottest.WaitFor(t, "the other replica to serve the restored entry", func() bool { return b.title("confidentiality") != "" })
	if err := a.corpus.Retire("crisis-self-harm"); !errors.Is(err, knowledge.ErrProtected) {
		t.Errorf("Retire of a crisis entry: err = %v, want ErrProtected", err)
	}
}

// TestImportExport: what is imported is exported unchanged; an import that
// does not load is refused and changes nothing.
func TestImportExport(t *testing.T) {
	u := pgtest.SchemaURL(t)
	db := mustOpen(t, u)
	ctx := context.Background()
	if err := cluster.Export(ctx, db, filepath.Join(t.TempDir(), "out")); !errors.Is(err, cluster.ErrNoCorpus) {
		t.Errorf("Export of an empty database: err = %v, want ErrNoCorpus", err)
	}
	src := knowledgetest.CopyDefault(t)
	added, changed, removed, err := cluster.Import(ctx, db, src, bot.CheckCorpus)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cluster.ReadFolder(src)
	if err != nil {
		t.Fatal(err)
	}
	if added != len(want) || changed != 0 || removed != 0 {
		t.Errorf("first import: %d added, %d changed, %d removed; want %d, 0, 0", added, changed, removed, len(want))
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := cluster.Export(ctx, db, out); err != nil {
		t.Fatal(err)
	}
	got, err := cluster.ReadFolder(out)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("exported %d files, imported %d: not the same files", len(got), len(want))
	}

	broken := knowledgetest.CopyDefault(t)
	pgtest.WriteFile(t, filepath.Join(broken, "faq", "broken.md"), "---\ntitle: no id\n---\ntoo short\n")
	if _, _, _, err := cluster.Import(ctx, db, broken, bot.CheckCorpus); err == nil {
		t.Fatal("Import of a corpus that does not load succeeded")
	}
	files, err := db.CorpusFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := files["faq/broken.md"]; ok || len(files) != len(want) {
		t.Errorf("a refused import changed the database: %d files, want %d", len(files), len(want))
	}
	if _, err := db.ChangeCorpus(ctx, func(map[string]store.CorpusFile) (map[string]string, error) {
		return map[string]string{"../outside.md": "x"}, nil
	}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("ChangeCorpus with a path leaving the folder: err = %v, want ErrInvalid", err)
	}
}

// TestServesLastCorpusWhileDatabaseDown: while the database cannot be
// reached the replica answers from the corpus it has; once it is back, the
// changes made meanwhile are served.
func TestServesLastCorpusWhileDatabaseDown(t *testing.T) {
	u := pgtest.SchemaURL(t)
	mustImport(t, u)
	proxy := pgtest.NewProxy(t, u)
	r := newReplica(t, proxy.URL(u))
	other := newReplica(t, u)
	before := r.title("confidentiality")

	proxy.Down()
	const title = "Does a sex therapist keep my secrets, even during an outage?"
	if _, err := other.corpus.Edit(other.draft(t, "confidentiality", title), other.version(t, "confidentiality"), time.Now()); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if _, err := r.rl.Reload(); err == nil {
		t.Error("a reload with the database down succeeded")
	}
	if got := r.title("confidentiality"); got != before {
		t.Fatalf("title while the database is down = %q, want the last one loaded, %q", got, before)
	}
	if rep := r.rl.Responder.Respond(context.Background(), "what is vaginismus"); rep.Entry == nil {
		t.Errorf("reply while the database is down: kind %q, no entry; want an answer", rep.Kind)
	}

	proxy.Up()
	bottest.WaitFor(t, "the replica to catch up once the database is back", func() bool { return r.title("confidentiality") == title })
}
