package safety

import (
	"testing"

	"github.com/salama-safety/salama/internal/content"
)

func TestRouter(t *testing.T) {
	r, err := New([]content.Rule{
		{Section: "urgent", Pattern: "kill* myself", Related: "help.talk-now"},
		{Section: "urgent", Pattern: "{he|she} * outside my {house|home}", Related: "grooming.meeting"},
		{Section: "own-thoughts", Pattern: "attracted to * kids"},
		{Section: "deterrence", Pattern: "{where|how} * {get|find} * cp"},
		{Section: "deterrence", Pattern: "nud* of * kids"},
		{Section: "not-deterrence", Pattern: "{report|found}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text    string
		want    Verdict
		related string
	}{
		{"I want to KILL myself", Urgent, "help.talk-now"},
		{"i keep thinking of killing myself", Urgent, "help.talk-now"},
		{"he is standing outside my house now", Urgent, "grooming.meeting"},
		{"he outside house", None, ""},
		{"where can i get cp", Deterrence, ""},
		{"where can i report cp i found", None, ""},
		{"nudes of little kids", Deterrence, ""},
		{"i am attracted to young kids and want help", OwnThoughts, ""},
		{"cp", None, ""},
		{"", None, ""},
	} {
		got := r.Check(tc.text)
		if got.Verdict != tc.want || got.Related != tc.related {
			t.Errorf("Check(%q) = %s %q, want %s %q", tc.text, got.Verdict, got.Related, tc.want, tc.related)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	for _, p := range []string{"* start", "end *", "{open", "close}", "{a|}", "a * * b", "!!!"} {
		if _, err := New([]content.Rule{{Section: "urgent", Pattern: p, File: "en/safety.txt", Line: 3}}); err == nil {
			t.Errorf("New(%q) accepted a broken pattern", p)
		}
	}
}
