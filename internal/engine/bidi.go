package engine

import (
	"strings"

	"github.com/salama-safety/salama/internal/chat"
)

// An LTR run is a stretch of left-to-right text inside right-to-left text: a
// link, a phone number, a Latin-script name, with the spaces and signs
// between its parts ("Childline Kenya: 116 (24/7)"). It starts with a
// letter, a digit or "+", and ends with a letter, a digit, "/" or ")".
func alnum(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' }

func runStart(b byte) bool { return alnum(b) || b == '+' }
func runEnd(b byte) bool   { return alnum(b) || b == '/' || b == ')' || b == ']' }
func runBody(b byte) bool  { return runStart(b) || strings.IndexByte("-./:_%?=&@#()[],' ", b) >= 0 }

const (
	lri = "\u2066" // LEFT-TO-RIGHT ISOLATE
	pdi = "\u2069" // POP DIRECTIONAL ISOLATE
)

// isolateLTR wraps each left-to-right run in a bidi isolate, so that in an
// Arabic reply a phone number keeps its digits in order, a link stays whole
// and the Arabic punctuation around them stays where it was written.
// Telegram and Slack both honour the Unicode isolates.
//
// A run holding a link gets a space inside each end of its isolate, so that
// the apps' link detection, which stops at white space, never takes the
// invisible marks into the address.
func isolateLTR(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 32)
	for i := 0; i < len(s); {
		if !runStart(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j, end := i, i
		for j < len(s) && runBody(s[j]) {
			if runEnd(s[j]) {
				end = j + 1
			}
			j++
		}
		end = balanced(s, i, end)
		if end == i { // a lone "+" is punctuation
			b.WriteByte(s[i])
			i++
			continue
		}
		run := s[i:end]
		if strings.Contains(run, "://") || strings.Contains(run, "www.") {
			b.WriteString(lri + " " + run + " " + pdi)
		} else {
			b.WriteString(lri + run + pdi)
		}
		i = end
	}
	return b.String()
}

// balanced shortens the run s[start:end] so that every bracket in it has
// its pair in it: the Unicode bidi algorithm pairs brackets only within an
// isolate (rule BD16 on isolating run sequences), so an isolate that held
// one bracket of a pair would leave the other mirrored the wrong way. The
// run is cut before the first closing bracket with no opening one, and
// before the first opening bracket left without its closing one, then back
// to the last character that can end a run.
func balanced(s string, start, end int) int {
	var open []int // positions of the opening brackets not yet closed
scan:
	for j := start; j < end; j++ {
		switch s[j] {
		case '(', '[', '{':
			open = append(open, j)
		case ')', ']', '}':
			if len(open) == 0 || s[open[len(open)-1]] != pair(s[j]) {
				end = j
				break scan
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 && open[0] < end {
		end = open[0]
	}
	for end > start && !runEnd(s[end-1]) {
		end--
	}
	return end
}

func pair(closing byte) byte {
	switch closing {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}

// bidi prepares a reply in a language whose facts say it is written
// right to left.
func (k *Knowledge) bidi(r chat.Reply) chat.Reply {
	if l := k.Content.Langs[r.Lang]; l == nil || !l.RTL() {
		return r
	}
	r.Text = isolateLTR(r.Text)
	for i := range r.Choices {
		r.Choices[i].Label = isolateLTR(r.Choices[i].Label)
	}
	return r
}
