package textmodel

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// magic starts an encoded model; the digit is the format's version.
const magic = "textmodel1"

// Encode writes the model, gzip-compressed: its shape, the biases, then each
// hash bucket with a non-zero weight (the distance from the previous one as
// a varint, then one float32 per class). Decode gives back the same model to
// the bit.
func (m *Model) Encode(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
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
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func allZero(row []float32) bool {
	for _, x := range row {
		if x != 0 {
			return false
		}
	}
	return true
}

// Decode reads a model written by Encode.
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("textmodel: %w", err)
	}
	br := bufio.NewReader(zr)
	head := make([]byte, len(magic)+2)
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, errors.New("textmodel: not an encoded model")
	}
	n, bits := int(head[len(magic)]), uint(head[len(magic)+1])
	if n < 1 || bits < 1 || bits > 24 {
		return nil, fmt.Errorf("textmodel: bad shape (%d classes, %d bits)", n, bits)
	}
	m := &Model{n: n, bits: bits, w: make([]float32, n<<bits), bias: make([]float32, n)}
	var buf [4]byte
	get := func() (float32, error) {
		_, err := io.ReadFull(br, buf[:])
		return math.Float32frombits(binary.LittleEndian.Uint32(buf[:])), err
	}
	for c := range m.bias {
		if m.bias[c], err = get(); err != nil {
			return nil, fmt.Errorf("textmodel: truncated: %w", err)
		}
	}
	f := -1
	for {
		d, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("textmodel: truncated: %w", err)
		}
		if d == 0 || d > uint64(1<<bits) || f+int(d) >= 1<<bits {
			return nil, errors.New("textmodel: bucket out of range")
		}
		f += int(d)
		for c := 0; c < n; c++ {
			if m.w[f*n+c], err = get(); err != nil {
				return nil, fmt.Errorf("textmodel: truncated: %w", err)
			}
		}
	}
}
