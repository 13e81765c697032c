package index

// The learned ranker of the embedded corpus ships trained: training it
// took about half a second of every start. data/ranker.bin holds the
// model with the hash of what it was trained on; a corpus whose training
// data hashes the same (the embedded corpus, unedited) loads it, any other
// trains as before. TestShippedRankerIsCurrent fails when the file is not
// what training on the embedded corpus gives today, to the bit; rewrite it
// with
//
//	CONFIDANT_WRITE_RANKER=1 go test ./index -run ShippedRankerIsCurrent

import (
	"bufio"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

//go:embed data/ranker.bin
var shippedRankerFile []byte

// rankerMagic starts an encoded ranker; the digit is the format's version.
const rankerMagic = "ranker1"

var shipped struct {
	once  sync.Once
	key   [32]byte
	model *linearModel
}

// shippedRanker is the shipped model if it was trained on data hashing to
// key.
func shippedRanker(key [32]byte) (*linearModel, bool) {
	if len(shippedRankerFile) == 0 {
		return nil, false
	}
	shipped.once.Do(func() {
		k, m, err := decodeRanker(shippedRankerFile)
		if err == nil {
			shipped.key, shipped.model = k, m
		}
	})
	if shipped.model == nil || shipped.key != key {
		return nil, false
	}
	return shipped.model, true
}

// encode writes the model and its training key, uncompressed (inflating
// it cost more at every start than reading it; git compresses it anyway):
// the shape, then for each row in order its hashed feature and weights,
// then the biases. decodeRanker gives back the same model to the bit.
func (m *linearModel) encode(w io.Writer, key [32]byte) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(rankerMagic)
	bw.Write(key[:])
	var buf [binary.MaxVarintLen64]byte
	uvarint := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	float := func(f float32) {
		binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(f))
		bw.Write(buf[:4])
	}
	rows := len(m.w) / m.classes
	uvarint(uint64(m.classes))
	uvarint(uint64(len(m.row)))
	uvarint(uint64(rows))
	feature := make([]int, rows)
	for f, r := range m.row {
		if r >= 0 {
			feature[r] = f
		}
	}
	for r, f := range feature {
		uvarint(uint64(f))
		for _, x := range m.w[r*m.classes : (r+1)*m.classes] {
			float(x)
		}
	}
	for _, b := range m.bias {
		float(b)
	}
	return bw.Flush()
}

// decodeRanker reads a model written by encode, and its training key,
// from memory.
func decodeRanker(b []byte) (key [32]byte, m *linearModel, err error) {
	if len(b) < len(rankerMagic)+len(key) || string(b[:len(rankerMagic)]) != rankerMagic {
		return key, nil, errors.New("ranker: not an encoded ranker")
	}
	b = b[len(rankerMagic):]
	copy(key[:], b)
	b = b[len(key):]
	bad := errors.New("ranker: truncated or corrupt")
	uvarint := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	var nums [3]uint64
	for i := range nums {
		v, ok := uvarint()
		if !ok {
			return key, nil, bad
		}
		nums[i] = v
	}
	classes, buckets, rows := int(nums[0]), int(nums[1]), int(nums[2])
	if classes < 1 || classes > 1<<20 || buckets < 1 || buckets > 1<<24 || rows > buckets {
		return key, nil, fmt.Errorf("ranker: bad shape (%d classes, %d buckets, %d rows)", classes, buckets, rows)
	}
	m = &linearModel{classes: classes, row: make([]int32, buckets), w: make([]float32, rows*classes), bias: make([]float32, classes)}
	for i := range m.row {
		m.row[i] = -1
	}
	floats := func(dst []float32) (ok bool) {
		b, ok = textmodel.ReadFloat32s(b, dst)
		return ok
	}
	for r := range rows {
		f, ok := uvarint()
		if !ok || f >= uint64(buckets) {
			return key, nil, bad
		}
		m.row[f] = int32(r)
		if !floats(m.w[r*classes : (r+1)*classes]) {
			return key, nil, bad
		}
	}
	if !floats(m.bias) {
		return key, nil, bad
	}
	return key, m, nil
}
