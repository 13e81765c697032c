package knowledge_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestEditTwoDirsOneFolder: two Dir values on one folder stand for two
// processes sharing it. Of edits that all start from the same version,
// exactly one is written and the others are told the entry changed.
func TestEditTwoDirsOneFolder(t *testing.T) {
	path := mustExport(t)
	e, _ := mustLoad(t, path).Entry("kink")
	var dirs []*knowledge.Dir
	for range 2 {
		d, err := knowledge.OpenDir(path)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for round := range 2 {
		v, err := dirs[0].Version("kink")
		if err != nil {
			t.Fatal(err)
		}
		const perDir = 3
		titles := make([]string, 2*perDir)
		errs := make([]error, 2*perDir)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range titles {
			titles[i] = fmt.Sprintf("Round %d, edit %d: is kink okay?", round, i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				dr := knowledge.NewDraft(e)
				dr.Title = titles[i]
				<-start
				_, errs[i] = dirs[i%2].Edit(dr, v, time.Now())
			}()
		}
		close(start)
		wg.Wait()
		var saved []string
		for i, err := range errs {
			switch {
			case err == nil:
				saved = append(saved, titles[i])
			case !errors.Is(err, knowledge.ErrChanged):
				t.Errorf("round %d edit %d: %v, want nil or ErrChanged", round, i, err)
			}
		}
		if len(saved) != 1 {
			t.Fatalf("round %d: %d edits said saved (%q), want exactly 1", round, len(saved), saved)
		}
		if got, _ := mustLoad(t, path).Entry("kink"); got.Title != saved[0] {
			t.Fatalf("round %d: file holds %q, want the saved edit %q", round, got.Title, saved[0])
		}
	}
}

// TestEditTwoProcesses runs the same race between two processes (this test
// binary started again as a helper): exactly one says saved.
func TestEditTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := mustExport(t)
	d, err := knowledge.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		v, err := d.Version("kink")
		if err != nil {
			t.Fatal(err)
		}
		// Both helpers wait for the start file, so their edits overlap.
		startFile := filepath.Join(t.TempDir(), "start")
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for i := range 2 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperEditProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "CONFIDANT_HELPER_EDIT="+path, "CONFIDANT_HELPER_VERSION="+v,
				"CONFIDANT_HELPER_START="+startFile, fmt.Sprintf("CONFIDANT_HELPER_TITLE=Round %d, process %d: is kink okay?", round, i))
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, &out)
		}
		time.Sleep(300 * time.Millisecond) // both load the corpus and wait
		if err := os.WriteFile(startFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		saved := 0
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
			}
			switch o := outs[i].String(); {
			case strings.Contains(o, "RESULT saved"):
				saved++
			case strings.Contains(o, "RESULT changed"):
			default:
				t.Fatalf("helper %d said neither saved nor changed:\n%s", i, o)
			}
		}
		if saved != 1 {
			t.Fatalf("round %d: %d processes said saved, want exactly 1", round, saved)
		}
	}
}

// TestHelperEditProcess is the other process of TestEditTwoProcesses; it
// does nothing in a normal test run.
func TestHelperEditProcess(t *testing.T) {
	path := os.Getenv("CONFIDANT_HELPER_EDIT")
	if path == "" {
		t.Skip("helper process only")
	}
	d, err := knowledge.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := mustLoad(t, path).Entry("kink")
	dr := knowledge.NewDraft(e)
	dr.Title = os.Getenv("CONFIDANT_HELPER_TITLE")
	for {
		if _, err := os.Stat(os.Getenv("CONFIDANT_HELPER_START")); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	_, err = d.Edit(dr, os.Getenv("CONFIDANT_HELPER_VERSION"), time.Now())
	switch {
	case err == nil:
		fmt.Println("RESULT saved")
	case errors.Is(err, knowledge.ErrChanged):
		fmt.Println("RESULT changed")
	default:
		t.Fatalf("edit: %v", err)
	}
}

// TestOpenDirRemovesStaleTemporaryFiles: temporary files a killed write
// left behind are removed when the folder is opened; a fresh one (another
// process may be writing it) and other files stay.
func TestOpenDirRemovesStaleTemporaryFiles(t *testing.T) {
	path := mustExport(t)
	old := time.Now().Add(-2 * time.Minute)
	files := map[string]bool{ // name: kept
		"faq/.kink.md.123456.tmp":          false,
		".themes.yaml.42.tmp":              false,
		"faq/.vaginismus.md.777.tmp":       true, // fresh
		"faq/notes.tmp":                    true, // not one of ours
		".gitignore":                       true,
		"retired/.retired-entry.md.9.tmp":  false,
		"retired/.themes.yaml.1234567.tmp": false,
		"faq/.hidden-note.txt":             true,
	}
	for name, kept := range files {
		p := filepath.Join(path, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !kept || name == "faq/notes.tmp" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := knowledge.OpenDir(path); err != nil {
		t.Fatal(err)
	}
	for name, kept := range files {
		_, err := os.Stat(filepath.Join(path, filepath.FromSlash(name)))
		if got := err == nil; got != kept {
			t.Errorf("%s: kept %v, want %v", name, got, kept)
		}
	}
}
