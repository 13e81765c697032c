package safety

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/confidant-bot/confidant/knowledge"
)

// canaryTSV is a fixed set of crisis messages across the four categories
// and five languages. It ships in the binary, not in the corpus folder, so
// no edit of the corpus can change it.
//
//go:embed data/canaries.tsv
var canaryTSV string

// CheckCanaries triages every canary with t and returns an error naming
// each one that no longer gets its crisis reply. A reload or save whose
// corpus fails it is refused and the old corpus stays.
func CheckCanaries(t *Triage) error {
	var failed []string
	for _, e := range ParseExamples(canaryTSV) {
		v := t.Classify(e.Text)
		if want := strings.TrimPrefix(e.Label, "crisis/"); v.Kind != knowledge.VerdictCrisis || v.Category != want {
			failed = append(failed, fmt.Sprintf("%q (%s) got %s/%s, want crisis/%s", e.Text, e.Lang, v.Kind, v.Category, want))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of the built-in crisis canaries would no longer get their crisis reply:\n- %s", len(failed), strings.Join(failed, "\n- "))
	}
	return nil
}
