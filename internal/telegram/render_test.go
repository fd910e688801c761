package telegram

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short", "hello world", 20, []string{"hello world"}},
		{"empty", "  \n ", 20, nil},
		{"paragraph first", "aaaa\nbbbb\n\ncccc dddd", 16, []string{"aaaa\nbbbb", "cccc dddd"}},
		{"then line", "aaaa bbbb\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"then space", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"then anywhere", "aaaaaaaaaabbbbb", 10, []string{"aaaaaaaaaa", "bbbbb"}},
		// "😀" is two UTF-16 units: four of them fill eight.
		{"utf-16 units", "😀😀😀😀 😀", 8, []string{"😀😀😀😀", "😀"}},
		{"never splits a rune", "😀😀😀", 3, []string{"😀", "😀", "😀"}},
		{"exact fit", "abcde", 5, []string{"abcde"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.in, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			for _, p := range got {
				if utf16Len(p) > tt.max {
					t.Errorf("part %q is over %d units", p, tt.max)
				}
			}
		})
	}
}

func TestSplitTextKeepsEverything(t *testing.T) {
	para := strings.Repeat("word ", 300) + "\nline " + strings.Repeat("ü", 900)
	text := strings.Repeat(para+"\n\n", 6)
	parts := splitText(text, maxUnits)
	if len(parts) < 2 {
		t.Fatalf("got %d parts, want several", len(parts))
	}
	if got, want := strings.Join(strings.Fields(strings.Join(parts, " ")), " "), strings.Join(strings.Fields(text), " "); got != want {
		t.Error("splitting lost or changed text")
	}
}

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
