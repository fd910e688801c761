// Package norm folds text for matching: lower case, Latin accents removed,
// Arabic diacritics and letter variants unified, punctuation turned into
// spaces, apostrophes dropped ("don't" → "dont"), and a letter repeated
// three or more times kept once ("hellooo" → "hello", "hiii" → "hi"). Letters and combining marks
// of other scripts (Devanagari, Bengali, Ethiopic) are kept as they are, since
// there they carry meaning. The same folding is applied to content and to
// what users type, so curators write patterns the way the README says.
package norm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// latin maps precomposed Latin letters to their unaccented form.
var latin = map[rune]string{}

func init() {
	groups := map[string]string{
		"a": "àáâãäåāăąǎ", "b": "ɓ", "c": "çćĉċč", "d": "ďđɗ", "e": "èéêëēĕėęěẹẽ", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįıǐ", "j": "ĵ", "k": "ķƙ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏőǒọ",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűųǔụ", "w": "ŵ", "y": "ýÿŷỳƴ", "z": "źżž",
		"ss": "ß", "ae": "æ", "oe": "œ",
	}
	for plain, accented := range groups {
		for _, r := range accented {
			latin[r] = plain
		}
	}
	arabic := map[rune]string{'أ': "ا", 'إ': "ا", 'آ': "ا", 'ٱ': "ا", 'ة': "ه", 'ى': "ي", 'ؤ': "و", 'ئ': "ي"}
	for r, s := range arabic {
		latin[r] = s
	}
	// Bengali and Devanagari letters with a nukta can be typed as one
	// character or as the letter plus the nukta; keyboards differ, so both
	// are read as the two-part form.
	nukta := map[rune]string{
		'\u09dc': "\u09a1\u09bc", '\u09dd': "\u09a2\u09bc", '\u09df': "\u09af\u09bc", // ড় ঢ় য়
		'\u0958': "\u0915\u093c", '\u0959': "\u0916\u093c", '\u095a': "\u0917\u093c", '\u095b': "\u091c\u093c", // क़ ख़ ग़ ज़
		'\u095c': "\u0921\u093c", '\u095d': "\u0922\u093c", '\u095e': "\u092b\u093c", '\u095f': "\u092f\u093c", // ड़ ढ़ फ़ य़
	}
	for r, s := range nukta {
		latin[r] = s
	}
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
	b := make([]rune, 0, len(s))
	space := true
	run := 0 // how many times the last letter of b was typed in a row
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
		case r >= 0x064B && r <= 0x0652 || r == 0x0640: // Arabic harakat, tatweel
			continue
		}
		r = unicode.ToLower(r)
		if m, ok := latin[r]; ok {
			for _, mr := range m {
				add(mr)
			}
			space = false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r) {
			add(r)
			space = false
			continue
		}
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
