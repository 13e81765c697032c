package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{"unknown command", []string{"corpus", "import"}, 2},
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
