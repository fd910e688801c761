package match

import "math"

// postings lists, for each of n keys (terms or features), the entries that
// have it, in increasing order, each with a weight: key k's are at
// off[k]:off[k+1]. Entries take two bytes each while there are at most
// 65,536 of them, four beyond; weights take one byte (see quantize), so an
// index of thousands of entries stays small.
type postings struct {
	off []int32
	e16 []uint16
	e32 []int32
	w   []uint8
}

// buildPostings lays out the postings that each gives: each calls emit
// for every (key, entry, weight), entry by entry in increasing entry
// order, and the same way every time, for it is called twice (to count,
// then to fill). Weights that quantize to zero are dropped.
func buildPostings(keys, entries int, each func(emit func(key, entry int32, weight float64))) postings {
	var p postings
	p.off = make([]int32, keys+1)
	each(func(k, _ int32, w float64) {
		if quantize(w) > 0 {
			p.off[k+1]++
		}
	})
	for k := range keys {
		p.off[k+1] += p.off[k]
	}
	n := p.off[keys]
	if entries <= 1<<16 {
		p.e16 = make([]uint16, n)
	} else {
		p.e32 = make([]int32, n)
	}
	p.w = make([]uint8, n)
	next := make([]int32, keys)
	copy(next, p.off[:keys])
	each(func(k, e int32, w float64) {
		q := quantize(w)
		if q == 0 {
			return
		}
		i := next[k]
		next[k]++
		if p.e16 != nil {
			p.e16[i] = uint16(e)
		} else {
			p.e32[i] = e
		}
		p.w[i] = q
	})
	return p
}

// count is how many entries key k has.
func (p *postings) count(k int32) int32 { return p.off[k+1] - p.off[k] }

// add adds x times the weight of each posting of key k to sums (cover or
// gram of sc), visiting each entry in sc first.
func (p *postings) add(k int32, x float64, sums []float64, sc *scratch) {
	from, to := p.off[k], p.off[k+1]
	ws := p.w[from:to]
	if p.e16 != nil {
		for i, e := range p.e16[from:to] {
			sc.visit(int32(e))
			sums[e] += x * dequantized[ws[i]]
		}
		return
	}
	for i, e := range p.e32[from:to] {
		sc.visit(e)
		sums[e] += x * dequantized[ws[i]]
	}
}

// quantize stores a weight in [0, 1] in a byte, on a square-root scale so
// that small weights keep their precision; a weight under 1/130,000 is 0.
func quantize(w float64) uint8 {
	return uint8(math.Round(math.Sqrt(min(max(w, 0), 1)) * 255))
}

// dequantized maps a byte back to its weight.
var dequantized = func() (t [256]float64) {
	for q := range t {
		x := float64(q) / 255
		t[q] = x * x
	}
	return t
}()
