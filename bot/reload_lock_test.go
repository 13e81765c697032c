//go:build unix

package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestReloadWaitsForAChangeInProgress: while another process holds the
// folder's lock in the middle of a change (an entry taken out of
// themes.yaml, its file not yet moved), a reload waits, and then serves
// the whole change.
func TestReloadWaitsForAChangeInProgress(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	lock, err := os.OpenFile(filepath.Join(dir, knowledge.LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	themes := filepath.Join(dir, knowledge.ThemesFile)
	b, err := os.ReadFile(themes)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(themes, []byte(strings.Replace(string(b), " fantasies,", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := rl.Reload(); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("the reload finished (%v) while a change held the folder's lock, want it to wait", err)
	case <-time.After(500 * time.Millisecond):
	}
	if err := os.MkdirAll(filepath.Join(dir, knowledge.RetiredDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "faq", "fantasies.md"), filepath.Join(dir, knowledge.RetiredDir, "fantasies.md")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("reload after the change: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the reload did not finish after the lock was released")
	}
	if _, ok := rl.Responder.Library().Corpus.Entry("fantasies"); ok {
		t.Error("the retired entry is still served")
	}
}
