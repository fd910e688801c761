package match

import "math"

// grams is the n-gram view of an index: each entry's centroid over the
// hashed features of its docs (see the package documentation).
type grams struct {
	slots map[uint32]int32 // feature → slot
	idf   []float32        // by slot
	post  postings         // by slot: the entries whose centroid has it
	// the slots of each word the docs have, hashed once:
	// arena[words[w][0]:words[w][1]]
	words map[string][2]int32
	arena []int32
}

// docFeatures appends the slots of a doc's or a question's features to
// dst, each once: those of its folded words, of its stems, and of the
// neighbouring pairs of each. wordSlots appends a word's slots, pairSlot
// gives a pair's; seen marks the slots taken ((*seen)[s] == stamp), and
// grows as they add slots.
func docFeatures(folded, analysed []string, dst []int32, wordSlots func(string, []int32) []int32, pairSlot func(a, b string) (int32, bool), seen *[]uint32, stamp uint32) []int32 {
	for _, words := range [2][]string{folded, analysed} {
		for i, w := range words {
			n := len(dst)
			dst = keepUnseen(wordSlots(w, dst), n, *seen, stamp)
			if i > 0 {
				if s, ok := pairSlot(words[i-1], w); ok && (*seen)[s] != stamp {
					(*seen)[s] = stamp
					dst = append(dst, s)
				}
			}
		}
	}
	return dst
}

// keepUnseen keeps, of dst[from:], the slots not yet seen, and marks them.
func keepUnseen(dst []int32, from int, seen []uint32, stamp uint32) []int32 {
	kept := from
	for _, s := range dst[from:] {
		if seen[s] != stamp {
			seen[s] = stamp
			dst[kept] = s
			kept++
		}
	}
	return dst[:kept]
}

func (g *grams) build(nEntries int, byEntry [][]int32, folded, analysed [][]string) {
	words := 0
	for d := range folded {
		words += len(folded[d]) + len(analysed[d])
	}
	g.slots = map[uint32]int32{}
	var seen []uint32 // by slot: the doc (+1) that last took it
	slotOf := func(f uint32) int32 {
		s, ok := g.slots[f]
		if !ok {
			s = int32(len(seen))
			g.slots[f] = s
			seen = append(seen, 0)
		}
		return s
	}
	// a word's features are hashed once, however often it is used
	var buf []uint32
	g.words = map[string][2]int32{}
	wordSlots := func(w string, dst []int32) []int32 {
		span, ok := g.words[w]
		if !ok {
			buf = featurizer.Word(w, buf[:0])
			span[0] = int32(len(g.arena))
			for _, f := range buf {
				g.arena = append(g.arena, slotOf(f))
			}
			span[1] = int32(len(g.arena))
			g.words[w] = span
		}
		return append(dst, g.arena[span[0]:span[1]]...)
	}
	pairSlot := func(a, b string) (int32, bool) { return slotOf(featurizer.Pair(a, b)), true }
	docOff := make([]int32, len(folded)+1)
	docSlots := make([]int32, 0, 4*words)
	for d := range folded {
		docSlots = docFeatures(folded[d], analysed[d], docSlots, wordSlots, pairSlot, &seen, uint32(d+1))
		docOff[d+1] = int32(len(docSlots))
	}
	nSlots := len(g.slots)
	df := make([]int32, nSlots)
	for _, s := range docSlots {
		df[s]++
	}
	n := float64(len(folded))
	g.idf = make([]float32, nSlots)
	for s, c := range df {
		g.idf[s] = float32(math.Log(1 + n/float64(c)))
	}
	// each entry's centroid: the sum of its docs' normalised vectors,
	// normalised
	acc := make([]float64, nSlots)
	var touched []int32
	g.post = buildPostings(nSlots, nEntries, func(emit func(key, entry int32, weight float64)) {
		for e := range nEntries {
			touched = touched[:0]
			for _, d := range byEntry[e] {
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
			for _, s := range touched {
				emit(s, int32(e), acc[s]/norm)
				acc[s] = 0
			}
		}
	})
}

// score adds each entry's cosine with the question to sc.gram.
func (g *grams) score(sc *scratch, folded []string) {
	sc.seen, sc.stamp = nextStamp(sc.seen, sc.stamp, len(g.idf))
	wordSlots := func(w string, dst []int32) []int32 {
		if span, ok := g.words[w]; ok {
			return append(dst, g.arena[span[0]:span[1]]...)
		}
		sc.feats = featurizer.Word(w, sc.feats[:0])
		for _, f := range sc.feats {
			if s, ok := g.slots[f]; ok {
				dst = append(dst, s)
			}
		}
		return dst
	}
	pairSlot := func(a, b string) (int32, bool) {
		s, ok := g.slots[featurizer.Pair(a, b)]
		return s, ok
	}
	sc.slots = docFeatures(folded, sc.analysed, sc.slots[:0], wordSlots, pairSlot, &sc.seen, sc.stamp)
	var qnorm float64
	for _, s := range sc.slots {
		idf := float64(g.idf[s])
		qnorm += idf * idf
		g.post.add(s, idf, sc.gram, sc)
	}
	sc.gramNorm = math.Sqrt(qnorm)
}
