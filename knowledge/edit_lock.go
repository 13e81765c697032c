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
// sees a change half made. Its content is irrelevant; keep it (and
// .confidant.queue) out of git.
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

// queueFile is locked, exclusively and briefly, by whoever waits for
// LockFile: the holder of LockFile must queue there too before taking it
// again, so a change made again and again cannot starve a load (or the
// other way round).
const queueFile = ".confidant.queue"

func lockDir(dir string, exclusive bool) (func(), error) {
	lock, err := openLockFile(filepath.Join(dir, LockFile), exclusive)
	if lock == nil {
		return func() {}, err
	}
	deadline := time.Now().Add(lockWait)
	queue, _ := openLockFile(filepath.Join(dir, queueFile), false)
	if queue != nil {
		defer queue.Close()
		if err := waitLock(queue, true, deadline); err != nil {
			lock.Close()
			return nil, err
		}
		defer unlockFile(queue)
	}
	if err := waitLock(lock, exclusive, deadline); err != nil {
		lock.Close()
		return nil, err
	}
	return func() { unlockFile(lock); lock.Close() }, nil
}

// openLockFile opens (creating) a lock file. A load may go without: it
// gets nil and no error when the file cannot be created, as in a read-only
// folder that no one can change either.
func openLockFile(name string, required bool) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		return f, nil
	}
	if f, err2 := os.Open(name); err2 == nil {
		return f, nil
	}
	if !required {
		return nil, nil
	}
	return nil, fmt.Errorf("lock the corpus folder: %w", err)
}

// waitLock takes the flock on f, trying until deadline.
func waitLock(f *os.File, exclusive bool, deadline time.Time) error {
	for wait := time.Millisecond; ; wait = min(2*wait, 20*time.Millisecond) {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			return fmt.Errorf("lock the corpus folder: %w", err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return ErrBusy
		}
		time.Sleep(wait)
	}
}
