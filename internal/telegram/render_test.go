package telegram

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

func TestKeyboard(t *testing.T) {
	long := "A label far too long to share"
	tests := []struct {
		name    string
		choices []chat.Choice
		want    string // JSON; "" = no keyboard
	}{
		{"none", nil, ""},
		{"two short share a row", []chat.Choice{{Label: "Yes", Payload: "y"}, {Label: "No", Payload: "n"}},
			`{"inline_keyboard":[[{"text":"Yes","callback_data":"y"},{"text":"No","callback_data":"n"}]]}`},
		{"long ones alone", []chat.Choice{{Label: long, Payload: "a"}, {Label: "Short", Payload: "b"}, {Label: "Also", Payload: "c"}},
			`{"inline_keyboard":[[{"text":"` + long + `","callback_data":"a"}],[{"text":"Short","callback_data":"b"},{"text":"Also","callback_data":"c"}]]}`},
		{"url", []chat.Choice{{Label: "Site", URL: "https://example.org/"}},
			`{"inline_keyboard":[[{"text":"Site","url":"https://example.org/"}]]}`},
		{"unusable left out", []chat.Choice{
			{Label: "Too long a payload", Payload: strings.Repeat("x", 65)},
			{Label: "Nothing"},
			{Label: "", Payload: "p"},
			{Label: "Max payload", Payload: strings.Repeat("x", 64)},
		}, `{"inline_keyboard":[[{"text":"Max payload","callback_data":"` + strings.Repeat("x", 64) + `"}]]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb := keyboard(tt.choices)
			got := ""
			if kb != nil {
				b, err := json.Marshal(kb)
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if got != tt.want {
				t.Errorf("keyboard = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	r := chat.Reply{Text: `Tom & "Jerry" <script>`, Choices: []chat.Choice{{Label: "Go", Payload: "go"}}}
	got := render(r, "https://t.me/Bot?start=private", "Private")
	if len(got) != 1 {
		t.Fatalf("render = %d messages, want 1", len(got))
	}
	if want := "Tom &amp; &#34;Jerry&#34; &lt;script&gt;"; got[0].html != want {
		t.Errorf("html = %q, want %q", got[0].html, want)
	}
	b, _ := json.Marshal(got[0].keyboard)
	if want := `{"inline_keyboard":[[{"text":"Go","callback_data":"go"}],[{"text":"Private","url":"https://t.me/Bot?start=private"}]]}`; string(b) != want {
		t.Errorf("keyboard = %s, want %s", b, want)
	}
	if got := render(chat.Reply{}, "", ""); got != nil {
		t.Errorf("render(empty) = %v, want nothing", got)
	}
}
