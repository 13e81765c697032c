package safety

// The learned half of the triage: a multinomial logistic regression over
// hashed word and character n-grams of the folded message, trained when the
// process first needs it on the labelled messages in data/train.tsv (written
// by independent writers who never saw the patterns). It generalises where
// the patterns cannot list every wording; the patterns stay for what must
// never be missed and for what moderators can read and extend.

import (
	_ "embed"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
)

// Classes the model tells apart. Decline reasons, teen questions and
// ordinary questions are all "other" to it: patterns handle those.
const (
	classOther = iota
	classSelfHarm
	classAssault
	classAbuse
	classMinor
	classConcernSelfHarm
	classConcernAbuse
	classPast
	numClasses
)

// classOf maps a label of the safety sets to a class of the model.
var classOf = map[string]int{
	"crisis/self-harm": classSelfHarm, "crisis/sexual-assault": classAssault,
	"crisis/abuse": classAbuse, "crisis/minor": classMinor,
	"concern/self-harm": classConcernSelfHarm, "concern/abuse": classConcernAbuse,
	"past": classPast,
}

// crisisCategory is the triage category of each crisis or concern class.
var crisisCategory = [numClasses]string{
	classSelfHarm: "self-harm", classAssault: "sexual-assault", classAbuse: "abuse", classMinor: "minor",
	classConcernSelfHarm: "self-harm", classConcernAbuse: "abuse", classPast: "sexual-assault",
}

// ClassOf is the model class of a safety-set label ("benign", "teen" and the
// decline labels are all class 0, "other").
func ClassOf(label string) int { return classOf[label] }

const hashBits = 18

// Example is one labelled message.
type Example struct {
	Label, Lang, Text string
}

// Model is a trained classifier. It is immutable and safe for concurrent use.
type Model struct {
	w    []float32 // numClasses weights per hashed feature
	bias [numClasses]float32
}

// features are the hashed n-grams of a message, each with weight 1/sqrt(n).
func features(message string) ([]uint32, float32) {
	toks := fold(message)
	seen := map[uint32]bool{}
	var out []uint32
	add := func(s string) {
		h := fnv.New32a()
		h.Write([]byte(s))
		f := h.Sum32() & (1<<hashBits - 1)
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	prev := "^"
	for _, t := range toks {
		add("w:" + t.text)
		add("b:" + prev + " " + t.text)
		prev = t.text
		r := []rune(" " + t.text + " ")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(r); i++ {
				add("c:" + string(r[i:i+n]))
			}
		}
	}
	add("b:" + prev + " $")
	if len(out) == 0 {
		return nil, 0
	}
	return out, float32(1 / math.Sqrt(float64(len(out))))
}

// Train fits a model on examples: SGD on the softmax loss with L2
// regularisation, classes weighted so each counts as much as "other", in a
// fixed order so the same data always gives the same model.
func Train(examples []Example) *Model {
	m := &Model{w: make([]float32, numClasses<<hashBits)}
	type vec struct {
		f     []uint32
		v     float32
		class int
	}
	data := make([]vec, 0, len(examples))
	var count [numClasses]int
	for _, e := range examples {
		f, v := features(e.Text)
		c := classOf[e.Label]
		data = append(data, vec{f, v, c})
		count[c]++
	}
	var weight [numClasses]float32
	for c := range weight {
		if count[c] > 0 {
			weight[c] = 1
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const epochs, l2 = 30, 1e-6
	var p [numClasses]float32
	for ep := 0; ep < epochs; ep++ {
		lr := float32(0.5 / (1 + 0.1*float64(ep)))
		rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
		for _, d := range data {
			m.scores(d.f, d.v, &p)
			for c := range p {
				g := p[c]
				if c == d.class {
					g -= 1
				}
				g *= weight[d.class] * lr
				m.bias[c] -= g * 0.1
				for _, f := range d.f {
					i := int(f)*numClasses + c
					m.w[i] -= g*d.v + l2*m.w[i]
				}
			}
		}
	}
	return m
}

// scores writes the class probabilities of hashed features into p.
func (m *Model) scores(f []uint32, v float32, p *[numClasses]float32) {
	max := float32(math.Inf(-1))
	for c := range p {
		s := m.bias[c]
		for _, x := range f {
			s += m.w[int(x)*numClasses+c] * v
		}
		p[c] = s
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

// Probabilities are the model's class probabilities for one message.
type Probabilities [numClasses]float32

// Predict scores a message.
func (m *Model) Predict(message string) Probabilities {
	var p [numClasses]float32
	f, v := features(message)
	if len(f) == 0 {
		p[classOther] = 1
		return p
	}
	m.scores(f, v, &p)
	return p
}

// Top is the most likely class other than "other", with its probability.
func (p Probabilities) Top() (class int, prob float32) {
	for c := 1; c < numClasses; c++ {
		if p[c] > prob {
			class, prob = c, p[c]
		}
	}
	return class, prob
}

// topCrisis is the most likely of the four crisis classes.
func (p Probabilities) topCrisis() int {
	best := classSelfHarm
	for c := classSelfHarm + 1; c <= classMinor; c++ {
		if p[c] > p[best] {
			best = c
		}
	}
	return best
}

// Crisis is the total probability of the four crisis classes.
func (p Probabilities) Crisis() float32 {
	return p[classSelfHarm] + p[classAssault] + p[classAbuse] + p[classMinor]
}

//go:embed data/train.tsv
var trainTSV string

// ordinaryTSV holds ordinary questions (the development question sets and
// the corpus's own phrasings, crisis entries left out), labelled
// "ordinary": more examples of what is not a crisis. Rebuilt with
// `go run ./bot/safety/gen_ordinary.go` after the corpus grows.
//
//go:embed data/ordinary.tsv
var ordinaryTSV string

// ParseExamples reads a safety set: a header line, then label, lang and
// message separated by tabs.
func ParseExamples(tsv string) []Example {
	var out []Example
	for i, line := range strings.Split(tsv, "\n") {
		parts := strings.SplitN(line, "\t", 3)
		if i == 0 || len(parts) != 3 {
			continue
		}
		out = append(out, Example{Label: parts[0], Lang: parts[1], Text: parts[2]})
	}
	return out
}

// TrainingSet is the embedded training set.
func TrainingSet() []Example {
	return append(ParseExamples(trainTSV), ParseExamples(ordinaryTSV)...)
}

// DefaultModel is the model trained on the embedded training set, trained
// once per process on first use (about a second on one core).
var DefaultModel = sync.OnceValue(func() *Model { return Train(TrainingSet()) })
