package index

// The embedded corpus's Bleve index of whole entries ships built: writing
// it (76 entries analysed and turned into segments) was a good part of a
// start. data/prebuilt holds it as Bleve writes it to disk, with the key of
// what it was built from; a corpus that hashes to that key opens a
// temporary copy of it read-only, any other corpus is indexed in memory.
// (The phrasings' index, phrasings.go, is built at every start, with the
// term sets, from the same analysis.) TestShippedIndexIsCurrent fails when
// it is not what indexing the embedded corpus gives today; rewrite it with
//
//	CONFIDANT_WRITE_INDEX=1 go test ./index -run ShippedIndexIsCurrent

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/confidant-bot/confidant/knowledge"
)

//go:embed all:data/prebuilt
var prebuiltFS embed.FS

const (
	prebuiltDir = "data/prebuilt"
	// prebuiltFormat is part of the key: change it whenever the analyzer
	// or the mapping changes what is indexed (TestShippedIndexIsCurrent
	// compares every posting of every field, so a forgotten change fails).
	prebuiltFormat = "prebuilt4"
	// The index's folder inside a prebuilt folder, and its key file.
	prebuiltEntries = "entries"
	prebuiltKeyFile = "key"
)

// prebuiltKey hashes everything the entries index is built from: the
// format, the batch size and every indexed field of every entry, in order.
func prebuiltKey(c *knowledge.Corpus) string {
	h := sha256.New()
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	put(prebuiltFormat)
	put(strconv.Itoa(entryBatch))
	put(strconv.Itoa(len(c.Entries)))
	for _, e := range c.Entries {
		put(e.ID)
		put(e.Title)
		put(strconv.Itoa(len(e.Questions)))
		for _, q := range e.Questions {
			put(q)
		}
		put(strings.Join(e.Tags, ", "))
		put(e.Body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// openPrebuilt opens the shipped index if it was built from what hashes
// to key. Bleve opens an index from a folder, so it is copied to a
// temporary one, opened read-only and the folder removed at once (the open
// files stay readable; where the system keeps the folder while its files
// are open, it is left for the system's cleaning of temporary files). Any
// failure means building instead.
func openPrebuilt(key string) (bi bleve.Index, ok bool) {
	want, err := fs.ReadFile(prebuiltFS, prebuiltDir+"/"+prebuiltKeyFile)
	if err != nil || strings.TrimSpace(string(want)) != key {
		return nil, false
	}
	dir, err := os.MkdirTemp("", "confidant-index-")
	if err != nil {
		return nil, false
	}
	defer os.RemoveAll(dir)
	files, err := fs.Sub(prebuiltFS, prebuiltDir)
	if err != nil || os.CopyFS(dir, files) != nil {
		return nil, false
	}
	if bi, err = bleve.OpenUsing(filepath.Join(dir, prebuiltEntries), map[string]any{"read_only": true}); err != nil {
		return nil, false
	}
	return bi, true
}

// writePrebuilt writes the entries index of c, and its key, into dir,
// which must not exist yet.
func writePrebuilt(c *knowledge.Corpus, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bi, err := newEntriesIndex(filepath.Join(dir, prebuiltEntries))
	if err != nil {
		return err
	}
	if err := errors.Join(writeEntries(bi, c), bi.Close()); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, prebuiltKeyFile), []byte(prebuiltKey(c)+"\n"), 0o644)
}
