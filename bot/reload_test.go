package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/knowledge"
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

// reloadCount is how many reloads m counted with the given result.
func reloadCount(t *testing.T, m *metrics.Metrics, result string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	prefix := `confidant_corpus_reloads_total{result="` + result + `"} `
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("metric line %q", line)
			}
			return n
		}
	}
	return 0
}

// heapInUse is the heap in use after collecting garbage (and running the
// cleanups that collection queued), in MB.
func heapInUse() float64 {
	var ms runtime.MemStats
	for range 3 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// TestReloadStorm sends 200 reload requests at once on an unchanged folder,
// then 200 more (40 under -race) from 40 moderators while the folder keeps changing and people
// ask, and measures the heap: requests made while a reload runs share the
// next one, an unchanged folder is not rebuilt, and replaced indexes do not
// pile up.
func TestReloadStorm(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	rl.Metrics = metrics.New()
	r := rl.Responder
	// The unedited corpus opens the indexes that ship built, outside the
	// heap; an edited one is indexed in memory. The heap is measured from
	// a first edit on, so that it compares like with like.
	writeTitle(t, dir, "kink", "Edit before the storm: is kink okay?")
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	base := heapInUse()

	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := rl.Reload(); err != nil {
				t.Errorf("reload: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := reloadCount(t, rl.Metrics, "ok"); got > 1 {
		t.Errorf("200 reload requests on an unchanged folder built %d indexes, want at most 1", got)
	}

	stop := make(chan struct{})
	var background sync.WaitGroup
	var asked atomic.Int64
	background.Add(1)
	go func() { // people asking
		defer background.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if rep := r.Respond(context.Background(), []string{"is sex therapy confidential", "what is vaginismus"}[i%2]); rep.Category == "error" {
				t.Errorf("error reply during the storm: %s", rep.Reason)
			}
			asked.Add(1)
		}
	}()
	var edits atomic.Int64
	background.Add(1)
	go func() { // a moderator saving again and again
		defer background.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			writeTitle(t, dir, "kink", fmt.Sprintf("Edit %d: is kink okay?", n))
			edits.Add(1)
		}
	}()
	var peak atomic.Uint64
	background.Add(1)
	go func() {
		defer background.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	start := time.Now()
	before := reloadCount(t, rl.Metrics, "ok")
	perModerator := 5
	if raceEnabled {
		perModerator = 1 // 40 requests: builds take seconds under -race
	}
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perModerator {
				if _, err := rl.Reload(); err != nil {
					t.Errorf("reload: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	// On a fast machine the requests can all share one reload before the
	// moderator's first save (10 ms in): let at least one save happen, so
	// the last-edit check below has an edit to look for.
	for edits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	background.Wait()
	builds := reloadCount(t, rl.Metrics, "ok") - before
	// The last edit is served once a reload follows it.
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	after := heapInUse()
	t.Logf("heap in use: %.1f MB before, peak %.1f MB during %d reload requests over %v (%d edits, %d indexes built, %d questions answered), %.1f MB after",
		base, float64(peak.Load())/(1<<20), 40*perModerator, took.Round(time.Millisecond), edits.Load(), builds, asked.Load(), after)
	if builds > 40*perModerator/2 {
		t.Errorf("%d reload requests from 40 moderators built %d indexes, want at most half as many (requests made during a reload share the next one)", 40*perModerator, builds)
	}
	// The index keeps the learned rankers of the last four corpora it
	// trained (about 9 MB each on this corpus), so the heap may grow by
	// about 30 MB; the 8 to 10 indexes a storm replaces, each with its
	// ranker, would add well over 100 MB if they were kept.
	if after-base > 50 {
		t.Errorf("heap grew by %.1f MB over the storm (%.1f -> %.1f MB), want under 50 MB: replaced indexes are kept", after-base, base, after)
	}
	e, _ := r.Library().Corpus.Entry("kink")
	if want := fmt.Sprintf("Edit %d: ", edits.Load()-1); !strings.HasPrefix(e.Title, want) {
		t.Errorf("served title %q, want the last edit (%q...)", e.Title, want)
	}
}

// writeTitle sets an entry's title the way Dir writes, through a temporary
// file renamed over it, so a load sees the old file or the new one.
func writeTitle(t *testing.T, dir, id, title string) {
	t.Helper()
	p := filepath.Join(dir, "faq", id+".md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Error(err)
		return
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "title:") {
			lines[i] = "title: \"" + title + "\""
			break
		}
	}
	tmp := filepath.Join(dir, "faq", "."+id+".md.tmp")
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Error(err)
	}
}

// TestReplacedIndexClosedAfterLastSearch: a replaced library's index stays
// open while a question holds it, and is closed as soon as the last one is
// released, not after a fixed time.
func TestReplacedIndexClosedAfterLastSearch(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	r := rl.Responder
	ctx := context.Background()

	held, release := r.Acquire()
	again, releaseAgain := r.Acquire()
	if held != again {
		t.Fatal("two holds on one served library got different libraries")
	}
	writeTitle(t, dir, "kink", "Replaced: is kink okay?")
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	if r.Library() == held {
		t.Fatal("the reload did not replace the library")
	}
	if _, err := held.Index.Search(ctx, "what is vaginismus", 3); err != nil {
		t.Fatalf("search on the replaced library while held: %v, want it open", err)
	}
	release()
	release() // a second call changes nothing
	if _, err := held.Index.Search(ctx, "what is vaginismus", 3); err != nil {
		t.Fatalf("search while the second hold remains: %v, want it open", err)
	}
	releaseAgain()
	if _, err := held.Index.Search(ctx, "what is vaginismus", 3); err == nil {
		t.Error("the replaced index still answers after its last hold was released, want it closed at once")
	}

	// A library no question holds is closed by the reload that replaces it.
	current, release := r.Acquire()
	release()
	writeTitle(t, dir, "kink", "Replaced twice: is kink okay?")
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := current.Index.Search(ctx, "what is vaginismus", 3); err == nil {
		t.Error("a replaced index that no question held is still open after the reload")
	}
	if _, err := r.Library().Index.Search(ctx, "what is vaginismus", 3); err != nil {
		t.Errorf("search on the served library: %v", err)
	}
}

// TestReloadSkipsUnchanged: a reload of unchanged files builds nothing and
// gives the last result again, a refused corpus included.
func TestReloadSkipsUnchanged(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	rl.Metrics = metrics.New()
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	served := rl.Responder.Library()
	if _, err := rl.Reload(); err != nil {
		t.Fatal(err)
	}
	if rl.Responder.Library() != served {
		t.Error("a reload of unchanged files replaced the library")
	}
	bad := filepath.Join(dir, "faq", "broken.md")
	if err := os.WriteFile(bad, []byte("---\nid: [oops\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := rl.Reload(); err == nil {
			t.Fatal("a broken corpus was reloaded")
		}
	}
	if got, want := reloadCount(t, rl.Metrics, "invalid"), 1; got != want {
		t.Errorf("the broken corpus was loaded %d times, want %d", got, want)
	}
	os.Remove(bad)
	if _, err := rl.Reload(); err != nil {
		t.Fatalf("after the fix: %v", err)
	}
	if got, want := reloadCount(t, rl.Metrics, "ok"), 2; got != want {
		t.Errorf("%d indexes built, want %d (first reload, then after the fix)", got, want)
	}
}

// TestReloadNeverSeesHalfAChange: reloads while a moderator retires and
// restores an entry again and again are never refused and never serve a
// folder caught between two files of one change (the entry served but in
// no theme, or a theme listing a missing entry).
func TestReloadNeverSeesHalfAChange(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	d, err := knowledge.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	const id = "fantasies"
	stop := make(chan struct{})
	changes := make(chan error, 1)
	go func() {
		var err error
		defer func() { changes <- err }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err = d.Retire(id); err != nil {
				return
			}
			if err = d.Restore(id); err != nil {
				return
			}
		}
	}()
	n := 12
	if raceEnabled {
		n = 5
	}
	for i := range n {
		if _, err := rl.Reload(); err != nil {
			t.Errorf("reload %d during retire/restore: %v", i, err)
			continue
		}
		c := rl.Responder.Library().Corpus
		_, served := c.Entry(id)
		listed := false
		for _, th := range c.Themes {
			listed = listed || slices.Contains(th.Entries, id)
		}
		if served != listed {
			t.Errorf("reload %d served %s: %v, listed in a theme: %v; want both or neither", i, id, served, listed)
		}
	}
	close(stop)
	if err := <-changes; err != nil {
		t.Fatalf("retire/restore: %v", err)
	}
}

// TestReloadRefusesLinkOut: an entry that is a symbolic link to a file
// outside the corpus folder makes the reload fail; it is never served.
func TestReloadRefusesLinkOut(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	rl := bottest.NewReloader(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, "faq", "kink.md"))
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.md")
	if err := os.WriteFile(outside, []byte(strings.Replace(string(b), "id: kink", "id: outside", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "faq", "outside.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := rl.Reload(); err == nil {
		t.Error("a corpus with an entry linked from outside its folder was reloaded")
	}
	if _, ok := rl.Responder.Library().Corpus.Entry("outside"); ok {
		t.Error("the entry outside the folder is served")
	}
}
