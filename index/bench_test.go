package index_test

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// Benchmarks of building the index, on the embedded corpus and on synthetic
// corpora (knowledgetest.Synthetic) of 1,000, 10,000 and 100,000 entries
// (see benchCorpora for which run by default):
//
//	go test ./index -run '^$' -bench Build -benchtime 3x
//
// heap-MB is the heap in use after a GC with the corpus and one index alive;
// index-MB is the part the index adds; cpu-s the process's CPU time per
// build, which leaves out waiting for a core on a busy machine (bleve
// analyses on every core, so it can exceed the wall time on a quiet one).
// The 100,000-entry case builds for a long time, so it runs only when
// CONFIDANT_BENCH_LARGE=1 or when the -bench pattern names it
// ("-bench Build/entries=100k").

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

// benchCorpora are the corpora the build benchmarks run on, with the
// default options: the learned ranker (ranker.go) is trained up to
// Options.LearnedMaxEntries entries, so on the embedded corpus and not on
// the synthetic ones.
var benchCorpora = []struct {
	name string
	n    int
	opts index.Options
}{
	{"entries=embedded", 0, quietOptions()},
	{"entries=1k", 1000, quietOptions()},
	{"entries=10k", 10000, quietOptions()},
	{"entries=100k", 100000, quietOptions()},
}

// quietOptions are the default options without Build's log line, which
// would break the benchmark's output lines.
func quietOptions() index.Options {
	o := index.DefaultOptions()
	o.Log = slog.New(slog.DiscardHandler)
	return o
}

// skipUnlessCorpusWanted skips the large corpora that were not asked for.
func skipUnlessCorpusWanted(b *testing.B, _ string, n int, _ index.Options) {
	b.Helper()
	skipUnlessWanted(b, n)
}

var (
	loadedCorporaMu sync.Mutex
	loadedCorpora   = map[int]*knowledge.Corpus{}
)

// benchCorpus loads a corpus once per size: the benchmark function runs
// several times with growing b.N.
func benchCorpus(b *testing.B, n int) *knowledge.Corpus {
	b.Helper()
	loadedCorporaMu.Lock()
	defer loadedCorporaMu.Unlock()
	if c, ok := loadedCorpora[n]; ok {
		return c
	}
	c, err := knowledgetest.LoadSized(n)
	if err != nil {
		b.Fatal(err)
	}
	loadedCorpora[n] = c
	return c
}

// heapInUse is the heap in use after two collections: the second frees
// what sync.Pools held through the first.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func BenchmarkBuild(b *testing.B) {
	for _, bc := range benchCorpora {
		b.Run(bc.name, func(b *testing.B) {
			skipUnlessCorpusWanted(b, bc.name, bc.n, bc.opts)
			c := benchCorpus(b, bc.n)
			before := heapInUse()
			b.ReportAllocs()
			b.ResetTimer()
			var ix *index.Index
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				if ix != nil {
					b.StopTimer()
					ix.Close()
					b.StartTimer()
				}
				var err error
				c0 := index.ProcessCPU()
				if ix, err = index.Build(c, bc.opts); err != nil {
					b.Fatalf("Build: %v", err)
				}
				cpu += index.ProcessCPU() - c0
			}
			b.StopTimer()
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
			after := heapInUse()
			b.ReportMetric(float64(after)/(1<<20), "heap-MB")
			b.ReportMetric((float64(after)-float64(before))/(1<<20), "index-MB")
			runtime.KeepAlive(c)
			ix.Close()
		})
	}
}

// BenchmarkBuildPeak builds each corpus in a fresh process (this test
// binary again, running TestBuildPeakChild), so that the process's peak
// resident memory is that of one build:
//
//	go test ./index -run '^$' -bench BuildPeak -benchtime 1x
//
// build-s is the time of index.Build alone, cpu-s its CPU time; heap-MB the heap in use after
// it (corpus and index, after a GC), the final heap of a serving process;
// peak-RSS-MB the most memory the process ever held, loading the corpus
// included (Linux only); rss/heap their ratio.
func BenchmarkBuildPeak(b *testing.B) {
	for _, bc := range benchCorpora {
		b.Run(bc.name, func(b *testing.B) {
			skipUnlessCorpusWanted(b, bc.name, bc.n, bc.opts)
			var build, cpu, heap, rss float64
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(os.Args[0], "-test.run=^TestBuildPeakChild$", "-test.v")
				cmd.Env = append(os.Environ(), buildPeakEnv+"="+strconv.Itoa(bc.n), buildPeakLearnedEnv+"="+strconv.FormatFloat(bc.opts.Learned, 'g', -1, 64))
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("child: %v\n%s", err, out)
				}
				i := bytes.Index(out, []byte("build-peak:"))
				if i < 0 {
					b.Fatalf("child printed no figures:\n%s", out)
				}
				var s, cs, h, r float64
				if _, err := fmt.Sscanf(string(out[i:]), "build-peak: build=%g cpu=%g heap=%g rss=%g", &s, &cs, &h, &r); err != nil {
					b.Fatalf("child figures: %v\n%s", err, out)
				}
				build, cpu, heap, rss = build+s, cpu+cs, max(heap, h), max(rss, r)
			}
			b.ReportMetric(build/float64(b.N), "build-s")
			b.ReportMetric(cpu/float64(b.N), "cpu-s")
			b.ReportMetric(heap/(1<<20), "heap-MB")
			b.ReportMetric(rss/(1<<20), "peak-RSS-MB")
			if heap > 0 {
				b.ReportMetric(rss/heap, "rss/heap")
			}
		})
	}
}

const (
	buildPeakEnv        = "CONFIDANT_BUILD_PEAK"
	buildPeakLearnedEnv = "CONFIDANT_BUILD_PEAK_LEARNED"
)

// TestBuildPeakChild is BenchmarkBuildPeak's child: it loads a corpus of
// the size in CONFIDANT_BUILD_PEAK, builds the index (with the learned
// ranker's weight in CONFIDANT_BUILD_PEAK_LEARNED), and prints the build
// time and the heap in use afterwards.
func TestBuildPeakChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(buildPeakEnv))
	if err != nil {
		t.Skip("run by BenchmarkBuildPeak")
	}
	c, err := knowledgetest.LoadSized(n)
	if err != nil {
		t.Fatal(err)
	}
	opts := quietOptions()
	if w, err := strconv.ParseFloat(os.Getenv(buildPeakLearnedEnv), 64); err == nil {
		opts.Learned = w
	}
	start, c0 := time.Now(), index.ProcessCPU()
	ix, err := index.Build(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	d, cpu := time.Since(start), index.ProcessCPU()-c0
	heap := heapInUse()
	fmt.Printf("build-peak: build=%g cpu=%g heap=%d rss=%d\n", d.Seconds(), cpu.Seconds(), heap, peakRSS())
	runtime.KeepAlive(c)
	ix.Close()
}

// peakRSS is the most memory the process has held (VmHWM, Linux only: 0
// elsewhere). The rusage of a child would not do: Linux carries the
// parent's high-water mark across fork and exec.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
