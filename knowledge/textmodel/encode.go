package textmodel

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// magic starts an encoded model; the digit is the format's version: 1 for
// a linear model, 2 for one with a hidden layer.
const (
	magic       = "textmodel1"
	magicHidden = "textmodel2"
)

// Encode writes the model uncompressed (a shipped model is read at every
// start, and inflating it cost more than reading it; git compresses it
// anyway). A linear model: its shape, the biases, then each hash bucket
// with a non-zero weight (the distance from the previous one as a varint,
// then one float32 per class). With a hidden layer: the shape and the
// layer's size, the mix, the layer's biases and output weights, its
// embeddings as the linear weights are written but in half precision and
// preceded by their count, then the linear part, if any, likewise. Decode
// gives back the same model to the bit.
func (m *Model) Encode(w io.Writer) error {
	bw := bufio.NewWriter(w)
	e := encoder{w: bw}
	if m.hidden == nil {
		bw.WriteString(magic)
		bw.WriteByte(byte(m.n))
		bw.WriteByte(byte(m.bits))
		e.floats(m.bias)
		e.rows(m.w, m.n, false, false)
		return bw.Flush()
	}
	hl := m.hidden
	bw.WriteString(magicHidden)
	bw.WriteByte(byte(m.n))
	bw.WriteByte(byte(m.bits))
	bw.WriteByte(byte(hl.h))
	e.floats([]float32{m.mix})
	e.floats(hl.b1)
	e.floats(hl.w2)
	e.floats(hl.bias)
	e.rows(hl.emb, hl.h, true, true)
	if m.w == nil {
		bw.WriteByte(0)
		return bw.Flush()
	}
	bw.WriteByte(1)
	e.floats(m.bias)
	e.rows(m.w, m.n, false, true)
	return bw.Flush()
}

// encoder writes the numbers of a model.
type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) floats(fs []float32) {
	for _, f := range fs {
		binary.LittleEndian.PutUint32(e.buf[:4], math.Float32bits(f))
		e.w.Write(e.buf[:4])
	}
}

func (e *encoder) uvarint(x uint64) { e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], x)]) }

// rows writes the non-zero rows of width n of w: each as the distance
// from the previous one and its numbers (float32, or half precision),
// preceded by their count if counted.
func (e *encoder) rows(w []float32, n int, half, counted bool) {
	if counted {
		count := 0
		for f := 0; f < len(w)/n; f++ {
			if !allZero(w[f*n : (f+1)*n]) {
				count++
			}
		}
		e.uvarint(uint64(count))
	}
	prev := -1
	for f := 0; f < len(w)/n; f++ {
		row := w[f*n : (f+1)*n]
		if allZero(row) {
			continue
		}
		e.uvarint(uint64(f - prev))
		prev = f
		if !half {
			e.floats(row)
			continue
		}
		for _, x := range row {
			binary.LittleEndian.PutUint16(e.buf[:2], toHalf(x))
			e.w.Write(e.buf[:2])
		}
	}
}

func allZero(row []float32) bool {
	for _, x := range row {
		if x != 0 {
			return false
		}
	}
	return true
}

// Decode reads a model written by Encode, or the same gzip-compressed.
func Decode(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("textmodel: %w", err)
	}
	return DecodeBytes(b)
}

