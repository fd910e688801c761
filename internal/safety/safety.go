// Package safety decides, before any FAQ matching, whether a message shows
// that someone may be in danger now (urgent), seeks abuse material or access
// to children (deterrence), or asks for help with one's own thoughts.
//
// The rules are the lexicons in faq/<lang>/safety.txt (format in
// faq/README.md), compiled here into word patterns over folded text. The
// order of the checks is the safeguarding policy:
//
//  1. urgent rules: danger wins over everything else;
//  2. own-thoughts rules: someone asking for help is not rebuked;
//  3. deterrence rules, unless a not-deterrence rule matches: a victim, a
//     witness or a reporter using the same words is help-seeking.
package safety

import (
	"fmt"
	"slices"
	"strings"

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
	OwnThoughts
)

func (v Verdict) String() string {
	return [...]string{"none", "urgent", "deterrence", "own-thoughts"}[v]
}

// maxGap is how many words `*` may skip.
const maxGap = 6

// Result is a verdict and the rule that gave it.
type Result struct {
	Verdict Verdict
	// Related is the entry an urgent rule names, if any.
	Related string
	Rule    content.Rule
}

// Router checks messages against the rules of several languages. It is
// immutable and safe for concurrent use.
type Router struct {
	rules []compiled
	// byFirst indexes rules by the words their patterns can start with, and
	// byPrefix by the prefixes ("nud*"), so that a message is tried only
	// against rules whose first word it contains: with twelve languages'
	// lexicons this is what keeps the check fast.
	byFirst  map[string][]int
	byPrefix map[string][]int
	// longestPrefix bounds the prefixes of a word worth looking up
	longestPrefix int
}

type compiled struct {
	rule    content.Rule
	section int // index in sections
	items   []item
}

// item is one position of a pattern: alternatives, each a word sequence; gap
// means "up to maxGap words may come before this item".
type item struct {
	alts [][]word
	gap  bool
}

type word struct {
	text   string
	prefix bool
}

// New compiles rules. A pattern that cannot be read is an *content.Error.
func New(rules []content.Rule) (*Router, error) {
	r := &Router{byFirst: map[string][]int{}, byPrefix: map[string][]int{}}
	for _, rule := range rules {
		items, err := compile(rule.Pattern)
		if err != nil {
			return nil, &content.Error{File: rule.File, Line: rule.Line, Msg: err.Error()}
		}
		section := slices.Index(sections, rule.Section)
		if section < 0 {
			return nil, &content.Error{File: rule.File, Line: rule.Line, Msg: fmt.Sprintf("unknown section %q", rule.Section)}
		}
		r.add(compiled{rule: rule, section: section, items: items})
	}
	return r, nil
}

// Only returns a router over the rules whose file starts with prefix (one
// language's, "sw/"), sharing their compiled patterns.
func (r *Router) Only(prefix string) *Router {
	o := &Router{byFirst: map[string][]int{}, byPrefix: map[string][]int{}}
	for _, c := range r.rules {
		if strings.HasPrefix(c.rule.File, prefix) {
			o.add(c)
		}
	}
	return o
}

// add indexes a compiled rule by the words its pattern can start with.
func (r *Router) add(c compiled) {
	i := len(r.rules)
	r.rules = append(r.rules, c)
	for _, alt := range c.items[0].alts {
		if w := alt[0]; w.prefix {
			r.byPrefix[w.text] = append(r.byPrefix[w.text], i)
			r.longestPrefix = max(r.longestPrefix, len(w.text))
		} else {
			r.byFirst[w.text] = append(r.byFirst[w.text], i)
		}
	}
}

// Check classifies a message.
func (r *Router) Check(text string) Result {
	return r.CheckWords(norm.Words(text))
}

// CheckWords is Check for text already folded into words (norm.Words).
func (r *Router) CheckWords(words []string) Result {
	first := r.firstMatches(words)
	if i := first[0]; i >= 0 {
		return Result{Verdict: Urgent, Related: r.rules[i].rule.Related, Rule: r.rules[i].rule}
	}
	if i := first[1]; i >= 0 {
		return Result{Verdict: OwnThoughts, Rule: r.rules[i].rule}
	}
	if i := first[2]; i >= 0 && first[3] < 0 {
		return Result{Verdict: Deterrence, Rule: r.rules[i].rule}
	}
	return Result{}
}

