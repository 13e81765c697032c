package textmodel_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

func vec(s string) textmodel.Vector { return textmodel.Vectorize(strings.Fields(s), 12) }

// wantCatsAndDogs checks that m puts unseen messages about a cat in class 0
// and about a dog in class 1.
func wantCatsAndDogs(t *testing.T, m *textmodel.Model, label string) {
	t.Helper()
	for text, want := range map[string]int{"your cat": 0, "that dog": 1} {
		p := m.Predict(vec(text))
		if got := map[bool]int{true: 0, false: 1}[p[0] > p[1]]; got != want {
			t.Errorf("%sPredict(%q) = %v, want class %d", label, text, p, want)
		}
	}
}

// TestTrainSeparates learns two classes told apart by their words and
// predicts unseen messages of each, and is deterministic.
func TestTrainSeparates(t *testing.T) {
	var data []textmodel.Example
	for _, s := range []string{"the cat sat", "a cat purrs", "my cat sleeps", "cats and kittens"} {
		data = append(data, textmodel.Example{Vector: vec(s), Class: 0})
	}
	for _, s := range []string{"the dog barks", "a dog runs", "my dog fetches", "dogs and puppies"} {
		data = append(data, textmodel.Example{Vector: vec(s), Class: 1})
	}
	o := textmodel.DefaultOptions()
	o.HashBits = 12
	m := textmodel.Train(data, 2, o)
	wantCatsAndDogs(t, m, "")
	if a, b := m.Predict(vec("cat dog")), textmodel.Train(data, 2, o).Predict(vec("cat dog")); a[0] != b[0] {
		t.Errorf("two trainings on the same data differ: %v vs %v", a, b)
	}
	if p := m.Predict(textmodel.Vector{}); p[0] != 0.5 {
		t.Errorf("empty message = %v, want even odds", p)
	}
	// With dropout it still separates them, deterministically, and it is
	// another model than without.
	o.Dropout = 0.3
	d := textmodel.Train(data, 2, o)
	wantCatsAndDogs(t, d, "with dropout, ")
	if a, b := d.Predict(vec("cat dog")), textmodel.Train(data, 2, o).Predict(vec("cat dog")); a[0] != b[0] {
		t.Errorf("two trainings with dropout differ: %v vs %v", a, b)
	}
	if a, b := d.Predict(vec("cat")), m.Predict(vec("cat")); a[0] == b[0] {
		t.Errorf("dropout changed nothing: %v", a)
	}
}

// TestEncodeDecode: a decoded model predicts exactly as the one encoded;
// damaged input is an error, never a panic.
func TestEncodeDecode(t *testing.T) {
	data := []textmodel.Example{{Vector: vec("the cat sat"), Class: 0}, {Vector: vec("the dog barks"), Class: 1}, {Vector: vec("a bird sings"), Class: 2}}
	o := textmodel.DefaultOptions()
	o.HashBits = 12
	m := textmodel.Train(data, 3, o)
	enc, got := roundTrip(t, m)
	for _, s := range []string{"cat", "dog sat", "a bird", "nothing known"} {
		if a, b := m.Predict(vec(s)), got.Predict(vec(s)); !slices.Equal(a, b) {
			t.Errorf("%q: decoded model predicts %v, want %v", s, b, a)
		}
	}
	if got.Classes() != 3 || got.Bits() != 12 {
		t.Errorf("shape %d classes %d bits, want 3 and 12", got.Classes(), got.Bits())
	}
	for _, bad := range [][]byte{nil, []byte("not gzip"), enc[:len(enc)/2]} {
		if _, err := textmodel.Decode(bytes.NewReader(bad)); err == nil {
			t.Errorf("Decode of %d damaged bytes: no error", len(bad))
		}
	}
}

// TestHiddenLayer: a model with a hidden layer, alone or mixed with the
// linear one, learns classes that only a pair of words tells apart
// (which no sum of single words can), and its encoding predicts exactly
// as the model trained; damaged input is an error.
func TestHiddenLayer(t *testing.T) {
	// Class 1 when "a" and "b" come together or neither does: XOR of two
	// words, beside filler words.
	var data []textmodel.Example
	for i := range 40 {
		filler := []string{"x", "y", "z", "w"}[i%4]
		for _, c := range []struct {
			text  string
			class int
		}{{"a b " + filler, 1}, {filler, 1}, {"a " + filler, 0}, {"b " + filler, 0}} {
			data = append(data, textmodel.Example{Vector: textmodel.Vector{Features: featuresOf(c.text), Value: 1}, Class: c.class})
		}
	}
	o := textmodel.DefaultOptions()
	o.HashBits, o.Hidden, o.Epochs, o.Rate = 12, 16, 300, 0.5
	for _, mix := range []float64{0, 0.5} {
		o.Mix = mix
		m := textmodel.Train(data, 2, o)
		if mix == 0 {
			for text, want := range map[string]int{"a b x": 1, "x": 1, "a y": 0, "b z": 0} {
				p := m.Predict(textmodel.Vector{Features: featuresOf(text), Value: 1})
				if got := map[bool]int{true: 0, false: 1}[p[0] > p[1]]; got != want {
					t.Errorf("hidden layer: Predict(%q) = %v, want class %d", text, p, want)
				}
			}
		}
		enc, got := roundTrip(t, m)
		for _, s := range []string{"a b x", "a", "b w", "nothing"} {
			v := textmodel.Vector{Features: featuresOf(s), Value: 1}
			if a, b := m.Predict(v), got.Predict(v); !slices.Equal(a, b) {
				t.Errorf("mix %g, %q: decoded model predicts %v, want %v", mix, s, b, a)
			}
		}
		for _, bad := range [][]byte{enc[:len(enc)/2], enc[:len(enc)-1], append(slices.Clone(enc), 7)} {
			if _, err := textmodel.Decode(bytes.NewReader(bad)); err == nil {
				t.Errorf("mix %g: Decode of %d damaged bytes: no error", mix, len(bad))
			}
		}
	}
}

// featuresOf is one hashed feature per word, no n-grams: a pair of words
// can then only be weighed together by a hidden layer.
func featuresOf(s string) []uint32 {
	var out []uint32
	for _, w := range strings.Fields(s) {
		out = append(out, uint32(w[0])%4096)
	}
	return out
}

// roundTrip encodes m and decodes it back.
func roundTrip(t *testing.T, m *textmodel.Model) ([]byte, *textmodel.Model) {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := textmodel.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), got
}
