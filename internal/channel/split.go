package channel

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A Measure gives the weight of a rune against a platform's length limit.
type Measure func(r rune) int

// The measures of the platforms' limits.
var (
	// UTF16 counts UTF-16 code units, as Telegram does.
	UTF16 Measure = func(r rune) int { return utf16.RuneLen(r) }
	// Runes counts characters, as Slack and WhatsApp do.
	Runes Measure = func(rune) int { return 1 }
)

// Len is the length of s by m.
func (m Measure) Len(s string) int {
	n := 0
	for _, r := range s {
		n += m(r)
	}
	return n
}

// Split cuts s into parts of at most max by m, preferring a blank line,
// then a line break, then a space, and cutting inside a word only when a
// part has none; a rune is never cut. Parts are trimmed of surrounding
// white space, and nothing else is lost. Its time is linear in the length
// of s times the number of parts.
func Split(s string, max int, m Measure) []string {
	s = strings.TrimSpace(s)
	var parts []string
	for s != "" {
		n := m.prefix(s, max)
		if n == len(s) {
			parts = append(parts, s)
			break
		}
		head, cut := s[:n], n
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > 0 {
				cut = i
				break
			}
		}
		if part := strings.TrimSpace(s[:cut]); part != "" {
			parts = append(parts, part)
		}
		s = strings.TrimSpace(s[cut:])
	}
	return parts
}

// prefix returns the length in bytes of the longest prefix of s that
// weighs at most max and ends on a rune boundary; at least one rune, so that
// splitting always advances.
func (m Measure) prefix(s string, max int) int {
	n := 0
	for i, r := range s {
		n += m(r)
		if n > max {
			if i == 0 {
				return utf8.RuneLen(r)
			}
			return i
		}
	}
	return len(s)
}

// Shorten returns s cut to at most max runes, at a word boundary when one
// is in the second half of the allowance, with an ellipsis where it was
// cut; s itself when it fits. A label is never cut into nonsense in the
// middle of a word when a space allows better, in any script.
func Shorten(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max <= 1 {
		return string([]rune(s)[:max])
	}
	all := []rune(s)
	r := all[:max-1]
	if i := lastSpace(r); all[max-1] != ' ' && i >= (max-1)/2 {
		r = r[:i] // a whole word, not half of one
	}
	return strings.TrimRight(string(r), " ,.;:-–") + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}
