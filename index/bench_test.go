package index_test

import (
	"flag"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// Benchmarks of building the index, on the embedded corpus and on synthetic
// corpora (knowledgetest.Synthetic) of 1,000, 10,000 and 100,000 entries:
//
//	go test ./index -run '^$' -bench Build -benchtime 3x
//
// heap-MB is the heap in use after a GC with the corpus and one index alive;
// index-MB is the part the index adds. The 100,000-entry case builds for a
// long time, so it runs only when CONFIDANT_BENCH_LARGE=1 or when the -bench
// pattern names it ("-bench Build/entries=100k").

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
	c, err := knowledgetest.LoadSized(n)
	if err != nil {
		b.Fatal(err)
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
	for _, size := range knowledgetest.BenchSizes {
		b.Run("entries="+size.Name, func(b *testing.B) {
			skipUnlessWanted(b, size.N)
			c := benchCorpus(b, size.N)
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
