package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// smallDisk mounts a 600 KiB tmpfs for the test, or skips it where mounting
// is not allowed (not root, or in a container without the capability).
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=600k"); err != nil {
		t.Skipf("cannot mount a small disk here (%v): run as root to test a full disk", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file until the disk is full, and returns a function that
// frees the space again.
func fill(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
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
	return func() {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWritableOnFullDisk: with the database on a disk that fills up, the
// probe fails as the bot's writes do, and passes again once space is freed.
// (A read-only disk cannot be had while the database is open for writing:
// TestWritableReadOnlyDatabase stands in for it.)
func TestWritableOnFullDisk(t *testing.T) {
	ctx := context.Background()
	dir := smallDisk(t)
	s := mustOpen(t, filepath.Join(dir, "confidant.db"))
	day := storetest.Day("2025-01-01")
	for range 20 {
		if err := s.CountFeedback(ctx, "kink", true, day); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("Writable before the disk is full: %v", err)
	}

	free := fill(t, dir)
	if err := s.ShareGap(ctx, "what is a sex therapist", day); err == nil {
		t.Fatal("a write succeeded on a full disk: the test does not fill it")
	}
	if err := s.Writable(ctx); err == nil {
		t.Error("Writable = nil on a full disk")
	}
	free()
	if err := s.Writable(ctx); err != nil {
		t.Errorf("Writable once space is freed: %v", err)
	}

}
