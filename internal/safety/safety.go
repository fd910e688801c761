// Package safety decides, before any FAQ matching, whether a message shows
// that someone may be in danger now (urgent), seeks abuse material or access
// to children (deterrence), or asks for help with one's own thoughts.
//
// # Two layers
//
// The rules are the lexicons in faq/<lang>/safety.txt (format in
// faq/README.md), compiled here into word patterns over folded text: precise
// and explainable, each naming its taxonomy category (content.Categories). The
// scorer is a linear model over words, word pairs and character n-grams
// (package learn), trained when the content loads from the labelled examples
// in faq/<lang>/safety-examples.txt: it carries what the rules cannot list,
// the many ways people word the same danger in twelve languages. It also
// reads the rules' words as features, so the curated vocabulary reaches
// wordings no example used.
//
// # Policy
//
// The policy (decide; docs/SAFETY.md) fails safe:
//
//  1. urgent when an urgent rule matches, or when the scorer's probability
//     of danger reaches [Thresholds].Urgent and it does not read an offender
//     or someone's own thoughts as likelier: doubt about danger is danger;
//  2. a deterrence signal (a deterrence rule, or the scorer) gives no FAQ
//     content. The plain deterrence reply needs a rule, the scorer's
//     agreement and no sign of a victim or witness (a help-seeking phrase of
//     the message's language, or the scorer); otherwise [Mixed], which speaks
//     to both readers and never rebukes;
//  3. the prevention answer ([OwnThoughts]) only when the writer speaks of
//     their own interest (a rule the scorer does not contradict, or the
//     scorer alone) and nothing suggests a victim;
//  4. a message the FAQ matcher is sure is one of its everyday questions
//     ([Message].Known) needs a higher probability from the scorer.
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
	// Strict: the plain deterrence reply (rather than the mixed one) needs
	// a rule and a deterrence probability at least this.
	Strict float64
	// Known replaces Urgent and Deterrence for a message the FAQ matcher
	// is sure is one of its everyday questions (see Check): a second,
	// independent reading that it is not danger.
	Known float64
}

// DefaultThresholds are the policy's thresholds (docs/SAFETY.md).
var DefaultThresholds = Thresholds{Urgent: 0.2, Deterrence: 0.15, Victim: 0.3, OwnThoughts: 0.4, Strict: 0.5, Known: 0.5}

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

// Message is what the router reads of a message.
type Message struct {
	Words []string // folded (norm.Words)
	Lang  string   // the language it is written in, "" when unknown
	// Known is set when the FAQ matcher is sure the message is one of its
	// questions, and not one about danger now (DangerEntry): the scorer
	// then needs Thresholds.Known to call it urgent or abuse-seeking.
	// Rules are not affected.
	Known bool
}

// DangerEntry reports the entries whose questions are themselves about
// danger now: matching one of them is no evidence against danger.
func DangerEntry(id string) bool {
	switch id {
	case "grooming.meeting", "help.talk-now", "help.danger-now", "livestream.paid-shows":
		return true
	}
	return false
}

// ruleHits are the rules that matched a message, the best of each reply.
type ruleHits struct {
	urgent, own, deter int // rule index, -1 for none
	// helpLangs are the languages of the help-seeking phrases that matched
	helpLangs []string
}

// CheckWords is Check for text already folded into words (norm.Words).
func (r *Router) CheckWords(words []string, lang string) Result {
	return r.CheckMessage(Message{Words: words, Lang: lang})
}

// CheckMessage classifies a message with what else is known of it.
func (r *Router) CheckMessage(m Message) Result {
	h := r.hits(m.Words, m.Lang)
	var sc Scores
	if r.scorer != nil && len(m.Words) > 0 {
		sc = r.scorer.Score(m.Words, m.Lang)
	}
	th := r.thresholds
	if m.Known {
		th.Urgent, th.Deterrence = max(th.Urgent, th.Known), max(th.Deterrence, th.Known)
	}
	return r.decide(h, sc, m.Lang, th)
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
func (r *Router) decide(h ruleHits, sc Scores, lang string, th Thresholds) Result {
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
	// the prevention answer needs the writer's own interest: a rule, unless
	// the scorer reads a victim as likelier, or the scorer alone
	own := h.own >= 0 && (!scored || sc.OwnThoughts >= sc.Victim && sc.OwnThoughts >= th.OwnThoughts) ||
		scored && sc.OwnThoughts >= th.OwnThoughts && sc.OwnThoughts > sc.Victim
	// the scorer's abuse-seeking is a signal unless it reads someone's own
	// thoughts, or a victim or witness by far, as likelier
	scoredDeter := scored && sc.Deterrence >= th.Deterrence && sc.Deterrence*2 >= sc.Victim &&
		!(own && sc.OwnThoughts > sc.Deterrence)
	if h.deter >= 0 || scoredDeter {
		res.Verdict = Mixed
		if h.deter >= 0 {
			res.Rule = rule(h.deter)
			res.Category = res.Rule.Category
		} else {
			res.Category = sc.Best(content.ReplyDeterrence)
		}
		// the plain deterrence reply only when a curated rule found it, the
		// scorer agrees, and nothing suggests a victim or a witness: a
		// help-seeking phrase of the message's language or of the rule's,
		// or the scorer
		help := victim || scored && (sc.Victim > sc.Deterrence || sc.Deterrence < max(th.Deterrence, th.Strict))
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
