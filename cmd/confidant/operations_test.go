package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHelpOnEveryCommand: -h prints the command's usage and exits 0, with
// nothing that looks like an error ("flag: help requested").
func TestHelpOnEveryCommand(t *testing.T) {
	var lines [][]string
	for name := range commands() {
		lines = append(lines, []string{name, "-h"}, []string{name, "--help"})
	}
	lines = append(lines, []string{"corpus", "export", "-h"})
	for _, args := range lines {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			res := mustRun(t, "", nil, args...)
			if res.code != 0 || res.runErr != nil {
				t.Errorf("exit %d, error %v; want exit 0 and no error", res.code, res.runErr)
			}
			if want := "Usage: confidant " + args[0]; !strings.Contains(res.out+res.err, want) {
				t.Errorf("no %q in the output:\n%s%s", want, res.out, res.err)
			}
			if strings.Contains(res.out+res.err, "help requested") {
				t.Errorf("help prints a stray error line:\n%s", res.err)
			}
		})
	}
}

// TestServeNamesEveryProblemAtOnce: a bad corpus is named together with a
// missing token and a bad log level, not one per start.
func TestServeNamesEveryProblemAtOnce(t *testing.T) {
	nowhere := filepath.Join(t.TempDir(), "no-such-corpus")
	res := mustRun(t, "", map[string]string{"CONFIDANT_DATA": filepath.Join(t.TempDir(), "c.db")}, "serve", "--corpus", nowhere)
	if res.code != 1 {
		t.Errorf("exit %d (%v), want 1", res.code, res.runErr)
	}
	if res.runErr == nil {
		t.Fatal("serve without a token and with a missing corpus started")
	}
	for _, want := range []string{"DISCORD_TOKEN", "corpus", "no-such-corpus"} {
		if !strings.Contains(res.runErr.Error(), want) {
			t.Errorf("the error does not name %q:\n%v", want, res.runErr)
		}
	}

	res = mustRun(t, "", nil, "serve", "--corpus", nowhere, "--log-level", "loud")
	for _, want := range []string{"DISCORD_TOKEN", "no-such-corpus", "loud"} {
		if res.runErr == nil || !strings.Contains(res.runErr.Error(), want) {
			t.Errorf("with a bad log level too, the error does not name %q:\n%v", want, res.runErr)
		}
	}
	if res.code != 2 {
		t.Errorf("a bad --log-level: exit %d, want 2 (a bad flag)", res.code)
	}
}

// TestReadmeListsEveryCommand: the README's command table has a row for
// each command.
func TestReadmeListsEveryCommand(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "\n## Commands\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var listed []string
	for _, line := range strings.Split(section, "\n") {
		if rest, ok := strings.CutPrefix(line, "| `confidant "); ok {
			listed = append(listed, strings.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == '`' })[0])
		}
	}
	for name := range commands() {
		if !slices.Contains(listed, name) {
			t.Errorf("the README's command table has no row for %q (rows: %v)", name, listed)
		}
	}
}
