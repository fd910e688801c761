package safety

import (
	"testing"

	"github.com/salama-safety/salama/internal/content"
)

func TestRules(t *testing.T) {
	r, err := New([]content.Rule{
		{Category: "self-harm", Pattern: "kill* myself", Related: "help.talk-now", Lang: "en"},
		{Category: "outside-or-confined", Pattern: "{he|she} * outside my {house|home}", Related: "help.danger-now", Lang: "en"},
		{Category: "own-thoughts", Pattern: "attracted to * kids", Lang: "en"},
		{Category: "seeking-material", Pattern: "{where|how} * {get|find} * cp", Lang: "en"},
		{Category: "seeking-material", Pattern: "nud* of * kids", Lang: "en"},
		{Category: "help-seeking", Pattern: "{how do i report|i found}", Lang: "en"},
		{Category: "help-seeking", Pattern: "nimeona * picha", Lang: "sw"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, lang string
		want       Verdict
		category   string
		related    string
	}{
		{"I want to KILL myself", "en", Urgent, "self-harm", "help.talk-now"},
		{"i keep thinking of killing myself", "en", Urgent, "self-harm", "help.talk-now"},
		{"he is standing outside my house now", "en", Urgent, "outside-or-confined", "help.danger-now"},
		{"he outside house", "en", None, "", ""},
		{"where can i get cp", "en", Deterrence, "seeking-material", ""},
		{"i found where to get cp links, how do i report", "en", Mixed, "seeking-material", ""},
		// a help-seeking phrase of another language does not count
		{"where can i get cp nimeona hizo picha", "en", Deterrence, "seeking-material", ""},
		{"where can i get cp nimeona hizo picha", "sw", Mixed, "seeking-material", ""},
		{"nudes of little kids", "en", Deterrence, "seeking-material", ""},
		{"i am attracted to young kids and want help", "en", OwnThoughts, "own-thoughts", ""},
		{"cp", "en", None, "", ""},
		{"", "en", None, "", ""},
	} {
		got := r.Check(tc.text, tc.lang)
		if got.Verdict != tc.want || got.Category != tc.category || got.Related != tc.related {
			t.Errorf("Check(%q, %s) = %s %q %q, want %s %q %q", tc.text, tc.lang, got.Verdict, got.Category, got.Related, tc.want, tc.category, tc.related)
		}
	}
}

func TestPatternErrors(t *testing.T) {
	for _, p := range []string{"* start", "end *", "{open", "close}", "{a|}", "a * * b", "!!!"} {
		if _, err := CompileRules([]content.Rule{{Category: "self-harm", Pattern: p, File: "en/safety.txt", Line: 3}}); err == nil {
			t.Errorf("CompileRules(%q) accepted a broken pattern", p)
		}
	}
	for _, r := range []content.Rule{
		{Category: "help-seeking", Pattern: "{report|i found}"}, // one common word cancels nothing
		{Category: "victim-or-witness", Pattern: "i found"},     // not a section
		{Category: "urgent", Pattern: "kill myself"},            // sections are categories
	} {
		if _, err := CompileRules([]content.Rule{r}); err == nil {
			t.Errorf("CompileRules(%+v) accepted it", r)
		}
	}
}
