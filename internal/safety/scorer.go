package safety

import (
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
	lex   *lexicon // nil without rules
	// reply of each class (content.Reply*), by class index
	replies []string
	// related is the entry most examples of a category name, by class index
	related []string
	pool    sync.Pool // *[]uint32 feature scratch
}

// Window and stride, in words, of the passages a long message is also read
// in: danger buried in the middle of a rambling message is scored on its
// own, not diluted by everything around it.
const (
	window = 16
	stride = 8
)

// Train fits a scorer to labelled examples. Examples of every category
// should be present; a category with none is never predicted.
func Train(examples []content.Example, rules []content.Rule) *Scorer {
	return TrainWith(examples, rules, learn.Options{})
}

// TrainWith is Train with the learner's options.
func TrainWith(examples []content.Example, rules []content.Rule, o learn.Options) *Scorer {
	classes := make([]string, len(content.Categories))
	replies := make([]string, len(content.Categories))
	for i, c := range content.Categories {
		classes[i], replies[i] = c.Name, c.Reply
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
		f := feat.Features(texts[i], nil)
		if lex != nil {
			f = lex.features(texts[i], f)
			slices.Sort(f)
			f = slices.Compact(f)
		}
		data = append(data, learn.Example{Features: f, Class: class})
		if ex.Related != "" {
			relatedCount[class][ex.Related]++
		}
	}
	s := &Scorer{model: learn.Train(classes, data, o), lex: lex, replies: replies, related: make([]string, len(classes))}
	for i, counts := range relatedCount {
		best := 0
		for id, n := range counts { // the most named entry; ties by id
			if n > best || n == best && id < s.related[i] {
				s.related[i], best = id, n
			}
		}
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

// Score scores folded words: the whole message, and for a long one each
// passage of it, keeping for urgent and deterrence the passage that scores
// highest.
func (s *Scorer) Score(words []string) Scores {
	bp := s.pool.Get().(*[]uint32)
	defer s.pool.Put(bp)
	out := s.score(words, bp)
	for start := 0; len(words) > window+stride/2 && start < len(words); start += stride {
		w := s.score(words[start:min(start+window, len(words))], bp)
		if w.Urgent > out.Urgent {
			out.Urgent, out.Probs = w.Urgent, mergeProbs(out.Probs, w.Probs, content.ReplyUrgent)
		}
		if w.Deterrence > out.Deterrence {
			out.Deterrence, out.Probs = w.Deterrence, mergeProbs(out.Probs, w.Probs, content.ReplyDeterrence)
		}
		if start+window >= len(words) {
			break
		}
	}
	return out
}

// mergeProbs takes from b the probabilities of the categories leading to
// reply.
func mergeProbs(a, b [numCategories]float64, reply string) [numCategories]float64 {
	for i, c := range content.Categories {
		if c.Reply == reply {
			a[i] = b[i]
		}
	}
	return a
}

func (s *Scorer) score(words []string, bp *[]uint32) Scores {
	*bp = s.model.Features(words, *bp)
	if s.lex != nil {
		*bp = s.lex.features(words, *bp)
		slices.Sort(*bp)
		*bp = slices.Compact(*bp)
	}
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
// learns what ordinary questions about these topics look like), the
// prevention entry's are own-thoughts, and entries whose phrasings include
// people in danger now teach nothing (skip).
func faqCategory(e *content.Entry) (category string, skip bool) {
	switch e.ID {
	case "prevention.own-thoughts":
		return "own-thoughts", false
	case "grooming.meeting", "help.talk-now", "help.danger-now", "livestream.paid-shows":
		return "", true
	}
	switch e.Topic {
	case "sextortion", "images", "livestream", "report", "blame", "help":
		return content.CategoryVictim, false
	}
	return content.CategoryOrdinary, false
}

// FAQExamples are the FAQ's titles and phrasings in every language, as
// extra training examples of what is not danger (see faqCategory). They are
// weak labels: they teach the scorer, and are never scored in evaluations.
func FAQExamples(c *content.Content) []content.Example {
	var out []content.Example
	for code, l := range c.Langs {
		for _, id := range c.IDs {
			e := l.Entries[id]
			if e == nil {
				continue
			}
			en := c.Langs[content.SourceLanguage].Entries[id]
			category, skip := faqCategory(en)
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
