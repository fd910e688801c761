package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// An Arabic reply keeps the engine's bidi isolates around numbers and links
// in the Block Kit text, and the link stays whole between spaces.
func TestArabicReplyKeepsIsolates(t *testing.T) {
	text := "اتصل بـ \u2066116\u2069 الآن. زر \u2066 https://takeitdown.ncmec.org/ \u2069 للمساعدة."
	blocks, err := json.Marshal(renderBlocks(chat.Reply{Lang: "ar", Text: text}))
	if err != nil {
		t.Fatal(err)
	}
	var decoded []struct {
		Text struct{ Text string } `json:"text"`
	}
	if err := json.Unmarshal(blocks, &decoded); err != nil || len(decoded) == 0 {
		t.Fatalf("blocks %s: %v", blocks, err)
	}
	got := decoded[0].Text.Text
	for _, want := range []string{"\u2066116\u2069", "\u2066 https://takeitdown.ncmec.org/ \u2069", "الآن."} {
		if !strings.Contains(got, want) {
			t.Errorf("section text %q lacks %q", got, want)
		}
	}
}
