package discord_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestSaveOnFullDisk: with the corpus folder on a full disk, a save says
// that nothing was saved because the disk is full, without a server path.
// It needs to mount a small disk (root), and is skipped otherwise.
func TestSaveOnFullDisk(t *testing.T) {
	disk := t.TempDir()
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a small disk here (%v): run as root to test a full disk", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(disk, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	dir := filepath.Join(disk, "corpus")
	if err := os.CopyFS(dir, os.DirFS(knowledgetest.CopyDefault(t))); err != nil {
		t.Fatal(err)
	}
	m := moderating(t, dir)
	submit := editSubmit(t, m, "kink")

	f, err := os.Create(filepath.Join(disk, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	f.Close()

	c := reply(t, m, submit)
	t.Logf("save on a full disk: %q", c)
	if !strings.Contains(c, "Nothing was saved") || !strings.Contains(c, "disk is full") {
		t.Errorf("save on a full disk: %q, want it to say nothing was saved because the disk is full", c)
	}
	if strings.Contains(c, disk) || serverPath.MatchString(c) {
		t.Errorf("save shows a server path to the moderator: %q", c)
	}
}
