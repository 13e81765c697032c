package cluster

// The corpus kept in the database: what moderators change and what every
// process serves.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
)

// Files is the corpus as the database keeps it (package postgres).
type Files interface {
	// CorpusFiles returns every file by path, as one snapshot.
	CorpusFiles(ctx context.Context) (map[string]store.CorpusFile, error)
	// CorpusFileVersion returns the version of one file, or
	// store.ErrNotFound.
	CorpusFileVersion(ctx context.Context, path string) (int64, error)
	// ChangeCorpus runs change on the current files in a transaction that
	// every change of every process serialises on, and writes the files it
	// returns (those left out are deleted) unless it fails.
	ChangeCorpus(ctx context.Context, change func(map[string]store.CorpusFile) (map[string]string, error)) (changed bool, err error)
}

// ErrNoCorpus reports a database that holds no corpus (none was imported).
var ErrNoCorpus = errors.New("the database holds no corpus: import one with confidant corpus import DIR")

// Corpus is a corpus kept in a database that several processes share. It
// is what moderators change (the methods of knowledge.Dir) and what a
// bot.Reloader serves (Snapshot).
//
// A change is one transaction of the database, checked exactly as a change
// of a corpus folder is: the current files are written to a scratch
// folder, knowledge.Dir makes the change there (its lint, its version
// check, its retire and restore), the result must load and pass Check (the
// crisis canaries), and only then are the files written back, before the
// transaction commits. Two processes changing the same entry at once are
// serialised by the database: the second sees the first's version and is
// refused with knowledge.ErrChanged.
//
// Versions given by Version are the database's: the number of the change
// that last wrote the entry's file.
type Corpus struct {
	files Files
	check func(*knowledge.Corpus) error
	// work is this Corpus's scratch folder, emptied for each change.
	work string
	mu   sync.Mutex // one change at a time in work
	// unread is set while the last Snapshot failed, so that Follow tries
	// again.
	unread atomic.Bool
}

// Timeouts of the database calls. A change may wait for another process's
// change (the store's lock timeout bounds that) and loads the corpus a few
// times.
const (
	readTimeout   = 10 * time.Second
	changeTimeout = 60 * time.Second
)

// NewCorpus serves and changes the corpus that files keeps. check vets a
// changed corpus before it is saved, beyond loading (bot.CheckCorpus). Close
// removes its scratch folder.
func NewCorpus(files Files, check func(*knowledge.Corpus) error) (*Corpus, error) {
	work, err := os.MkdirTemp("", "confidant-corpus-")
	if err != nil {
		return nil, fmt.Errorf("corpus scratch folder: %w", err)
	}
	return &Corpus{files: files, check: check, work: work}, nil
}

// Close removes the scratch folder.
func (c *Corpus) Close() error { return os.RemoveAll(c.work) }

// Path is the scratch folder, which error texts of a change may name.
func (c *Corpus) Path() string { return c.work }

// Snapshot returns the files as they are now, with a fingerprint of their
// paths and contents. A database without a corpus is ErrNoCorpus: an empty
// corpus is never served.
func (c *Corpus) Snapshot() (fs.FS, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	files, err := c.files.CorpusFiles(ctx)
	if err == nil && len(files) == 0 {
		err = ErrNoCorpus
	}
	c.unread.Store(err != nil)
	if err != nil {
		return nil, "", err
	}
	fsys := fstest.MapFS{} // an in-memory file system, whatever its package's name says
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		content := files[name].Content
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
		fmt.Fprintf(h, "%q %d\n%s", name, len(content), content)
	}
	return fsys, hex.EncodeToString(h.Sum(nil)), nil
}

