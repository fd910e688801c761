// Package norm folds text for matching: lower case, punctuation turned into
// spaces, apostrophes dropped ("don't" → "dont"), and a letter repeated
// three or more times kept once ("hellooo" → "hello", "hiii" → "hi").
//
// Accents and tone marks on Latin letters are removed, whether typed as one
// character or as a letter and a combining mark ("école", Yoruba
// "ìrànlọ́wọ́"). What else a language needs is data in its own
// faq/<lang>/language.txt, added here with Add when content loads: the
// scripts whose marks are removed (Arabic harakat) and letters read as
// others (Arabic letter variants, Hausa hooked letters, Devanagari letters
// typed with or without a separate nukta). Marks of other scripts
// (Devanagari, Bengali, Ethiopic vowel signs) are kept, since there they
// carry meaning. The same folding is applied to content and to what users
// type, so curators write patterns the way faq/README.md says.
package norm

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	unorm "golang.org/x/text/unicode/norm"
)

// Rules are what a language's data adds to folding (faq/<lang>/language.txt,
// sections [language] and [folding]).
type Rules struct {
	// Letters maps a letter to what it is read as: Arabic "أ" to "ا", a
	// Devanagari letter typed as one character to the letter and its nukta.
	// An empty string removes the letter (the Arabic tatweel).
	Letters map[rune]string
	// Marks names scripts (as Go's unicode.Scripts does: "Arabic") whose
	// combining marks are removed: accents, tone marks, harakat.
	Marks []string
}

// table is the folding in force: the union of every language's Rules.
type table struct {
	letters map[rune]string
	marks   []*unicode.RangeTable
	names   []string
}

var current atomic.Pointer[table]

func init() {
	// Latin letters carry accents and tone marks that people often leave
	// out ("ecole", Yoruba "iranlowo"): every language written in Latin
	// letters is read without them. These letters are not decomposed by
	// Unicode, so they are listed.
	t, _ := build(nil, Rules{Marks: []string{"Latin"}, Letters: map[rune]string{
		'đ': "d", 'ħ': "h", 'ı': "i", 'ŀ': "l", 'ł': "l", 'ŉ': "n", 'ø': "o", 'ŧ': "t", 'ß': "ss", 'æ': "ae", 'œ': "oe",
	}})
	current.Store(t)
}

// Add adds a language's rules to the folding in force. Folding must be the
// same for content and for what users type, in every language, and a
// message is folded before its language is known: so the rules of every
// language loaded apply to all text. Rules only ever add equivalences, so
// adding the same rules again changes nothing.
func Add(r Rules) error {
	for {
		old := current.Load()
		t, err := build(old, r)
		if err != nil {
			return err
		}
		if t == old || current.CompareAndSwap(old, t) {
			return nil
		}
	}
}

func build(old *table, r Rules) (*table, error) {
	t := &table{letters: map[rune]string{}}
	if old != nil {
		maps.Copy(t.letters, old.letters)
		t.marks, t.names = slices.Clone(old.marks), slices.Clone(old.names)
	}
	changed := old == nil
	for _, name := range r.Marks {
		if slices.Contains(t.names, name) {
			continue
		}
		rt := unicode.Scripts[name]
		if rt == nil {
			return nil, fmt.Errorf("%q is not a Unicode script name (Latin, Arabic, Devanagari, …)", name)
		}
		t.marks, t.names, changed = append(t.marks, rt), append(t.names, name), true
		// a precomposed letter of the script is read as its base letter
		for _, rg := range rt.R16 {
			for c := rune(rg.Lo); c <= rune(rg.Hi); c += rune(rg.Stride) {
				decompose(t, c)
			}
		}
		for _, rg := range rt.R32 {
			for c := rune(rg.Lo); c <= rune(rg.Hi); c += rune(rg.Stride) {
				decompose(t, c)
			}
		}
	}
	for from, to := range r.Letters {
		from = unicode.ToLower(from)
		if s, ok := t.letters[from]; !ok || s != to {
			t.letters[from], changed = to, true
		}
	}
	if !changed {
		return old, nil
	}
	// a letter read as a letter that is itself read as another (ǣ → æ →
	// ae) is read as the last, so that folding folded text changes nothing
	for from, to := range t.letters {
		for range 4 {
			r, size := utf8.DecodeRuneInString(to)
			next, ok := t.letters[r]
			if size == 0 || size != len(to) || !ok || r == from {
				break
			}
			to = next
		}
		t.letters[from] = to
	}
	return t, nil
}

