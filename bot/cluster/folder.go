package cluster

// Corpus files to and from a folder.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/confidant-bot/confidant/bot/store"
)

// ReadFolder reads the corpus files of the folder dir, by slash-separated
// path: every regular file in it and its sub-folders (faq/, retired/)
// except hidden ones (the folder's lock files, journal and temporary
// files). Like knowledge.LoadRoot it reads nothing outside the folder, and
// a file it cannot read, or that is not a regular file, is an error naming
// it.
func ReadFolder(dir string) (map[string]string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus folder: %w", err)
	}
	defer root.Close()
	files := map[string]string{}
	err = fs.WalkDir(root.FS(), ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(de.Name(), ".") {
			if de.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if de.IsDir() {
			return nil
		}
		if !de.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", name)
		}
		data, err := root.ReadFile(name)
		if err != nil {
			return err
		}
		if err := store.CheckCorpusFile(name, string(data)); err != nil {
			return err
		}
		files[name] = string(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus folder: %w", err)
	}
	return files, nil
}

// WriteFolder writes files into dir, which must be new or empty.
func WriteFolder(dir string, files map[string]string) error {
	names, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write corpus folder: %w", err)
		}
	case err != nil:
		return fmt.Errorf("write corpus folder: %w", err)
	case len(names) > 0:
		return fmt.Errorf("write corpus folder: %s is not empty", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("write corpus folder: %w", err)
	}
	defer root.Close()
	for name, content := range files {
		if err := store.CheckCorpusFile(name, content); err != nil {
			return fmt.Errorf("write corpus folder: %w", err)
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("write corpus folder: %w", err)
			}
		}
		if err := root.WriteFile(name, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write corpus folder: %w", err)
		}
	}
	return nil
}
