package engine_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// render writes a reply as the golden files show it.
func render(b *strings.Builder, m chat.Message, r chat.Reply) {
	fmt.Fprintf(b, "> %s%s (%s)\n[%s %s %s]\n%s\n", m.Text, m.Media, m.LangHint, r.Kind, r.Lang, r.FAQID, r.Text)
	for _, c := range r.Choices {
		fmt.Fprintf(b, "  ( %s | %s )\n", c.Label, c.Payload)
	}
	b.WriteString("\n")
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := "testdata/" + name
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("replies differ from %s; run go test ./internal/engine -update and review the diff", file)
	}
}

// TestSmallTalkGolden renders the small talk of every language, in its own
// words: its first thanks, OK word and farewell, emoji alone, a number that
// presses no choice, and the files the bot only reads as text. Run with
// -update after a deliberate change and review the diff.
func TestSmallTalkGolden(t *testing.T) {
	eng, _ := MustEngine(t)
	var b strings.Builder
	for _, lang := range eng.Languages() {
		l := knowledge.Content.Langs[lang]
		fmt.Fprintf(&b, "=== %s\n\n", lang)
		msgs := []chat.Message{{Text: l.Thanks[0]}, {Text: l.OK[0]}, {Text: l.Bye[0]}}
		for _, e := range []string{"😭😭😭", "🙏", "👍", "❤️", "99"} {
			msgs = append(msgs, chat.Message{Text: e})
		}
		msgs = append(msgs, chat.Message{Media: chat.MediaSticker}, chat.Message{Media: chat.MediaPhoto})
		// and from the first country of the language's readers
		if countries := knowledge.Content.Helplines.ByLanguage(lang); len(countries) > 0 {
			hint := lang + "-" + countries[0]
			msgs = append(msgs, chat.Message{Text: "😢", LangHint: hint}, chat.Message{Text: l.Bye[0], LangHint: hint}, chat.Message{Media: chat.MediaPhoto, LangHint: hint})
		}
		for i, m := range msgs {
			if m.LangHint == "" {
				m.LangHint = lang
			}
			m.User = chat.User{Platform: chat.Telegram, ID: fmt.Sprintf("%s-%d", lang, i)}
			render(&b, m, respond(t, eng, m))
		}
	}
	golden(t, "smalltalk.golden", b.String())
}

// Every small-talk phrase of every language's data gets its kind of reply,
// in that language: none is taken for a question or for danger.
func TestSmallTalkOfEveryLanguage(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, lang := range eng.Languages() {
		l := knowledge.Content.Langs[lang]
		for _, set := range []struct {
			phrases []string
			id      string
		}{{l.Thanks, "smalltalk_thanks"}, {l.OK, "smalltalk_ok"}, {l.Bye, "smalltalk_bye"}} {
			if len(set.phrases) == 0 {
				t.Errorf("%s: no phrases for %s", lang, set.id)
			}
			for _, p := range set.phrases {
				r := respond(t, eng, chat.Message{Text: p, LangHint: lang, User: chat.User{Platform: chat.Telegram, ID: lang + "/" + p}})
				want := knowledge.Texts.T(lang, set.id, map[string]any{"Helpline": ""})
				want, _, _ = strings.Cut(want, "💛") // the bye reply ends with the helpline
				if r.Kind != chat.KindSmallTalk || r.Lang != lang || !strings.HasPrefix(r.Text, want) {
					t.Errorf("%s: %q = %s in %s %q, want %s", lang, p, r.Kind, r.Lang, r.Text, set.id)
				}
			}
		}
	}
}

func TestSmallTalk(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, tc := range []struct {
		text, hint string
		kind       chat.Kind
		id         string // the message the reply starts with
	}{
		{"thanks", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"Thank you so much!!", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"thanks bot", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"ok", "en", chat.KindSmallTalk, "smalltalk_ok"},
		{"ok thanks", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"ok thanks bye", "en", chat.KindSmallTalk, "smalltalk_bye"},
		{"bye", "en", chat.KindSmallTalk, "smalltalk_bye"},
		{"👍", "en", chat.KindSmallTalk, "smalltalk_ok"},
		{"👍🏽", "en", chat.KindSmallTalk, "smalltalk_ok"},
		{"🙏🙏", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"❤️💛", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"😭😭😭", "en", chat.KindSmallTalk, "smalltalk_sad"},
		{"thanks 😢", "en", chat.KindSmallTalk, "smalltalk_sad"},
		{"💔", "sw", chat.KindSmallTalk, "smalltalk_sad"},
		{"asante sana", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"na gode", "ha", chat.KindSmallTalk, "smalltalk_thanks"},
		{"شكرا", "en", chat.KindSmallTalk, "smalltalk_thanks"},
		{"hi", "en", chat.KindGreeting, "greeting"},
		{"👋", "en", chat.KindGreeting, "greeting"},
		{"99", "en", chat.KindCommand, "number_unknown"},
		{"٩٩", "ar", chat.KindCommand, "number_unknown"},
	} {
		r := respond(t, eng, chat.Message{Text: tc.text, LangHint: tc.hint, User: chat.User{Platform: chat.Telegram, ID: "st/" + tc.text}})
		want := knowledge.Texts.T(r.Lang, tc.id, map[string]any{"Number": strings.TrimSpace(tc.text), "Helpline": ""})
		want, _, _ = strings.Cut(want, "💛")
		if r.Kind != tc.kind || !strings.HasPrefix(r.Text, want) {
			t.Errorf("%q = %s %q, want %s %s", tc.text, r.Kind, r.Text, tc.kind, tc.id)
		}
		if r.Kind == chat.KindSmallTalk && len(r.Choices) < 2 {
			t.Errorf("%q: no way on: %v", tc.text, r.Choices)
		}
	}
}

