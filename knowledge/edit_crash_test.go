package knowledge

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCrashBetweenSteps stops retire and restore after each of their file
// changes, as a kill would (a helper process exits there), and checks the
// folder: it loads, the entry is in exactly one place, and once opened again
// it is exactly as before the operation or as after it.
func TestCrashBetweenSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	const id = "kink"
	for _, op := range []string{"retire", "restore"} {
		t.Run(op, func(t *testing.T) {
			prepare := func() (string, map[string]string) {
				dir := filepath.Join(t.TempDir(), "corpus")
				if err := Export(dir); err != nil {
					t.Fatal(err)
				}
				d, err := OpenDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				if op == "restore" {
					if err := d.Retire(id); err != nil {
						t.Fatal(err)
					}
				}
				return dir, folderFiles(t, dir)
			}
			doneDir, _ := prepare()
			if err := runOp(doneDir, op, id); err != nil {
				t.Fatal(err)
			}
			done := folderFiles(t, doneDir)
			for step := 1; ; step++ {
				dir, before := prepare()
				crashed, out := crashAt(t, dir, op, id, step)
				if !crashed {
					if got := folderFiles(t, dir); !sameFiles(got, done) {
						t.Fatalf("%s ran to the end with %d steps, but the folder differs from a normal %s", op, step-1, op)
					}
					if step < 3 {
						t.Fatalf("%s finished before step %d: %s", op, step, out)
					}
					break
				}
				if _, _, err := LoadDir(dir); err != nil {
					t.Errorf("killed after step %d of %s: the folder does not load: %v", step, op, err)
				}
				_, activeErr := os.Stat(filepath.Join(dir, EntriesDir, id+".md"))
				_, retiredErr := os.Stat(filepath.Join(dir, RetiredDir, id+".md"))
				if (activeErr == nil) == (retiredErr == nil) {
					t.Errorf("killed after step %d of %s: %s is in faq/ %v and in retired/ %v, want exactly one", step, op, id, activeErr == nil, retiredErr == nil)
				}
				if _, err := OpenDir(dir); err != nil {
					t.Fatalf("open after a kill at step %d: %v", step, err)
				}
				got := folderFiles(t, dir)
				if !sameFiles(got, before) && !sameFiles(got, done) {
					t.Errorf("killed after step %d of %s and opened again: the folder is neither as before nor as after the %s:\n%s", step, op, op, diffFiles(got, before, done))
				}
			}
		})
	}
}

func runOp(dir, op, id string) error {
	d, err := OpenDir(dir)
	if err != nil {
		return err
	}
	if op == "retire" {
		return d.Retire(id)
	}
	return d.Restore(id)
}

// crashAt runs op in a helper process that exits after the given step.
func crashAt(t *testing.T, dir, op, id string, step int) (crashed bool, out string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CONFIDANT_CRASH_DIR="+dir, "CONFIDANT_CRASH_OP="+op, "CONFIDANT_CRASH_ID="+id,
		"CONFIDANT_CRASH_AT="+strconv.Itoa(step))
	b, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return false, string(b)
	case errors.As(err, &exit) && exit.ExitCode() == 3:
		return true, string(b)
	}
	t.Fatalf("helper: %v\n%s", err, b)
	return false, ""
}

// TestCrashHelper is the process TestCrashBetweenSteps kills; it does
// nothing in a normal test run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv("CONFIDANT_CRASH_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	at, _ := strconv.Atoi(os.Getenv("CONFIDANT_CRASH_AT"))
	n := 0
	stepDone = func() {
		if n++; n == at {
			os.Exit(3) // no deferred function runs, as with a kill
		}
	}
	if err := runOp(dir, os.Getenv("CONFIDANT_CRASH_OP"), os.Getenv("CONFIDANT_CRASH_ID")); err != nil {
		t.Fatal(err)
	}
}

// folderFiles reads every file under dir except the lock files.
func folderFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || de.Name() == LockFile || de.Name() == queueFile {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// diffFiles names the files that differ from before and from after.
func diffFiles(got, before, after map[string]string) string {
	var b strings.Builder
	for _, ref := range []struct {
		name  string
		files map[string]string
	}{{"before", before}, {"after", after}} {
		var diffs []string
		for k, v := range got {
			if w, ok := ref.files[k]; !ok {
				diffs = append(diffs, k+" added")
			} else if w != v {
				diffs = append(diffs, k+" changed")
			}
		}
		for k := range ref.files {
			if _, ok := got[k]; !ok {
				diffs = append(diffs, k+" missing")
			}
		}
		fmt.Fprintf(&b, "  against %s: %s\n", ref.name, strings.Join(diffs, ", "))
	}
	return b.String()
}