// sections in the order Check weighs them.
var sections = []string{"urgent", "own-thoughts", "deterrence", "not-deterrence"}

// firstMatches returns, per section (in the order of sections), the
// earliest rule in file order that matches the words, or -1.
func (r *Router) firstMatches(words []string) [4]int {
	best := [4]int{-1, -1, -1, -1}
	try := func(pos int, idx []int) {
		for _, i := range idx {
			c := &r.rules[i]
			if b := best[c.section]; b >= 0 && b <= i {
				continue
			}
			if matchFrom(c.items, words, pos, true) {
				best[c.section] = i
			}
		}
	}
	for pos, w := range words {
		try(pos, r.byFirst[w])
		for n := 1; n <= min(len(w), r.longestPrefix); n++ {
			if idx, ok := r.byPrefix[w[:n]]; ok {
				try(pos, idx)
			}
		}
	}
	return best
}

// matchFrom matches items starting exactly at pos (or within a gap).
func matchFrom(items []item, words []string, pos int, anchored bool) bool {
	if len(items) == 0 {
		return true
	}
	it := items[0]
	reach := 0
	if it.gap && !anchored {
		reach = maxGap
	}
	for skip := 0; skip <= reach && pos+skip <= len(words); skip++ {
		for _, alt := range it.alts {
			if n, ok := matchWords(alt, words[pos+skip:]); ok {
				if matchFrom(items[1:], words, pos+skip+n, false) {
					return true
				}
			}
		}
	}
	return false
}

func matchWords(alt []word, words []string) (int, bool) {
	if len(alt) > len(words) {
		return 0, false
	}
	for i, w := range alt {
		if w.prefix && !strings.HasPrefix(words[i], w.text) || !w.prefix && words[i] != w.text {
			return 0, false
		}
	}
	return len(alt), true
}

func compile(pattern string) ([]item, error) {
	var items []item
	gap := false
	toks, err := tokens(pattern)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t == "*" {
			if gap || len(items) == 0 {
				return nil, fmt.Errorf("pattern %q: `*` must stand between words", pattern)
			}
			gap = true
			continue
		}
		var alts [][]word
		if strings.HasPrefix(t, "{") {
			for _, a := range strings.Split(t[1:len(t)-1], "|") {
				ws := words(a)
				if len(ws) == 0 {
					return nil, fmt.Errorf("pattern %q: empty alternative in %s", pattern, t)
				}
				alts = append(alts, ws)
			}
		} else {
			ws := words(t)
			if len(ws) == 0 {
				return nil, fmt.Errorf("pattern %q: %q has no letters", pattern, t)
			}
			alts = [][]word{ws}
		}
		items = append(items, item{alts: alts, gap: gap})
		gap = false
	}
	if gap {
		return nil, fmt.Errorf("pattern %q: `*` cannot end a pattern", pattern)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	return items, nil
}

// tokens splits a pattern into words, `*` and `{…}` groups.
func tokens(p string) ([]string, error) {
	var out []string
	for i := 0; i < len(p); {
		switch c := p[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("pattern %q: `{` without `}`", p)
			}
			out = append(out, p[i:i+end+1])
			i += end + 1
		case c == '}':
			return nil, fmt.Errorf("pattern %q: `}` without `{`", p)
		default:
			end := strings.IndexAny(p[i:], " \t{}")
			if end < 0 {
				end = len(p) - i
			}
			out = append(out, p[i:i+end])
			i += end
		}
	}
	return out, nil
}

// words folds one alternative; a trailing * on a word makes it a prefix.
func words(s string) []word {
	var out []word
	for _, f := range strings.Fields(s) {
		prefix := strings.HasSuffix(f, "*") && len(f) > 1
		for _, w := range norm.Words(strings.TrimSuffix(f, "*")) {
			out = append(out, word{text: w})
		}
		if prefix && len(out) > 0 {
			out[len(out)-1].prefix = true
		}
	}
	return out
}