// decompose maps a letter that Unicode writes as a base letter and
// combining marks to its base letter.
func decompose(t *table, c rune) {
	if !unicode.IsLetter(c) {
		return
	}
	d := []rune(unorm.NFD.String(string(c)))
	if len(d) < 2 || !unicode.IsLetter(d[0]) {
		return
	}
	for _, m := range d[1:] {
		if !unicode.Is(unicode.Mn, m) {
			return
		}
	}
	if _, set := t.letters[unicode.ToLower(c)]; !set {
		t.letters[unicode.ToLower(c)] = string(unicode.ToLower(d[0]))
	}
}

// foldsMarks reports whether combining marks after the letter are removed.
func (t *table) foldsMarks(r rune) bool {
	for _, rt := range t.marks {
		if unicode.Is(rt, r) {
			return true
		}
	}
	return false
}

// Version changes whenever Fold folds some text differently, so that what
// was computed from folded text (a cached model) is computed again.
const Version = 2

// Fold returns s folded for matching, with single spaces between words.
func Fold(s string) string {
	if ascii(s) {
		return foldASCII(s)
	}
	return foldUnicode(s)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is Fold for the common case of plain ASCII text, byte by byte.
func foldASCII(s string) string {
	b := make([]byte, 0, len(s))
	space := true
	run := 0 // how many times the last letter of b was typed in a row
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '`':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case 'a' <= c && c <= 'z':
			b, run = appendLetter(b, c, run)
			space = false
		case '0' <= c && c <= '9':
			b, run = append(b, c), 0
			space = false
		default:
			if !space {
				b = append(b, ' ')
				space = true
			}
			run = 0
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// appendLetter appends an ASCII letter, already lower-cased, unless it is
// the third or later of a run ("hellooo", "diEee"): such a run counts once.
// Runs are counted on what is written, after case folding, so that folding
// folded text changes nothing.
func appendLetter(b []byte, c byte, run int) ([]byte, int) {
	if run == 0 || b[len(b)-1] != c {
		return append(b, c), 1
	}
	run++
	switch {
	case run == 2:
		return append(b, c), run
	case run == 3:
		return b[:len(b)-1], run // "ooo": drop the second o, keep the first
	}
	return b, run
}

func foldUnicode(s string) string {
	t := current.Load()
	b := make([]rune, 0, len(s))
	space := true
	run := 0           // how many times the last letter of b was typed in a row
	dropMarks := false // the last letter written takes no combining marks
	add := func(r rune) {
		if isMark(r) { // a vowel sign typed twice or more ("নাাাা") counts once
			if len(b) > 0 && b[len(b)-1] == r {
				return
			}
			b, run = append(b, r), 0
			return
		}
		if !unicode.IsLetter(r) {
			b, run = append(b, r), 0
			return
		}
		if run == 0 || b[len(b)-1] != r {
			b, run = append(b, r), 1
			return
		}
		run++
		switch {
		case run == 2:
			b = append(b, r)
		case run == 3:
			b = b[:len(b)-1]
		}
	}
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`':
			continue // don't → dont
		case isInvisible(r):
			continue
		case dropMarks && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)):
			continue // an accent, tone mark or haraka typed on its own
		}
		r = unicode.ToLower(r)
		m, mapped := t.letters[r]
		if unicode.IsLetter(r) && (!mapped || m != "") {
			dropMarks = t.foldsMarks(r)
		}
		if mapped {
			for _, mr := range m {
				add(mr)
			}
			if m != "" {
				space = false
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r) {
			add(r)
			space = false
			continue
		}
		dropMarks = false
		if !space {
			b, run = append(b, ' '), 0
			space = true
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) }

// Words returns the folded words of s.
func Words(s string) []string {
	return strings.Fields(Fold(s))
}

// isInvisible reports zero-width and bidirectional control characters, which
// change nothing a reader sees but would split or hide words.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0xFEFF, r == 0x061C:
		return true
	}
	return false
}
