package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Fingerprint is a hash of the files of the corpus directory dir that a
// load reads (the files beside faq/ and those in it), to tell whether
// anything changed since a load. Hidden files (the lock file, temporary
// files of a write) and folders such as retired/ are left out.
func Fingerprint(dir string) (string, error) {
	h := sha256.New()
	for _, sub := range []string{".", EntriesDir} {
		des, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return "", fmt.Errorf("fingerprint: %w", err)
		}
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") || de.IsDir() {
				continue
			}
			name := filepath.Join(dir, sub, de.Name())
			sum, err := fileSum(name)
			if err != nil {
				// A file that vanished or cannot be read is a change too.
				fmt.Fprintf(h, "%s/%s unreadable %v\n", sub, de.Name(), err)
				continue
			}
			fmt.Fprintf(h, "%s/%s %x\n", sub, de.Name(), sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileSum(name string) ([]byte, error) {
	f, err := os.Open(name)
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
