package stats

import (
	"cmp"
	"slices"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/norm"
)

// Gaps are one language's unanswered questions (the opt-in gap log),
// similar ones together.
type Gaps struct {
	Lang  string `json:"lang"`
	Total int    `json:"total"`
	// Groups are the questions sharing at least half their words, largest
	// group first, each in the order it was logged.
	Groups [][]string `json:"groups"`
}

// GroupGaps sorts the gap log by language (by code) and groups each
// language's questions (GroupSimilar).
func GroupGaps(gaps []chat.Gap) []Gaps {
	byLang := map[string][]string{}
	for _, g := range gaps {
		byLang[g.Lang] = append(byLang[g.Lang], g.Text)
	}
	out := make([]Gaps, 0, len(byLang))
	for lang, texts := range byLang {
		out = append(out, Gaps{Lang: lang, Total: len(texts), Groups: GroupSimilar(texts)})
	}
	slices.SortFunc(out, func(a, b Gaps) int { return cmp.Compare(a.Lang, b.Lang) })
	return out
}

// GroupSimilar puts together texts sharing at least half their words
// (Jaccard similarity of their folded words, each text joining the group
// it is most like), largest group first.
func GroupSimilar(texts []string) [][]string {
	type group struct {
		words map[string]bool
		texts []string
	}
	var groups []*group
	for _, t := range texts {
		words := map[string]bool{}
		for _, w := range norm.Words(t) {
			words[w] = true
		}
		var best *group
		bestSim := 0.5
		for _, g := range groups {
			if s := jaccard(words, g.words); s >= bestSim {
				best, bestSim = g, s
			}
		}
		if best == nil {
			groups = append(groups, &group{words: words, texts: []string{t}})
			continue
		}
		best.texts = append(best.texts, t)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(len(b.texts), len(a.texts)) })
	out := make([][]string, len(groups))
	for i, g := range groups {
		out[i] = g.texts
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