// Version identifies the current content of entry id: give it back to Edit
// to detect a change made in between, by any process.
func (c *Corpus) Version(id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	v, err := c.files.CorpusFileVersion(ctx, entryFile(id))
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("entry %q: %w", id, knowledge.ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(v, 10), nil
}

func entryFile(id string) string { return knowledge.EntriesDir + "/" + id + ".md" }

// Add is knowledge.Dir.Add, saved in the database.
func (c *Corpus) Add(dr knowledge.Draft, now time.Time) (knowledge.Report, error) {
	return c.change(func(_ map[string]store.CorpusFile, d *knowledge.Dir) (knowledge.Report, error) {
		return d.Add(dr, now)
	})
}

// Edit is knowledge.Dir.Edit, saved in the database: baseVersion is what
// Version returned when the moderator opened the entry, checked in the
// transaction that saves the change.
func (c *Corpus) Edit(dr knowledge.Draft, baseVersion string, now time.Time) (knowledge.Report, error) {
	return c.change(func(files map[string]store.CorpusFile, d *knowledge.Dir) (knowledge.Report, error) {
		f, ok := files[entryFile(dr.ID)]
		if !ok {
			return knowledge.Report{}, fmt.Errorf("edit: entry %q: %w", dr.ID, knowledge.ErrNotFound)
		}
		if strconv.FormatInt(f.Version, 10) != baseVersion {
			return knowledge.Report{}, fmt.Errorf("edit %s: %w", dr.ID, knowledge.ErrChanged)
		}
		cur, err := d.Version(dr.ID)
		if err != nil {
			return knowledge.Report{}, fmt.Errorf("edit: %w", err)
		}
		return d.Edit(dr, cur, now)
	})
}

// Retire is knowledge.Dir.Retire, saved in the database.
func (c *Corpus) Retire(id string) error {
	_, err := c.change(func(_ map[string]store.CorpusFile, d *knowledge.Dir) (knowledge.Report, error) {
		return knowledge.Report{}, d.Retire(id)
	})
	return err
}

// Restore is knowledge.Dir.Restore, saved in the database.
func (c *Corpus) Restore(id string) error {
	_, err := c.change(func(_ map[string]store.CorpusFile, d *knowledge.Dir) (knowledge.Report, error) {
		return knowledge.Report{}, d.Restore(id)
	})
	return err
}

// change makes op's change to the current files in the scratch folder and
// saves the result, all in one transaction of the database.
func (c *Corpus) change(op func(map[string]store.CorpusFile, *knowledge.Dir) (knowledge.Report, error)) (knowledge.Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), changeTimeout)
	defer cancel()
	var report knowledge.Report
	_, err := c.files.ChangeCorpus(ctx, func(files map[string]store.CorpusFile) (map[string]string, error) {
		if len(files) == 0 {
			return nil, ErrNoCorpus
		}
		dir, err := c.scratch(files)
		if err != nil {
			return nil, err
		}
		d, err := knowledge.OpenDir(dir)
		if err != nil {
			return nil, err
		}
		if report, err = op(files, d); err != nil {
			return nil, err
		}
		return vet(dir, c.check)
	})
	return report, err
}

// scratch writes files into an empty folder inside work.
func (c *Corpus) scratch(files map[string]store.CorpusFile) (string, error) {
	dir := filepath.Join(c.work, "corpus")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("corpus scratch folder: %w", err)
	}
	contents := make(map[string]string, len(files))
	for name, f := range files {
		contents[name] = f.Content
	}
	return dir, WriteFolder(dir, contents)
}

// vet loads the corpus folder dir and checks it, and returns its files
// when both pass.
func vet(dir string, check func(*knowledge.Corpus) error) (map[string]string, error) {
	corpus, _, err := knowledge.LoadRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	if check != nil {
		if err := check(corpus); err != nil {
			return nil, fmt.Errorf("refused: %w", err)
		}
	}
	return ReadFolder(dir)
}

// Import replaces the corpus in the database with the corpus folder dir,
// which must load and pass check, as any change must. It reports how many
// files it added, changed and removed.
func Import(ctx context.Context, files Files, dir string, check func(*knowledge.Corpus) error) (added, changed, removed int, err error) {
	next, err := vet(dir, check)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("import %s: %w", dir, err)
	}
	_, err = files.ChangeCorpus(ctx, func(cur map[string]store.CorpusFile) (map[string]string, error) {
		added, changed, removed = 0, 0, 0
		for name, content := range next {
			if f, ok := cur[name]; !ok {
				added++
			} else if f.Content != content {
				changed++
			}
		}
		for name := range cur {
			if _, ok := next[name]; !ok {
				removed++
			}
		}
		return next, nil
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("import %s: %w", dir, err)
	}
	return added, changed, removed, nil
}

// Export writes the corpus in the database into dir, a new or empty
// folder.
func Export(ctx context.Context, files Files, dir string) error {
	all, err := files.CorpusFiles(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(all) == 0 {
		return fmt.Errorf("export: %w", ErrNoCorpus)
	}
	contents := make(map[string]string, len(all))
	for name, f := range all {
		contents[name] = f.Content
	}
	if err := WriteFolder(dir, contents); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
