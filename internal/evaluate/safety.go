package evaluate

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
	"github.com/salama-safety/salama/internal/safety"
)

// Layers the safety evaluation can run.
const (
	Combined   = "combined"    // rules and scorer, as the bot runs
	RulesOnly  = "rules-only"  // the lexicons alone
	ScorerOnly = "scorer-only" // the learned scorer alone
)

// Tally counts the verdicts given to the examples of one language and
// category.
type Tally struct {
	N int
	// By verdict.
	Urgent, Deterrence, Mixed, OwnThoughts, None int
	// Misses are the examples not given the verdict their category wants
	// (for hard negatives: given urgent, deterrence, mixed or the
	// prevention answer), for reading.
	Misses []Miss
}

// Miss is an example and the verdict it got.
type Miss struct {
	Text    string
	Verdict string
	File    string
	Line    int
}

func (t *Tally) add(v safety.Verdict) {
	t.N++
	switch v {
	case safety.Urgent:
		t.Urgent++
	case safety.Deterrence:
		t.Deterrence++
	case safety.Mixed:
		t.Mixed++
	case safety.OwnThoughts:
		t.OwnThoughts++
	default:
		t.None++
	}
}

// Hit reports whether a verdict is what an example of the category wants:
// urgent for the urgent categories; deterrence or the mixed reply (neither
// gives content) for the deterrence ones; the prevention answer for
// own-thoughts; for hard negatives, neither deterrence, the mixed reply nor
// the prevention answer, and for ordinary messages not urgent either.
func Hit(category string, v safety.Verdict) bool {
	reply, _ := content.CategoryReply(category)
	switch reply {
	case content.ReplyUrgent:
		return v == safety.Urgent
	case content.ReplyDeterrence:
		return v == safety.Deterrence || v == safety.Mixed
	case content.ReplyOwnThoughts:
		return v == safety.OwnThoughts
	}
	if category == content.CategoryOrdinary {
		return v == safety.None
	}
	return v == safety.None || v == safety.Urgent
}

// SafetyReport is the held-out evaluation of the safety router.
type SafetyReport struct {
	Layer string
	Part  string
	Folds int
	// Tallies by language, then category.
	Tallies map[string]map[string]*Tally
	Langs   []string
}

// Rate returns hits over examples for the categories leading to reply (or
// the category itself) in a language ("" for all languages).
func (r *SafetyReport) Rate(lang, categoryOrReply string) (hits, n int) {
	for l, byCat := range r.Tallies {
		if lang != "" && l != lang {
			continue
		}
		for cat, t := range byCat {
			reply, _ := content.CategoryReply(cat)
			if cat != categoryOrReply && reply != categoryOrReply {
				continue
			}
			n += t.N
			hits += t.N - len(t.Misses)
		}
	}
	return hits, n
}

// Parts of the labelled examples an evaluation scores.
const (
	// All cross-validates over every example.
	All = "all"
	// Dev cross-validates over the examples outside the sealed fifth: what
	// thresholds and features may be tuned on.
	Dev = "dev"
	// Sealed trains on the dev examples and scores the sealed fifth, which
	// no tuning looks at.
	Sealed = "sealed"
	// Fresh trains on every example and scores examples from outside the
	// content (SafetyFresh): messages no tuning has seen.
	Fresh = "fresh"
)

// IsSealed reports whether an example is in the sealed fifth, chosen by a
// hash of its language and text.
func IsSealed(ex content.Example) bool { return hash(ex.Lang+"\x00"+ex.Text)%5 == 0 }

// Safety cross-validates the safety router on every language's examples:
// the examples are dealt into k folds (per language and category), and each
// fold is checked by a router whose scorer was trained on the other folds.
// The rules are the same in every fold: they are not learned from the
// examples. With RulesOnly there is no training and k is ignored.
//
// The extra examples (safety.ExtraExamples) are added to every training set
// and never scored. part chooses the examples scored (All, Dev or Sealed).
// known, when set, tells whether the FAQ matcher is sure a message is one of
// its questions (safety.Message.Known), as the engine does.
func Safety(c *content.Content, layer string, k int, part string, known func(words []string, lang string) bool) (*SafetyReport, error) {
	if part == Fresh {
		return nil, fmt.Errorf("evaluate: the fresh part needs its examples (SafetyFresh)")
	}
	return safetyReport(c, layer, k, part, nil, known)
}

