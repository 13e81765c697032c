// Package textmodel is a small linear text classifier: multinomial
// logistic regression over hashed word, word-pair and character n-grams,
// trained by SGD in a fixed order so the same data always gives the same
// model. The safety triage and the search ranker each train one. It knows
// nothing of the corpus, bleve or Discord.
package textmodel

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Options of training.
type Options struct {
	HashBits uint    // features are hashed into 2^HashBits buckets
	Epochs   int     // passes over the data
	Rate     float64 // initial learning rate, decaying by epoch
	L2       float64 // weight decay per update
	Seed     uint64  // shuffle order
	// Hidden, when above 0, puts a hidden layer of this many units
	// between the features and the classes (see hiddenLayer).
	Hidden int
	// Mix, with Hidden and between 0 and 1, also trains the plain linear
	// model and predicts Mix of the hidden layer's probabilities plus
	// 1-Mix of the linear model's.
	Mix float64
	// Dropout, between 0 and 1, leaves out each feature of an example
	// with this probability at each step of training (the others count
	// 1/(1-Dropout) as much), so the model cannot lean on a few words a
	// writer happens to use. 0 leaves none out. Linear model only.
	Dropout float64
}

// DefaultOptions suit a few thousand short messages.
func DefaultOptions() Options { return Options{HashBits: 18, Epochs: 30, Rate: 0.5, L2: 1e-6, Seed: 1} }

// Model is a trained classifier; immutable and safe for concurrent use.
type Model struct {
	n    int // classes
	bits uint
	w    []float32 // n weights per hashed feature; nil for a hidden layer alone
	bias []float32
	// hidden, when not nil, is a hidden layer (see hiddenLayer) whose
	// probabilities count mix against the linear model's, if w is set.
	hidden *hiddenLayer
	mix    float32
}

// Vector is a message's hashed features, each worth Value.
type Vector struct {
	Features []uint32
	Value    float32
}

// Vectorize hashes a message given as words: each word, each pair of
// neighbouring words (with start and end marks) and the 3- to 5-letter
// pieces of each word.
func Vectorize(words []string, bits uint) Vector { return VectorizeWith(words, nil, bits) }

// VectorizeWith is Vectorize with extra features named by the caller (for
// example the concepts a message mentions), each hashed as one feature.
// The features come sorted, each once. It hashes in place (FNV-1a of the
// kind's prefix and the text, as if joined) instead of building strings.
func VectorizeWith(words, extra []string, bits uint) Vector {
	return new(Scratch).VectorizeWith(words, extra, bits)
}

// Scratch is room for vectorizing, reused from one message to the next so
// that a long message does not allocate its features afresh each time. It
// is for one goroutine at a time.
type Scratch struct {
	features, tmp []uint32
	padded        []byte
	runes         []int
}

// VectorizeWith is the package's VectorizeWith into s: the Vector it
// returns is valid until s is used again.
func (s *Scratch) VectorizeWith(words, extra []string, bits uint) Vector {
	return s.VectorizeSkip(words, extra, bits, 0)
}

// VectorizeSkip is VectorizeWith with, besides, each pair of words one to
// skip words apart ("want _ die", "want _ _ die"), so that a phrase still
// counts with a word put in it ("want to die", "want to fucking die").
func (s *Scratch) VectorizeSkip(words, extra []string, bits uint, skip int) Vector {
	out := slices.Grow(s.features[:0], (24+skip)*len(words)+len(extra)+1)
	mask := uint32(1)<<bits - 1
	prev := "^"
	runes := s.runes[:0] // byte offsets of the runes of " "+w+" "
	padded := s.padded[:0]
	for _, w := range words {
		out = append(out, hashOf(hashOf(offset32, "w:"), w)&mask)
		out = append(out, hashOf(hashOf(hashOf(hashOf(offset32, "b:"), prev), " "), w)&mask)
		prev = w
		padded = append(append(append(padded[:0], ' '), w...), ' ')
		runes = runes[:0]
		for i := range string(padded) {
			runes = append(runes, i)
		}
		runes = append(runes, len(padded))
		c := hashOf(offset32, "c:")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n < len(runes); i++ {
				out = append(out, hashOf(c, padded[runes[i]:runes[i+n]])&mask)
			}
		}
	}
	out = append(out, hashOf(hashOf(hashOf(offset32, "b:"), prev), " $")&mask)
	for gap := 2; gap <= skip+1; gap++ {
		for i := 0; i+gap < len(words); i++ {
			out = append(out, hashOf(hashOf(hashOf(hashOf(offset32, "s:"), words[i]), " "), words[i+gap])&mask)
		}
	}
	for _, x := range extra {
		out = append(out, hashOf(hashOf(offset32, "x:"), x)&mask)
	}
	s.features, s.runes, s.padded = out, runes, padded
	out = s.sortUnique(out, bits)
	return Vector{Features: out, Value: float32(1 / math.Sqrt(float64(len(out))))}
}

