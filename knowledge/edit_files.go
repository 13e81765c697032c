package knowledge

// File writes that can be undone, and atomic replacement of one file.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"time"
)

// stepDone, when set (by tests), is called after each file change of an
// operation (the journal's included), to stop the process there as a
// crash would.
var stepDone func()

func afterStep() {
	if stepDone != nil {
		stepDone()
	}
}

// journalFile, in the corpus directory, says how to undo the file changes
// of the operation in progress. It is written before each change and
// removed once the operation is complete, so after a crash the next Dir to
// open the folder, or the next change, puts the folder back as it was
// before the operation: a moderator is told "done" only after the journal
// is gone.
const journalFile = ".confidant-journal.json"

// undoStep is how to undo one file change. Undoing is safe whether or not
// the change itself happened.
type undoStep struct {
	// Op is "write" (put Old back, or remove the file when it did not
	// exist) or "rename" (move To back to From).
	Op      string `json:"op"`
	Path    string `json:"path,omitempty"`
	Old     []byte `json:"old,omitempty"`
	Existed bool   `json:"existed,omitempty"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
}

// undoLog records, in memory and in the journal, how to undo each file
// change of one operation. Every file is reached through root, so nothing
// is read or written through a symbolic link that leads out of the corpus
// directory. Paths are relative to it.
type undoLog struct {
	root  *os.Root
	steps []undoStep
}

func (t *undoLog) exists(rel string) bool {
	_, err := t.root.Lstat(rel)
	return err == nil
}

// record adds step to the journal before its change is made.
func (t *undoLog) record(step undoStep) error {
	t.steps = append(t.steps, step)
	data, err := json.Marshal(t.steps)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(t.root, journalFile, data); err != nil {
		t.steps = t.steps[:len(t.steps)-1]
		return fmt.Errorf("write the journal: %w", err)
	}
	afterStep()
	return nil
}

// write replaces the file rel atomically with data.
func (t *undoLog) write(rel string, data []byte) error {
	old, err := t.root.ReadFile(rel)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := t.record(undoStep{Op: "write", Path: rel, Old: old, Existed: existed}); err != nil {
		return err
	}
	if err := writeFileAtomic(t.root, rel, data); err != nil {
		return err
	}
	afterStep()
	return nil
}

// remove deletes the file rel if it exists.
func (t *undoLog) remove(rel string) error {
	old, err := t.root.ReadFile(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.record(undoStep{Op: "write", Path: rel, Old: old, Existed: true}); err != nil {
		return err
	}
	if err := t.root.Remove(rel); err != nil {
		return err
	}
	syncDir(t.root, filepath.Dir(rel))
	afterStep()
	return nil
}

// rename moves from to to, which must not exist.
func (t *undoLog) rename(from, to string) error {
	if t.exists(to) {
		return fmt.Errorf("%s already exists", to)
	}
	if err := t.record(undoStep{Op: "rename", From: from, To: to}); err != nil {
		return err
	}
	if err := t.root.Rename(from, to); err != nil {
		return err
	}
	syncDir(t.root, filepath.Dir(from))
	syncDir(t.root, filepath.Dir(to))
	afterStep()
	return nil
}

// rollback undoes the changes, last first, then drops the journal.
func (t *undoLog) rollback() error {
	var errs []error
	for i := len(t.steps) - 1; i >= 0; i-- {
		errs = append(errs, t.undo(t.steps[i]))
	}
	if err := errors.Join(errs...); err != nil {
		return err // keep the journal: the next change tries again
	}
	return t.commit()
}

func (t *undoLog) undo(s undoStep) error {
	switch s.Op {
	case "write":
		if s.Existed {
			return writeFileAtomic(t.root, s.Path, s.Old)
		}
		if err := t.root.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	case "rename":
		if t.exists(s.To) && !t.exists(s.From) {
			return t.root.Rename(s.To, s.From)
		}
		return nil
	}
	return fmt.Errorf("journal: unknown step %q", s.Op)
}

// commit ends the operation: its changes stay.
func (t *undoLog) commit() error {
	t.steps = nil
	if err := t.root.Remove(journalFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(t.root, ".")
	return nil
}

// recoverJournal undoes an operation that a crash interrupted, if any.
// The caller holds the folder's lock.
func (t *undoLog) recoverJournal() error {
	data, err := t.root.ReadFile(journalFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the journal: %w", err)
	}
	if err := json.Unmarshal(data, &t.steps); err != nil {
		return fmt.Errorf("read the journal %s: %w", journalFile, err)
	}
	if err := t.rollback(); err != nil {
		return fmt.Errorf("undo the change a crash interrupted: %w", err)
	}
	return nil
}

// staleTemp matches the temporary files of writeFileAtomic.
var staleTemp = regexp.MustCompile(`^\..+\.[0-9]+\.tmp$`)

// staleAfter is how old a temporary file must be to be removed: one that a
// process of an older version, which does not lock, may still be writing
// is younger.
const staleAfter = time.Minute

// removeStaleTemps removes temporary files that a killed write left
// behind. The caller holds the folder's lock.
func removeStaleTemps(root *os.Root, now time.Time) {
	for _, sub := range []string{".", EntriesDir, RetiredDir} {
		des, err := fs.ReadDir(root.FS(), sub)
		if err != nil {
			continue
		}
		for _, de := range des {
			if !de.Type().IsRegular() || !staleTemp.MatchString(de.Name()) {
				continue
			}
			if info, err := de.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
				_ = root.Remove(path.Join(sub, de.Name()))
			}
		}
	}
}

// writeFileAtomic writes data to a temporary file in name's directory,
// syncs it and renames it over name, so a reader sees the old file or the
// new one, never a part. The temporary name does not end in ".md", so a
// load in between does not see it. A symbolic link at name is replaced,
// not written through.
func writeFileAtomic(root *os.Root, name string, data []byte) (err error) {
	perm := fs.FileMode(0o644)
	if st, err := root.Lstat(name); err == nil && st.Mode().IsRegular() {
		perm = st.Mode().Perm()
	}
	dir := filepath.Dir(name)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", filepath.Base(name), rand.Uint64()))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := root.Rename(tmp, name); err != nil {
		return err
	}
	syncDir(root, dir)
	return nil
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// directory; the rename has happened either way, so errors are ignored.
func syncDir(root *os.Root, dir string) {
	if d, err := root.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Export writes the embedded corpus (faq/*.md and the YAML files) into dst,
// which must be a new or empty directory, to edit it and serve it with
// --corpus.
func Export(dst string) error {
	names, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case len(names) > 0:
		return fmt.Errorf("export: %s is not empty", dst)
	}
	err = fs.WalkDir(defaultFS, ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(defaultFS, name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
