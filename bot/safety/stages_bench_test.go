package safety

import (
	"slices"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// BenchmarkTriageStages times the steps of Classify one by one on the
// messages of the test sets: folding, the patterns, the model; and a fixed
// piece of work as long as a whole Classify, to tell the machine's noise.
//
//	go test ./bot/safety -run '^$' -bench TriageStages
func BenchmarkTriageStages(b *testing.B) {
	var msgs []string
	msgs = append(msgs, readColumn(b, "../../testdata/eval-questions.tsv", 0)...)
	msgs = append(msgs, readColumn(b, "../../testdata/triage-cases.tsv", 0)...)
	msgs = append(msgs, readColumn(b, "../../testdata/safety/heldout.tsv", 2)...)
	tr := New(knowledgetest.MustDefault(b).Triage)
	folded := make([][]token, len(msgs))
	for i, m := range msgs {
		folded[i] = fold(m)
	}
	b.Run("fold", func(b *testing.B) {
		timeEach(b, func(i int) { fold(msgs[i%len(msgs)]) })
	})
	b.Run("anchors", func(b *testing.B) {
		timeEach(b, func(i int) { tr.anchors.hits(folded[i%len(msgs)]) })
	})
	b.Run("patterns", func(b *testing.B) {
		timeEach(b, func(i int) { tr.patterns(folded[i%len(msgs)]) })
	})
	b.Run("model", func(b *testing.B) {
		timeEach(b, func(i int) { tr.model.Predict(msgs[i%len(msgs)]) })
	})
	b.Run("classify", func(b *testing.B) {
		timeEach(b, func(i int) { tr.Classify(msgs[i%len(msgs)]) })
	})
	// The machine's own noise: the same fixed work, no memory allocated,
	// timed the same way. Its p99 over its p50 is the tail that any step
	// of that length gets from this machine alone (on the shared virtual
	// machines here a 10 µs loop has a p99 of 40 to 60 µs).
	b.Run("fixed-work", func(b *testing.B) {
		x := make([]float32, 1000)
		timeEach(b, func(int) {
			for k := range 16000 {
				x[k%len(x)] += 1.5
			}
		})
	})
}

// timeEach runs op b.N times and reports the median, which the other work
// of a busy machine moves less than the mean.
func timeEach(b *testing.B, op func(i int)) {
	lat := make([]time.Duration, b.N)
	for i := range b.N {
		t0 := time.Now()
		op(i)
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
}
