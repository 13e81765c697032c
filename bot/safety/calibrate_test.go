package safety_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestCalibrateSafety prints 5-fold cross-validated figures on the
// training set, the only data the thresholds are chosen on. Run with
// CONFIDANT_CALIBRATE=1 go test -run CalibrateSafety -v ./bot/safety.
func TestCalibrateSafety(t *testing.T) {
	if os.Getenv("CONFIDANT_CALIBRATE") == "" {
		t.Skip("set CONFIDANT_CALIBRATE=1 to run the cross-validation")
	}
	rules := knowledgetest.MustDefault(t).Triage
	all := safety.TrainingSet()
	const k = 5
	var held []safety.Example
	var probs []safety.Probabilities
	var pats []safety.Verdict
	pt := safety.NewWithModel(rules, nil)
	for fold := 0; fold < k; fold++ {
		var train, test []safety.Example
		for i, e := range all {
			if i%k == fold {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m := safety.Train(train)
		for _, e := range test {
			held = append(held, e)
			probs = append(probs, m.Predict(e.Text))
			pats = append(pats, pt.Classify(e.Text))
		}
	}
	cats := []string{"", "self-harm", "sexual-assault", "abuse", "minor"}
	for _, th := range []float32{0.2, 0.25, 0.3, 0.35, 0.4, 0.5} {
		right, total := map[string]int{}, map[string]int{}
		for i, e := range held {
			p := probs[i]
			v := pats[i]
			if v.Kind != knowledge.VerdictCrisis && !v.Past && p.Crisis() >= th {
				best := 1
				for c := 2; c <= 4; c++ {
					if p[c] > p[best] {
						best = c
					}
				}
				v = safety.Verdict{Kind: knowledge.VerdictCrisis, Category: cats[best]}
			}
			lab := e.Label
			if !strings.HasPrefix(lab, "crisis/") && lab != "benign" {
				continue
			}
			total[lab]++
			if safety.Outcome(lab, v) {
				right[lab]++
			}
		}
		fmt.Printf("θ=%.2f", th)
		for _, l := range []string{"crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "benign"} {
			fmt.Printf("  %s %.3f", strings.TrimPrefix(l, "crisis/"), float64(right[l])/float64(total[l]))
		}
		fmt.Println()
	}
}
