package engine_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// The language a conversation is in travels with its buttons: "Tell me
// more" after an answer in French, to a user whose phone says English,
// comes back in French.
func TestButtonsKeepTheConversationLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	u := chat.User{Platform: chat.Telegram, ID: "thread"}
	r := respond(t, eng, chat.Message{User: u, LangHint: "en", Text: "quelqu'un menace de publier mes photos si je ne paie pas"})
	if r.Lang != "fr" || r.Kind != chat.KindAnswer {
		t.Fatalf("first answer = %s in %s, want an answer in fr", r.Kind, r.Lang)
	}
	more := respond(t, eng, chat.Message{User: u, LangHint: "en", Payload: choice(t, r, "more:")})
	if more.Lang != "fr" || !strings.Contains(more.Text, knowledge.Texts.T("fr", "helpful_question", nil)) {
		t.Errorf("Tell me more = %q in %s, want French", more.Text, more.Lang)
	}
	// a user who writes in their saved language sees unchanged payloads
	r = respond(t, eng, chat.Message{User: chat.User{Platform: chat.Telegram, ID: "plain"}, LangHint: "fr", Text: "quelqu'un menace de publier mes photos si je ne paie pas"})
	if p := choice(t, r, "more:"); strings.Contains(p, "~") {
		t.Errorf("payload %q carries a language the user's own settings give", p)
	}
}

// A first message that is only a greeting or a help word is recognised in
// every language, and answered in it.
func TestFirstWordsInEveryLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, lang := range knowledge.Content.Languages() {
		l := knowledge.Content.Langs[lang]
		for _, tc := range []struct {
			words []string
			kind  chat.Kind
		}{{l.Greetings, chat.KindGreeting}, {l.Help, chat.KindCommand}} {
			if len(tc.words) == 0 {
				continue
			}
			word := tc.words[0]
			r := respond(t, eng, chat.Message{User: chat.User{Platform: chat.Telegram, ID: "first-" + lang + word}, LangHint: "en", Text: word})
			if r.Kind != tc.kind {
				t.Errorf("%s: first message %q = %s, want %s", lang, word, r.Kind, tc.kind)
			}
			if others := langsOf(word); len(others) == 1 && r.Lang != lang {
				t.Errorf("%s: first message %q answered in %s", lang, word, r.Lang)
			}
		}
	}
}

// langsOf lists the languages whose greetings or help words hold the word.
func langsOf(word string) []string {
	var out []string
	for _, lang := range knowledge.Content.Languages() {
		l := knowledge.Content.Langs[lang]
		for _, w := range append(append([]string{}, l.Greetings...), l.Help...) {
			if w == word {
				out = append(out, lang)
				break
			}
		}
	}
	return out
}

// Every language is in the language menu under its own name, from its
// own message file.
func TestLanguageMenuNamesEveryLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	r := respond(t, eng, chat.Message{Text: "/language"})
	if len(r.Choices) != len(knowledge.Content.Languages()) {
		t.Fatalf("menu has %d languages, want %d", len(r.Choices), len(knowledge.Content.Languages()))
	}
	for i, lang := range knowledge.Content.Languages() {
		if want := knowledge.Texts.T(lang, "language_name", nil); r.Choices[i].Label != want || want == "" {
			t.Errorf("menu item %d = %q, want %q", i, r.Choices[i].Label, want)
		}
	}
}

// A conversation changes language only on evidence: never on one letter,
// a number, the tags of some markup, or a word several languages share.
func TestLanguageNeedsEvidence(t *testing.T) {
	eng, _ := MustEngine(t)
	var noEvidence []string
	for c := 'a'; c <= 'z'; c++ {
		noEvidence = append(noEvidence, string(c), strings.ToUpper(string(c)))
	}
	noEvidence = append(noEvidence, "b b b", "b?", "<b>ok</b>", "<i>b</i> <b>b</b>", "**b**", "_b_ *b*", "~b~",
		"3", "7", "99", "ب", "ሰ", "क", "অ", "ok", "salam")
	for _, lang := range eng.Languages() {
		for _, text := range noEvidence {
			u := chat.User{Platform: chat.Telegram, ID: lang + "/" + text}
			if r := respond(t, eng, chat.Message{User: u, LangHint: lang, Text: text}); r.Lang != lang {
				t.Errorf("%q to a user whose phone is in %s = %s in %s, want %s", text, lang, r.Kind, r.Lang, lang)
			}
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"مرحبا", "ar"},       // a script only Arabic is written in
		{"merci", "fr"},       // a greeting Arabic's words have too, in Latin letters: French
		{"habari yako", "sw"}, // a greeting only Swahili has
		{"salam", "en"},       // a greeting of many languages
		{"nimetumiwa picha za uchi na mtu nisiyemjua", "sw"},
	} {
		u := chat.User{Platform: chat.Telegram, ID: "evidence/" + tc.text}
		if r := respond(t, eng, chat.Message{User: u, LangHint: "en", Text: tc.text}); r.Lang != tc.want {
			t.Errorf("%q to a user whose phone is in English = %s in %s, want %s", tc.text, r.Kind, r.Lang, tc.want)
		}
	}
}

// The words people write in trouble are part of their language's
// vocabulary: nearly every safety example of a language other than
// English, sent by a user whose phone says English, is answered in its
// own language. (A check of the mechanism on the examples themselves; on
// a round of examples its vocabulary had not seen, docs/SAFETY.md gives
// the held-out figures.)
func TestSafetyExamplesAnsweredInTheirLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, lang := range knowledge.Content.Languages() {
		examples := knowledge.Content.Langs[lang].Examples
		if lang == "en" || len(examples) == 0 {
			continue
		}
		in := 0
		for i, ex := range examples {
			u := chat.User{Platform: chat.Telegram, ID: lang + "-" + strconv.Itoa(i)}
			if respond(t, eng, chat.Message{User: u, LangHint: "en", Text: ex.Text}).Lang == lang {
				in++
			}
		}
		if rate := float64(in) / float64(len(examples)); rate < 0.95 {
			t.Errorf("%s: %d of %d safety examples answered in %s (%.1f%%), want 95%%", lang, in, len(examples), lang, 100*rate)
		}
	}
}
