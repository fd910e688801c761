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
//     terms. The entry scores half for coverage (how much of the question's
//     idf-weighted information its terms explain) and half for the cosine
//     with its closest question.
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
// question.
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
	lang Lang
	ids  []string // entry index → id
	an   analyser
	words
	grams
	scratch sync.Pool // *scratch, reused by Match
}

// New builds an index.
func New(lang Lang, docs []Doc) *Index {
	ix := &Index{lang: lang, an: newAnalyser(lang)}
	ix.scratch.New = func() any { return new(scratch) }
	entryIndex := map[string]int32{}
	docEntry := make([]int32, len(docs))
	folded := make([][]string, len(docs))
	analysed := make([][]string, len(docs))
	for d, doc := range docs {
		e, ok := entryIndex[doc.ID]
		if !ok {
			e = int32(len(ix.ids))
			entryIndex[doc.ID] = e
			ix.ids = append(ix.ids, doc.ID)
		}
		docEntry[d] = e
		folded[d] = norm.Words(doc.Text)
		seen(lang.Seen, folded[d]...)
		analysed[d] = ix.an.analyse(folded[d], nil)
	}
	ix.words.build(len(ix.ids), docEntry, analysed)
	ix.grams.build(len(ix.ids), docEntry, folded, analysed)
	return ix
}

func seen(f func(string), words ...string) {
	if f != nil {
		for _, w := range words {
			f(w)
		}
	}
}

// IDs returns the ids of the entries the index ranks, in the order first
// seen.
func (ix *Index) IDs() []string { return ix.ids }

// scratch holds Match's per-question sums, reused to spare the allocations.
// Only the entries and docs a question touches are written, and they alone
// are cleared afterwards.
type scratch struct {
	cover, best, gram []float64 // by entry
	dot               []float64 // by doc
	entries, docs     []int32   // touched
	analysed          []string
	feats             []uint32
	terms             []int32
	total             float64 // the question's information (word view)
}

func (s *scratch) reset(entries, docs int) {
	if len(s.cover) < entries {
		s.cover, s.best, s.gram = make([]float64, entries), make([]float64, entries), make([]float64, entries)
	}
	if len(s.dot) < docs {
		s.dot = make([]float64, docs)
	}
}

func (s *scratch) touchEntry(e int32) {
	if s.cover[e] == 0 && s.gram[e] == 0 {
		s.entries = append(s.entries, e)
	}
}

func (s *scratch) clear() {
	for _, e := range s.entries {
		s.cover[e], s.best[e], s.gram[e] = 0, 0, 0
	}
	for _, d := range s.docs {
		s.dot[d] = 0
	}
	s.entries, s.docs = s.entries[:0], s.docs[:0]
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
	sc.reset(len(ix.ids), len(ix.words.docEntry))
	defer sc.clear()
	sc.analysed = ix.an.analyse(folded, sc.analysed[:0])
	ix.words.score(sc)
	ix.grams.score(sc, folded)

	var top topK
	top.init(limit, len(sc.entries))
	for _, e := range sc.entries {
		s := wordWeight*ix.words.entryScore(sc, e) + gramWeight*sc.gram[e]
		if s > 0 {
			top.add(Result{ID: ix.ids[e], Score: s})
		}
	}
	return top.sorted()
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

// cosine divides a dot product by two norms, 0 when either is 0.
func cosine(dot, a, b float64) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return math.Min(dot/(a*b), 1)
}
