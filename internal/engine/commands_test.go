package engine_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/salama-safety/salama/internal/chat"
)

// tappable reports whether "/name" stands in text as Telegram recognises a
// bot command (tdlib's match_bot_commands): no word character, "/", "<" or
// ">" just before the slash, and none just after the name. Invisible marks
// are not word characters; a mark between the slash and the name ends the
// command before it starts.
func tappable(text, name string) bool {
	word := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || r == '_' || r == '\u200c'
	}
	for i := 0; ; {
		j := strings.Index(text[i:], "/"+name)
		if j < 0 {
			return false
		}
		j += i
		i = j + 1
		if prev, _ := utf8.DecodeLastRuneInString(text[:j]); j > 0 && (word(prev) || strings.ContainsRune("/<>", prev)) {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(text[j+1+len(name):]); j+1+len(name) < len(text) && (word(next) || strings.ContainsRune("/<>", next)) {
			continue
		}
		return true
	}
}

// Every command /help names can be tapped in every language, right-to-left
// ones included: their bidi isolates go around a command, never inside it.
func TestHelpCommandsAreTappableInEveryLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	en := respond(t, eng, chat.Message{Text: "/help", User: chat.User{Platform: chat.Telegram, ID: "help-en"}})
	var names []string
	for _, c := range eng.Commands("en") {
		if tappable(en.Text, c.Name) {
			names = append(names, c.Name)
		}
	}
	if len(names) < 5 {
		t.Fatalf("the English /help names only %v", names)
	}
	for _, lang := range eng.Languages() {
		r := respond(t, eng, chat.Message{Text: "/help", LangHint: lang, User: chat.User{Platform: chat.Telegram, ID: "help-" + lang}})
		if strings.Contains(r.Text, "/\u2066") {
			t.Errorf("%s: /help puts an isolate inside a command: %q", lang, r.Text)
		}
		for _, name := range names {
			if strings.Contains(r.Text, "/"+name) && !tappable(r.Text, name) {
				t.Errorf("%s: /%s in /help cannot be tapped: %q", lang, name, r.Text)
			}
		}
	}
}

// A command copied from a right-to-left reply, with the invisible marks
// around or inside it, is still the command.
func TestCommandWithInvisibleMarks(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, tc := range []struct {
		text, want string
	}{
		{"\u2066/helplines\u2069", "helplines_title_international"},
		{"/\u2066helplines\u2069", "helplines_title_international"},
		{"\u200f/helplines", "helplines_title_international"},
		{"\ufeff/topics", "topics_prompt"},
		{"\u2067/language sw\u2069", "language_set"},
	} {
		r := respond(t, eng, chat.Message{Text: tc.text, User: chat.User{Platform: chat.Telegram, ID: tc.text}})
		if want := knowledge.Texts.T(r.Lang, tc.want, nil); r.Kind != chat.KindCommand || !strings.Contains(r.Text, want) {
			t.Errorf("%q = %s %q, want the reply to %s", tc.text, r.Kind, r.Text, strings.Trim(tc.text, "\u2066\u2067\u2069\u200f\ufeff"))
		}
	}
}
