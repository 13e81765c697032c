package knowledge_test

import (
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

func TestOneEditApart(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"suicide", "suicide", true}, {"sucide", "suicide", true}, {"suicidle", "suicide", true},
		{"suicude", "suicide", true}, {"suicdie", "suicide", false}, {"", "a", true}, {"ab", "ba", false},
		{"desire", "desir", true}, {"erection", "erectile", false},
	} {
		if got := knowledge.OneEditApart(tc.a, tc.b); got != tc.want {
			t.Errorf("OneEditApart(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
