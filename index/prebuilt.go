package index

// The embedded corpus's two Bleve indexes ship built: writing them (8,000
// phrasings and 76 entries analysed and turned into segments) was most of
// a start. data/prebuilt holds them as Bleve writes them to disk, with the
// key of what they were built from; a corpus and options that hash to that
// key open a temporary copy of them read-only, any other corpus is indexed
// in memory as before. TestShippedIndexIsCurrent fails when they are not
// what indexing the embedded corpus gives today; rewrite them with
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
	prebuiltFormat = "prebuilt3"
	// The two indexes' folders inside a prebuilt folder, and its key file.
	prebuiltEntries = "entries"
	prebuiltAsks    = "asks"
	prebuiltKeyFile = "key"
)

// prebuiltKey hashes everything the two indexes are built from: the
// format, the scoring, the synonym groups and every indexed field of every
// entry, in order.
func prebuiltKey(c *knowledge.Corpus, opts Options, groups [][]string) string {
	h := sha256.New()
	put := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	put(prebuiltFormat)
	put(opts.Scoring)
	put(strconv.Itoa(entryBatch) + "/" + strconv.Itoa(askBatch))
	put(strconv.Itoa(len(groups)))
	for _, g := range groups {
		put(strings.Join(g, "\x00"))
	}
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

// openPrebuilt opens the shipped indexes if they were built from what
// hashes to key. Bleve opens an index from a folder, so they are copied
// to a temporary one, opened read-only and the folder removed at once (the
// open files stay readable; where the system keeps the folder while its
// files are open, it is left for the system's cleaning of temporary
// files). Any failure means building instead.
func openPrebuilt(key string) (bi, ai bleve.Index, ok bool) {
	want, err := fs.ReadFile(prebuiltFS, prebuiltDir+"/"+prebuiltKeyFile)
	if err != nil || strings.TrimSpace(string(want)) != key {
		return nil, nil, false
	}
	dir, err := os.MkdirTemp("", "confidant-index-")
	if err != nil {
		return nil, nil, false
	}
	defer os.RemoveAll(dir)
	files, err := fs.Sub(prebuiltFS, prebuiltDir)
	if err != nil || os.CopyFS(dir, files) != nil {
		return nil, nil, false
	}
	readOnly := map[string]any{"read_only": true}
	if bi, err = bleve.OpenUsing(filepath.Join(dir, prebuiltEntries), readOnly); err != nil {
		return nil, nil, false
	}
	if ai, err = bleve.OpenUsing(filepath.Join(dir, prebuiltAsks), readOnly); err != nil {
		bi.Close()
		return nil, nil, false
	}
	return bi, ai, true
}

// writePrebuilt writes the two indexes of c, and their key, into dir,
// which must not exist yet.
func writePrebuilt(c *knowledge.Corpus, opts Options, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	m, groups, err := newMapping(c, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bi, ai, err := newPair(m, filepath.Join(dir, prebuiltEntries), filepath.Join(dir, prebuiltAsks))
	if err != nil {
		return err
	}
	errWrite := writeCorpus(bi, ai, c, groups)
	if err := errors.Join(errWrite, bi.Close(), ai.Close()); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, prebuiltKeyFile), []byte(prebuiltKey(c, opts, groups)+"\n"), 0o644)
}
