package engine

import (
	"regexp"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
)

// rtl lists the supported languages written right to left.
var rtl = map[string]bool{"ar": true}

// ltrRun is a stretch of left-to-right text inside right-to-left text: a
// link, a phone number, a Latin-script name, with the spaces and signs
// between its parts ("Childline Kenya: 116 (24/7)").
var ltrRun = regexp.MustCompile(`[A-Za-z0-9+][A-Za-z0-9+\-./:_%?=&@#(),' ]*[A-Za-z0-9/)]|[A-Za-z0-9]`)

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
	return ltrRun.ReplaceAllStringFunc(s, func(run string) string {
		if strings.Contains(run, "://") || strings.Contains(run, "www.") {
			return lri + " " + run + " " + pdi
		}
		return lri + run + pdi
	})
}

// bidi prepares a reply in a right-to-left language.
func bidi(r chat.Reply) chat.Reply {
	if !rtl[r.Lang] {
		return r
	}
	r.Text = isolateLTR(r.Text)
	for i := range r.Choices {
		r.Choices[i].Label = isolateLTR(r.Choices[i].Label)
	}
	return r
}
