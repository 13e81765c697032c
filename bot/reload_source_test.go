package bot_test

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/knowledge"
)

// mapSource is a corpus kept in memory, standing for a database.
type mapSource struct {
	mu    sync.Mutex
	files fstest.MapFS
	fp    string
	err   error
}

func (s *mapSource) Snapshot() (fs.FS, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.files, s.fp, s.err
}

// set replaces the title line of entry id, under a new fingerprint.
func (s *mapSource) set(t *testing.T, id, title, fp string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	files := fstest.MapFS{}
	for name, f := range s.files {
		files[name] = f
	}
	name := knowledge.EntriesDir + "/" + id + ".md"
	lines := strings.Split(string(files[name].Data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "title:") {
			lines[i] = "title: \"" + title + "\""
			break
		}
	}
	files[name] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}
	s.files, s.fp = files, fp
}

func newMapSource(t *testing.T) *mapSource {
	files := fstest.MapFS{}
	err := fs.WalkDir(knowledge.DefaultFS(), ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		data, err := fs.ReadFile(knowledge.DefaultFS(), name)
		files[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &mapSource{files: files, fp: "v1"}
}

// TestReloadFromSource: a Reloader serves a corpus kept elsewhere than a
// folder, builds nothing for files it already serves, keeps its corpus
// while the source cannot be read, and Trigger reloads without waiting.
func TestReloadFromSource(t *testing.T) {
	src := newMapSource(t)
	rl := &bot.Reloader{Source: src, Responder: bottest.MustResponder(t), Options: bottest.ReloadOptions(), Metrics: metrics.New()}
	rl.Serving("v1", knowledge.Report{})
	if _, err := rl.Reload(); err != nil {
		t.Fatalf("Reload of the files already served: %v", err)
	}
	if got := reloadCount(t, rl.Metrics, "ok"); got != 0 {
		t.Errorf("%d index builds for the files already served, want 0", got)
	}

	src.set(t, "vaginismus", "Source two: what is vaginismus?", "v2")
	if _, err := rl.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	title := func() string { e, _ := rl.Responder.Library().Corpus.Entry("vaginismus"); return e.Title }
	if got, want := title(), "Source two: what is vaginismus?"; got != want {
		t.Fatalf("title = %q, want %q", got, want)
	}

	down := errors.New("connect: connection refused")
	src.mu.Lock()
	src.err = down
	src.mu.Unlock()
	if _, err := rl.Reload(); !errors.Is(err, down) {
		t.Errorf("Reload of a source that cannot be read: err = %v, want its error", err)
	}
	if _, ok := rl.LastReload(); ok {
		t.Error("LastReload says the failed reload succeeded")
	}
	if got, want := title(), "Source two: what is vaginismus?"; got != want {
		t.Errorf("title while the source cannot be read = %q, want the last one served, %q", got, want)
	}

	src.mu.Lock()
	src.err = nil
	src.mu.Unlock()
	src.set(t, "vaginismus", "Source three: what is vaginismus?", "v3")
	rl.Trigger()
	bottest.WaitFor(t, "a triggered reload", func() bool { return title() == "Source three: what is vaginismus?" })
}
