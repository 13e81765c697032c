package index

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestShippedRankerIsCurrent: data/ranker.bin is the ranker training on
// the embedded corpus gives today, to the bit, so a start that loads it
// answers as one that trains. With CONFIDANT_WRITE_RANKER=1 it rewrites
// the file instead (after any change to the corpus's phrasings, the
// analyzer or the training options).
func TestShippedRankerIsCurrent(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(c, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, texts, o := ix.rankerData(c)
	key := ix.trainingKey(texts, len(r.ids)+1, o)
	want := trainLinear(ix.examples(texts), len(r.ids)+1, o)
	if os.Getenv("CONFIDANT_WRITE_RANKER") != "" {
		var buf bytes.Buffer
		if err := want.encode(&buf, key); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("data/ranker.bin", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote data/ranker.bin (%d bytes)", buf.Len())
		return
	}
	gotKey, got, err := decodeRanker(shippedRankerFile)
	if err != nil {
		t.Fatal(err)
	}
	if gotKey != key {
		t.Fatal("data/ranker.bin was trained on other data than the embedded corpus gives today: rewrite it with CONFIDANT_WRITE_RANKER=1 go test ./index -run ShippedRankerIsCurrent")
	}
	if got.classes != want.classes || !slices.Equal(got.row, want.row) || !slices.Equal(got.w, want.w) || !slices.Equal(got.bias, want.bias) {
		t.Fatal("data/ranker.bin decodes to another model than training gives")
	}
	if m, ok := shippedRanker(key); !ok || m == nil {
		t.Fatal("the shipped ranker is not used for the embedded corpus")
	}
}

// TestDecodeRankerRefusesDamage: a shortened or altered file is an error,
// never a panic or a half-read model (the index then trains instead).
func TestDecodeRankerRefusesDamage(t *testing.T) {
	_, m, err := decodeRanker(shippedRankerFile)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.encode(&buf, [32]byte{}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, []byte("ranker1"), buf.Bytes()[:len(buf.Bytes())/2]} {
		if _, _, err := decodeRanker(bad); err == nil {
			t.Errorf("a damaged file of %d bytes decoded", len(bad))
		}
	}
}
