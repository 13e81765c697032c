package store

// The corpus files, when processes share them through the database.

import (
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// CorpusFile is one file of a corpus kept in a database: its text, and the
// version of that text, which grows each time the file changes (it is the
// number of the change that last wrote it).
type CorpusFile struct {
	Content string
	Version int64
}

// CheckCorpusFile refuses what a database cannot keep or a corpus folder
// cannot hold: a path that is not a clean relative slash-separated path
// (fs.ValidPath), a hidden name, or text that is not valid UTF-8 or holds
// a NUL byte. The error wraps ErrInvalid and names the path.
func CheckCorpusFile(path, content string) error {
	switch {
	case !fs.ValidPath(path) || path == ".":
		return fmt.Errorf("corpus file %q: %w: not a relative slash-separated path", path, ErrInvalid)
	case strings.HasPrefix(path, ".") || strings.Contains(path, "/."):
		return fmt.Errorf("corpus file %q: %w: hidden names are not part of a corpus", path, ErrInvalid)
	case !utf8.ValidString(content) || strings.ContainsRune(content, 0):
		return fmt.Errorf("corpus file %q: %w: not UTF-8 text", path, ErrInvalid)
	}
	return nil
}
