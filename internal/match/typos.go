package match

import "unicode/utf8"

// typos finds the known stem closest to an unknown word with a "symmetric
// delete" table: every known stem of four letters or more is filed under
// each of its one-letter deletions, so a misspelling costs one map lookup
// per deletion, not a scan of the vocabulary.
type typos struct {
	terms   map[string]int32
	deletes map[string][]int32 // one-deletion variants → term ids
}

func newTypos(terms map[string]int32, names []string) typos {
	t := typos{terms: terms, deletes: map[string][]int32{}}
	var buf []byte
	for id, term := range names { // in id order, so that ties break alike every time
		if utf8.RuneCountInString(term) < 4 { // pairs have no name
			continue
		}
		for i := range term {
			buf = deletion(buf[:0], term, i)
			t.deletes[string(buf)] = appendOnce(t.deletes[string(buf)], int32(id))
		}
	}
	return t
}

// deletion appends w without the rune at byte offset i to dst.
func deletion(dst []byte, w string, i int) []byte {
	_, size := utf8.DecodeRuneInString(w[i:])
	return append(append(dst, w[:i]...), w[i+size:]...)
}

// nearest finds the known term closest to an unknown word, within one edit
// for short words and two for long ones; ties go to the rarer term.
func (t *typos) nearest(w string, names []string, idf []float64) (int32, bool) {
	n := utf8.RuneCountInString(w)
	if n < 5 {
		return 0, false
	}
	if id, ok := t.terms[w]; ok {
		return id, true
	}
	maxDist := 1
	if n >= 8 {
		maxDist = 2
	}
	r := []rune(w)
	bestID, bestDist, bestIDF := int32(-1), maxDist+1, 0.0
	try := func(id int32) {
		d := distance(r, []rune(names[id]), maxDist)
		if d < bestDist || d == bestDist && (idf[id] > bestIDF || idf[id] == bestIDF && id < bestID) {
			bestID, bestDist, bestIDF = id, d, idf[id]
		}
	}
	for _, id := range t.deletes[w] {
		try(id)
	}
	var buf []byte
	for i := range w {
		buf = deletion(buf[:0], w, i)
		if id, ok := t.terms[string(buf)]; ok {
			try(id)
		}
		for _, id := range t.deletes[string(buf)] {
			try(id)
		}
	}
	return bestID, bestID >= 0
}

// distance is the optimal-string-alignment edit distance, or max+1 when it
// exceeds max.
func distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func appendOnce(list []int32, id int32) []int32 {
	for _, v := range list {
		if v == id {
			return list
		}
	}
	return append(list, id)
}
