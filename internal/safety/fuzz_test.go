package safety

import (
	"testing"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// FuzzRules: compiling a pattern never panics, and checking a message
// against it never panics; and the index that keeps the check fast (rules
// by the words they can start with) finds exactly the rules that a plain
// scan of every position finds.
func FuzzRules(f *testing.F) {
	for _, seed := range [][2]string{
		{"kill myself", "i want to kill myself"},
		{"{send|share} * {nude*|naked}", "he wants me to send him nudes"},
		{"suicid*", "suicidal"},
		{"{a|} b", "b"},
		{"* x", "x"},
		{"x *", "x"},
		{"{", "x"},
		{"}", "x"},
		{"{a b|c} * d*", "c e f d"},
		{"नंगी * {फोटो|pic}", "वो नंगी फोटो मांग रहा है"},
		{"MyselFff", "kill myselfff"},
	} {
		f.Add(seed[0], seed[1])
	}
	category := ""
	for _, c := range content.Categories {
		if r, ok := content.CategoryReply(c.Name); ok && r != content.ReplyNone {
			category = c.Name
			break
		}
	}
	f.Fuzz(func(t *testing.T, pattern, message string) {
		rules, err := CompileRules([]content.Rule{{Category: category, Lang: "en", Pattern: pattern, File: "f", Line: 1}})
		if err != nil {
			return
		}
		words := norm.Words(message)
		indexed := false
		rules.each(words, func(int) { indexed = true })
		scanned := false
		for pos := range len(words) + 1 {
			if matchFrom(rules.rules[0].items, words, pos, true) {
				scanned = true
			}
		}
		if indexed != scanned {
			t.Fatalf("pattern %q, message %q: the index says %v, a plain scan %v", pattern, message, indexed, scanned)
		}
		_ = NewRouter(rules, nil, DefaultThresholds).Check(message, "en")
	})
}
