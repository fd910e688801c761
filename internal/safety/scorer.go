package safety

import (
	"maps"
	"slices"
	"sync"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/learn"
	"github.com/salama-safety/salama/internal/norm"
)

// Scorer is the learned layer: a linear model over word and character
// n-grams that gives each taxonomy category a probability. It is immutable
// and safe for concurrent use.
type Scorer struct {
	model *learn.Model
	feat  learn.Featurizer
	lex   *lexicon // nil without rules
	// reply of each class (content.Reply*), by class index
	replies []string
	// related is the entry most examples of a category name, by class index
	related []string
	pool    sync.Pool // *[]uint32 feature scratch
}

// Train fits a scorer to labelled examples. Examples of every category
// should be present; a category with none is never predicted.
func Train(examples []content.Example, rules []content.Rule) *Scorer {
	return TrainWith(examples, rules, Options)
}

// Options are the learner's settings for the scorer: features scaled by
// the message's length, five epochs, weights shrunk after each, features of
// fewer than three examples dropped (docs/SAFETY.md says how they were
// chosen).
var Options = learn.Options{Norm: true, Rate: 3, Epochs: 5, Decay: 0.1, MinCount: 3}

// TrainWith is Train with the learner's options.
func TrainWith(examples []content.Example, rules []content.Rule, o learn.Options) *Scorer {
	classes := make([]string, len(content.Categories))
	for i, c := range content.Categories {
		classes[i] = c.Name
	}
	feat := learn.NewFeaturizer(o)
	data := make([]learn.Example, 0, len(examples))
	relatedCount := make([]map[string]int, len(classes))
	for i := range relatedCount {
		relatedCount[i] = map[string]int{}
	}
	texts := make([][]string, len(examples))
	for i, ex := range examples {
		texts[i] = norm.Words(ex.Text)
	}
	var lex *lexicon
	if len(rules) > 0 {
		lex = newLexicon(rules, commonWords(texts))
	}
	for i, ex := range examples {
		class := slices.Index(classes, ex.Category)
		if class < 0 {
			continue
		}
		data = append(data, learn.Example{Features: features(feat, lex, texts[i], ex.Lang, nil), Class: class})
		if ex.Related != "" {
			relatedCount[class][ex.Related]++
		}
	}
	related := make([]string, len(classes))
	for i, counts := range relatedCount {
		best := 0
		for id, n := range counts { // the most named entry; ties by id
			if n > best || n == best && id < related[i] {
				related[i], best = id, n
			}
		}
	}
	s := newScorer(learn.Train(classes, data, o), related)
	s.lex = lex
	return s
}

func newScorer(m *learn.Model, related []string) *Scorer {
	s := &Scorer{model: m, feat: m.Featurizer(), related: related, replies: make([]string, len(content.Categories))}
	for i, c := range content.Categories {
		s.replies[i] = c.Reply
	}
	s.pool.New = func() any { b := make([]uint32, 0, 256); return &b }
	return s
}

// Scores is what the scorer says of a message.
type Scores struct {
	// Probs is the probability of each category, in the order of
	// content.Categories.
	Probs [numCategories]float64
	// Reply sums the probabilities by the reply each category leads to.
	Urgent, Deterrence, OwnThoughts, Victim, Ordinary float64
}

const numCategories = 15

func init() {
	if len(content.Categories) != numCategories {
		panic("safety: numCategories must match content.Categories")
	}
}

// Best returns the most probable category among those leading to reply.
func (s Scores) Best(reply string) string {
	best, name := -1.0, ""
	for i, c := range content.Categories {
		if (c.Reply == reply || reply == c.Name) && s.Probs[i] > best {
			best, name = s.Probs[i], c.Name
		}
	}
	return name
}

// Score scores folded words written in lang. (Reading a long message also
// in passages of 8 or 16 words, so that danger buried in a rambling message
// is not diluted, was tried: it raised false alarms more than recall.)
func (s *Scorer) Score(words []string, lang string) Scores {
	bp := s.pool.Get().(*[]uint32)
	defer s.pool.Put(bp)
	return s.score(words, lang, bp)
}

// features are what the scorer reads of a message: its words and
// character n-grams, the lexicon categories of its words, and its language
// (so that each language's examples can set their own baseline).
func features(feat learn.Featurizer, lex *lexicon, words []string, lang string, dst []uint32) []uint32 {
	dst = feat.Features(words, dst)
	if lex != nil {
		dst = lex.features(words, dst)
	}
	if lang != "" {
		dst = append(dst, learn.Token("lang:"+lang))
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

func (s *Scorer) score(words []string, lang string, bp *[]uint32) Scores {
	*bp = features(s.feat, s.lex, words, lang, *bp)
	var out Scores
	s.model.Probs(*bp, out.Probs[:])
	for i, p := range out.Probs {
		switch s.replies[i] {
		case content.ReplyUrgent:
			out.Urgent += p
		case content.ReplyDeterrence:
			out.Deterrence += p
		case content.ReplyOwnThoughts:
			out.OwnThoughts += p
		default:
			if content.Categories[i].Name == content.CategoryVictim {
				out.Victim += p
			} else {
				out.Ordinary += p
			}
		}
	}
	return out
}

// Related is the entry the examples of a category most often name.
func (s *Scorer) Related(category string) string {
	i := slices.IndexFunc(content.Categories, func(c content.Category) bool { return c.Name == category })
	if i < 0 {
		return ""
	}
	return s.related[i]
}

// faqCategory is the category an FAQ entry's titles and phrasings teach the
// scorer: every question the FAQ answers is a hard negative (the scorer
// learns what questions about these topics look like), the prevention
// entry's are own-thoughts, and the entries whose phrasings include people
// in danger now teach nothing.
func faqCategory(e *content.Entry) (category string, skip bool) {
	switch {
	case e.ID == "prevention.own-thoughts":
		return "own-thoughts", false
	case DangerEntry(e.ID):
		return "", true
	}
	switch e.Topic {
	case "sextortion", "images", "livestream", "report", "blame", "help", "grooming":
		return content.CategoryVictim, false
	}
	return content.CategoryOrdinary, false
}

// ExtraExamples are what the scorer learns from besides the labelled
// examples: every language's off-topic messages (ordinary), and the FAQ's
// titles and phrasings (see faqCategory). They are never scored in
// evaluations. Without the phrasings, the scorer flags two to three times
// more of the everyday questions of the dev sets as danger (docs/SAFETY.md).
func ExtraExamples(c *content.Content) []content.Example {
	var out []content.Example
	for _, code := range slices.Sorted(maps.Keys(c.Langs)) { // in a fixed order: training depends on it
		l := c.Langs[code]
		for _, text := range l.Offtopic {
			out = append(out, content.Example{Category: content.CategoryOrdinary, Text: text, Lang: code, File: code + "/offtopic.txt"})
		}
		for _, id := range c.IDs {
			e := l.Entries[id]
			if e == nil {
				continue
			}
			category, skip := faqCategory(c.Langs[content.SourceLanguage].Entries[id])
			if skip {
				continue
			}
			for _, text := range append([]string{e.Title}, e.Phrasings...) {
				out = append(out, content.Example{Category: category, Related: id, Text: text, Lang: code, File: e.File})
			}
		}
	}
	return out
}
