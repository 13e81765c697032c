package index

import (
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

// TestLinearModelMatchesTextmodel trains the ranker's model and
// textmodel.Train on the embedded corpus's training data and wants the very
// same probabilities, to the bit, for every phrasing and out-of-scope
// question and for words never seen in training: the faster layout changes
// no ranking.
func TestLinearModelMatchesTextmodel(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Learned = 0
	ix, err := Build(c, o)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.opts = DefaultOptions()
	var data []textmodel.Example
	var texts []string
	for i, e := range c.Entries {
		for _, q := range append([]string{e.Title}, e.Questions...) {
			data = append(data, textmodel.Example{Vector: ix.vectorize(q), Class: i})
			texts = append(texts, q)
		}
	}
	for _, q := range c.OutOfScope {
		data = append(data, textmodel.Example{Vector: ix.vectorize(q), Class: len(c.Entries)})
		texts = append(texts, q)
	}
	texts = append(texts, "zxqv wordsneverseen", "", "my libdo is gone since the baby")
	to := textmodel.DefaultOptions()
	to.HashBits, to.Epochs = ix.opts.LearnedBits, ix.opts.LearnedEpochs
	want := textmodel.Train(data, len(c.Entries)+1, to)
	got := trainLinear(data, len(c.Entries)+1, to)
	for _, q := range texts {
		v := ix.vectorize(q)
		g, w := got.predict(v), want.Predict(v)
		for k := range w {
			if g[k] != w[k] {
				t.Fatalf("%q: class %d probability = %v, textmodel gives %v", q, k, g[k], w[k])
			}
		}
	}
	t.Logf("%d texts, %d classes; weights %.1f MB (textmodel %.1f MB)", len(texts), got.classes,
		float64(got.bytes())/(1<<20), float64(4*(len(c.Entries)+1)<<to.HashBits)/(1<<20))
}

// BenchmarkTrainRanker trains the learned model on the embedded corpus
// (the cache of trained models bypassed).
func BenchmarkTrainRanker(b *testing.B) {
	c, _, err := knowledge.Default()
	if err != nil {
		b.Fatal(err)
	}
	o := DefaultOptions()
	o.Learned = 0
	ix, err := Build(c, o)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ix.opts = DefaultOptions()
	var data []textmodel.Example
	for i, e := range c.Entries {
		for _, q := range append([]string{e.Title}, e.Questions...) {
			data = append(data, textmodel.Example{Vector: ix.vectorize(q), Class: i})
		}
	}
	to := textmodel.DefaultOptions()
	to.HashBits, to.Epochs = ix.opts.LearnedBits, ix.opts.LearnedEpochs
	b.ResetTimer()
	c0 := processCPU()
	for i := 0; i < b.N; i++ {
		trainLinear(data, len(c.Entries)+1, to)
	}
	b.ReportMetric(float64((processCPU()-c0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
