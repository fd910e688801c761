// Package match ranks FAQ entries for a question, in pure Go, with no network
// and no model.
//
// # How it scores
//
// Each language has its own [Index], built from the entries' titles and
// phrasings and that language's stop words, synonyms and stemmer. A question
// is folded (package norm), synonyms are read as their head word, stop words
// dropped and words stemmed. A word the index does not know is looked up
// among known words one or two edits away (a "symmetric delete" table, so a
// misspelling costs one map lookup per deletion, not a scan).
//
// An entry's score blends two measures, both weighted by how rare a word is
// across entries (idf):
//
//   - coverage: how much of the question's information the entry's words
//     explain (robust to extra words and to word order);
//   - the cosine between the question and the entry's closest phrasing
//     (rewards a specific phrasing that says the same thing).
//
// Scores run from 0 to 1. The caller decides what is confident enough; see
// Decide.
package match

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/salama-safety/salama/internal/norm"
)

// Doc is one text that should lead to an entry: a title or a phrasing.
type Doc struct {
	ID   string
	Text string
}

// Lang is what a language contributes to matching.
type Lang struct {
	Stopwords []string
	// Synonyms maps a word or phrase (as written by a curator) to the word it
	// is read as.
	Synonyms map[string]string
	// Stem reduces a folded word to its stem; nil keeps words whole.
	Stem func(string) string
	// Seen, when set, is told every folded word of the documents, stop
	// words and synonyms as the index is built (the language's vocabulary).
	Seen func(word string)
}

// Result is an entry and its score.
type Result struct {
	ID    string
	Score float64
}

// Index ranks entries of one language. It is immutable and safe for
// concurrent use.
type Index struct {
	lang     Lang
	stop     map[string]bool
	syn      map[string][]synonym // first word of a synonym phrase → phrases
	terms    map[string]int32     // stem → term id
	names    []string             // term id → stem
	idf      []float64
	deletes  map[string][]int32 // one-deletion variants → term ids
	ids      []string           // entry index → id
	entry    [][]int32          // entry index → sorted term ids it contains
	docEntry []int32            // doc index → entry index
	docNorm  []float64
	postings [][]posting // term id → docs containing it
	scratch  sync.Pool   // *scratch, reused by Match
	inEntry  [][]int32   // term id → entries containing it
	maxIDF   float64
}

type synonym struct {
	words []string
	head  []string
}

type posting struct {
	doc    int32
	weight float64
}

