package index

import (
	"math/rand/v2"

	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

// linearModel is textmodel's multinomial logistic regression, trained and
// evaluated the same way to the bit (TestLinearModelMatchesTextmodel), laid
// out for a model with many classes:
//
//   - the weights of one feature for every class sit in one row, so a
//     question reads and training writes contiguous memory instead of one
//     float per class scattered across the whole table;
//   - only features seen in training get a row. textmodel never changes
//     the weight of a feature absent from every example, so it stays zero
//     there and leaving it out changes no probability, while most of the
//     2^bits hash buckets are empty: a third of the memory on the
//     embedded corpus.
type linearModel struct {
	classes int
	row     []int32   // row of each hashed feature, -1 if never seen
	w       []float32 // classes weights per row
	bias    []float32
}

// example is a training vector with its features replaced by their rows.
type example struct {
	rows  []int32
	value float32
	class int
}

// trainLinear fits the model exactly as textmodel.Train does: the same
// shuffles, learning rates, updates and float32 arithmetic, in an order that
// gives each weight the same sequence of operations.
func trainLinear(data []textmodel.Example, classes int, o textmodel.Options) *linearModel {
	m := &linearModel{classes: classes, row: make([]int32, 1<<o.HashBits), bias: make([]float32, classes)}
	for i := range m.row {
		m.row[i] = -1
	}
	rows := int32(0)
	ex := make([]example, len(data))
	for i, d := range data {
		e := example{rows: make([]int32, len(d.Vector.Features)), value: d.Vector.Value, class: d.Class}
		for j, f := range d.Vector.Features {
			if m.row[f] < 0 {
				m.row[f] = rows
				rows++
			}
			e.rows[j] = m.row[f]
		}
		ex[i] = e
	}
	m.w = make([]float32, int(rows)*classes)

	// The shuffle draws depend only on the length, so shuffling ex gives the
	// order textmodel gives its copy of data.
	rng := rand.New(rand.NewPCG(o.Seed, 2))
	p := make([]float32, classes)
	g := make([]float32, classes)
	l2 := float32(o.L2)
	for ep := 0; ep < o.Epochs; ep++ {
		lr := float32(o.Rate / (1 + 0.1*float64(ep)))
		rng.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
		for _, e := range ex {
			m.scores(e.rows, e.value, p)
			for c := range p {
				gc := p[c]
				if c == e.class {
					gc--
				}
				gc *= lr
				m.bias[c] -= gc * 0.1
				g[c] = gc * e.value
			}
			for _, r := range e.rows {
				w := m.w[int(r)*classes : int(r)*classes+classes]
				g := g[:len(w)]
				for c := range w {
					w[c] -= g[c] + l2*w[c]
				}
			}
		}
	}
	return m
}

// predict returns the probability of each class for v.
func (m *linearModel) predict(v textmodel.Vector) []float32 {
	p := make([]float32, m.classes)
	if len(v.Features) == 0 {
		for c := range p {
			p[c] = 1 / float32(m.classes)
		}
		return p
	}
	rows := make([]int32, 0, len(v.Features))
	for _, f := range v.Features {
		if r := m.row[f]; r >= 0 {
			rows = append(rows, r)
		}
	}
	m.scores(rows, v.Value, p)
	return p
}

// scores writes the softmax of the class scores into p. Each class's sum
// adds the features in the order textmodel adds them.
func (m *linearModel) scores(rows []int32, value float32, p []float32) {
	copy(p, m.bias)
	for _, r := range rows {
		w := m.w[int(r)*m.classes : int(r)*m.classes+m.classes]
		p := p[:len(w)]
		for c, x := range w {
			p[c] += x * value
		}
	}
	textmodel.Softmax(p)
}

// bytes is the memory the model holds.
func (m *linearModel) bytes() int { return 4 * (len(m.row) + len(m.w) + len(m.bias)) }
