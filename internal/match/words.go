package match

import (
	"math"
	"slices"

	"github.com/salama-safety/salama/internal/norm"
)

// analyser reads folded words the way a language's curators wrote its
// matching words: synonyms as their head word, without stop words, stemmed.
type analyser struct {
	stop map[string]bool
	syn  map[string][]synonym // first word of a synonym phrase → phrases
	stem func(string) string
}

type synonym struct {
	words []string
	head  []string
}

func newAnalyser(lang Lang) analyser {
	a := analyser{stop: make(map[string]bool, len(lang.Stopwords)), syn: make(map[string][]synonym, len(lang.Synonyms)), stem: lang.Stem}
	for _, w := range lang.Stopwords {
		f := norm.Fold(w)
		a.stop[f] = true
		seen(lang.Seen, f)
	}
	heads := map[string][]string{} // many synonyms share a head
	for from, to := range lang.Synonyms {
		head, ok := heads[to]
		if !ok {
			head = norm.Words(to)
			heads[to] = head
			seen(lang.Seen, head...)
		}
		s := synonym{words: norm.Words(from), head: head}
		seen(lang.Seen, s.words...)
		if len(s.words) > 0 {
			a.syn[s.words[0]] = append(a.syn[s.words[0]], s)
		}
	}
	for _, list := range a.syn { // longest phrase first; the same order every time
		slices.SortFunc(list, func(x, y synonym) int {
			if len(x.words) != len(y.words) {
				return len(y.words) - len(x.words)
			}
			if c := slices.Compare(x.words, y.words); c != 0 {
				return c
			}
			return slices.Compare(x.head, y.head)
		})
	}
	return a
}

// analyse appends the stems of folded words to dst.
func (a *analyser) analyse(words, dst []string) []string {
	for i := 0; i < len(words); i++ {
		replaced := false
		for _, s := range a.syn[words[i]] {
			if hasPrefix(words[i:], s.words) {
				for _, h := range s.head {
					dst = a.keep(dst, h)
				}
				i += len(s.words) - 1
				replaced = true
				break
			}
		}
		if !replaced {
			dst = a.keep(dst, words[i])
		}
	}
	return dst
}

func (a *analyser) keep(out []string, w string) []string {
	if a.stop[w] {
		return out
	}
	if a.stem != nil {
		w = a.stem(w)
	}
	return append(out, w)
}

// words is the word view of an index: stems and pairs of neighbouring stems
// as terms, weighted by how rare they are across entries (idf).
type words struct {
	terms  map[string]int32 // stem → term id
	pairs  map[uint64]int32 // two stems' term ids → the pair's term id
	idf    []float32        // by term
	maxIDF float64
	post   postings // by term: the entries that have it
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func (w *words) build(nEntries int, byEntry [][]int32, analysed [][]string) {
	w.terms, w.pairs = map[string]int32{}, map[uint64]int32{}
	n := int32(0)
	docTerms := make([][]int32, len(analysed))
	for d, stems := range analysed {
		ts := make([]int32, 0, 2*len(stems))
		prev := int32(-1)
		for _, s := range stems {
			id, ok := w.terms[s]
			if !ok {
				id, n = n, n+1
				w.terms[s] = id
			}
			ts = append(ts, id)
			if prev >= 0 {
				k := pairKey(prev, id)
				p, ok := w.pairs[k]
				if !ok {
					p, n = n, n+1
					w.pairs[k] = p
				}
				ts = append(ts, p)
			}
			prev = id
		}
		docTerms[d] = ts
	}
	// each entry's terms, once each
	stamps := make([]uint32, n)
	w.post = buildPostings(int(n), nEntries, func(emit func(key, entry int32, weight float64)) {
		clear(stamps)
		for e, docs := range byEntry {
			for _, d := range docs {
				for _, t := range docTerms[d] {
					if stamps[t] != uint32(e+1) {
						stamps[t] = uint32(e + 1)
						emit(t, int32(e), 1)
					}
				}
			}
		}
	})
	w.idf = make([]float32, n)
	for t := range n {
		idf := math.Log(1 + float64(nEntries)/float64(w.post.count(t)))
		w.idf[t] = float32(idf)
		w.maxIDF = max(w.maxIDF, idf)
	}
}

// score adds to sc.cover, for each entry, the idf of the question's terms
// it has, and sets sc.total, the question's information: the idf of its
// known terms and a share for each unknown word.
func (w *words) score(sc *scratch) {
	terms := sc.terms[:0]
	var total float64
	prev := int32(-1)
	for _, s := range sc.analysed {
		id, ok := w.terms[s]
		if !ok {
			// an unknown word counts against coverage, but less than a
			// known rare word: long messages carry words no phrasing has
			total += w.maxIDF * 0.6
			prev = -1
			continue
		}
		if prev >= 0 {
			if p, ok := w.pairs[pairKey(prev, id)]; ok && !slices.Contains(terms, p) {
				terms = append(terms, p)
			}
		}
		if !slices.Contains(terms, id) {
			terms = append(terms, id)
		}
		prev = id
	}
	for _, t := range terms {
		idf := float64(w.idf[t])
		total += idf
		w.post.add(t, idf, sc.cover, sc)
	}
	sc.terms, sc.total = terms, total
}

func hasPrefix(words, prefix []string) bool {
	if len(prefix) > len(words) {
		return false
	}
	for i := range prefix {
		if words[i] != prefix[i] {
			return false
		}
	}
	return true
}