// New builds an index.
func New(lang Lang, docs []Doc) *Index {
	ix := &Index{lang: lang, stop: map[string]bool{}, syn: map[string][]synonym{}, terms: map[string]int32{}, deletes: map[string][]int32{}}
	ix.scratch.New = func() any { return new(scratch) }
	for _, w := range lang.Stopwords {
		f := norm.Fold(w)
		ix.stop[f] = true
		seen(lang.Seen, f)
	}
	for from, to := range lang.Synonyms {
		s := synonym{words: norm.Words(from), head: norm.Words(to)}
		seen(lang.Seen, s.words...)
		seen(lang.Seen, s.head...)
		if len(s.words) > 0 {
			ix.syn[s.words[0]] = append(ix.syn[s.words[0]], s)
		}
	}
	for _, list := range ix.syn { // longest phrase first
		sort.Slice(list, func(i, j int) bool { return len(list[i].words) > len(list[j].words) })
	}
	entryIndex := map[string]int32{}
	docTerms := make([][]int32, len(docs))
	var entrySets []map[int32]bool
	for d, doc := range docs {
		e, ok := entryIndex[doc.ID]
		if !ok {
			e = int32(len(ix.ids))
			entryIndex[doc.ID] = e
			ix.ids = append(ix.ids, doc.ID)
			entrySets = append(entrySets, map[int32]bool{})
		}
		ix.docEntry = append(ix.docEntry, e)
		words := norm.Words(doc.Text)
		seen(lang.Seen, words...)
		for _, t := range withBigrams(ix.analyseWords(words)) {
			id, ok := ix.terms[t]
			if !ok {
				id = int32(len(ix.terms))
				ix.terms[t] = id
			}
			docTerms[d] = append(docTerms[d], id)
			entrySets[e][id] = true
		}
	}
	n := len(ix.terms)
	ix.names = make([]string, n)
	for t, id := range ix.terms {
		ix.names[id] = t
	}
	df := make([]int, n)
	ix.inEntry = make([][]int32, n)
	ix.entry = make([][]int32, len(ix.ids))
	for e, set := range entrySets {
		for t := range set {
			df[t]++
			ix.inEntry[t] = append(ix.inEntry[t], int32(e))
			ix.entry[e] = append(ix.entry[e], t)
		}
	}
	ix.idf = make([]float64, n)
	for t := range df {
		ix.idf[t] = math.Log(1 + float64(len(ix.ids))/float64(df[t]))
		ix.maxIDF = max(ix.maxIDF, ix.idf[t])
	}
	ix.postings = make([][]posting, n)
	ix.docNorm = make([]float64, len(docs))
	for d, ts := range docTerms {
		seen := map[int32]bool{}
		var sum float64
		for _, t := range ts {
			if seen[t] {
				continue
			}
			seen[t] = true
			w := ix.idf[t]
			sum += w * w
			ix.postings[t] = append(ix.postings[t], posting{doc: int32(d), weight: w})
		}
		ix.docNorm[d] = math.Sqrt(sum)
	}
	for term, id := range ix.terms {
		if len([]rune(term)) < 4 || strings.Contains(term, bigramJoin) {
			continue
		}
		for _, del := range deletions(term) {
			ix.deletes[del] = appendOnce(ix.deletes[del], id)
		}
	}
	return ix
}

func seen(f func(string), words ...string) {
	if f != nil {
		for _, w := range words {
			f(w)
		}
	}
}

// analyseWords turns folded words into stems: synonyms applied, stop
// words dropped, stemmed.
func (ix *Index) analyseWords(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		replaced := false
		for _, s := range ix.syn[words[i]] {
			if hasPrefix(words[i:], s.words) {
				for _, h := range s.head {
					out = ix.keep(out, h)
				}
				i += len(s.words) - 1
				replaced = true
				break
			}
		}
		if !replaced {
			out = ix.keep(out, words[i])
		}
	}
	return out
}

func (ix *Index) keep(out []string, w string) []string {
	if ix.stop[w] {
		return out
	}
	if ix.lang.Stem != nil {
		w = ix.lang.Stem(w)
	}
	return append(out, w)
}

// scratch holds Match's per-question sums, reused to spare the allocations.
type scratch struct{ cover, dot, best []float64 }

func (s *scratch) reset(entries, docs int) (cover, dot, best []float64) {
	if cap(s.cover) < entries || cap(s.dot) < docs {
		s.cover, s.best, s.dot = make([]float64, entries), make([]float64, entries), make([]float64, docs)
	}
	s.cover, s.best, s.dot = s.cover[:entries], s.best[:entries], s.dot[:docs]
	clear(s.cover)
	clear(s.best)
	clear(s.dot)
	return s.cover, s.dot, s.best
}

// queryTerm is a known term the question reaches and how surely.
type queryTerm struct {
	id     int32
	weight float64 // idf times the certainty of the match
}

// Match ranks the entries for text, best first, leaving out those that score
// zero. It returns at most limit results (all when limit <= 0).
func (ix *Index) Match(text string, limit int) []Result {
	return ix.MatchWords(norm.Words(text), limit)
}

