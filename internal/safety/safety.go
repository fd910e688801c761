// Package safety decides, before any FAQ matching, whether a message shows
// that someone may be in danger now (urgent), seeks abuse material or access
// to children (deterrence), or asks for help with one's own thoughts.
//
// # Two layers
//
// The rules are the lexicons in faq/<lang>/safety.txt (format in
// faq/README.md), compiled here into word patterns over folded text: precise
// and explainable, each naming its taxonomy category. The scorer is a linear
// model over word and character n-grams (package learn), trained when the
// content loads from the labelled examples in
// faq/<lang>/safety-examples.txt: it carries what the rules cannot list, the
// many ways people word the same danger in twelve languages. The policy
// (docs/SAFETY.md) combines them so that it fails safe:
//
//  1. urgent when an urgent rule matches or the scorer gives danger a
//     probability of at least [Thresholds].Urgent: doubt about danger is
//     treated as danger;
//  2. a deterrence signal (a deterrence rule, or the scorer) together with a
//     help-seeking signal (a help-seeking phrase of the message's language,
//     or the scorer's victim-or-witness class) gives [Mixed]: no FAQ content,
//     words for both readers, never a rebuke;
//  3. deterrence alone gives [Deterrence];
//  4. the prevention answer ([OwnThoughts]) only when an own-thoughts rule
//     matches or the scorer is sure the writer speaks of their own interest,
//     and nothing suggests a victim.
package safety

