package telegram

import (
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// An Arabic reply keeps the engine's bidi isolates around numbers and links
// through HTML escaping, and the link stays whole between spaces.
func TestArabicReplyKeepsIsolates(t *testing.T) {
	text := "اتصل بـ \u2066116\u2069 الآن. زر \u2066 https://takeitdown.ncmec.org/ \u2069 للمساعدة."
	msgs := render(chat.Reply{Lang: "ar", Text: text}, "", "")
	if len(msgs) != 1 {
		t.Fatalf("render gave %d messages", len(msgs))
	}
	html := msgs[0].html
	for _, want := range []string{"\u2066116\u2069", "\u2066 https://takeitdown.ncmec.org/ \u2069", "الآن."} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered %q lacks %q", html, want)
		}
	}
}
