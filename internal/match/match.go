// Package match ranks FAQ entries for a question, in pure Go, with no network
// and no downloaded model.
//
// # How it scores
//
// Each language has its own [Index], built from the entries' titles and
// phrasings (and any other questions known to lead to an entry) with that
// language's stop words, synonyms and stemmer. An entry's score blends two
// views of the question:
//
//   - Character n-grams (weight 0.8). The question's words, and its words as
//     analysed below, are cut into hashed features by package learn's
//     featurizer (words, neighbouring pairs and letter trigrams, so that
//     misspellings, inflections and code-switched words still share most of
//     their features). Each question the entry was built from is a tf-idf
//     vector of these features, normalised; the entry is the normalised sum
//     of its questions' vectors (its centroid), and scores the cosine
//     between it and the question.
//   - Words (weight 0.2). Synonyms are read as their head word, stop words
//     dropped and words stemmed; stems and pairs of neighbouring stems are
//     terms, weighted by how rare they are across entries (idf). The entry
//     scores its coverage: how much of the question's information its terms
//     explain, an unknown word counting against it.
//
// The blend was chosen by cross-validation (internal/evaluate, `salama eval
// match`, docs/MATCHING.md). Scores run from 0 to 1 and mean the same in
// every language closely enough for one set of [Thresholds]; [Decide] turns
// them into an answer, a choice of entries, or nothing.
//
// # Cost
//
// A question costs the postings of its words and features: entries it
// shares nothing with are never visited, and only the best few are kept.
// An index holds no text but its vocabulary and ids.
package match

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/salama-safety/salama/internal/learn"
	"github.com/salama-safety/salama/internal/norm"
)

// Doc is one text that should lead to an entry: a title, a phrasing or a
// question. A doc without an ID is an off-topic message: together they
// are scored like an entry, and no entry that fails to beat them is
// returned.
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

// The blend of the two views; see the package documentation.
const (
	gramWeight = 0.8
	wordWeight = 1 - gramWeight
)

// featurizer cuts text into the n-gram view's features: words, pairs and
// letter trigrams.
var featurizer = learn.NewFeaturizer(learn.Options{MinN: 3, MaxN: 3})

// Index ranks entries of one language. It is immutable and safe for
// concurrent use.
type Index struct {
	ids []string // entry index → id
	off int32    // the entry of off-topic docs, -1 for none
	an  analyser
	words
	grams
	scratch sync.Pool // *scratch, reused by Match
}

// New builds an index.
func New(lang Lang, docs []Doc) *Index {
	ix := &Index{an: newAnalyser(lang), off: -1}
	ix.scratch.New = func() any { return new(scratch) }
	entryIndex := map[string]int32{}
	var byEntry [][]int32 // docs of each entry
	folded := make([][]string, len(docs))
	analysed := make([][]string, len(docs))
	for d, doc := range docs {
		e, ok := entryIndex[doc.ID]
		if !ok {
			e = int32(len(ix.ids))
			entryIndex[doc.ID] = e
			ix.ids = append(ix.ids, doc.ID)
			if doc.ID == "" {
				ix.off = e
			}
			byEntry = append(byEntry, nil)
		}
		byEntry[e] = append(byEntry[e], int32(d))
		folded[d] = norm.Words(doc.Text)
		seen(lang.Seen, folded[d]...)
		analysed[d] = ix.an.analyse(folded[d], nil)
	}
	ix.words.build(len(ix.ids), byEntry, analysed)
	ix.grams.build(len(ix.ids), byEntry, folded, analysed)
	return ix
}

func seen(f func(string), words ...string) {
	if f != nil {
		for _, w := range words {
			f(w)
		}
	}
}

