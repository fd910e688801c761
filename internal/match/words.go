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
	a := analyser{stop: map[string]bool{}, syn: map[string][]synonym{}, stem: lang.Stem}
	for _, w := range lang.Stopwords {
		f := norm.Fold(w)
		a.stop[f] = true
		seen(lang.Seen, f)
	}
	for from, to := range lang.Synonyms {
		s := synonym{words: norm.Words(from), head: norm.Words(to)}
		seen(lang.Seen, s.words...)
		seen(lang.Seen, s.head...)
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
	nTerms int              // stems and pairs
	idf    []float64
	maxIDF float64
	// entry and doc postings of each term, flattened: term t's are
	// entries[entryOff[t]:entryOff[t+1]]
	entryOff, entries []int32
	docOff, docs      []int32
	docEntry          []int32
	docNorm           []float32
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func (w *words) build(nEntries int, docEntry []int32, analysed [][]string) {
	w.terms, w.pairs = map[string]int32{}, map[uint64]int32{}
	w.docEntry = docEntry
	docTerms := make([][]int32, len(analysed))
	intern := func(s string) int32 {
		id, ok := w.terms[s]
		if !ok {
			id = int32(w.nTerms)
			w.terms[s] = id
			w.nTerms++
		}
		return id
	}
	for d, stems := range analysed {
		ts := make([]int32, 0, 2*len(stems))
		prev := int32(-1)
		for _, s := range stems {
			id := intern(s)
			ts = append(ts, id)
			if prev >= 0 {
				k := pairKey(prev, id)
				p, ok := w.pairs[k]
				if !ok {
					p = int32(w.nTerms)
					w.pairs[k] = p
					w.nTerms++
				}
				ts = append(ts, p)
			}
			prev = id
		}
		slices.Sort(ts)
		docTerms[d] = slices.Compact(ts)
	}
	n := w.nTerms
	// entries per term: a doc's terms are its entry's; an entry counts once
	entryTerms := make([][]int32, nEntries)
	for d, ts := range docTerms {
		entryTerms[docEntry[d]] = append(entryTerms[docEntry[d]], ts...)
	}
	df := make([]int32, n)
	for e, ts := range entryTerms {
		slices.Sort(ts)
		entryTerms[e] = slices.Compact(ts)
		for _, t := range entryTerms[e] {
			df[t]++
		}
	}
	w.entryOff, w.entries = flatten(n, entryTerms)
	w.docOff, w.docs = flatten(n, docTerms)
	w.idf = make([]float64, n)
	for t := range df {
		w.idf[t] = math.Log(1 + float64(nEntries)/float64(df[t]))
		w.maxIDF = max(w.maxIDF, w.idf[t])
	}
	w.docNorm = make([]float32, len(docTerms))
	for d, ts := range docTerms {
		var sum float64
		for _, t := range ts {
			sum += w.idf[t] * w.idf[t]
		}
		w.docNorm[d] = float32(math.Sqrt(sum))
	}
}

// flatten lays lists out end to end: list i is flat[off[i]:off[i+1]], each
// list holding the indexes that named i.
func flatten(n int, lists [][]int32) (off, flat []int32) {
	off = make([]int32, n+1)
	for _, l := range lists {
		for _, t := range l {
			off[t+1]++
		}
	}
	for t := range n {
		off[t+1] += off[t]
	}
	flat = make([]int32, off[n])
	next := slices.Clone(off[:n])
	for i, l := range lists {
		for _, t := range l {
			flat[next[t]] = int32(i)
			next[t]++
		}
	}
	return off, flat
}

// score adds the word view's sums for the question's stems (sc.analysed)
// to sc.
func (w *words) score(sc *scratch) {
	terms := sc.terms[:0]
	var total float64 // the question's information, matched or not
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
			if p, ok := w.pairs[pairKey(prev, id)]; ok {
				if terms, ok = addTerm(terms, p); ok {
					total += w.idf[p]
				}
			}
		}
		if terms, ok = addTerm(terms, id); ok {
			total += w.idf[id]
		}
		prev = id
	}
	sc.terms = terms
	sc.total = total
	if len(terms) == 0 {
		return
	}
	var qnorm float64
	for _, t := range terms {
		idf := w.idf[t]
		qnorm += idf * idf
		for _, e := range w.entries[w.entryOff[t]:w.entryOff[t+1]] {
			sc.touchEntry(e)
			sc.cover[e] += idf
		}
		x := idf * idf
		for _, d := range w.docs[w.docOff[t]:w.docOff[t+1]] {
			if sc.dot[d] == 0 {
				sc.docs = append(sc.docs, d)
			}
			sc.dot[d] += x
		}
	}
	// the question's norm includes its unmatched words, through total
	qnorm = math.Max(math.Sqrt(qnorm), total/math.Sqrt(float64(len(sc.analysed)+1)))
	for _, d := range sc.docs {
		e := w.docEntry[d]
		sc.best[e] = max(sc.best[e], cosine(sc.dot[d], float64(w.docNorm[d]), qnorm))
	}
}

// addTerm adds a term once, reporting whether it was new.
func addTerm(terms []int32, t int32) ([]int32, bool) {
	if slices.Contains(terms, t) {
		return terms, false
	}
	return append(terms, t), true
}

// entryScore is the word view's score of an entry: half coverage, half the
// cosine with its closest doc.
func (w *words) entryScore(sc *scratch, e int32) float64 {
	if sc.total == 0 {
		return 0
	}
	return 0.5*sc.cover[e]/sc.total + 0.5*sc.best[e]
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
