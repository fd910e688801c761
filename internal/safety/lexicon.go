package safety

import (
	"strings"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/learn"
)

// lexicon turns the words of the rules into features of the scorer: a
// message with a word that some self-harm rule uses gets the feature
// "lexicon:self-harm", whatever the rule's other words. The curated
// vocabulary then teaches the scorer about words no example used.
type lexicon struct {
	words    map[string]uint32 // word → bit per category index
	prefixes map[string]uint32 // as stored; pindex serves lookups
	longest  int
	pindex   prefixIndex[uint32]
	tokens   [numCategories]uint32
}

func newLexicon(rules []content.Rule, common map[string]bool) *lexicon {
	lx := &lexicon{words: map[string]uint32{}, prefixes: map[string]uint32{}}
	for i, c := range content.Categories {
		lx.tokens[i] = learn.Token("lexicon:" + c.Name)
	}
	for _, r := range rules {
		ci := categoryIndex(r.Category)
		if ci < 0 {
			continue
		}
		items, err := compile(r.Pattern)
		if err != nil {
			continue
		}
		for _, it := range items {
			for _, alt := range it.alts {
				for _, w := range alt {
					if common[w.text] {
						continue
					}
					if w.prefix {
						lx.prefixes[w.text] |= 1 << ci
						lx.longest = max(lx.longest, len(w.text))
					} else {
						lx.words[w.text] |= 1 << ci
					}
				}
			}
		}
	}
	lx.index()
	return lx
}

// index builds pindex from prefixes.
func (lx *lexicon) index() {
	lx.pindex = prefixIndex[uint32]{}
	for p, bits := range lx.prefixes {
		lx.pindex.add(p, bits)
	}
}

// features appends the lexicon features of folded words.
func (lx *lexicon) features(words []string, dst []uint32) []uint32 {
	var bits uint32
	for _, w := range words {
		bits |= lx.words[w]
		lx.pindex.each(w, func(b uint32) { bits |= b })
	}
	for i := range numCategories {
		if bits&(1<<i) != 0 {
			dst = append(dst, lx.tokens[i])
		}
	}
	return dst
}

func categoryIndex(name string) int {
	for i, c := range content.Categories {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// commonWords are the words of more than a fiftieth of the texts: too
// common to say anything about a category on their own.
func commonWords(texts [][]string) map[string]bool {
	df := map[string]int{}
	for _, words := range texts {
		seen := map[string]bool{}
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	out := map[string]bool{}
	for w, n := range df {
		if n*50 > len(texts) || len(strings.TrimSpace(w)) < 2 {
			out[w] = true
		}
	}
	return out
}
