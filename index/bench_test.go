package index_test

import (
	"flag"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// Benchmarks of building the index, on the embedded corpus and on synthetic
// corpora (knowledge.Synthetic) of 1,000, 10,000 and 100,000 entries:
//
//	go test ./index -run '^$' -bench Build -benchtime 3x
//
// heap-MB is the heap in use after a GC with the corpus and one index alive;
// index-MB is the part the index adds. The 100,000-entry case builds for a
// long time, so it runs only when CONFIDANT_BENCH_LARGE=1 or when the -bench
// pattern names it ("-bench Build/entries=100k").

var benchSizes = []struct {
	name string
	n    int // 0 is the embedded corpus
}{{"embedded", 0}, {"1k", 1000}, {"10k", 10000}, {"100k", 100000}}

// largeBench is the size from which a benchmark must be asked for.
const largeBench = 100000

func skipUnlessWanted(b *testing.B, n int) {
	b.Helper()
	if n < largeBench || os.Getenv("CONFIDANT_BENCH_LARGE") == "1" {
		return
	}
	if f := flag.Lookup("test.bench"); f != nil && strings.Contains(f.Value.String(), "100k") {
		return
	}
	b.Skip("100,000 entries: set CONFIDANT_BENCH_LARGE=1 or name 100k in -bench")
}

var (
	benchCorporaMu sync.Mutex
	benchCorpora   = map[int]*knowledge.Corpus{}
)

// benchCorpus loads a corpus once per size: the benchmark function runs
// several times with growing b.N.
func benchCorpus(b *testing.B, n int) *knowledge.Corpus {
	b.Helper()
	benchCorporaMu.Lock()
	defer benchCorporaMu.Unlock()
	if c, ok := benchCorpora[n]; ok {
		return c
	}
	fsys := knowledge.DefaultFS()
	if n > 0 {
		var err error
		if fsys, err = knowledge.Synthetic(n, 1); err != nil {
			b.Fatalf("Synthetic(%d): %v", n, err)
		}
	}
	c, _, err := knowledge.Load(fsys)
	if err != nil {
		b.Fatalf("load corpus of %d entries: %v", n, err)
	}
	benchCorpora[n] = c
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
	for _, size := range benchSizes {
		b.Run("entries="+size.name, func(b *testing.B) {
			skipUnlessWanted(b, size.n)
			c := benchCorpus(b, size.n)
			before := heapInUse()
			b.ReportAllocs()
			b.ResetTimer()
			var ix *index.Index
			for i := 0; i < b.N; i++ {
				if ix != nil {
					b.StopTimer()
					ix.Close()
					b.StartTimer()
				}
				var err error
				if ix, err = index.Build(c, index.DefaultOptions()); err != nil {
					b.Fatalf("Build: %v", err)
				}
			}
			b.StopTimer()
			after := heapInUse()
			b.ReportMetric(float64(after)/(1<<20), "heap-MB")
			b.ReportMetric((float64(after)-float64(before))/(1<<20), "index-MB")
			runtime.KeepAlive(c)
			ix.Close()
		})
	}
}
