package evaluate

import (
	"math"

	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/internal/norm"
)

// bm25 is the textbook baseline: Okapi BM25 (k1 1.2, b 0.75) with each
// entry one document, the concatenation of its title, phrasings and
// questions, folded and split into words (package norm) with no stop
// words, synonyms or stemming. It ranks entries only: off-topic docs are
// left out.
type bm25 struct {
	ids   []string
	tf    []map[string]int
	len   []float64
	df    map[string]int
	avgLn float64
}

func newBM25(docs []match.Doc) *bm25 {
	b := &bm25{df: map[string]int{}}
	index := map[string]int{}
	for _, d := range docs {
		if d.ID == "" {
			continue
		}
		e, ok := index[d.ID]
		if !ok {
			e = len(b.ids)
			index[d.ID] = e
			b.ids = append(b.ids, d.ID)
			b.tf = append(b.tf, map[string]int{})
			b.len = append(b.len, 0)
		}
		for _, w := range norm.Words(d.Text) {
			if b.tf[e][w] == 0 {
				b.df[w]++
			}
			b.tf[e][w]++
			b.len[e]++
		}
	}
	var total float64
	for _, l := range b.len {
		total += l
	}
	b.avgLn = total / float64(len(b.ids))
	return b
}

// rank returns the best entries for the words of a question, at most limit.
func (b *bm25) rank(words []string, limit int) []match.Result {
	const k1, bb = 1.2, 0.75
	n := float64(len(b.ids))
	var top []match.Result
	for e, id := range b.ids {
		var s float64
		for _, w := range words {
			tf := float64(b.tf[e][w])
			if tf == 0 {
				continue
			}
			df := float64(b.df[w])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			s += idf * tf * (k1 + 1) / (tf + k1*(1-bb+bb*b.len[e]/b.avgLn))
		}
		if s > 0 {
			top = insertTop(top, match.Result{ID: id, Score: s}, limit)
		}
	}
	return top
}

// insertTop adds r to the best-first list top, keeping at most limit.
func insertTop(top []match.Result, r match.Result, limit int) []match.Result {
	i := len(top)
	for i > 0 && (top[i-1].Score < r.Score || top[i-1].Score == r.Score && top[i-1].ID > r.ID) {
		i--
	}
	if i >= limit {
		return top
	}
	if len(top) < limit {
		top = append(top, match.Result{})
	}
	copy(top[i+1:], top[i:])
	top[i] = r
	return top
}
