package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Fingerprint is a hash of the files of the corpus directory dir that a
// load reads (the files beside faq/ and those in it), to tell whether
// anything changed since a load. Hidden files (the lock files, the journal,
// temporary files of a write) and folders such as retired/ are left out.
// Like LoadRoot, it reads nothing outside the folder and no special file.
func Fingerprint(dir string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	defer root.Close()
	fsys := rootFS{root.FS()}
	h := sha256.New()
	for _, sub := range []string{".", EntriesDir} {
		des, err := fs.ReadDir(fsys, sub)
		if err != nil {
			return "", fmt.Errorf("fingerprint: %w", err)
		}
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") || de.IsDir() {
				continue
			}
			name := path.Join(sub, de.Name())
			sum, err := fileSum(fsys, name)
			if err != nil {
				// A file that cannot be read is a state too: the load
				// reports it, and a change to it is a change.
				fmt.Fprintf(h, "%s unreadable %v\n", name, err)
				continue
			}
			fmt.Fprintf(h, "%s %x\n", name, sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileSum(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
