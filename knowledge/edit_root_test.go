package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/knowledge"
)

// outsideEntry writes a valid entry "outside" in a folder beside the
// corpus and returns its path.
func outsideEntry(t *testing.T, corpus string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, "faq", "kink.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "outside")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "outside.md")
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), "id: kink", "id: outside", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSymlinkOutsideNotFollowed: an entry that is a symbolic link to a file
// outside the corpus folder is not read: the folder does not load (it is
// reported, without the outside path), so it is never served.
func TestSymlinkOutsideNotFollowed(t *testing.T) {
	path := mustExport(t)
	target := outsideEntry(t, path)
	if err := os.Symlink(target, filepath.Join(path, "faq", "outside.md")); err != nil {
		t.Fatal(err)
	}
	_, err := knowledge.OpenDir(path)
	if err == nil {
		t.Fatal("OpenDir loaded a folder with an entry linked from outside it")
	}
	if !strings.Contains(err.Error(), "faq/outside.md") || strings.Contains(err.Error(), filepath.Dir(target)) {
		t.Errorf("error %q: want it to name faq/outside.md and not the outside path", err)
	}
	c, r, err := knowledge.LoadRoot(path)
	if err == nil {
		t.Fatalf("LoadRoot loaded %d entries, the outside one included", len(c.Entries))
	}
	if !reportHas(r, knowledge.Error, "cannot read") {
		t.Errorf("report %v: want faq/outside.md reported unreadable", r.Problems)
	}

	// A link that stays inside the folder is followed.
	os.Remove(filepath.Join(path, "faq", "outside.md"))
	if err := os.Rename(filepath.Join(path, "faq", "kink.md"), filepath.Join(path, "kink-original.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "kink-original.md"), filepath.Join(path, "faq", "kink.md")); err != nil {
		t.Fatal(err)
	}
	if c, _, err := knowledge.LoadRoot(path); err != nil {
		t.Errorf("a link inside the folder: %v, want it read", err)
	} else if _, ok := c.Entry("kink"); !ok {
		t.Error("the entry linked inside the folder is missing")
	}
}

// TestNoWriteThroughSymlinkedFolder: when retired/ is a link to a folder
// outside the corpus, retiring writes nothing there.
func TestNoWriteThroughSymlinkedFolder(t *testing.T) {
	d := mustOpen(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(d.Path(), "retired")); err != nil {
		t.Fatal(err)
	}
	if err := d.Retire("kink"); err == nil {
		t.Error("Retire moved an entry through a link out of the folder")
	}
	if names, _ := os.ReadDir(outside); len(names) > 0 {
		t.Errorf("files written outside the corpus folder: %v", names)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), "faq", "kink.md")); err != nil {
		t.Errorf("faq/kink.md after the refused retire: %v", err)
	}
	mustLoad(t, d.Path())
}

// TestSpecialFileRefused: a named pipe among the entries is refused rather
// than read (reading it would wait for a writer forever).
func TestSpecialFileRefused(t *testing.T) {
	path := mustExport(t)
	fifo := filepath.Join(path, "faq", "pipe.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		// Unblock a reader stuck on the pipe, if any.
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	done := make(chan error, 1)
	go func() { _, _, err := knowledge.LoadRoot(path); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "faq/pipe.md") {
			t.Errorf("LoadRoot with a named pipe: %v, want it refused by name", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("LoadRoot blocked reading a named pipe")
	}
	if _, err := knowledge.Fingerprint(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Logf("Fingerprint: %v", err)
	}
}
