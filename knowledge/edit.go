package knowledge

// Dir: the corpus directory that moderators change (add, edit, retire,
// restore), each change checked to load before it stays.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// RetiredDir is the folder of a corpus directory, beside faq, that holds
// retired entries. It is not loaded.
const RetiredDir = "retired"

// retiredThemesFile, inside RetiredDir, remembers where retired entries were
// listed in themes.yaml so that Restore can put them back.
const retiredThemesFile = "themes.yaml"

// Errors that callers of Dir test for.
var (
	// ErrChanged means the entry was changed by someone else after the
	// moderator opened it; nothing was written.
	ErrChanged = errors.New("changed since you opened it")
	// ErrNotFound means there is no entry with that id.
	ErrNotFound = errors.New("no such entry")
	// ErrExists means the id is already taken by an active or retired entry.
	ErrExists = errors.New("an entry with that id already exists")
	// ErrProtected means the safety triage names the entry, so it cannot be
	// retired.
	ErrProtected = errors.New("the safety triage needs this entry")
)

// Dir is a corpus directory that moderators change. Its methods are safe
// for concurrent use and serialise their writes, also with other Dir values
// and other processes on the same folder (the folder's LockFile): the
// version is checked again under the lock, so of two edits made from the
// same version only the first is written. Each write is atomic, and a
// change that would leave the directory unable to load is undone.
type Dir struct {
	path string
	mu   sync.Mutex
}

// OpenDir opens the corpus directory path, which must load. It first
// puts back a change that a crash interrupted (see journalFile) and removes
// the temporary files of writes that a kill cut short.
func OpenDir(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("corpus directory: %w", err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s is not a directory", abs)
		}
		return nil, fmt.Errorf("corpus directory: %w", err)
	}
	d := &Dir{path: abs}
	// Beginning a change takes the lock, which creates the lock file (so
	// that it is part of the folder from the start rather than appearing
	// with a change), and undoes an interrupted change.
	t, end, err := d.begin()
	if err != nil {
		return nil, err
	}
	removeStaleTemps(t.root, time.Now())
	end()
	if _, _, err := LoadRoot(abs); err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	return d, nil
}

// begin takes the folder's lock for a change, opens the folder as an
// os.Root and puts back a change that a crash interrupted. Call end when
// the change is over.
func (d *Dir) begin() (t *undoLog, end func(), err error) {
	unlock, err := d.lock()
	if err != nil {
		return nil, nil, err
	}
	root, err := os.OpenRoot(d.path)
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("corpus directory: %w", err)
	}
	end = func() { root.Close(); unlock() }
	t = &undoLog{root: root}
	if err := t.recoverJournal(); err != nil {
		end()
		return nil, nil, err
	}
	return t, end, nil
}

// Path is the absolute path of the directory.
func (d *Dir) Path() string { return d.path }

// activeFile and retiredFile are where entry id lives, relative to the
// directory.
func activeFile(id string) string  { return filepath.Join(EntriesDir, id+".md") }
func retiredFile(id string) string { return filepath.Join(RetiredDir, id+".md") }

// Version identifies the current content of entry id: give it back to Edit
// to detect a change made in between.
func (d *Dir) Version(id string) (string, error) {
	root, err := os.OpenRoot(d.path)
	if err != nil {
		return "", fmt.Errorf("corpus directory: %w", err)
	}
	defer root.Close()
	return versionIn(root, id)
}

