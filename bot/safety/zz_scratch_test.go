package safety_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func TestZZQuick(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	rules := knowledgetest.MustDefault(t).Triage
	files := safety.TrainingFiles()
	names := slices.Sorted(maps.Keys(files))
	var train, test []safety.Example
	for i, n := range names {
		if i%6 == 2 {
			test = append(test, files[n]...)
		} else {
			train = append(train, files[n]...)
		}
	}
	train = append(train, safety.OrdinarySet()...)
	opts := safety.TrainOptions()
	opts.Hidden, _ = strconv.Atoi(os.Getenv("ZZ_HIDDEN"))
	if r := os.Getenv("ZZ_RATE"); r != "" {
		opts.Rate, _ = strconv.ParseFloat(r, 64)
	}
	if r := os.Getenv("ZZ_EPOCHS"); r != "" {
		opts.Epochs, _ = strconv.Atoi(r)
	}
	if r := os.Getenv("ZZ_MIX"); r != "" {
		opts.Mix, _ = strconv.ParseFloat(r, 64)
	}
	start := time.Now()
	m := safety.TrainWith(train, opts)
	fmt.Println("trained in", time.Since(start))
	for _, c := range []float32{0.2, 0.3, 0.4, 0.5} {
		tr := safety.NewWithModel(rules, m)
		tr.Thresholds.CrisisMin = c
		r := safety.Evaluate(tr, test)
		fmt.Printf("hidden=%d crisisMin=%.2f crisis %.3f help %.3f benign %.3f past %.3f teen %.3f concern %.3f/%.3f\n", opts.Hidden, c, float64(r.CrisisRight)/float64(r.CrisisTotal), float64(r.CrisisHelp)/float64(r.CrisisTotal), r.Rate("benign"), r.Rate("past"), r.Rate("teen"), r.Rate("concern/self-harm"), r.Rate("concern/abuse"))
	}
}
