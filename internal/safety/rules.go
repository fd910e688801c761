package safety

import (
	"fmt"
	"strings"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// Rules is a compiled set of safety rules, from one or several languages'
// lexicons. It is immutable and safe for concurrent use.
type Rules struct {
	rules []compiled
	// byFirst indexes rules by the words their patterns can start with, and
	// byPrefix by the prefixes ("nud*"), so that a message is tried only
	// against rules whose first word it contains: with twelve languages'
	// lexicons this is what keeps the check fast.
	byFirst  map[string][]int
	byPrefix prefixIndex[int]
}

type compiled struct {
	rule content.Rule
	// reply is the category's reply, or content.HelpSeeking
	reply string
	items []item
}

// CompileRules compiles rules. A pattern that cannot be read, or a rule
// whose category is unknown, is an *content.Error.
func CompileRules(rules []content.Rule) (*Rules, error) {
	r := &Rules{byFirst: map[string][]int{}, byPrefix: prefixIndex[int]{}}
	for _, rule := range rules {
		items, err := compile(rule.Pattern)
		if err != nil {
			return nil, &content.Error{File: rule.File, Line: rule.Line, Msg: err.Error()}
		}
		reply, ok := content.CategoryReply(rule.Category)
		switch {
		case rule.Category == content.HelpSeeking:
			reply = content.HelpSeeking
			if short := singleWord(items); short != "" {
				return nil, &content.Error{File: rule.File, Line: rule.Line, Msg: fmt.Sprintf("a help-seeking pattern needs a phrase of two or more words, not one common word (%q)", short)}
			}
		case !ok || reply == content.ReplyNone:
			return nil, &content.Error{File: rule.File, Line: rule.Line, Msg: fmt.Sprintf("unknown section %q", rule.Category)}
		}
		r.add(compiled{rule: rule, reply: reply, items: items})
	}
	return r, nil
}

// singleWord returns an alternative by which a pattern can match a single
// word, or "".
func singleWord(items []item) string {
	if len(items) != 1 {
		return ""
	}
	for _, alt := range items[0].alts {
		if len(alt) == 1 {
			return alt[0].text
		}
	}
	return ""
}

// add indexes a compiled rule by the words its pattern can start with.
func (r *Rules) add(c compiled) {
	i := len(r.rules)
	r.rules = append(r.rules, c)
	for _, alt := range c.items[0].alts {
		if w := alt[0]; w.prefix {
			r.byPrefix.add(w.text, i)
		} else {
			r.byFirst[w.text] = append(r.byFirst[w.text], i)
		}
	}
}

// Len is the number of rules.
func (r *Rules) Len() int { return len(r.rules) }

// each calls fn with every rule that matches the words, possibly more than
// once, in no particular order.
func (r *Rules) each(words []string, fn func(i int)) {
	for pos, w := range words {
		try := func(i int) {
			if matchFrom(r.rules[i].items, words, pos, true) {
				fn(i)
			}
		}
		for _, i := range r.byFirst[w] {
			try(i)
		}
		r.byPrefix.each(w, try)
	}
}

// maxGap is how many words `*` may skip.
const maxGap = 6

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
