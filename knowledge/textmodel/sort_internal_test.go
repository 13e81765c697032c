package textmodel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortUnique checks the radix sort against slices.Sort and
// slices.Compact, below and above the size where it takes over, for odd and
// even numbers of bits.
func TestSortUnique(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bits := range []uint{12, 17, 18, 20, 24} {
		for _, n := range []int{0, 1, 255, 256, 257, 3000} {
			xs := make([]uint32, n)
			for i := range xs {
				xs[i] = rng.Uint32N(1 << bits)
				if i > 0 && rng.IntN(4) == 0 {
					xs[i] = xs[rng.IntN(i)] // repeats
				}
			}
			want := slices.Compact(slices.Sorted(slices.Values(xs)))
			if got := new(Scratch).sortUnique(slices.Clone(xs), bits); !slices.Equal(got, want) {
				t.Errorf("bits %d, %d values: %d sorted, want %d", bits, n, len(got), len(want))
			}
		}
	}
}
