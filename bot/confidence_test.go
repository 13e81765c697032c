package bot_test

import (
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
)

// hits builds a ranked list from scores. Raw and Score are the same, so the
// test holds whichever of the two the rule reads.
func hits(scores ...float64) []index.Hit {
	out := make([]index.Hit, len(scores))
	for i, s := range scores {
		out[i] = index.Hit{ID: string(rune('a' + i)), Score: s, Raw: s}
	}
	return out
}

func TestConfidenceDecide(t *testing.T) {
	// Explicit values, so the test does not move with calibration.
	c := bot.Confidence{MinScore: 1, MinCoverage: 0.5, MaxRunnerUp: 0.8, MinMatched: 3, SuggestScore: 0.3, SuggestCoverage: 0.2}
	tests := []struct {
		name     string
		hits     []index.Hit
		coverage float64
		matched  int // distinct question words found in the top entry
		want     bot.Decision
	}{
		{"no hits", nil, 0, 0, bot.OutOfScope},
		{"no hits but coverage", hits(), 1, 4, bot.OutOfScope},
		{"clear top hit", hits(2, 1), 0.9, 2, bot.Confident},
		{"single hit", hits(1.2), 0.6, 1, bot.Confident},
		{"at every threshold", hits(1, 0.8), 0.5, 1, bot.Confident},
		{"close runner-up", hits(2, 1.9), 0.9, 2, bot.Unsure},
		{"tie", hits(2, 2), 1, 2, bot.Unsure},
		{"low coverage", hits(2, 1), 0.4, 2, bot.Unsure},
		{"low coverage, enough words", hits(2, 1), 0.25, 3, bot.Confident},
		{"enough words, close runner-up", hits(2, 1.9), 0.25, 5, bot.Unsure},
		{"score below answer", hits(0.9, 0.1), 1, 2, bot.Unsure},
		{"low score", hits(0.2, 0.1), 1, 2, bot.OutOfScope},
		{"low score, many words", hits(0.2, 0.1), 0.9, 9, bot.OutOfScope},
		{"too little coverage", hits(2, 1), 0.1, 1, bot.OutOfScope},
		{"zero scores", hits(0, 0), 0, 0, bot.OutOfScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := c.Decide(tt.hits, tt.coverage, tt.matched, -1, -1)
			if got != tt.want {
				t.Errorf("Decide = %s (%s), want %s", got, reason, tt.want)
			}
			if reason == "" {
				t.Error("Decide gave no reason")
			}
		})
	}
	t.Run("words ignored when MinMatched is 0", func(t *testing.T) {
		c := c
		c.MinMatched = 0
		if got, _ := c.Decide(hits(2, 1), 0.25, 10, -1, -1); got != bot.Unsure {
			t.Errorf("Decide = %s, want %s", got, bot.Unsure)
		}
	})
}

// TestStrongMatch: a strong, clear match is answered though the learned
// model doubts it more than MaxNone allows, up to NoneOut; a weaker or
// closer one is not.
func TestStrongMatch(t *testing.T) {
	c := bot.Confidence{MinScore: 0.01, MinCoverage: 0.3, MaxRunnerUp: 0.99, SuggestCoverage: 0.15, MaxNone: 0.2, NoneOut: 0.5, StrongRaw: 0.4, StrongRunnerUp: 0.5}
	tests := []struct {
		name  string
		hits  []index.Hit
		none  float64
		want  bot.Decision
		unset bool // the same without the strong rule
	}{
		{"strong and clear, some doubt", hits(0.75, 0.1), 0.22, bot.Confident, false},
		{"strong and clear, no doubt", hits(0.75, 0.1), 0.1, bot.Confident, true},
		{"strong and clear, the model says none", hits(0.75, 0.1), 0.5, bot.OutOfScope, false},
		{"strong but close", hits(0.75, 0.6), 0.22, bot.Unsure, false},
		{"clear but weak", hits(0.3, 0.1), 0.22, bot.Unsure, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, reason := c.Decide(tt.hits, 1, 4, tt.none, 0.5); got != tt.want {
				t.Errorf("Decide = %s (%s), want %s", got, reason, tt.want)
			}
			off := c
			off.StrongRaw = 0
			want := bot.Unsure
			if tt.unset || tt.want == bot.OutOfScope {
				want = tt.want
			}
			if got, reason := off.Decide(tt.hits, 1, 4, tt.none, 0.5); got != want {
				t.Errorf("without the strong rule: Decide = %s (%s), want %s", got, reason, want)
			}
		})
	}
}

func TestDecisionString(t *testing.T) {
	tests := []struct {
		d    bot.Decision
		want string
	}{
		{bot.Confident, "answer"},
		{bot.Unsure, "did-you-mean"},
		{bot.OutOfScope, "out-of-scope"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultConfidenceIsOrdered(t *testing.T) {
	c := bot.DefaultConfidence()
	if c.SuggestScore > c.MinScore || c.SuggestCoverage > c.MinCoverage {
		t.Errorf("DefaultConfidence() = %+v: the suggest thresholds must not exceed the answer thresholds", c)
	}
	if c.MaxRunnerUp <= 0 {
		t.Errorf("MaxRunnerUp = %v, want > 0", c.MaxRunnerUp)
	}
}
