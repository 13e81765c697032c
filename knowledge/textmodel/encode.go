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

// magic starts an encoded model; the digit is the format's version.
const magic = "textmodel1"

// Encode writes the model uncompressed (a shipped model is read at every
// start, and inflating it cost more than reading it; git compresses it
// anyway): its shape, the biases, then each hash bucket with a non-zero
// weight (the distance from the previous one as a varint, then one float32
// per class). Decode gives back the same model to the bit.
func (m *Model) Encode(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(magic)
	bw.WriteByte(byte(m.n))
	bw.WriteByte(byte(m.bits))
	var buf [binary.MaxVarintLen64]byte
	put := func(f float32) {
		binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(f))
		bw.Write(buf[:4])
	}
	for _, b := range m.bias {
		put(b)
	}
	prev := -1
	for f := 0; f < 1<<m.bits; f++ {
		row := m.w[f*m.n : (f+1)*m.n]
		if allZero(row) {
			continue
		}
		bw.Write(buf[:binary.PutUvarint(buf[:], uint64(f-prev))])
		prev = f
		for _, x := range row {
			put(x)
		}
	}
	return bw.Flush()
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
	b, err := readMaybeGzip(r)
	if err != nil {
		return nil, fmt.Errorf("textmodel: %w", err)
	}
	if len(b) < len(magic)+2 || string(b[:len(magic)]) != magic {
		return nil, errors.New("textmodel: not an encoded model")
	}
	n, bits := int(b[len(magic)]), uint(b[len(magic)+1])
	if n < 1 || bits < 1 || bits > 24 {
		return nil, fmt.Errorf("textmodel: bad shape (%d classes, %d bits)", n, bits)
	}
	b = b[len(magic)+2:]
	m := &Model{n: n, bits: bits, w: make([]float32, n<<bits), bias: make([]float32, n)}
	floats := func(dst []float32) (ok bool) {
		b, ok = ReadFloat32s(b, dst)
		return ok
	}
	if !floats(m.bias) {
		return nil, errors.New("textmodel: truncated")
	}
	f := -1
	for len(b) > 0 {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, errors.New("textmodel: truncated")
		}
		b = b[k:]
		if d == 0 || d > uint64(1<<bits) || f+int(d) >= 1<<bits {
			return nil, errors.New("textmodel: bucket out of range")
		}
		f += int(d)
		if !floats(m.w[f*n : (f+1)*n]) {
			return nil, errors.New("textmodel: truncated")
		}
	}
	return m, nil
}

// readMaybeGzip reads all of r, inflated when it is gzip-compressed; the
// numbers are then read from memory, several times faster than a read call
// per float.
func readMaybeGzip(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, err
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
