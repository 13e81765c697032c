package knowledge_test

import (
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

func TestOneEditApart(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"suicide", "suicide", true}, {"sucide", "suicide", true}, {"suicidle", "suicide", true},
		{"siucide", "suicide", true}, {"erectoin", "erection", true}, {"iusicde", "suicide", false},
		{"suicude", "suicide", true}, {"suicdie", "suicide", true}, {"", "a", true}, {"ab", "ba", true},
		{"desire", "desir", true}, {"erection", "erectile", false},
	} {
		if got := knowledge.OneEditApart(tc.a, tc.b); got != tc.want {
			t.Errorf("OneEditApart(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
		tooLong        bool
	}{
		{"plain", "is sex therapy confidential", "is sex therapy confidential", false},
		{"white space", " \t is\n\nsex  ", "is sex", false},
		{"invalid utf-8", "a\xffb", "a b", false},
		{"full width", "ｓｅｘ", "sex", false},
		{"bidi and zero width", "\u202ese\u200bx\u202c", "sex", false},
		{"control", "a\x00b\x1bc", "abc", false},
		{"at the limit", strings.Repeat("a", knowledge.MaxQuestionRunes), strings.Repeat("a", knowledge.MaxQuestionRunes), false},
		{"over the limit", strings.Repeat("a", knowledge.MaxQuestionRunes+1), strings.Repeat("a", knowledge.MaxQuestionRunes+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, tooLong := knowledge.Clean(tt.in)
			if got != tt.want || tooLong != tt.tooLong {
				t.Errorf("Clean(%.20q) = %.20q, %v; want %.20q, %v", tt.in, got, tooLong, tt.want, tt.tooLong)
			}
		})
	}
	t.Run("huge", func(t *testing.T) {
		got, tooLong := knowledge.Clean(strings.Repeat("é", knowledge.MaxInputBytes))
		if !tooLong || len(got) > knowledge.MaxInputBytes {
			t.Errorf("Clean(huge) kept %d bytes, tooLong %v; want at most %d and true", len(got), tooLong, knowledge.MaxInputBytes)
		}
	})
}

// TestExpandLongestPhraseFirst: a longer phrase uses up its words, so
// "sex ed" means sex education and not also erectile dysfunction ("ED").
func TestExpandLongestPhraseFirst(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Vocabulary.Expand("sex ed at my school was useless"); strings.Contains(got, "erectile") || !strings.Contains(got, "education") {
		t.Errorf("Expand(sex ed) = %q, want sex education only", got)
	}
	if got := c.Vocabulary.Expand("is it ED or nerves"); !strings.Contains(got, "erectile") {
		t.Errorf("Expand(ED) = %q, want erectile dysfunction", got)
	}
}

// TestExpandCensoredSpellings: disguised words reach the words the corpus uses.
func TestExpandCensoredSpellings(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"is watching p*rn bad": "porn", "unprotected s3x": "sex", "sent n*des": "nudes", "seggs hurts": "sex"} {
		if got := c.Vocabulary.Expand(q); !strings.Contains(got, want) {
			t.Errorf("Expand(%q) = %q, want %q in it", q, got, want)
		}
	}
}