import (
	"slices"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// Verdict is what the router decided.
type Verdict int

// The verdicts.
const (
	None Verdict = iota
	Urgent
	Deterrence
	// Mixed is a deterrence signal with a help-seeking one: a victim or
	// witness may be using an offender's words.
	Mixed
	OwnThoughts
)

func (v Verdict) String() string {
	return [...]string{"none", "urgent", "deterrence", "mixed", "own-thoughts"}[v]
}

// Thresholds are the scorer probabilities at which the policy acts. They
// are policy, fixed in code and documented in docs/SAFETY.md; they are not
// tuned per fold of the cross-validation.
type Thresholds struct {
	// Urgent: a danger probability at least this makes the reply urgent.
	Urgent float64
	// Deterrence: a deterrence probability at least this is a deterrence
	// signal.
	Deterrence float64
	// Victim: a victim-or-witness probability at least this is a
	// help-seeking signal.
	Victim float64
	// OwnThoughts: an own-thoughts probability at least this (and above the
	// victim-or-witness one) gives the prevention answer.
	OwnThoughts float64
}

// DefaultThresholds are the policy's thresholds (docs/SAFETY.md).
var DefaultThresholds = Thresholds{Urgent: 0.2, Deterrence: 0.15, Victim: 0.3, OwnThoughts: 0.3}

// Result is a verdict and what gave it.
type Result struct {
	Verdict Verdict
	// Category is the taxonomy category behind the verdict (empty for None).
	Category string
	// Related is the entry offered with an urgent reply.
	Related string
	// Rule is the rule that gave the verdict; nil when the scorer did.
	Rule *content.Rule
	// Scores are the scorer's probabilities (zero without a scorer).
	Scores Scores
}

// Lang is the language of the rule that gave the verdict, or "".
func (r Result) Lang() string {
	if r.Rule == nil {
		return ""
	}
	return r.Rule.Lang
}

// Router checks messages against the rules of every language and the
// scorer. It is immutable and safe for concurrent use.
type Router struct {
	rules      *Rules
	scorer     *Scorer
	thresholds Thresholds
}

// New compiles the rules and trains the scorer on the examples (no scorer
// when there are none).
func New(rules []content.Rule, examples []content.Example) (*Router, error) {
	compiled, err := CompileRules(rules)
	if err != nil {
		return nil, err
	}
	var s *Scorer
	if len(examples) > 0 {
		s = Train(examples, rules)
	}
	return NewRouter(compiled, s, DefaultThresholds), nil
}

// NewRouter combines compiled rules and a scorer (which may be nil).
func NewRouter(rules *Rules, scorer *Scorer, th Thresholds) *Router {
	return &Router{rules: rules, scorer: scorer, thresholds: th}
}

// Scorer returns the router's scorer, or nil.
func (r *Router) Scorer() *Scorer { return r.scorer }

// Check classifies a message written in lang (a language code; "" when
// unknown).
func (r *Router) Check(text, lang string) Result {
	return r.CheckWords(norm.Words(text), lang)
}

// ruleHits are the rules that matched a message, the best of each reply.
type ruleHits struct {
	urgent, own, deter int // rule index, -1 for none
	// helpLangs are the languages of the help-seeking phrases that matched
	helpLangs []string
}

// CheckWords is Check for text already folded into words (norm.Words).
func (r *Router) CheckWords(words []string, lang string) Result {
	h := r.hits(words, lang)
	var sc Scores
	if r.scorer != nil && len(words) > 0 {
		sc = r.scorer.Score(words, lang)
	}
	return r.decide(h, sc, lang)
}

func (r *Router) hits(words []string, lang string) ruleHits {
	h := ruleHits{urgent: -1, own: -1, deter: -1}
	// the earliest rule in file order wins, a rule of the message's own
	// language before any other
	better := func(i, best int) bool {
		if best < 0 {
			return true
		}
		a, b := r.rules.rules[i].rule.Lang == lang, r.rules.rules[best].rule.Lang == lang
		if a != b {
			return a
		}
		return i < best
	}
	r.rules.each(words, func(i int) {
		switch c := &r.rules.rules[i]; c.reply {
		case content.ReplyUrgent:
			if better(i, h.urgent) {
				h.urgent = i
			}
		case content.ReplyOwnThoughts:
			if better(i, h.own) {
				h.own = i
			}
		case content.ReplyDeterrence:
			if better(i, h.deter) {
				h.deter = i
			}
		case content.HelpSeeking:
			if !slices.Contains(h.helpLangs, c.rule.Lang) {
				h.helpLangs = append(h.helpLangs, c.rule.Lang)
			}
		}
	})
	return h
}

// decide is the policy (package comment, docs/SAFETY.md).
func (r *Router) decide(h ruleHits, sc Scores, lang string) Result {
	th := r.thresholds
	res := Result{Scores: sc}
	rule := func(i int) *content.Rule { return &r.rules.rules[i].rule }
	if h.urgent >= 0 {
		res.Verdict, res.Rule = Urgent, rule(h.urgent)
		res.Category, res.Related = res.Rule.Category, res.Rule.Related
		return res
	}
	scored := r.scorer != nil
	urgent := func() Result {
		res.Verdict, res.Category = Urgent, sc.Best(content.ReplyUrgent)
		res.Related = r.scorer.Related(res.Category)
		return res
	}
	// the scorer's danger wins unless it reads an offender, or someone
	// asking for help with their own thoughts, as more likely
	if scored && sc.Urgent >= th.Urgent && sc.Urgent >= sc.Deterrence && sc.Urgent >= sc.OwnThoughts {
		return urgent()
	}
	victim := scored && sc.Victim >= th.Victim
	own := h.own >= 0 || scored && sc.OwnThoughts >= th.OwnThoughts && sc.OwnThoughts > sc.Victim
	if h.deter >= 0 || scored && sc.Deterrence >= th.Deterrence && !(own && sc.OwnThoughts > sc.Deterrence) {
		res.Verdict = Mixed
		if h.deter >= 0 {
			res.Rule = rule(h.deter)
			res.Category = res.Rule.Category
		} else {
			res.Category = sc.Best(content.ReplyDeterrence)
		}
		// the plain deterrence reply only when a curated rule found it and
		// nothing suggests a victim or a witness: a help-seeking phrase of
		// the message's language or of the rule's, or the scorer
		help := victim || scored && sc.Victim > sc.Deterrence
		for _, l := range h.helpLangs {
			help = help || l == lang || l == res.Lang()
		}
		if h.deter >= 0 && !help {
			res.Verdict = Deterrence
		}
		return res
	}
	switch {
	case own && !victim:
		res.Verdict = OwnThoughts
		if h.own >= 0 {
			res.Rule = rule(h.own)
			res.Category = res.Rule.Category
		} else {
			res.Category = sc.Best(content.ReplyOwnThoughts)
		}
	case scored && sc.Urgent >= th.Urgent:
		return urgent() // doubt about danger is treated as danger
	}
	return res
}
