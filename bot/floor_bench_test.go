package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// BenchmarkPipelineVsBleve runs, in one process, on the same questions and
// the same corpus, the whole pipeline (Respond, then RenderMessage for
// Discord) and a plain default Bleve query (index.Baseline: the standard
// analyser, one match query, bleve's default 10 hits), and reports their
// ratio, which the machine's speed and load mostly cancel out of:
//
//	go test ./bot -run '^$' -bench PipelineVsBleve -benchtime 2000x
//
// Each question also goes through the steps alone, so their share shows:
// triage (Classify), search (Index.Search with the vocabulary's words, as
// Respond calls it), confidence (Overlap and NoneProbability, which the
// confidence rule reads) and render (RenderMessage). Times are wall-clock
// medians and 99th percentiles in µs; cpu-… are the same from the process's
// CPU clock, which leaves out waiting for a core on a busy machine (but adds
// up the two goroutines a search runs in parallel). ratio is the mean time
// of the pipeline over that of the plain query, ratio-p50 the same for
// medians.
func BenchmarkPipelineVsBleve(b *testing.B) {
	for _, bc := range benchCorpora {
		b.Run(bc.name, func(b *testing.B) {
			skipUnlessCorpusWanted(b, bc.name, bc.n, bc.opts)
			lib := benchLibraryWith(b, bc.n, bc.opts)
			base, err := index.BuildBaseline(lib.Corpus)
			if err != nil {
				b.Fatal(err)
			}
			defer base.Close()
			r := bot.NewResponder(lib, nil)
			qs := pipelineQuestions()
			ctx := context.Background()
			stages := []string{"pipeline", "bleve", "triage", "search", "confidence", "render"}
			wall := map[string][]time.Duration{}
			cpu := map[string][]time.Duration{}
			timed := func(stage string, f func()) {
				c0, t0 := processCPU(), time.Now()
				f()
				wall[stage] = append(wall[stage], time.Since(t0))
				cpu[stage] = append(cpu[stage], processCPU()-c0)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := qs[i%len(qs)]
				var rep knowledge.Reply
				timed("pipeline", func() {
					rep = r.Respond(ctx, q)
					discord.RenderMessage(rep)
				})
				timed("bleve", func() {
					if _, err := base.Search(ctx, q, 10); err != nil {
						b.Fatal(err)
					}
				})
				clean, _ := knowledge.Clean(q)
				clean = bot.StripMentions(clean)
				timed("triage", func() { lib.Triage.Classify(clean) })
				text := clean
				if exp := lib.Corpus.Vocabulary.Expand(clean); exp != "" {
					text += " " + exp
				}
				var hits []index.Hit
				timed("search", func() {
					if hits, err = lib.Index.Search(ctx, text, bot.MaxAlternatives+2); err != nil {
						b.Fatal(err)
					}
				})
				timed("confidence", func() {
					if len(hits) > 0 {
						lib.Index.Overlap(text, hits[0].ID)
					}
					lib.Index.NoneProbability(clean)
				})
				timed("render", func() { discord.RenderMessage(rep) })
			}
			b.StopTimer()
			for _, s := range stages {
				reportStage(b, s, wall[s], "")
				reportStage(b, s, cpu[s], "cpu-")
			}
			b.ReportMetric(mean(wall["pipeline"])/mean(wall["bleve"]), "ratio")
			b.ReportMetric(median(wall["pipeline"])/median(wall["bleve"]), "ratio-p50")
			b.ReportMetric(mean(cpu["pipeline"])/mean(cpu["bleve"]), "cpu-ratio")
		})
	}
}

func reportStage(b *testing.B, stage string, d []time.Duration, prefix string) {
	b.Helper()
	s := slices.Clone(d)
	slices.Sort(s)
	b.ReportMetric(float64(percentile(s, 50).Nanoseconds())/1000, prefix+stage+"-p50-µs")
	b.ReportMetric(float64(percentile(s, 99).Nanoseconds())/1000, prefix+stage+"-p99-µs")
}

func mean(d []time.Duration) float64 {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return float64(sum) / float64(max(len(d), 1))
}

func median(d []time.Duration) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(percentile(s, 50))
}