// SafetyFresh checks the safety router on examples from outside the content:
// its scorer is trained on every example of the content (and the extra
// examples) and scores only the fresh ones, once.
func SafetyFresh(c *content.Content, layer string, fresh []content.Example, known func(words []string, lang string) bool) (*SafetyReport, error) {
	return safetyReport(c, layer, 1, Fresh, fresh, known)
}

func safetyReport(c *content.Content, layer string, k int, part string, fresh []content.Example, known func(words []string, lang string) bool) (*SafetyReport, error) {
	var langs []string
	var rules []content.Rule
	var examples, sealed []content.Example
	for _, code := range slices.Sorted(maps.Keys(c.Langs)) { // in a fixed order: training depends on it
		l := c.Langs[code]
		langs = append(langs, code)
		rules = append(rules, l.Rules...)
		for _, ex := range l.Examples {
			if part != All && part != Fresh && IsSealed(ex) {
				sealed = append(sealed, ex)
			} else {
				examples = append(examples, ex)
			}
		}
	}
	if part == Fresh {
		sealed = fresh
	}
	extra := safety.ExtraExamples(c)
	compiled, err := safety.CompileRules(rules)
	if err != nil {
		return nil, err
	}
	if layer == ScorerOnly {
		compiled, _ = safety.CompileRules(nil)
	}
	folds := Folds(len(examples), k, func(i int) string { return examples[i].Text }, func(i int) string { return examples[i].Lang + "/" + examples[i].Category })
	if part == Sealed || part == Fresh { // one split: train on the dev examples, score the sealed (or fresh) ones
		k = 1
		for i := range folds {
			folds[i] = 1
		}
		folds = append(folds, make([]int, len(sealed))...)
		examples = append(examples, sealed...)
	}
	lang := func(i int) string { return examples[i].Lang }
	message := func(i int) safety.Message {
		m := safety.Message{Words: norm.Words(examples[i].Text), Lang: lang(i)}
		if known != nil {
			m.Known = known(m.Words, m.Lang)
		}
		return m
	}
	verdicts := make([]safety.Verdict, len(examples))
	if layer == RulesOnly {
		k = 1
		router := safety.NewRouter(compiled, nil, safety.DefaultThresholds)
		for i := range examples {
			verdicts[i] = router.CheckMessage(message(i)).Verdict
		}
	} else {
		var wg sync.WaitGroup
		for f := range k {
			wg.Go(func() {
				train := slices.Clone(extra)
				for i, ex := range examples {
					if folds[i] != f {
						train = append(train, ex)
					}
				}
				router := safety.NewRouter(compiled, safety.Train(train, rules), safety.DefaultThresholds)
				for i := range examples {
					if folds[i] == f {
						verdicts[i] = router.CheckMessage(message(i)).Verdict
					}
				}
			})
		}
		wg.Wait()
	}
	rep := &SafetyReport{Layer: layer, Part: part, Folds: k, Tallies: map[string]map[string]*Tally{}, Langs: langs}
	for i, ex := range examples {
		if (part == Sealed || part == Fresh) && folds[i] != 0 {
			continue
		}
		byCat := rep.Tallies[lang(i)]
		if byCat == nil {
			byCat = map[string]*Tally{}
			rep.Tallies[lang(i)] = byCat
		}
		t := byCat[ex.Category]
		if t == nil {
			t = &Tally{}
			byCat[ex.Category] = t
		}
		t.add(verdicts[i])
		if !Hit(ex.Category, verdicts[i]) {
			t.Misses = append(t.Misses, Miss{Text: ex.Text, Verdict: verdicts[i].String(), File: ex.File, Line: ex.Line})
		}
	}
	return rep, nil
}
