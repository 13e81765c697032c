package bot_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func setTitle(t *testing.T, dir, id, title string) {
	t.Helper()
	p := filepath.Join(dir, "faq", id+".md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "title:") {
			lines[i] = "title: \"" + title + "\""
			break
		}
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReloadUnderLoad asks questions continuously while good and bad
// reloads happen: no error, no torn answer, and a bad corpus never served.
func TestReloadUnderLoad(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	r := rl.Responder
	questions := []string{"is sex therapy confidential", "what is vaginismus", "how do I find a sex therapist", "I want to kill myself", "how many mg of viagra", "weather tomorrow"}
	stop := make(chan struct{})
	var asked atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ { // two askers: under -race on 2 cores, more starve the reloads
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				rep := r.Respond(context.Background(), questions[i%len(questions)])
				asked.Add(1)
				if rep.Category == "error" {
					t.Errorf("error reply during reload: %s", rep.Reason)
				}
				if rep.Entry != nil {
					if rep.Entry.Title == "" || len(rep.Entry.Sources) == 0 || rep.Title() != rep.Entry.Title {
						t.Errorf("torn answer: %+v", rep.Entry)
					}
				}
			}
		}(g)
	}
	for n := 0; n < 6; n++ {
		setTitle(t, dir, "confidentiality", "Version "+string(rune('A'+n))+": will a sex therapist keep what I say private?")
		if _, err := rl.Reload(); err != nil {
			t.Fatalf("good reload %d: %v", n, err)
		}
		served := r.Library()
		bad := filepath.Join(dir, "faq", "broken.md")
		os.WriteFile(bad, []byte("---\nid: [oops\n---\n"), 0o644)
		if _, err := rl.Reload(); err == nil {
			t.Fatal("bad reload succeeded")
		}
		if r.Library() != served {
			t.Fatal("a failed reload replaced the served library")
		}
		os.Remove(bad)
	}
	close(stop)
	wg.Wait()
	if asked.Load() < 50 {
		t.Fatalf("only %d questions asked during reloads", asked.Load())
	}
	e, _ := r.Library().Corpus.Entry("confidentiality")
	if !strings.HasPrefix(e.Title, "Version F") {
		t.Errorf("served title %q, want the last good version", e.Title)
	}
}

// TestWatchReloads: a change in the directory is served within seconds.
func TestWatchReloads(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rl.Watch(ctx, 50*time.Millisecond) }()
	defer func() { cancel(); <-done }()
	time.Sleep(100 * time.Millisecond) // let the watcher start
	setTitle(t, dir, "vaginismus", "Watched: why does my body tense up?")
	bottest.WaitFor(t, "watched change served", func() bool {
		e, _ := rl.Responder.Library().Corpus.Entry("vaginismus")
		return strings.HasPrefix(e.Title, "Watched")
	})
}