// MatchWords is Match for text already folded into words (norm.Words).
func (ix *Index) MatchWords(folded []string, limit int) []Result {
	unigrams := ix.analyseWords(folded)
	words := withBigrams(unigrams)
	var terms []queryTerm
	var total float64 // the question's information, matched or not
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		if id, ok := ix.terms[w]; ok {
			terms = append(terms, queryTerm{id, ix.idf[id]})
			total += ix.idf[id]
			continue
		}
		if strings.Contains(w, bigramJoin) {
			continue // an unseen pair of words is no evidence either way
		}
		// an unknown word counts against coverage, but less than a known
		// rare word: long messages carry words no phrasing has.
		total += ix.maxIDF * 0.6
		if near, ok := ix.nearest(w); ok {
			terms = append(terms, queryTerm{near, ix.idf[near] * 0.7})
		}
	}
	if len(terms) == 0 || total == 0 {
		return nil
	}
	// a question whose only known words are common to many entries ("what
	// time is it") says nothing about any of them
	var strongest float64
	for _, qt := range terms {
		if !strings.Contains(ix.names[qt.id], bigramJoin) {
			strongest = max(strongest, qt.weight)
		}
	}
	if strongest < minEvidence {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	cover, dot, best := sc.reset(len(ix.ids), len(ix.docNorm))
	var qnorm float64
	for _, qt := range terms {
		qnorm += qt.weight * qt.weight
		for _, e := range ix.inEntry[qt.id] {
			cover[e] += qt.weight
		}
		for _, p := range ix.postings[qt.id] {
			dot[p.doc] += qt.weight * p.weight
		}
	}
	qnorm = math.Sqrt(qnorm)
	for d, v := range dot {
		if v == 0 {
			continue
		}
		// the question's norm includes unmatched known words via total
		c := v / (ix.docNorm[d] * math.Max(qnorm, total/math.Sqrt(float64(len(unigrams)+1))))
		if e := ix.docEntry[d]; c > best[e] {
			best[e] = c
		}
	}
	var out []Result
	for e := range ix.ids {
		if cover[e] == 0 {
			continue
		}
		s := 0.5*cover[e]/total + 0.5*math.Min(best[e], 1)
		out = append(out, Result{ID: ix.ids[e], Score: s})
	}
	slices.SortFunc(out, func(a, b Result) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// nearest finds the known term closest to an unknown word, within one edit
// for short words and two for long ones.
func (ix *Index) nearest(w string) (int32, bool) {
	r := []rune(w)
	if len(r) < 5 {
		return 0, false
	}
	maxDist := 1
	if len(r) >= 8 {
		maxDist = 2
	}
	bestID, bestDist, bestIDF := int32(-1), maxDist+1, 0.0
	try := func(ids []int32) {
		for _, id := range ids {
			d := distance(r, []rune(ix.names[id]), maxDist)
			if d < bestDist || d == bestDist && ix.idf[id] > bestIDF {
				bestID, bestDist, bestIDF = id, d, ix.idf[id]
			}
		}
	}
	if id, ok := ix.terms[w]; ok {
		return id, true
	}
	try(ix.deletes[w])
	for _, del := range deletions(w) {
		if id, ok := ix.terms[del]; ok {
			try([]int32{id})
		}
		try(ix.deletes[del])
	}
	return bestID, bestID >= 0
}

// minEvidence is the idf a question's rarest known word must reach: a word
// found in about a third of the entries or fewer.
const minEvidence = 1.3

// bigramJoin joins the two words of a pair term; it cannot occur in a
// folded word.
const bigramJoin = "_"

// withBigrams adds each pair of neighbouring words as a term, so that word
// order counts a little ("what is sextortion" against "sextortion: what do I
// do?") without being required.
func withBigrams(words []string) []string {
	out := slices.Clone(words)
	for i := 1; i < len(words); i++ {
		out = append(out, words[i-1]+bigramJoin+words[i])
	}
	return out
}

// deletions returns w with each one rune removed.
func deletions(w string) []string {
	r := []rune(w)
	out := make([]string, 0, len(r))
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
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

func appendOnce(list []int32, id int32) []int32 {
	for _, v := range list {
		if v == id {
			return list
		}
	}
	return append(list, id)
}
