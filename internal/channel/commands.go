package channel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salama-safety/salama/internal/chat"
)

// Command names, for a channel where the engine's commands cannot be typed
// as "/name" (on Slack a message starting with "/" is a Slack command, so
// users type "/safety forget").

// CommandNames returns the names of the engine's commands ("start",
// "forget", …), without slashes.
func CommandNames(e chat.Engine) []string {
	var names []string
	for _, c := range e.Commands("en") {
		names = append(names, strings.TrimPrefix(c.Name, "/"))
	}
	return names
}

// AsCommand turns what a user typed after a channel's own command into the
// engine's command when its first word names one: "forget" becomes
// "/forget", "language sw" becomes "/language sw". Anything else is
// returned unchanged: a question.
func AsCommand(text string, names []string) string {
	text = strings.TrimSpace(text)
	first, _, _ := strings.Cut(text, " ")
	first = strings.TrimPrefix(first, "/")
	for _, n := range names {
		if strings.EqualFold(first, n) {
			return "/" + strings.TrimPrefix(text, "/")
		}
	}
	return text
}

// RewriteCommands replaces, in a reply's text, every "/name" of the
// engine's commands with the form a channel's users type: form("forget")
// might be "/safety forget". A "/name" inside a word or a link is left
// alone.
func RewriteCommands(text string, names []string, form func(name string) string) string {
	if !strings.Contains(text, "/") {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '/')
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		j += i
		b.WriteString(text[i:j])
		name := commandAt(text, j, names)
		if name == "" {
			b.WriteByte('/')
			i = j + 1
			continue
		}
		b.WriteString(form(name))
		i = j + 1 + len(name)
	}
	return b.String()
}

// commandAt returns the command name that the "/" at text[i] starts, or "".
func commandAt(text string, i int, names []string) string {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		// after a space, an opening bracket or quote, or the bidi isolate
		// or mark an Arabic reply puts around a command
		if !unicode.IsSpace(r) && !strings.ContainsRune("(\"'“‘«[\u2066\u2067\u2068\u200e\u200f", r) {
			return ""
		}
	}
	rest := text[i+1:]
	for _, n := range names {
		if len(rest) < len(n) || !strings.EqualFold(rest[:len(n)], n) {
			continue
		}
		if len(rest) > len(n) {
			r, _ := utf8.DecodeRuneInString(rest[len(n):])
			if r == '_' || r == '@' || unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return n
	}
	return ""
}
