package match

import (
	"math"
	"slices"
)

// grams is the n-gram view of an index: each entry's centroid over the
// hashed features of its docs (see the package documentation).
type grams struct {
	slots map[uint32]int32 // feature → slot
	idf   []float32        // by slot
	// postings by slot, flattened: slot s's entries and weights are at
	// off[s]:off[s+1]
	off     []int32
	entries []int32
	weights []float32
}

func (g *grams) build(nEntries int, docEntry []int32, folded, analysed [][]string) {
	g.slots = map[uint32]int32{}
	// each doc's features as slots, end to end
	docOff := make([]int32, len(folded)+1)
	var docSlots []int32
	var df []int32
	var buf []uint32
	for d := range folded {
		buf = appendFeatures(buf[:0], folded[d], analysed[d])
		for _, f := range buf {
			s, ok := g.slots[f]
			if !ok {
				s = int32(len(df))
				g.slots[f] = s
				df = append(df, 0)
			}
			df[s]++
			docSlots = append(docSlots, s)
		}
		docOff[d+1] = int32(len(docSlots))
	}
	n := float64(len(folded))
	g.idf = make([]float32, len(df))
	for s, c := range df {
		g.idf[s] = float32(math.Log(1 + n/float64(c)))
	}
	// docs grouped by entry
	byEntry := make([][]int32, nEntries)
	for d, e := range docEntry {
		byEntry[e] = append(byEntry[e], int32(d))
	}
	// each entry's centroid: the sum of its docs' normalised vectors,
	// normalised; kept as (slot, weight) pairs, entry by entry
	acc := make([]float64, len(df))
	var touched, pSlot, pEntry []int32
	var pWeight []float32
	count := make([]int32, len(df)+1)
	for e, docs := range byEntry {
		touched = touched[:0]
		for _, d := range docs {
			slots := docSlots[docOff[d]:docOff[d+1]]
			var norm float64
			for _, s := range slots {
				norm += float64(g.idf[s]) * float64(g.idf[s])
			}
			norm = math.Sqrt(norm)
			for _, s := range slots {
				if acc[s] == 0 {
					touched = append(touched, s)
				}
				acc[s] += float64(g.idf[s]) / norm
			}
		}
		var norm float64
		for _, s := range touched {
			norm += acc[s] * acc[s]
		}
		norm = math.Sqrt(norm)
		slices.Sort(touched)
		for _, s := range touched {
			pSlot = append(pSlot, s)
			pEntry = append(pEntry, int32(e))
			pWeight = append(pWeight, float32(acc[s]/norm))
			count[s+1]++
			acc[s] = 0
		}
	}
	// by slot: a counting sort keeps each slot's entries in order
	g.off = count
	for s := range len(df) {
		g.off[s+1] += g.off[s]
	}
	g.entries = make([]int32, len(pSlot))
	g.weights = make([]float32, len(pSlot))
	next := slices.Clone(g.off[:len(df)])
	for i, s := range pSlot {
		g.entries[next[s]] = pEntry[i]
		g.weights[next[s]] = pWeight[i]
		next[s]++
	}
}

// appendFeatures appends the sorted, distinct features of a text (its
// folded words and its stems) to dst.
func appendFeatures(dst []uint32, folded, analysed []string) []uint32 {
	start := len(dst)
	dst = append(dst, featurizer.Features(folded, nil)...)
	dst = append(dst, featurizer.Features(analysed, nil)...)
	tail := dst[start:]
	slices.Sort(tail)
	return dst[:start+len(slices.Compact(tail))]
}

// score adds each entry's cosine with the question to sc.gram.
func (g *grams) score(sc *scratch, folded []string) {
	sc.feats = appendFeatures(sc.feats[:0], folded, sc.analysed)
	var qnorm float64
	for _, f := range sc.feats {
		s, ok := g.slots[f]
		if !ok {
			continue
		}
		idf := g.idf[s]
		qnorm += float64(idf) * float64(idf)
		ws := g.weights[g.off[s]:g.off[s+1]]
		for i, e := range g.entries[g.off[s]:g.off[s+1]] {
			sc.touchEntry(e)
			sc.gram[e] += float64(idf * ws[i])
		}
	}
	if qnorm == 0 {
		return
	}
	qnorm = math.Sqrt(qnorm)
	for _, e := range sc.entries {
		sc.gram[e] = math.Min(sc.gram[e]/qnorm, 1)
	}
}
