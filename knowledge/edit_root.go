package knowledge

// Loading a corpus folder without leaving it.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// errNotRegular is the reason a name in the folder that is neither a
// regular file nor a folder (a named pipe, a device) is not read.
var errNotRegular = errors.New("not a regular file")

// LoadRoot is LoadDir confined to the folder dir with os.Root: a symbolic
// link is followed only while it stays inside the folder, and a name that
// leads to anything but a regular file or a folder (a named pipe, a
// device) is not read. Either is reported as unreadable, under its name in
// the folder. Dir and the bot's reloader load through it.
func LoadRoot(dir string) (*Corpus, Report, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, Report{}, fmt.Errorf("corpus directory: %w", err)
	}
	defer root.Close()
	return Load(rootFS{root.FS()})
}

// rootFS is the fs.FS of an os.Root that refuses what is not a regular
// file or a folder before opening it.
type rootFS struct{ fsys fs.FS }

var (
	_ fs.ReadFileFS = rootFS{}
	_ fs.ReadDirFS  = rootFS{}
	_ fs.StatFS     = rootFS{}
)

func (r rootFS) check(name string) error {
	fi, err := fs.Stat(r.fsys, name) // follows links inside the root only
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	return nil
}

func (r rootFS) Open(name string) (fs.File, error) {
	if err := r.check(name); err != nil {
		return nil, err
	}
	return r.fsys.Open(name)
}

func (r rootFS) ReadFile(name string) ([]byte, error) {
	if err := r.check(name); err != nil {
		return nil, err
	}
	return fs.ReadFile(r.fsys, name)
}

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.fsys, name) }

func (r rootFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(r.fsys, name) }
