package safety_test

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

// TestCalibrateSafety prints figures the thresholds and training options
// are chosen by, on the training data only: each writer's training file
// (data/train*.tsv) is held out in turn and the model trained on the
// others and the ordinary questions, so every figure is on the words of a
// writer the model never saw, as the held-out set is. The ordinary
// questions are scored by 5-fold cross-validation on top. Run with
//
//	CONFIDANT_CALIBRATE=1 go test -run CalibrateSafety -v -timeout 60m ./bot/safety
//
// CONFIDANT_CALIBRATE_BITS, _EPOCHS and _L2 change the training options
// (comma-separated values are all tried).
func TestCalibrateSafety(t *testing.T) {
	if os.Getenv("CONFIDANT_CALIBRATE") == "" {
		t.Skip("set CONFIDANT_CALIBRATE=1 to run the calibration")
	}
	rules := knowledgetest.MustDefault(t).Triage
	files := safety.TrainingFiles()
	names := slices.Sorted(maps.Keys(files))
	ordinary := safety.OrdinarySet()
	short := shortOrdinary(t)
	for _, opts := range calibrationOptions(t) {
		type fold struct {
			model       *safety.Model
			train, test []safety.Example
		}
		var folds []fold
		for _, held := range names {
			var train []safety.Example
			for _, n := range names {
				if n != held {
					train = append(train, files[n]...)
				}
			}
			folds = append(folds, fold{train: append(train, ordinary...), test: files[held]})
		}
		var all []safety.Example
		for _, n := range names {
			all = append(all, files[n]...)
		}
		for k := range 5 {
			var train, test []safety.Example
			for i, e := range ordinary {
				if i%5 == k {
					test = append(test, e)
				} else {
					train = append(train, e)
				}
			}
			folds = append(folds, fold{train: append(slices.Clone(all), train...), test: test})
		}
		// The folds train in parallel, one per core.
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i := range folds {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				folds[i].model = safety.TrainWith(folds[i].train, opts)
			})
		}
		wg.Wait()
		// The model of all the data, for the short-message check of every
		// threshold.
		full := safety.TrainWith(append(slices.Clone(all), ordinary...), opts)
		fmt.Printf("options bits=%d epochs=%d rate=%g l2=%g hidden=%d dropout=%g\n", opts.HashBits, opts.Epochs, opts.Rate, opts.L2, opts.Hidden, opts.Dropout)
		for _, th := range calibrationThresholds() {
			crisisMin := th.CrisisMin
			var r safety.SafetyReport
			perFile, perFileBenign := map[string]float64{}, map[string]float64{}
			for i, f := range folds {
				tr := safety.NewWithModel(rules, f.model)
				tr.Thresholds = th
				fr := safety.Evaluate(tr, f.test)
				r = r.Add(fr)
				if i < len(names) {
					perFile[names[i]] = float64(fr.CrisisRight) / float64(max(1, fr.CrisisTotal))
					perFileBenign[names[i]] = fr.Rate("benign")
				}
			}
			fmt.Printf("  declineOverrule=%.2f medicalOverrule=%.2f denyOverrule=%.2f shortSure=%.2f", th.DeclineOverrule, th.MedicalOverrule, th.DenyOverrule, th.ShortSure)
			fmt.Printf("  crisisMin=%.2f plainMin=%.2f pastMarkerMin=%.2f pastModelMin=%.2f overrule=%.2f/%.2f shortWords=%d alsoMin=%.2f decline=%.2f crisis %.3f help %.3f any %.3f", crisisMin, th.PlainMin, th.PastMarkerMin, th.PastModelMin, th.OverruleOther, th.OverruleCrisis, th.ShortWords, th.AlsoMin, th.DeclineMin,
				float64(r.CrisisRight)/float64(max(1, r.CrisisTotal)), float64(r.CrisisHelp)/float64(max(1, r.CrisisTotal)), float64(r.CrisisAny)/float64(max(1, r.CrisisTotal)))
			for _, l := range []string{"crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "concern/self-harm", "concern/abuse", "past", "teen", "benign", "ordinary"} {
				fmt.Printf("  %s %.3f", strings.TrimPrefix(l, "crisis/"), r.Rate(l))
			}
			for _, l := range []string{"decline/explicit", "decline/medical-advice", "decline/manipulation"} {
				fmt.Printf("  %s %.3f", strings.TrimPrefix(l, "decline/"), r.Rate(l))
			}
			fmt.Printf("  declined: benign %.3f teen %.3f ordinary %.3f", r.DeclineRate("benign"), r.DeclineRate("teen"), r.DeclineRate("ordinary"))
			shortCrisis := 0
			tr := safety.NewWithModel(rules, full)
			tr.Thresholds = th
			for _, m := range short {
				if tr.Classify(m).Kind == knowledge.VerdictCrisis {
					shortCrisis++
				}
			}
			fmt.Printf("  short-ordinary-to-crisis %d/%d", shortCrisis, len(short))
			fmt.Println()
			if th == safety.DefaultThresholds() {
				for _, lang := range []string{"en", "es", "pt", "fr", "de"} {
					fmt.Printf("    %s:", lang)
					for _, l := range []string{"crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "benign"} {
						fmt.Printf(" %s %.3f (%d)", strings.TrimPrefix(l, "crisis/"), r.Rate(l+" "+lang), r.Total[l+" "+lang])
					}
					fmt.Println()
				}
			}
			if os.Getenv("CONFIDANT_CALIBRATE_MISSES") != "" && th == safety.DefaultThresholds() {
				for _, m := range r.Misses {
					fmt.Println("    miss\t" + m)
				}
			}
			for _, n := range names {
				fmt.Printf("    %s crisis %.3f benign %.3f\n", n, perFile[n], perFileBenign[n])
			}
		}
	}
}

