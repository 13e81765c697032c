package safety_test

import (
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// Benchmarks of the safety triage alone (fold, patterns, model), per
// message, on the messages of the repository's test sets:
//
//	go test ./bot/safety -run '^$' -bench Triage -benchtime 20000x
//
// patterns=×4 and ×16 add to every list of triage.yaml three times and
// fifteen times as many made-up patterns (three-word windows of the corpus's
// answers that hold at least one word of five letters or more, spread over
// the crisis, decline, concern and outside lists), to show how the cost
// grows with the number of patterns. The verdicts on those runs are not
// meaningful, only their cost.

// triageMessages are the messages of the in-repository sets, in a fixed
// shuffled order: ordinary questions, adversarial triage cases and the
// safety held-out set.
func triageMessages(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, f := range []struct {
		path string
		col  int
	}{
		{"../../testdata/eval-questions.tsv", 0},
		{"../../testdata/heldout-2026-11-30.tsv", 0},
		{"../../testdata/triage-cases.tsv", 0},
		{"../../testdata/safety/heldout.tsv", 2},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			tb.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			cols := strings.Split(line, "\t")
			if i == 0 || len(cols) <= f.col || cols[f.col] == "" {
				continue
			}
			out = append(out, cols[f.col])
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// scaledRules returns r with every list of patterns made factor times as
// long with made-up patterns.
func scaledRules(c *knowledge.Corpus, factor int) knowledge.TriageRules {
	r := c.Triage
	if factor <= 1 {
		return r
	}
	var windows []string
	for _, e := range c.Entries {
		words := strings.FieldsFunc(strings.ToLower(e.Body), func(r rune) bool {
			return !(r >= 'a' && r <= 'z')
		})
		for i := 0; i+3 <= len(words); i += 3 {
			w := words[i : i+3]
			if slices.ContainsFunc(w, func(s string) bool { return len(s) >= 5 }) {
				windows = append(windows, strings.Join(w, " "))
			}
		}
	}
	next := 0
	grow := func(ps []knowledge.Pattern) []knowledge.Pattern {
		out := slices.Clone(ps)
		for range (factor - 1) * len(ps) {
			w := windows[next%len(windows)]
			next++
			out = append(out, knowledge.Pattern{Text: w, Parts: []string{w}})
		}
		return out
	}
	growAll := func(m map[string][]knowledge.Pattern) map[string][]knowledge.Pattern {
		out := map[string][]knowledge.Pattern{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out[k] = grow(m[k])
		}
		return out
	}
	r.Crisis = growAll(r.Crisis)
	r.Decline = growAll(r.Decline)
	r.ConcernPatterns = growAll(r.ConcernPatterns)
	r.Outside = grow(r.Outside)
	return r
}

func countPatterns(r knowledge.TriageRules) int {
	n := len(r.Outside)
	for _, m := range []map[string][]knowledge.Pattern{r.Crisis, r.Decline, r.ConcernPatterns} {
		for _, ps := range m {
			n += len(ps)
		}
	}
	return n
}

// BenchmarkTriage reports the time of Classify on one message, with its
// median and 99th percentile, for the patterns alone and for the whole
// triage (patterns and model), as the number of patterns grows.
func BenchmarkTriage(b *testing.B) {
	c := knowledgetest.MustDefault(b)
	msgs := triageMessages(b)
	model := safety.DefaultModel() // trained once, outside the timings
	for _, factor := range []int{1, 4, 16} {
		rules := scaledRules(c, factor)
		for _, mode := range []struct {
			name string
			mode safety.Mode
		}{{"patterns", safety.PatternsOnly}, {"combined", safety.Combined}} {
			name := "patterns=×" + strconv.Itoa(factor) + "/" + mode.name
			b.Run(name, func(b *testing.B) {
				tr := safety.NewWithModel(rules, model)
				tr.Mode = mode.mode
				lat := newLatencies(b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					lat.start()
					tr.Classify(msgs[i%len(msgs)])
					lat.stop(i)
				}
				b.StopTimer()
				lat.report(b)
				b.ReportMetric(float64(countPatterns(rules)), "patterns")
			})
		}
	}
}

// BenchmarkTriageModel is the model alone (Predict folds the message
// again), for comparison with the whole triage.
func BenchmarkTriageModel(b *testing.B) {
	msgs := triageMessages(b)
	model := safety.DefaultModel()
	lat := newLatencies(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lat.start()
		model.Predict(msgs[i%len(msgs)])
		lat.stop(i)
	}
	b.StopTimer()
	lat.report(b)
}

// BenchmarkTriageBuild is the cost of compiling the rules (each reload).
func BenchmarkTriageBuild(b *testing.B) {
	c := knowledgetest.MustDefault(b)
	model := safety.DefaultModel()
	for _, factor := range []int{1, 16} {
		rules := scaledRules(c, factor)
		b.Run("patterns=×"+strconv.Itoa(factor), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				safety.NewWithModel(rules, model)
			}
		})
	}
}

// latencies records the wall-clock and CPU time of each operation of a
// benchmark. The benchmark's goroutine stays on its OS thread meanwhile, so
// that the thread's CPU clock is the operation's.
type latencies struct {
	wall, cpu   []time.Duration
	wall0, cpu0 time.Time
	cpuStart    time.Duration
}

func newLatencies(n int) *latencies {
	runtime.LockOSThread()
	return &latencies{wall: make([]time.Duration, n), cpu: make([]time.Duration, n)}
}

func (l *latencies) start() {
	l.cpuStart = threadCPU()
	l.wall0 = time.Now()
}

func (l *latencies) stop(i int) {
	l.wall[i] = time.Since(l.wall0)
	l.cpu[i] = threadCPU() - l.cpuStart
}

// report gives the median and 99th percentile of both clocks, in µs.
func (l *latencies) report(b *testing.B) {
	b.Helper()
	runtime.UnlockOSThread()
	for _, c := range []struct {
		name string
		d    []time.Duration
	}{{"", l.wall}, {"cpu-", l.cpu}} {
		slices.Sort(c.d)
		b.ReportMetric(float64(percentile(c.d, 50).Nanoseconds())/1000, c.name+"p50-µs")
		b.ReportMetric(float64(percentile(c.d, 99).Nanoseconds())/1000, c.name+"p99-µs")
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
