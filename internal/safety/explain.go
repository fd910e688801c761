package safety

import (
	"cmp"
	"slices"

	"github.com/salama-safety/salama/internal/content"
)

// Explanation says why the router decided what it did: the rules that
// matched, the scorer's most probable categories, and the features of the
// message that pushed hardest towards the first of them.
type Explanation struct {
	Result Result
	// Rules are every rule that matched, in file order.
	Rules []content.Rule
	// Categories are the scorer's categories, most probable first.
	Categories []CategoryProb
	// Features push the most probable category above the others, strongest
	// first.
	Features []FeatureWeight
}

// CategoryProb is a category and the scorer's probability for it.
type CategoryProb struct {
	Category string
	Prob     float64
}

// FeatureWeight is a word, word pair or character n-gram of the message
// and how much it moves a category's score against the average of the
// others.
type FeatureWeight struct {
	Feature string
	Weight  float64
}

// Explain is CheckMessage with its reasons.
func (r *Router) Explain(m Message) Explanation {
	words := m.Words
	ex := Explanation{Result: r.CheckMessage(m)}
	seen := map[int]bool{}
	r.rules.each(words, func(i int) {
		if !seen[i] {
			seen[i] = true
			ex.Rules = append(ex.Rules, r.rules.rules[i].rule)
		}
	})
	slices.SortFunc(ex.Rules, func(a, b content.Rule) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	if r.scorer == nil || len(words) == 0 {
		return ex
	}
	sc := ex.Result.Scores
	for i, c := range content.Categories {
		ex.Categories = append(ex.Categories, CategoryProb{c.Name, sc.Probs[i]})
	}
	slices.SortStableFunc(ex.Categories, func(a, b CategoryProb) int { return cmp.Compare(b.Prob, a.Prob) })
	top := slices.IndexFunc(content.Categories, func(c content.Category) bool { return c.Name == ex.Categories[0].Category })
	model := r.scorer.model
	seenFeature := map[uint32]bool{}
	for _, f := range model.NamedFeatures(words) {
		if seenFeature[f.ID] {
			continue
		}
		seenFeature[f.ID] = true
		w, ok := model.Weight(f.ID, top)
		if !ok {
			continue
		}
		others := 0.0
		for c := range content.Categories {
			if c != top {
				o, _ := model.Weight(f.ID, c)
				others += o
			}
		}
		ex.Features = append(ex.Features, FeatureWeight{f.Text, w - others/float64(len(content.Categories)-1)})
	}
	slices.SortStableFunc(ex.Features, func(a, b FeatureWeight) int { return cmp.Compare(b.Weight, a.Weight) })
	ex.Features = ex.Features[:min(len(ex.Features), 10)]
	ex.Categories = ex.Categories[:5]
	return ex
}
