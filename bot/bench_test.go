package bot_test

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// Benchmarks of the whole pipeline, on the embedded corpus and on synthetic
// corpora (knowledgetest.Synthetic) of 1,000, 10,000 and 100,000 entries
// (see benchCorpora for which run by default):
//
//	go test ./bot -run '^$' -bench Pipeline -benchtime 2000x
//	go test ./bot -run '^$' -bench FirstAnswer -benchtime 10x
//
// The 100,000-entry case builds for a long time, so it runs only when
// CONFIDANT_BENCH_LARGE=1 or when the -bench pattern names it
// ("-bench Pipeline/entries=100k"). Libraries are built lazily, so nothing
// here runs unless a benchmark does.

func skipUnlessWanted(b *testing.B, n int) {
	b.Helper()
	pattern := ""
	if f := flag.Lookup("test.bench"); f != nil {
		pattern = f.Value.String()
	}
	if !knowledgetest.BenchWanted(n, pattern, os.Getenv("CONFIDANT_BENCH_LARGE")) {
		b.Skip("100,000 entries: set CONFIDANT_BENCH_LARGE=1 or name 100k in -bench")
	}
}

var (
	benchLibrariesMu sync.Mutex
	benchLibraries   = map[benchKey]*bot.Library{}
)

type benchKey struct {
	n       int
	learned bool
}

// benchLibrary loads and indexes a corpus once per size: the benchmark
// function runs several times with growing b.N.
func benchLibrary(b *testing.B, n int) *bot.Library {
	return benchLibraryWith(b, n, index.DefaultOptions())
}

// benchLibraryWith is benchLibrary with other options (only whether the
// learned ranker is on tells libraries apart).
func benchLibraryWith(b *testing.B, n int, opts index.Options) *bot.Library {
	b.Helper()
	benchLibrariesMu.Lock()
	defer benchLibrariesMu.Unlock()
	key := benchKey{n, opts.Learned > 0}
	if lib, ok := benchLibraries[key]; ok {
		return lib
	}
	c, err := knowledgetest.LoadSized(n)
	if err != nil {
		b.Fatal(err)
	}
	lib, err := bot.NewLibrary(c, opts)
	if err != nil {
		b.Fatalf("NewLibrary(%d entries): %v", n, err)
	}
	benchLibraries[key] = lib
	return lib
}

// benchCorpora are the corpora the pipeline benchmarks run on. The learned
// ranker (index/ranker.go) trains one class per entry, so its training time
// grows with the square of the corpus and its weights with the corpus
// (classes × 2^16 floats: 2.6 GB at 10,000 entries); from 10,000 entries
// on it runs only when asked for (CONFIDANT_BENCH_LARGE=1 or the name in
// -bench), and the same corpus also runs without it ("learned=off"), to
// measure the rest.
var benchCorpora = []struct {
	name string
	n    int
	opts index.Options
}{
	{"entries=embedded", 0, index.DefaultOptions()},
	{"entries=1k", 1000, index.DefaultOptions()},
	{"entries=10k", 10000, index.DefaultOptions()},
	{"entries=10k,learned=off", 10000, withoutLearned()},
	{"entries=100k,learned=off", 100000, withoutLearned()},
}

func withoutLearned() index.Options {
	o := index.DefaultOptions()
	o.Learned = 0
	return o
}

// skipUnlessCorpusWanted skips the large corpora that were not asked for.
func skipUnlessCorpusWanted(b *testing.B, name string, n int, opts index.Options) {
	b.Helper()
	skipUnlessWanted(b, n)
	if n < 10000 || opts.Learned == 0 || os.Getenv("CONFIDANT_BENCH_LARGE") != "" {
		return
	}
	if f := flag.Lookup("test.bench"); f != nil && strings.Contains(f.Value.String(), strings.TrimPrefix(name, "entries=")) {
		return
	}
	b.Skip("the learned ranker on 10,000 entries trains for hours: set CONFIDANT_BENCH_LARGE=1 or name 10k in -bench")
}

// pipelineQuestions are questions as people send them: every way of asking
// of the embedded entries, misspelled and off-topic ones, and the varied set
// of BenchmarkRespond (crisis, decline, emoji, long), in a fixed shuffled
// order.
var pipelineQuestions = sync.OnceValue(func() []string {
	c, _, err := knowledge.Default()
	if err != nil {
		panic(err)
	}
	var qs []string
	for _, e := range c.Entries {
		qs = append(qs, e.Questions...)
	}
	qs = append(qs,
		// misspelled
		"is sex therapy confidental", "my libdo is gone since the baby", "erectle disfunction at 25",
		"premature ejaculaton what can i do", "vaginismus tretment options", "pain durring sex every time",
		"how do i find a sex therapsit near me", "can't orgasm with my partener", "asexualty is that a thing",
		"perfomance anxiety in bed", "what does a sex therapist acutally do", "is porn addicton real",
		"how much does sex thrapy cost", "menopuase and low desire", "sti testing how offten",
		// off-topic
		"what's the weather in Paris tomorrow", "recommend a good pizza place", "how do I reset my router",
		"who won the football last night", "write me a poem about cats", "what is the capital of Australia",
		"how to fix a flat bike tyre", "best laptop for programming", "can you help with my maths homework",
		"lol", "hello?", "translate thank you into spanish",
	)
	qs = append(qs, benchQuestions...)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
})

// BenchmarkPipeline reports the time of one question through the whole
// pipeline (Responder.Respond), with its median and 99th percentile, and the
// share of questions answered, per corpus size.
func BenchmarkPipeline(b *testing.B) {
	for _, bc := range benchCorpora {
		b.Run(bc.name, func(b *testing.B) {
			skipUnlessCorpusWanted(b, bc.name, bc.n, bc.opts)
			r := bot.NewResponder(benchLibraryWith(b, bc.n, bc.opts), nil)
			qs := pipelineQuestions()
			ctx := context.Background()
			lat := make([]time.Duration, b.N)
			answered := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				rep := r.Respond(ctx, qs[i%len(qs)])
				lat[i] = time.Since(start)
				if rep.Kind == knowledge.KindAnswer {
					answered++
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 50).Microseconds()), "p50-µs")
			b.ReportMetric(float64(percentile(lat, 99).Microseconds()), "p99-µs")
			b.ReportMetric(100*float64(answered)/float64(b.N), "answered-%")
		})
	}
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

// BenchmarkFirstAnswer times "confidant ask" from process start to exit on
// the embedded corpus: loading, indexing, one answer, printing it.
func BenchmarkFirstAnswer(b *testing.B) {
	if _, err := exec.LookPath("go"); err != nil {
		b.Skip("go is not on PATH")
	}
	bin := filepath.Join(b.TempDir(), "confidant")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "github.com/confidant-bot/confidant/cmd/confidant")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONFIDANT_") && !strings.HasPrefix(kv, "DISCORD_") {
			env = append(env, kv)
		}
	}
	ask := func() time.Duration {
		var out bytes.Buffer
		cmd := exec.Command(bin, "ask", "is sex therapy confidential")
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil || out.Len() == 0 {
			b.Fatalf("confidant ask: %v\n%s", err, out.Bytes())
		}
		return d
	}
	ask() // the first run pays for loading the binary from disk
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat[i] = ask()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