// DecodeBytes is Decode of a model already in memory (an embedded file):
// no reading and regrowing a copy of it first, which was most of the time
// a start spent on a model.
func DecodeBytes(b []byte) (*Model, error) {
	b, err := maybeGunzip(b)
	if err != nil {
		return nil, fmt.Errorf("textmodel: %w", err)
	}
	if len(b) < len(magic)+2 || string(b[:len(magic)]) != magic && string(b[:len(magic)]) != magicHidden {
		return nil, errors.New("textmodel: not an encoded model")
	}
	hidden := string(b[:len(magic)]) == magicHidden
	n, bits := int(b[len(magic)]), uint(b[len(magic)+1])
	if n < 1 || bits < 1 || bits > 24 {
		return nil, fmt.Errorf("textmodel: bad shape (%d classes, %d bits)", n, bits)
	}
	d := decoder{b: b[len(magic)+2:]}
	m := &Model{n: n, bits: bits}
	if !hidden {
		m.w, m.bias = make([]float32, n<<bits), make([]float32, n)
		if !d.floats(m.bias) || !d.rows(m.w, n, bits, false, -1) {
			return nil, d.err()
		}
		return m, nil
	}
	if len(d.b) < 1 || d.b[0] < 1 {
		return nil, errors.New("textmodel: bad hidden layer")
	}
	h := int(d.b[0])
	d.b = d.b[1:]
	hl := &hiddenLayer{h: h, emb: make([]float32, h<<bits), b1: make([]float32, h), w2: make([]float32, n*h), bias: make([]float32, n)}
	m.hidden = hl
	mix := make([]float32, 1)
	if !d.floats(mix) || !d.floats(hl.b1) || !d.floats(hl.w2) || !d.floats(hl.bias) {
		return nil, d.err()
	}
	m.mix = mix[0]
	count, ok := d.uvarint()
	if !ok || !d.rows(hl.emb, h, bits, true, int(min(count, 1<<24))) || len(d.b) < 1 {
		return nil, d.err()
	}
	linear := d.b[0]
	d.b = d.b[1:]
	if linear == 0 {
		if len(d.b) > 0 {
			return nil, errors.New("textmodel: trailing bytes")
		}
		return m, nil
	}
	m.w, m.bias = make([]float32, n<<bits), make([]float32, n)
	if !d.floats(m.bias) {
		return nil, d.err()
	}
	if count, ok = d.uvarint(); !ok || !d.rows(m.w, n, bits, false, int(min(count, 1<<24))) {
		return nil, d.err()
	}
	if len(d.b) > 0 {
		return nil, errors.New("textmodel: trailing bytes")
	}
	return m, nil
}

// decoder reads the numbers of a model from memory.
type decoder struct {
	b   []byte
	bad string
}

func (d *decoder) err() error {
	if d.bad != "" {
		return errors.New("textmodel: " + d.bad)
	}
	return errors.New("textmodel: truncated")
}

func (d *decoder) floats(dst []float32) (ok bool) {
	d.b, ok = ReadFloat32s(d.b, dst)
	return ok
}

func (d *decoder) uvarint() (uint64, bool) {
	x, k := binary.Uvarint(d.b)
	if k <= 0 {
		return 0, false
	}
	d.b = d.b[k:]
	return x, true
}

// rows reads count rows written by encoder.rows into w, or rows up to the
// end of the data when count is -1.
func (d *decoder) rows(w []float32, n int, bits uint, half bool, count int) bool {
	f := -1
	for i := 0; count < 0 && len(d.b) > 0 || i < count; i++ {
		dist, ok := d.uvarint()
		if !ok {
			return false
		}
		if dist == 0 || dist > uint64(1<<bits) || f+int(dist) >= 1<<bits {
			d.bad = "bucket out of range"
			return false
		}
		f += int(dist)
		row := w[f*n : (f+1)*n]
		if !half {
			if !d.floats(row) {
				return false
			}
			continue
		}
		if len(d.b) < 2*n {
			return false
		}
		for j := range row {
			row[j] = fromHalf(binary.LittleEndian.Uint16(d.b[2*j:]))
		}
		d.b = d.b[2*n:]
	}
	return true
}

// maybeGunzip returns b, inflated when it is gzip-compressed; the
// numbers are then read from memory, several times faster than a read call
// per float.
func maybeGunzip(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// ReadFloat32s fills dst with little-endian float32s from the start of b
// and returns the rest of b; false when b is too short.
func ReadFloat32s(b []byte, dst []float32) ([]byte, bool) {
	if len(b) < 4*len(dst) {
		return b, false
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return b[4*len(dst):], true
}
