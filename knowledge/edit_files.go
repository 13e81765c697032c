package knowledge

// File writes that can be undone, and atomic replacement of one file.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// undoLog remembers how to undo each file change of one operation.
type undoLog struct{ steps []func() error }

// write replaces name atomically with data.
func (t *undoLog) write(name string, data []byte) error {
	old, err := os.ReadFile(name)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := writeFileAtomic(name, data); err != nil {
		return err
	}
	t.steps = append(t.steps, func() error {
		if existed {
			return writeFileAtomic(name, old)
		}
		return os.Remove(name)
	})
	return nil
}

// remove deletes name if it exists.
func (t *undoLog) remove(name string) error {
	old, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.Remove(name); err != nil {
		return err
	}
	t.steps = append(t.steps, func() error { return writeFileAtomic(name, old) })
	return nil
}

// rename moves from to to, which must not exist.
func (t *undoLog) rename(from, to string) error {
	if exists(to) {
		return fmt.Errorf("%s already exists", to)
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(from))
	syncDir(filepath.Dir(to))
	t.steps = append(t.steps, func() error { return os.Rename(to, from) })
	return nil
}

// rollback undoes the changes, last first.
func (t *undoLog) rollback() error {
	var errs []error
	for i := len(t.steps) - 1; i >= 0; i-- {
		errs = append(errs, t.steps[i]())
	}
	t.steps = nil
	return errors.Join(errs...)
}

// writeFileAtomic writes data to a temporary file in name's directory,
// syncs it and renames it over name, so a reader sees the old file or the
// new one, never a part. The temporary name does not end in ".md", so a
// load in between does not see it.
func writeFileAtomic(name string, data []byte) (err error) {
	perm := fs.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		perm = st.Mode().Perm()
	}
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
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
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// directory; the rename has happened either way, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
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
