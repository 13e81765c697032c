package safety

import (
	"slices"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// BenchmarkTriageStages times the steps of Classify one by one on the
// messages of the test sets: folding, the patterns, the model.
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
