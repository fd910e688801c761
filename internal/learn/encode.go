package learn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// modelMagic starts an encoded model; the last byte is the format version.
var modelMagic = []byte("SALAMA-LEARN\x00\x01")

// MarshalBinary encodes the model: its classes, featurizer, and the weights
// of the features some training example had. A model decoded from it
// scores exactly as this one does.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.Write(modelMagic)
	put := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	put(uint32(len(m.Classes)))
	for _, c := range m.Classes {
		put(uint32(len(c)))
		b.WriteString(c)
	}
	put([3]int32{int32(m.feat.minN), int32(m.feat.maxN), int32(m.stride)})
	norm := uint8(0)
	if m.norm {
		norm = 1
	}
	put(norm)
	put(m.bias)
	used := 0
	for _, r := range m.rows {
		if r >= 0 {
			used++
		}
	}
	put(uint32(used))
	for f, r := range m.rows {
		if r >= 0 {
			put([2]uint32{uint32(f), uint32(r)})
		}
	}
	put(uint32(len(m.weights)))
	put(m.weights)
	return b.Bytes(), nil
}

// UnmarshalModel decodes a model written by MarshalBinary.
func UnmarshalModel(data []byte) (*Model, error) {
	if !bytes.HasPrefix(data, modelMagic) {
		return nil, errors.New("learn: not an encoded model of this version")
	}
	r := bytes.NewReader(data[len(modelMagic):])
	var err error
	get := func(v any) {
		if err == nil {
			err = binary.Read(r, binary.LittleEndian, v)
		}
	}
	var n uint32
	get(&n)
	if err != nil || n > 1<<12 {
		return nil, fmt.Errorf("learn: bad model: %d classes, %v", n, err)
	}
	m := &Model{Classes: make([]string, n)}
	for i := range m.Classes {
		var l uint32
		get(&l)
		if err != nil || int(l) > r.Len() {
			return nil, fmt.Errorf("learn: bad model: class name, %v", err)
		}
		s := make([]byte, l)
		get(s)
		m.Classes[i] = string(s)
	}
	var shape [3]int32
	get(&shape)
	m.feat = Featurizer{minN: int(shape[0]), maxN: int(shape[1])}
	m.stride = int(shape[2])
	var norm uint8
	get(&norm)
	m.norm = norm == 1
	m.bias = make([]float32, n)
	get(m.bias)
	var used uint32
	get(&used)
	if err != nil || int(used) > r.Len()/8 || m.stride < int(n) || m.stride%16 != 0 {
		return nil, fmt.Errorf("learn: bad model: %d rows, stride %d, %v", used, m.stride, err)
	}
	m.rows = make([]int32, Buckets)
	for i := range m.rows {
		m.rows[i] = -1
	}
	// the rows and weights are most of the file: read them without
	// reflection
	rest := data[len(data)-r.Len():]
	if len(rest) < int(used)*8+4 {
		return nil, errors.New("learn: bad model: truncated rows")
	}
	le := binary.LittleEndian
	for i := range int(used) {
		f, row := le.Uint32(rest[8*i:]), le.Uint32(rest[8*i+4:])
		if f >= Buckets || row >= used {
			return nil, errors.New("learn: bad model: a row out of range")
		}
		m.rows[f] = int32(row)
	}
	rest = rest[8*used:]
	nw := le.Uint32(rest)
	rest = rest[4:]
	if int(nw) != int(used)*m.stride || len(rest) != 4*int(nw) {
		return nil, fmt.Errorf("learn: bad model: %d weights for %d rows", nw, used)
	}
	m.weights = make([]float32, nw)
	for i := range m.weights {
		m.weights[i] = math.Float32frombits(le.Uint32(rest[4*i:]))
	}
	for _, w := range m.weights {
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return nil, errors.New("learn: bad model: a weight is not a number")
		}
	}
	return m, nil
}
