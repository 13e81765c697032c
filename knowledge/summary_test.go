package knowledge_test

import (
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/confidant-bot/confidant/knowledge"
)

// hardSentence reads far above grade 8: long words in a long sentence.
const hardSentence = "Psychosexual therapists comprehensively evaluate interpersonal, physiological and psychological contributors to sexual difficulties."

// TestSummaryChecks edits the summary and the answer of a valid fixture
// entry: a missing, empty or long summary is an error, a summary or answer
// above grade 8 a warning, and every problem is reported at once.
func TestSummaryChecks(t *testing.T) {
	const f = "faq/confidentiality.md"
	const summaryLine = "summary: \"Yes. A sex therapist keeps what you say private, with a few exceptions, like a serious risk to your safety or to someone else.\"\n"
	setSummary := func(s string) func(string) string {
		return func(file string) string { return strings.Replace(file, summaryLine, s, 1) }
	}
	setBody := func(body string) func(string) string {
		return func(file string) string {
			i := strings.LastIndex(file, "\n---\n")
			return file[:i+len("\n---\n")] + body + "\n"
		}
	}
	short := strings.Repeat("It is fine. ", 15)     // 45 words, grade below 0
	hardBody := strings.Repeat(hardSentence+" ", 6) // 72 words
	tests := []struct {
		name  string
		edits []func(string) string
		want  []wantProblem
	}{
		{"valid", nil, nil},
		{"no summary", []func(string) string{setSummary("")}, []wantProblem{errAt(f, 1, `missing field "summary"`)}},
		{"empty summary", []func(string) string{setSummary("summary: \"\"\n")}, []wantProblem{errAt(f, 4, "summary is empty")}},
		{"45 words", []func(string) string{setSummary("summary: " + short + "\n")}, nil},
		{"46 words", []func(string) string{setSummary("summary: " + short + "Ok.\n")},
			[]wantProblem{errAt(f, 4, "the summary has 46 words; it must be at most 45")}},
		{"summary above grade 8", []func(string) string{setSummary("summary: " + hardSentence + "\n")},
			[]wantProblem{warnAt(f, 4, "the summary reads at grade")}},
		{"answer above grade 8", []func(string) string{setBody(hardBody)},
			[]wantProblem{warnAt(f, 18, "the answer reads at grade")}},
		{"every problem at once", []func(string) string{
			setSummary("summary: " + strings.Repeat(hardSentence+" ", 4) + "\n"),
			setBody(hardBody),
			func(s string) string { return strings.Replace(s, "  - \"is sex therapy confidential\"\n", "", 1) },
		}, []wantProblem{
			errAt(f, 4, "the summary has 48 words; it must be at most 45"),
			warnAt(f, 4, "the summary reads at grade"),
			errAt(f, 5, "has 3 question(s)"),
			warnAt(f, 17, "the answer reads at grade"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := overlayFS(t, "valid").(fstest.MapFS)
			file := string(fsys[f].Data)
			for _, edit := range tt.edits {
				changed := edit(file)
				if changed == file {
					t.Fatal("an edit did not apply: fixture changed?")
				}
				file = changed
			}
			fsys[f] = &fstest.MapFile{Data: []byte(file)}
			_, r, _ := knowledge.Load(fsys)
			checkProblems(t, r, tt.want)
		})
	}
}

func TestSyllables(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"a", 1},
		{"sex", 1},
		{"the", 1},     // silent e, but at least one
		{"be", 1},      // too short for a silent e
		{"see", 1},     // "ee" is one vowel group
		{"care", 1},    // silent e
		{"little", 2},  // consonant + "le" is a syllable
		{"people", 2},  // "eo" is one group, "ple" a syllable
		{"whale", 1},   // vowel + "le": silent e
		{"therapy", 3}, // y is a vowel
		{"don't", 1},
		{"self-care", 2},
		{"Doctor,", 2},
		{"988", 0},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := knowledge.Syllables(tt.word); got != tt.want {
				t.Errorf("Syllables(%q) = %d, want %d", tt.word, got, tt.want)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	// fk is the formula worked by hand from counts.
	fk := func(words, sentences, syllables float64) float64 {
		return 0.39*words/sentences + 11.8*syllables/words - 15.59
	}
	tests := []struct {
		name string
		text string
		want float64
	}{
		{"empty", "", 0},
		{"no words", "- 988\n- 911", 0},
		// sex should not hurt see a doc-tor: 7 words, 8 syllables.
		{"two sentences", "Sex should not hurt. See a doctor.", fk(7, 2, 8)},
		{"wrapped lines are one sentence", "Sex should not hurt\nsee a doctor.", fk(7, 1, 8)},
		{"list items end sentences", "Two things:\n\n- rest\n- see a doctor", fk(6, 3, 7)},
		{"numbered items too", "1. rest\n2. see a doctor", fk(4, 2, 5)},
		{"a blank line ends a paragraph", "Rest\n\nSee a doctor", fk(4, 2, 5)},
		{"link text counts, its address does not", "[Call us](https://example.org/a-very-long-address) now!", fk(3, 1, 3)},
		{"bare address skipped", "See https://example.org/help now.", fk(2, 1, 2)},
		{"e.g. does not end a sentence", "Some pain, e.g. burning, is common.", fk(6, 1, 8)},
		{"emphasis around the stop", "It is **fine.** Go on.", fk(5, 2, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := knowledge.Grade(tt.text); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Grade(%q) = %.3f, want %.3f", tt.text, got, tt.want)
			}
		})
	}
	if g := knowledge.Grade(hardSentence); g <= knowledge.MaxGrade {
		t.Errorf("Grade(hard sentence) = %.1f, want above %d", g, knowledge.MaxGrade)
	}
}
