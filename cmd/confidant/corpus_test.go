package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func TestCorpusExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	res := mustRun(t, "", nil, "corpus", "export", dir)
	if res.runErr != nil {
		t.Fatalf("corpus export: %v\nstderr: %s", res.runErr, res.err)
	}
	if !strings.Contains(res.out, dir) {
		t.Errorf("output %q does not name the directory", res.out)
	}
	if _, err := os.Stat(filepath.Join(dir, "faq", "kink.md")); err != nil {
		t.Errorf("exported entry: %v", err)
	}
	if res := mustRun(t, "", nil, "lint", "--corpus", dir); res.runErr != nil || !strings.Contains("\n"+res.out, "\nok: ") {
		t.Errorf("lint of the exported corpus: %v\n%s", res.runErr, res.out)
	}
	res = mustRun(t, "", nil, "corpus", "export", dir)
	if got, want := res.code, 1; got != want {
		t.Errorf("export into a non-empty directory: exit code %d (%v), want %d", got, res.runErr, want)
	}
}

func TestCorpusUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no command", []string{"corpus"}, 2},
		{"unknown command", []string{"corpus", "nope"}, 2},
		{"import without dir", []string{"corpus", "import"}, 2},
		{"import with two dirs", []string{"corpus", "import", "a", "b"}, 2},
		{"import help", []string{"corpus", "import", "-h"}, 0},
		{"export without dir", []string{"corpus", "export"}, 2},
		{"export with two dirs", []string{"corpus", "export", "a", "b"}, 2},
		{"export bad flag", []string{"corpus", "export", "--nope", "a"}, 2},
		{"help", []string{"corpus", "-h"}, 0},
		{"export help", []string{"corpus", "export", "-h"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			res := mustRun(t, "", nil, tt.args...)
			if res.code != tt.code {
				t.Errorf("exit code = %d (%v), want %d", res.code, res.runErr, tt.code)
			}
			if !strings.Contains(res.err, "Usage: confidant corpus") {
				t.Errorf("stderr does not show the usage:\n%s", res.err)
			}
			if entries, _ := os.ReadDir("."); len(entries) > 0 {
				t.Errorf("the working directory holds %d file(s), want none", len(entries))
			}
		})
	}
}

// TestCorpusImportExportDatabase: with CONFIDANT_DATA on PostgreSQL, a
// folder goes into the database and comes out unchanged; a folder that
// fails lint is refused; without PostgreSQL, import says what it needs.
func TestCorpusImportExportDatabase(t *testing.T) {
	if res := mustRun(t, "", map[string]string{"CONFIDANT_DATA": filepath.Join(t.TempDir(), "c.db")}, "corpus", "import", t.TempDir()); res.code != 1 || !strings.Contains(res.runErr.Error(), "postgres://") {
		t.Errorf("import with SQLite: exit %d (%v), want 1 and the setting it needs", res.code, res.runErr)
	}
	env := map[string]string{"CONFIDANT_DATA": pgtest.SchemaURL(t)}
	if res := mustRun(t, "", env, "corpus", "export", filepath.Join(t.TempDir(), "none")); res.code != 1 || !strings.Contains(res.runErr.Error(), "no corpus") {
		t.Errorf("export of a database without a corpus: exit %d (%v), want 1 and why", res.code, res.runErr)
	}

	src := knowledgetest.CopyDefault(t)
	res := mustRun(t, "", env, "corpus", "import", src)
	if res.runErr != nil {
		t.Fatalf("corpus import: %v\n%s", res.runErr, res.err)
	}
	if !strings.Contains(res.out, "added") {
		t.Errorf("import output %q does not say what changed", res.out)
	}
	out := filepath.Join(t.TempDir(), "out")
	if res := mustRun(t, "", env, "corpus", "export", out); res.runErr != nil || !strings.Contains(res.out, "database") {
		t.Fatalf("corpus export from the database: %v\n%s%s", res.runErr, res.out, res.err)
	}
	for _, name := range []string{"faq/kink.md", "themes.yaml", "triage.yaml"} {
		want, _ := os.ReadFile(filepath.Join(src, name))
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("exported %s differs from the imported one (err %v)", name, err)
		}
	}

	broken := knowledgetest.CopyDefault(t)
	if err := os.WriteFile(filepath.Join(broken, "faq", "kink.md"), []byte("not an entry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := mustRun(t, "", env, "corpus", "import", broken); res.code != 1 {
		t.Errorf("import of a folder that fails lint: exit %d, want 1", res.code)
	}
	again := filepath.Join(t.TempDir(), "again")
	mustRun(t, "", env, "corpus", "export", again)
	if got, _ := os.ReadFile(filepath.Join(again, "faq", "kink.md")); !strings.HasPrefix(string(got), "---") {
		t.Error("a refused import changed the database")
	}
}
