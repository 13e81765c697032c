package knowledge

// The lock of a corpus directory, shared by every process that uses it.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the file in a corpus directory that Confidant locks: a
// change (Dir) holds it exclusively from its version check to its last
// write, and a load (ReadLock) holds it shared, so that two processes
// sharing the folder never both save over the same version and a load never
// sees a change half made. Its content is irrelevant; keep it out of git.
const LockFile = ".confidant.lock"

// ErrBusy means the corpus directory stayed locked by another change for
// longer than a change takes; nothing was written.
var ErrBusy = errors.New("the corpus folder is busy with another change; try again in a moment")

// lockWait is how long a change or a load waits for the lock. A change
// holds it for two loads of the corpus at most.
const lockWait = 30 * time.Second

// ReadLock takes the lock of the corpus directory dir shared, for a load
// that must not see a change half made. Call unlock when the files have
// been read. When the lock file cannot be created (a read-only folder,
// which no one can change either), it returns a no-op unlock.
func ReadLock(dir string) (unlock func(), err error) {
	return lockDir(dir, false)
}

// lock takes the directory's lock for a change.
func (d *Dir) lock() (unlock func(), err error) {
	return lockDir(d.path, true)
}

func lockDir(dir string, exclusive bool) (func(), error) {
	name := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil && !exclusive {
		if f, err = os.Open(name); err != nil {
			return func() {}, nil // nothing can write here either
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock the corpus folder: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 20*time.Millisecond) {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock the corpus folder: %w", err)
		}
		if ok {
			return func() { unlockFile(f); f.Close() }, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, ErrBusy
		}
		time.Sleep(wait)
	}
}
