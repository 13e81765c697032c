package textmodel

import (
	"math"
	"math/rand/v2"
)

// hiddenLayer is the optional middle of a model trained with
// Options.Hidden > 0: each hashed feature has an embedding of h numbers, a
// message is the weighted sum of its features' embeddings plus a bias,
// passed through a ReLU, and the classes are a linear function of that.
// Unlike the plain linear model it can weigh words together ("kill" beside
// "myself" is not "killing me"). Buckets no message touched stay zero, so
// the encoded model holds only the features seen, and the embeddings are
// kept at half precision (rounded once trained) so the encoded model is
// half the size and still predicts exactly as the one trained.
type hiddenLayer struct {
	h    int
	emb  []float32 // h per hashed feature
	b1   []float32 // h
	w2   []float32 // classes*h, one row of h per class
	bias []float32 // classes
}

// trainHidden fits a hidden layer by SGD, in a fixed order. It learns at a
// tenth of the linear model's rate, for a third of its epochs: the layer
// multiplies the steps, and more passes only learn the writers by heart.
func trainHidden(data []Example, classes int, o Options) *hiddenLayer {
	h := o.Hidden
	hl := &hiddenLayer{h: h, emb: make([]float32, h<<o.HashBits), b1: make([]float32, h), w2: make([]float32, classes*h), bias: make([]float32, classes)}
	rng := rand.New(rand.NewPCG(o.Seed, 3))
	// The embeddings start at zero (an unseen bucket stays zero); the
	// random output weights break the symmetry, and the positive start of
	// b1 keeps every unit alive at first.
	scale := float32(1 / math.Sqrt(float64(h)))
	for i := range hl.w2 {
		hl.w2[i] = (rng.Float32()*2 - 1) * scale
	}
	for i := range hl.b1 {
		hl.b1[i] = 0.1
	}
	data = append([]Example(nil), data...)
	z := make([]float32, h)
	p := make([]float32, classes)
	gz := make([]float32, h)
	l2 := float32(o.L2)
	for ep := range max(1, o.Epochs/3) {
		lr := float32(o.Rate / 10 / (1 + 0.1*float64(ep)))
		rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
		for _, d := range data {
			hl.forward(d.Vector, z, p)
			clear(gz)
			for c := range p {
				g := p[c]
				if c == d.Class {
					g--
				}
				g *= lr
				hl.bias[c] -= g * 0.1
				row := hl.w2[c*h : (c+1)*h]
				for j, x := range z {
					if x > 0 {
						gz[j] += g * row[j]
						row[j] -= g * x
					}
				}
			}
			for j := range gz {
				hl.b1[j] -= gz[j] * 0.1
			}
			for _, f := range d.Vector.Features {
				e := hl.emb[int(f)*h : int(f)*h+h]
				for j, g := range gz {
					e[j] -= g*d.Vector.Value + l2*e[j]
				}
			}
		}
	}
	for i, x := range hl.emb {
		hl.emb[i] = fromHalf(toHalf(x))
	}
	return hl
}

// forward writes the layer's activations into z and the class
// probabilities into p.
func (hl *hiddenLayer) forward(v Vector, z, p []float32) {
	copy(z, hl.b1)
	for _, f := range v.Features {
		e := hl.emb[int(f)*hl.h : int(f)*hl.h+hl.h]
		for j, w := range e {
			z[j] += w * v.Value
		}
	}
	for j, x := range z {
		if x < 0 {
			z[j] = 0
		}
	}
	for c := range p {
		row := hl.w2[c*hl.h : (c+1)*hl.h]
		s := hl.bias[c]
		for j, x := range z {
			s += row[j] * x
		}
		p[c] = s
	}
	Softmax(p)
}

// toHalf rounds f to the nearest IEEE 754 half-precision number (ties to
// even) and returns its bits.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign
	case exp >= 31:
		return sign | 0x7c00 // too large: infinity (weights never are)
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		half, rem, mid := mant>>shift, mant&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > mid || rem == mid && half&1 == 1 {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	if rem := mant & 0x1fff; rem > 0x1000 || rem == 0x1000 && half&1 == 1 {
		half++ // a carry into the exponent is the right rounding
	}
	return sign | uint16(half)
}

// fromHalf is the float32 of half-precision bits h.
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case 31:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | mant<<13)
}