// Crying alone is answered gently: do you want to talk to someone, and who
// can listen now, never a welcome and never a question about what
// happened.
func TestSadEmojiOffersSomeoneToTalkTo(t *testing.T) {
	eng, _ := MustEngine(t)
	r := respond(t, eng, chat.Message{Text: "😭😭😭", LangHint: "sw-KE"})
	if r.Kind != chat.KindSmallTalk || !strings.Contains(r.Text, "Childline Kenya") || !strings.Contains(r.Text, "116") {
		t.Errorf("😭 from Kenya = %s %q, want Kenya's child helpline", r.Kind, r.Text)
	}
	if strings.Contains(r.Text, knowledge.Texts.T("sw", "greeting", nil)) {
		t.Errorf("😭 got a welcome: %q", r.Text)
	}
	r = respond(t, eng, chat.Message{Text: "😢", User: chat.User{Platform: chat.Telegram, ID: "nowhere"}})
	if !strings.Contains(r.Text, "childhelplineinternational.org") || r.Choices[len(r.Choices)-1].Payload != "menu:country" {
		t.Errorf("😢 with no country = %q %v, want where to find a child helpline and the country menu", r.Text, r.Choices)
	}
	if g := respond(t, eng, chat.Message{Text: "😭", Group: true, User: chat.User{Platform: chat.Telegram, ID: "group"}}); !g.Private || g.Text != knowledge.Texts.T("en", "private_invite", nil) {
		t.Errorf("😭 in a group = %+v, want the invitation to a private chat", g)
	}
}

// Small talk never hides other words from the safety router: a message
// with any word that is not small talk goes to it first.
func TestSmallTalkNeverHidesDanger(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, text := range []string{
		"i want to die 😭", "bye forever", "goodbye everyone", "bye everyone", "thanks everyone, bye", "thank you all 😭", "thanks for everything, goodbye",
		"ok he is outside my house", "😭 he is outside my house right now",
	} {
		r := respond(t, eng, chat.Message{Text: text, User: chat.User{Platform: chat.Telegram, ID: "danger/" + text}})
		if r.Kind == chat.KindSmallTalk || r.Kind == chat.KindGreeting {
			t.Errorf("%q = %s %q: small talk hid it from the safety router", text, r.Kind, r.Text)
		}
	}
	for _, text := range []string{"i want to die 😭", "😭 he is outside my house right now"} {
		if r := respond(t, eng, chat.Message{Text: text, User: chat.User{Platform: chat.Telegram, ID: "urgent/" + text}}); r.Kind != chat.KindUrgent {
			t.Errorf("%q = %s, want urgent", text, r.Kind)
		}
	}
}

// A sticker, a GIF or a voice note gets "I can only read text" and the
// topics; a photo, a video or a file the warning, with where to report in
// the user's country, or a question for the country, never a US number by
// default. A caption is read by the safety router first.
func TestMediaByKind(t *testing.T) {
	eng, _ := MustEngine(t)
	warning := knowledge.Texts.T("en", "media", nil)
	textOnly := knowledge.Texts.T("en", "media_text_only", nil)
	ask := knowledge.Texts.T("en", "media_country_ask", nil)
	for _, m := range []chat.Media{chat.MediaSticker, chat.MediaGIF, chat.MediaVoice, chat.MediaOther} {
		r := respond(t, eng, chat.Message{Media: m, User: chat.User{Platform: chat.Telegram, ID: string(m)}})
		if r.Kind != chat.KindMedia || r.Text != textOnly || strings.Contains(r.Text, warning) || !hasPayload(r, "topic:grooming") {
			t.Errorf("%s = %s %q %v, want only text can be read, and the topics", m, r.Kind, r.Text, r.Choices)
		}
	}
	for _, m := range []chat.Media{chat.MediaPhoto, chat.MediaVideo, chat.MediaDocument} {
		r := respond(t, eng, chat.Message{Media: m, User: chat.User{Platform: chat.Telegram, ID: string(m)}})
		if r.Kind != chat.KindMedia || !strings.HasPrefix(r.Text, warning) || !strings.Contains(r.Text, ask) || !hasPayload(r, "menu:country") {
			t.Errorf("%s with no country = %q %v, want the warning and the question for the country", m, r.Text, r.Choices)
		}
		if strings.Contains(r.Text, "1-800") || strings.Contains(r.Text, "843-5678") {
			t.Errorf("%s with no country shows a US number: %q", m, r.Text)
		}
		r = respond(t, eng, chat.Message{Media: m, LangHint: "en-UG", User: chat.User{Platform: chat.Telegram, ID: "ug" + string(m)}})
		if strings.Contains(r.Text, ask) || !strings.Contains(r.Text, "IWF reporting portal for Uganda") || strings.Contains(r.Text, "CyberTipline") {
			t.Errorf("%s from Uganda = %q, want Uganda's reporting route and no question", m, r.Text)
		}
	}
	if r := respond(t, eng, chat.Message{Media: chat.MediaSticker, Text: "i want to die"}); r.Kind != chat.KindUrgent {
		t.Errorf("a caption of danger = %s, want urgent before the media reply", r.Kind)
	}
}

func hasPayload(r chat.Reply, p string) bool {
	for _, c := range r.Choices {
		if c.Payload == p {
			return true
		}
	}
	return false
}