// calibrationOptions are the training options to try.
func calibrationOptions(t *testing.T) []textmodel.Options {
	base := safety.TrainOptions()
	out := []textmodel.Options{base}
	vary := func(env string, set func(*textmodel.Options, float64)) {
		v := os.Getenv(env)
		if v == "" {
			return
		}
		var next []textmodel.Options
		for _, o := range out {
			for _, s := range strings.Split(v, ",") {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("%s: %v", env, err)
				}
				o2 := o
				set(&o2, f)
				next = append(next, o2)
			}
		}
		out = next
	}
	vary("CONFIDANT_CALIBRATE_BITS", func(o *textmodel.Options, f float64) { o.HashBits = uint(f) })
	vary("CONFIDANT_CALIBRATE_EPOCHS", func(o *textmodel.Options, f float64) { o.Epochs = int(f) })
	vary("CONFIDANT_CALIBRATE_L2", func(o *textmodel.Options, f float64) { o.L2 = f })
	vary("CONFIDANT_CALIBRATE_HIDDEN", func(o *textmodel.Options, f float64) { o.Hidden = int(f) })
	vary("CONFIDANT_CALIBRATE_RATE", func(o *textmodel.Options, f float64) { o.Rate = f })
	vary("CONFIDANT_CALIBRATE_MIX", func(o *textmodel.Options, f float64) { o.Mix = f })
	vary("CONFIDANT_CALIBRATE_DROPOUT", func(o *textmodel.Options, f float64) { o.Dropout = f })
	// A mix means nothing without a hidden layer.
	return slices.DeleteFunc(out, func(o textmodel.Options) bool { return o.Hidden == 0 && o.Mix != 0 })
}

// calibrationThresholds are the thresholds to try: CrisisMin from 0.2 to
// 0.5 (or CONFIDANT_CALIBRATE_CRISIS), and every combination of the values
// of CONFIDANT_CALIBRATE_OVERRULE, _OVERRULECRISIS, _PLAIN, _PAST, _PASTMODEL, _SHORTWORDS,
// _DECLINE, _ALSO, _DECLINEOVERRULE, _MEDICALOVERRULE, _DENYOVERRULE and
// _SHORTSURE (comma-separated; unset keeps the default).
func calibrationThresholds() []safety.Thresholds {
	out := []safety.Thresholds{safety.DefaultThresholds()}
	vary := func(env string, values []float32, set func(*safety.Thresholds, float32)) {
		if os.Getenv(env) != "" {
			values = envFloats(env, 0)
		}
		if values == nil {
			return
		}
		var next []safety.Thresholds
		for _, th := range out {
			for _, f := range values {
				set(&th, f)
				next = append(next, th)
			}
		}
		out = next
	}
	vary("CONFIDANT_CALIBRATE_OVERRULE", nil, func(th *safety.Thresholds, f float32) { th.OverruleOther = f })
	vary("CONFIDANT_CALIBRATE_OVERRULECRISIS", nil, func(th *safety.Thresholds, f float32) { th.OverruleCrisis = f })
	vary("CONFIDANT_CALIBRATE_PLAIN", nil, func(th *safety.Thresholds, f float32) { th.PlainMin = f })
	vary("CONFIDANT_CALIBRATE_PAST", nil, func(th *safety.Thresholds, f float32) { th.PastMarkerMin = f })
	vary("CONFIDANT_CALIBRATE_PASTMODEL", nil, func(th *safety.Thresholds, f float32) { th.PastModelMin = f })
	vary("CONFIDANT_CALIBRATE_SHORTWORDS", nil, func(th *safety.Thresholds, f float32) { th.ShortWords = int(f) })
	vary("CONFIDANT_CALIBRATE_DECLINE", nil, func(th *safety.Thresholds, f float32) { th.DeclineMin = f })
	vary("CONFIDANT_CALIBRATE_ALSO", nil, func(th *safety.Thresholds, f float32) { th.AlsoMin = f })
	vary("CONFIDANT_CALIBRATE_DECLINEOVERRULE", nil, func(th *safety.Thresholds, f float32) { th.DeclineOverrule = f })
	vary("CONFIDANT_CALIBRATE_MEDICALOVERRULE", nil, func(th *safety.Thresholds, f float32) { th.MedicalOverrule = f })
	vary("CONFIDANT_CALIBRATE_DENYOVERRULE", nil, func(th *safety.Thresholds, f float32) { th.DenyOverrule = f })
	vary("CONFIDANT_CALIBRATE_SHORTSURE", nil, func(th *safety.Thresholds, f float32) { th.ShortSure = f })
	vary("CONFIDANT_CALIBRATE_CRISIS", []float32{0.2, 0.25, 0.3, 0.35, 0.4, 0.5}, func(th *safety.Thresholds, f float32) { th.CrisisMin = f })
	return out
}

// envFloats is the comma-separated values of the environment variable
// name, or def when it is unset.
func envFloats(name string, def float32) []float32 {
	v := os.Getenv(name)
	if v == "" {
		return []float32{def}
	}
	var out []float32
	for _, s := range strings.Split(v, ",") {
		f, _ := strconv.ParseFloat(s, 32)
		out = append(out, float32(f))
	}
	return out
}

// shortOrdinary reads testdata/safety/short-ordinary.txt.
func shortOrdinary(t *testing.T) []string {
	b, err := os.ReadFile("../../testdata/safety/short-ordinary.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}