// scratch holds a question's sums, reused from question to question. An
// entry's sums are reset when the question first reaches it, so a question
// costs the postings it touches, not the size of the index.
type scratch struct {
	mark        []uint32 // mark[e] == gen: entry e is in entries
	gen         uint32
	cover, gram []float64 // by entry
	entries     []int32   // reached by this question
	seen        []uint32  // seen[s] == stamp: slot s counted (grams)
	stamp       uint32
	analysed    []string
	feats       []uint32
	slots       []int32
	terms       []int32
	// total is the question's information (words), gramNorm its norm
	// (grams)
	total, gramNorm float64
}

func (s *scratch) begin(entries int) {
	if len(s.cover) < entries {
		s.cover, s.gram = make([]float64, entries), make([]float64, entries)
	}
	s.mark, s.gen = nextStamp(s.mark, s.gen, entries)
	s.entries = s.entries[:0]
	s.total, s.gramNorm = 0, 0
}

// visit adds an entry to those the question reaches, with its sums at 0.
func (s *scratch) visit(e int32) {
	if s.mark[e] != s.gen {
		s.mark[e] = s.gen
		s.entries = append(s.entries, e)
		s.cover[e], s.gram[e] = 0, 0
	}
}

// nextStamp returns marks of at least n and a stamp none of them holds.
func nextStamp(marks []uint32, stamp uint32, n int) ([]uint32, uint32) {
	if len(marks) < n {
		return make([]uint32, n), 1
	}
	stamp++
	if stamp == 0 { // wrapped: start afresh
		clear(marks)
		stamp = 1
	}
	return marks, stamp
}

// Match ranks the entries for text, best first, leaving out those that score
// zero. It returns at most limit results (all when limit <= 0).
func (ix *Index) Match(text string, limit int) []Result {
	return ix.MatchWords(norm.Words(text), limit)
}

// MatchWords is Match for text already folded into words (norm.Words).
func (ix *Index) MatchWords(folded []string, limit int) []Result {
	if len(ix.ids) == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	sc.begin(len(ix.ids))
	sc.analysed = ix.an.analyse(folded, sc.analysed[:0])
	ix.words.score(sc)
	ix.grams.score(sc, folded)
	var top topK
	top.init(limit, len(sc.entries))
	off := 0.0 // the off-topic messages' score: entries must beat it
	for _, e := range sc.entries {
		var s float64
		if sc.total > 0 {
			s += wordWeight * sc.cover[e] / sc.total
		}
		if sc.gramNorm > 0 {
			s += gramWeight * math.Min(sc.gram[e]/sc.gramNorm, 1)
		}
		if e == ix.off {
			off = s
			continue
		}
		if s > 0 {
			top.add(Result{ID: ix.ids[e], Score: s})
		}
	}
	out := top.sorted()
	for i, r := range out {
		if r.Score <= off {
			return out[:i]
		}
	}
	return out
}

// topK keeps the best results seen, all of them when unlimited.
type topK struct {
	limit int
	out   []Result
}

func (t *topK) init(limit, n int) {
	t.limit = limit
	if limit <= 0 || limit > n {
		limit = n
	}
	t.out = make([]Result, 0, limit)
}

func better(a, b Result) int {
	if a.Score != b.Score {
		return cmp.Compare(b.Score, a.Score)
	}
	return strings.Compare(a.ID, b.ID)
}

func (t *topK) add(r Result) {
	if t.limit <= 0 || len(t.out) < t.limit {
		t.out = append(t.out, r)
		if t.limit > 0 {
			slices.SortFunc(t.out, better)
		}
		return
	}
	last := len(t.out) - 1
	if better(r, t.out[last]) >= 0 {
		return
	}
	t.out[last] = r
	for i := last; i > 0 && better(t.out[i], t.out[i-1]) < 0; i-- {
		t.out[i], t.out[i-1] = t.out[i-1], t.out[i]
	}
}

func (t *topK) sorted() []Result {
	if t.limit <= 0 {
		slices.SortFunc(t.out, better)
	}
	if len(t.out) == 0 {
		return nil
	}
	return t.out
}
