package safety_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestSafetyNewWriters trains the model on the whole training set with the
// training options varied, and measures the combined triage on the files
// of writers the model never trained on: the ten pending writers
// (testdata/safety/pending-2026-12-03/) and the development files
// (testdata/safety/dev-*.tsv). A development check, quicker than leaving
// each writer out (one training per variant instead of ninety-eight);
// prints figures and asserts nothing. Session 17 chose the dropout with it
// and TestCalibrateSafety. Each value of CONFIDANT_NEWWRITERS is a
// dropout, optionally with a seed after a colon:
//
//	CONFIDANT_NEWWRITERS=0,0.3,0.3:2 go test -v -run SafetyNewWriters -timeout 30m ./bot/safety
func TestSafetyNewWriters(t *testing.T) {
	v := os.Getenv("CONFIDANT_NEWWRITERS")
	if v == "" {
		t.Skip("set CONFIDANT_NEWWRITERS=dropout[:seed],... to train and measure")
	}
	rules := knowledgetest.MustDefault(t).Triage
	files, _ := filepath.Glob("../../testdata/safety/pending-2026-12-03/*.tsv")
	dev, _ := filepath.Glob("../../testdata/safety/dev-*.tsv")
	files = append(files, dev...)
	train := safety.TrainingSet()
	for _, s := range strings.Split(v, ",") {
		ds, seed, _ := strings.Cut(s, ":")
		o := safety.TrainOptions()
		d, err := strconv.ParseFloat(ds, 64)
		if err != nil {
			t.Fatal(err)
		}
		o.Dropout = d
		if seed != "" {
			n, err := strconv.Atoi(seed)
			if err != nil {
				t.Fatal(err)
			}
			o.Seed = uint64(n)
		}
		tr := safety.NewWithModel(rules, safety.TrainWith(train, o))
		var all safety.SafetyReport
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := safety.Evaluate(tr, safety.ParseExamples(string(b)))
			all = all.Add(r)
			fmt.Printf("  dropout %.2f seed %d %-45s crisis %.3f (%d) benign %.3f\n", d, o.Seed, filepath.Base(f), float64(r.CrisisRight)/float64(max(1, r.CrisisTotal)), r.CrisisTotal, r.Rate("benign"))
		}
		fmt.Printf("dropout %.2f seed %d: crisis %.3f, any crisis reply %.3f", d, o.Seed, float64(all.CrisisRight)/float64(max(1, all.CrisisTotal)), float64(all.CrisisAny)/float64(max(1, all.CrisisTotal)))
		for _, l := range []string{"crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "concern/self-harm", "concern/abuse", "past", "teen", "benign", "ordinary"} {
			fmt.Printf(", %s %.3f", strings.TrimPrefix(l, "crisis/"), all.Rate(l))
		}
		fmt.Println()
	}
}
