package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
)

// TestSafetyPipelineCV cross-validates the whole reply pipeline's safety
// outcomes on the safety training set (5 folds, the model retrained on four
// fifths each time): the figures thresholds in bot/ and bot/safety are
// chosen by. CONFIDANT_CALIBRATE=1 go test -run SafetyPipelineCV -v ./bot
func TestSafetyPipelineCV(t *testing.T) {
	if os.Getenv("CONFIDANT_CALIBRATE") == "" {
		t.Skip("set CONFIDANT_CALIBRATE=1 to cross-validate")
	}
	base := bottest.MustLibrary(t)
	all := safety.TrainingSet()
	right, total, help := map[string]int{}, map[string]int{}, map[string]int{}
	for fold := 0; fold < 5; fold++ {
		var train, test []safety.Example
		for i, e := range all {
			if i%5 == fold {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		lib := &bot.Library{Corpus: base.Corpus, Index: base.Index, Triage: safety.NewWithModel(base.Corpus.Triage, safety.Train(train))}
		r := bot.NewResponder(lib, nil)
		for _, e := range test {
			rep := r.Respond(context.Background(), e.Text)
			total[e.Label]++
			crisis := rep.Kind == knowledge.KindCrisis
			ok := !crisis
			if strings.HasPrefix(e.Label, "crisis/") {
				ok = crisis && rep.Category == strings.TrimPrefix(e.Label, "crisis/")
				if crisis || rep.Concern != "" {
					help[e.Label]++
				}
			}
			if ok {
				right[e.Label]++
			}
		}
	}
	for _, l := range []string{"crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "benign", "ordinary", "teen", "past"} {
		fmt.Printf("%-22s right %.3f  help shown %.3f  (%d)\n", l, float64(right[l])/float64(total[l]), float64(help[l])/float64(total[l]), total[l])
	}
}
