package channel

import (
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

func TestNumbered(t *testing.T) {
	r := chat.Reply{Text: "Pick one", Choices: []chat.Choice{
		{Label: "Yes", Payload: "y"}, {Label: "Site", URL: "https://example.org"}, {Label: "No", Payload: "n"},
	}}
	want := "Pick one\n  1. Yes\n  2. Site – https://example.org\n  3. No"
	if got := Numbered(r); got != want {
		t.Errorf("Numbered = %q, want %q", got, want)
	}
	for in, want := range map[string]string{"1": "y", " 3 ": "n", "٣": "n", "३": "n", "৩": "n", "３": "n", "2": "", "4": "", "0": "", "x": "", "": "", "1.5": ""} {
		got, ok := Pick(in, r.Choices)
		if got != want || ok != (want != "") {
			t.Errorf("Pick(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	m := NewMenus(2, time.Hour, nil)
	m.Shown("a", r.Choices)
	if p, ok := m.Press("a", "1"); !ok || p != "y" {
		t.Errorf("Press = %q, %v", p, ok)
	}
	if _, ok := m.Press("b", "1"); ok {
		t.Error("Press in a conversation with no menu")
	}
	m.Shown("a", nil)
	if _, ok := m.Press("a", "1"); ok {
		t.Error("Press after a reply without choices")
	}
}

func TestCommands(t *testing.T) {
	names := []string{"start", "topics", "language", "forget", "privacy"}
	for in, want := range map[string]string{
		"forget":          "/forget",
		"Forget":          "/Forget",
		"/forget":         "/forget",
		"language sw":     "/language sw",
		"forgetful me":    "forgetful me",
		"how do i forget": "how do i forget",
		"":                "",
	} {
		if got := AsCommand(in, names); got != want {
			t.Errorf("AsCommand(%q) = %q, want %q", in, got, want)
		}
	}
	form := func(n string) string { return "/safety " + n }
	for in, want := range map[string]string{
		"Type /forget to delete it.":        "Type /safety forget to delete it.",
		"/topics – questions by topic":      "/safety topics – questions by topic",
		"(/privacy) and /forget.":           "(/safety privacy) and /safety forget.",
		"see https://example.org/forget":    "see https://example.org/forget",
		"/forgetting is not a command":      "/forgetting is not a command",
		"/start_over and /help stay":        "/start_over and /help stay",
		"Andika /start kama unataka kuanza": "Andika /safety start kama unataka kuanza",
		"no commands here":                  "no commands here",
		"\u2066/topics\u2069 – المواضيع":    "\u2066/safety topics\u2069 – المواضيع",
	} {
		if got := RewriteCommands(in, names, form); got != want {
			t.Errorf("RewriteCommands(%q) = %q, want %q", in, got, want)
		}
	}
}