// sortUnique sorts hashed features below 1<<bits and drops repeats. A long
// message has thousands of them: those are sorted by a radix sort of two
// passes (in linear time, the same order as slices.Sort) instead.
func (s *Scratch) sortUnique(xs []uint32, bits uint) []uint32 {
	if len(xs) < 256 || bits > 20 {
		slices.Sort(xs)
		return slices.Compact(xs)
	}
	lo := (bits + 1) / 2
	if cap(s.tmp) < len(xs) {
		s.tmp = make([]uint32, len(xs))
	}
	tmp := s.tmp[:len(xs)]
	radixPass(xs, tmp, 0, lo)
	radixPass(tmp, xs, lo, bits-lo)
	return slices.Compact(xs)
}

// radixPass copies src into dst stably ordered by the width bits of each
// value from bit shift up.
func radixPass(src, dst []uint32, shift, width uint) {
	var count [1<<10 + 1]int
	mask := uint32(1)<<width - 1
	for _, x := range src {
		count[(x>>shift&mask)+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	for _, x := range src {
		d := x >> shift & mask
		dst[count[d]] = x
		count[d]++
	}
}

// offset32 and prime32 are FNV-1a's 32-bit constants.
const (
	offset32 = 2166136261
	prime32  = 16777619
)

// hashOf continues FNV-1a hash h over the bytes of s.
func hashOf[T string | []byte](h uint32, s T) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= prime32
	}
	return h
}

// Example is one training vector and its class (0 to classes-1).
type Example struct {
	Vector Vector
	Class  int
}

// Train fits a model of the given number of classes.
func Train(data []Example, classes int, o Options) *Model {
	if o.Hidden > 0 {
		m := &Model{n: classes, bits: o.HashBits, hidden: trainHidden(data, classes, o), mix: 1}
		if o.Mix > 0 && o.Mix < 1 {
			lin := o
			lin.Hidden = 0
			l := Train(data, classes, lin)
			m.w, m.bias, m.mix = l.w, l.bias, float32(o.Mix)
		}
		return m
	}
	m := &Model{n: classes, bits: o.HashBits, w: make([]float32, classes<<o.HashBits), bias: make([]float32, classes)}
	data = append([]Example(nil), data...)
	rng := rand.New(rand.NewPCG(o.Seed, 2))
	p := make([]float32, classes)
	l2 := float32(o.L2)
	var kept []uint32
	for ep := 0; ep < o.Epochs; ep++ {
		lr := float32(o.Rate / (1 + 0.1*float64(ep)))
		rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
		for _, d := range data {
			if o.Dropout > 0 {
				kept = kept[:0]
				for _, f := range d.Vector.Features {
					if rng.Float64() >= o.Dropout {
						kept = append(kept, f)
					}
				}
				d.Vector = Vector{Features: kept, Value: d.Vector.Value / float32(1-o.Dropout)}
			}
			m.scores(d.Vector, p)
			for c := range p {
				g := p[c]
				if c == d.Class {
					g--
				}
				g *= lr
				m.bias[c] -= g * 0.1
				for _, f := range d.Vector.Features {
					i := int(f)*m.n + c
					m.w[i] -= g*d.Vector.Value + l2*m.w[i]
				}
			}
		}
	}
	return m
}

// Classes is the number of classes.
func (m *Model) Classes() int { return m.n }

// Bits is the hash size the model was trained with.
func (m *Model) Bits() uint { return m.bits }

// Predict returns the probability of each class.
func (m *Model) Predict(v Vector) []float32 {
	p := make([]float32, m.n)
	if len(v.Features) == 0 {
		for c := range p {
			p[c] = 1 / float32(m.n)
		}
		return p
	}
	if m.hidden != nil {
		m.hidden.forward(v, make([]float32, m.hidden.h), p)
		if m.w != nil {
			q := make([]float32, m.n)
			m.scores(v, q)
			for c := range p {
				p[c] = m.mix*p[c] + (1-m.mix)*q[c]
			}
		}
		return p
	}
	m.scores(v, p)
	return p
}

// scores writes the softmax of the class scores of v into p.
func (m *Model) scores(v Vector, p []float32) {
	copy(p, m.bias)
	for _, x := range v.Features {
		row := m.w[int(x)*m.n : int(x)*m.n+m.n]
		for c, w := range row {
			p[c] += w * v.Value
		}
	}
	Softmax(p)
}

// Softmax turns class scores into probabilities, in place.
func Softmax(p []float32) {
	max := float32(math.Inf(-1))
	for _, s := range p {
		if s > max {
			max = s
		}
	}
	var sum float32
	for c := range p {
		p[c] = float32(math.Exp(float64(p[c] - max)))
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}