func versionIn(root *os.Root, id string) (string, error) {
	if !slugRE.MatchString(id) {
		return "", fmt.Errorf("entry %q: %w", id, ErrNotFound)
	}
	data, err := root.ReadFile(activeFile(id))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("entry %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	return version(data), nil
}

func version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Add writes a new entry reviewed now. It refuses an id in use, active or
// retired (ErrExists), and an invalid draft (*ValidationError); either way
// it writes nothing and the report holds every problem.
func (d *Dir) Add(dr Draft, now time.Time) (Report, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, end, err := d.begin()
	if err != nil {
		return Report{}, fmt.Errorf("add: %w", err)
	}
	defer end()
	c, _, err := LoadRoot(d.path)
	if err != nil {
		return Report{}, fmt.Errorf("load corpus: %w", err)
	}
	r := ValidateDraft(c, dr, now)
	id := dr.id()
	_, taken := c.Entry(id)
	if slugRE.MatchString(id) && t.exists(retiredFile(id)) {
		r.errorf(dr.file(), 0, "id %q belongs to a retired entry: restore it, or choose another id", id)
		taken = true
	}
	if taken {
		return r, fmt.Errorf("add %s: %w", id, ErrExists)
	}
	if r.Errors() > 0 {
		return r, &ValidationError{Report: r}
	}
	if err := t.write(activeFile(id), dr.Render(now)); err != nil {
		return r, d.undo(t, fmt.Errorf("add %s: %w", id, err))
	}
	if lr, err := d.checkLoads(t); err != nil {
		return lr, err
	}
	return r, nil
}

// Edit replaces entry dr.ID with the draft, reviewed now. baseVersion is
// what Version returned when the moderator opened the entry: if the file
// has changed since, Edit returns ErrChanged. An invalid draft gives a
// *ValidationError and a report of every problem. On any error nothing is
// written.
func (d *Dir) Edit(dr Draft, baseVersion string, now time.Time) (Report, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, end, err := d.begin()
	if err != nil {
		return Report{}, fmt.Errorf("edit: %w", err)
	}
	defer end()
	// Read under the lock: another process may have written since the
	// moderator opened the entry, or since this call began.
	id := dr.id()
	cur, err := versionIn(t.root, id)
	if err != nil {
		return Report{}, fmt.Errorf("edit: %w", err)
	}
	if cur != baseVersion {
		return Report{}, fmt.Errorf("edit %s: %w", id, ErrChanged)
	}
	c, _, err := LoadRoot(d.path)
	if err != nil {
		return Report{}, fmt.Errorf("load corpus: %w", err)
	}
	r := ValidateEdit(c, dr, now)
	if r.Errors() > 0 {
		return r, &ValidationError{Report: r}
	}
	if err := t.write(activeFile(id), dr.Render(now)); err != nil {
		return r, d.undo(t, fmt.Errorf("edit %s: %w", id, err))
	}
	if lr, err := d.checkLoads(t); err != nil {
		return lr, err
	}
	return r, nil
}

// Retire moves faq/<id>.md to retired/<id>.md and takes the id out of
// themes.yaml, remembering its place for Restore. Nothing is deleted. The
// entries the safety triage names cannot be retired (ErrProtected).
func (d *Dir) Retire(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, end, err := d.begin()
	if err != nil {
		return fmt.Errorf("retire: %w", err)
	}
	defer end()
	if !slugRE.MatchString(id) {
		return fmt.Errorf("retire %q: %w", id, ErrNotFound)
	}
	c, _, err := LoadRoot(d.path)
	if err != nil {
		return fmt.Errorf("load corpus: %w", err)
	}
	if _, ok := c.Entry(id); !ok {
		return fmt.Errorf("retire %s: %w", id, ErrNotFound)
	}
	if triageNeeds(c.Triage, id) {
		return fmt.Errorf("retire %s: %w", id, ErrProtected)
	}
	if t.exists(retiredFile(id)) {
		return fmt.Errorf("retire %s: %s already holds an entry with that id", id, RetiredDir)
	}
	// Every step leaves a folder that loads: the entry leaves themes.yaml
	// (remembered in retired/themes.yaml) before its file moves, so it is
	// never listed without existing.
	if err := d.retireFromThemes(t, id); err != nil {
		return d.undo(t, fmt.Errorf("retire %s: %w", id, err))
	}
	if err := t.root.MkdirAll(RetiredDir, 0o755); err != nil {
		return d.undo(t, fmt.Errorf("retire %s: %w", id, err))
	}
	if err := t.rename(activeFile(id), retiredFile(id)); err != nil {
		return d.undo(t, fmt.Errorf("retire %s: %w", id, err))
	}
	_, err = d.checkLoads(t)
	return err
}

// Restore brings a retired entry back, with its place in themes.yaml. It
// refuses when an active entry has the id (ErrExists).
func (d *Dir) Restore(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, end, err := d.begin()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer end()
	if !slugRE.MatchString(id) || !t.exists(retiredFile(id)) {
		return fmt.Errorf("restore %q: %w", id, ErrNotFound)
	}
	if t.exists(activeFile(id)) {
		return fmt.Errorf("restore %s: %w", id, ErrExists)
	}
	// Every step leaves a folder that loads: the file moves back before
	// themes.yaml lists it again.
	if err := t.rename(retiredFile(id), activeFile(id)); err != nil {
		return d.undo(t, fmt.Errorf("restore %s: %w", id, err))
	}
	if err := d.restoreToThemes(t, id); err != nil {
		return d.undo(t, fmt.Errorf("restore %s: %w", id, err))
	}
	_, err = d.checkLoads(t)
	return err
}

// checkLoads loads the directory after a change and undoes the change when
// it does not load; otherwise the change is complete.
func (d *Dir) checkLoads(t *undoLog) (Report, error) {
	_, r, err := LoadRoot(d.path)
	if err != nil {
		return r, d.undo(t, fmt.Errorf("the corpus would not load, so the change was undone: %w", err))
	}
	if err := t.commit(); err != nil {
		return r, fmt.Errorf("finish the change: %w", err)
	}
	return r, nil
}

// undo puts back what t changed, and returns err with any failure to.
func (d *Dir) undo(t *undoLog, err error) error {
	if uerr := t.rollback(); uerr != nil {
		err = errors.Join(err, fmt.Errorf("undo: %w", uerr))
	}
	return err
}

// triageNeeds reports whether the triage shows entry id for a crisis or
// redirects to it.
func triageNeeds(tr TriageRules, id string) bool {
	for _, e := range tr.CrisisEntries {
		if e == id {
			return true
		}
	}
	for _, e := range tr.Past.Redirect {
		if e == id {
			return true
		}
	}
	return false
}

// themePlace is where a retired entry was listed in themes.yaml.
