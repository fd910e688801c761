package engine

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/locales"
)

func TestIsolateLTR(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"اتصل بـ 116 الآن.", "اتصل بـ \u2066116\u2069 الآن."},
		{"خط نجدة الطفل: 16000 (مجاني)", "خط نجدة الطفل: \u206616000\u2069 (مجاني)"},
		{"- Childline Kenya: call 116 (free, 24/7)", "- \u2066Childline Kenya: call 116 (free, 24/7)\u2069"},
		{"زر https://takeitdown.ncmec.org/ للمساعدة", "زر \u2066 https://takeitdown.ncmec.org/ \u2069 للمساعدة"},
		{"لا شيء لاتيني", "لا شيء لاتيني"},
	} {
		if got := isolateLTR(tc.in); got != tc.want {
			t.Errorf("isolateLTR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsolateLTREdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+", "+"},
		{"a", "\u2066a\u2069"},
		{"(116)", "(\u2066116\u2069)"},
		{"اتصل: +254 712 345 678.", "اتصل: \u2066+254 712 345 678\u2069."},
		{"خط (Aarambh India) للإبلاغ", "خط (\u2066Aarambh India\u2069) للإبلاغ"},
		{"اتصل 116 (مجاني", "اتصل \u2066116\u2069 (مجاني"},
		{"IWF (India]", "\u2066IWF\u2069 (\u2066India\u2069]"},
	} {
		if got := isolateLTR(tc.in); got != tc.want {
			t.Errorf("isolateLTR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// bracketPairs pairs brackets as the Unicode bidi algorithm does (UAX #9,
// rule BD16, the rule FriBidi implements): within each isolating run
// sequence, an opening bracket pairs with the next closing bracket of its
// kind, on a stack of at most 63. Text inside an isolate (LRI … PDI) is a
// sequence of its own. It returns the pairs as ordinals among the text's
// brackets (isolateLTR adds marks and spaces, never brackets).
func bracketPairs(s string) map[[2]int]bool {
	type open struct {
		r  rune
		at int
	}
	pairs := map[[2]int]bool{}
	stacks := [][]open{nil} // one stack per isolate level
	at := 0
	for _, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068':
			stacks = append(stacks, nil)
			continue
		case '\u2069':
			if len(stacks) > 1 {
				stacks = stacks[:len(stacks)-1]
			}
			continue
		}
		p, _ := bidi.LookupRune(r)
		if !p.IsBracket() {
			continue
		}
		top := &stacks[len(stacks)-1]
		switch {
		case p.IsOpeningBracket():
			if len(*top) < 63 {
				*top = append(*top, open{r, at})
			}
		case p.IsBracket():
			for i := len(*top) - 1; i >= 0; i-- {
				if closes((*top)[i].r, r) {
					pairs[[2]int{(*top)[i].at, at}] = true
					*top = (*top)[:i]
					break
				}
			}
		}
		at++
	}
	return pairs
}

func closes(o, c rune) bool {
	return strings.ContainsRune("()[]{}", o) && strings.IndexRune("()[]{}", o)+1 == strings.IndexRune("()[]{}", c)
}

// Isolates never break a bracket pair: the pairs the bidi algorithm finds
// in an isolated reply are those of the text as written, on every Arabic
// reply the bot gives and on made-up texts.
func TestIsolatesKeepBracketPairs(t *testing.T) {
	texts := []string{
		"خط (Aarambh India) للإبلاغ", "(116)", "اتصل 116 (مجاني", "IWF (India]", "a (b [c] d) e", "(a (b) c",
		"- Sauti 116 (Uganda Child Helpline): call 116 (free, 24/7)", "راجع (https://www.iwf.org.uk/) الآن",
	}
	k := MustLoadForTest(t)
	for _, lang := range k.langs {
		if l := k.Content.Langs[lang]; l == nil || !l.RTL() {
			continue
		}
		for _, id := range k.Content.IDs {
			e := k.Content.Entry(lang, id)
			texts = append(texts, e.Title, e.Short, e.Long)
		}
		for _, code := range k.Content.Helplines.Codes {
			for _, s := range k.Content.Helplines.Countries[code].Services {
				texts = append(texts, "- "+s.Name+": اتصل "+s.Phone+" (24/7)")
			}
		}
	}
	for _, s := range texts {
		want, got := bracketPairs(s), bracketPairs(isolateLTR(s))
		if len(want) != len(got) {
			t.Errorf("isolateLTR(%q) = %q: %d bracket pairs, want %d", s, isolateLTR(s), len(got), len(want))
			continue
		}
		for p := range want {
			if !got[p] {
				t.Errorf("isolateLTR(%q) = %q breaks the pair at %v", s, isolateLTR(s), p)
			}
		}
		if !utf8.ValidString(isolateLTR(s)) {
			t.Errorf("isolateLTR(%q) is not valid UTF-8", s)
		}
	}
}

// MustLoadForTest loads the embedded content once for the package's
// internal tests.
func MustLoadForTest(tb testing.TB) *Knowledge {
	tb.Helper()
	internalOnce.Do(func() { internalKnowledge = MustLoad(faq.FS, locales.FS) })
	return internalKnowledge
}

var (
	internalOnce      sync.Once
	internalKnowledge *Knowledge
)
