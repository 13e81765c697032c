package textmodel_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

func vec(s string) textmodel.Vector { return textmodel.Vectorize(strings.Fields(s), 12) }

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
	for text, want := range map[string]int{"your cat": 0, "that dog": 1} {
		p := m.Predict(vec(text))
		if got := map[bool]int{true: 0, false: 1}[p[0] > p[1]]; got != want {
			t.Errorf("Predict(%q) = %v, want class %d", text, p, want)
		}
	}
	if a, b := m.Predict(vec("cat dog")), textmodel.Train(data, 2, o).Predict(vec("cat dog")); a[0] != b[0] {
		t.Errorf("two trainings on the same data differ: %v vs %v", a, b)
	}
	if p := m.Predict(textmodel.Vector{}); p[0] != 0.5 {
		t.Errorf("empty message = %v, want even odds", p)
	}
}

// TestEncodeDecode: a decoded model predicts exactly as the one encoded;
// damaged input is an error, never a panic.
func TestEncodeDecode(t *testing.T) {
	data := []textmodel.Example{{Vector: vec("the cat sat"), Class: 0}, {Vector: vec("the dog barks"), Class: 1}, {Vector: vec("a bird sings"), Class: 2}}
	o := textmodel.DefaultOptions()
	o.HashBits = 12
	m := textmodel.Train(data, 3, o)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	enc := buf.Bytes()
	got, err := textmodel.Decode(bytes.NewReader(enc))
	if err != nil {
		t.Fatal(err)
	}
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
