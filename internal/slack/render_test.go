package slack

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

func slackErrorResponse(code string) error { return slackapi.SlackErrorResponse{Err: code} }

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<@U0BOT> how do I report?", "how do I report?"},
		{"<@U0BOT|salama> hi <@U0OTHER>", "hi"},
		{"a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"see <https://example.org/a?b=1&amp;c=2>", "see https://example.org/a?b=1&c=2"},
		{"see <https://example.org|the site>", "see the site"},
		{"ask in <#C0CHAN|safeguarding> <!here>", "ask in #safeguarding"},
		{"write to <mailto:dsl@school.example|dsl@school.example>", "write to dsl@school.example"},
		{"  spaced\n\tout  ", "spaced out"},
		{"&amp;lt; stays literal", "&lt; stays literal"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderBlocks(t *testing.T) {
	var choices []chat.Choice
	for i := range 30 {
		choices = append(choices, chat.Choice{Label: fmt.Sprintf("Topic %d", i), Payload: fmt.Sprintf("t:%d", i)})
	}
	choices = append(choices, chat.Choice{Label: strings.Repeat("long ", 40), URL: "https://example.org"})
	blocks := renderBlocks(chat.Reply{Text: "<b> & co", Choices: choices})

	ids := map[string]bool{}
	blockIDs := map[string]bool{}
	var buttons int
	for i, b := range blocks {
		switch b := b.(type) {
		case *slackapi.SectionBlock:
			if i != 0 || b.Text.Text != "&lt;b&gt; &amp; co" || b.Text.Type != slackapi.MarkdownType {
				t.Errorf("block %d: section %+v", i, b.Text)
			}
		case *slackapi.ActionBlock:
			if blockIDs[b.BlockID] {
				t.Errorf("block_id %q repeated", b.BlockID)
			}
			blockIDs[b.BlockID] = true
			if n := len(b.Elements.ElementSet); n > maxButtonsPerRow {
				t.Errorf("actions block with %d elements", n)
			}
			for _, e := range b.Elements.ElementSet {
				btn := e.(*slackapi.ButtonBlockElement)
				if ids[btn.ActionID] {
					t.Errorf("action_id %q repeated", btn.ActionID)
				}
				ids[btn.ActionID] = true
				if n := utf8.RuneCountInString(btn.Text.Text); n > maxButtonLabel {
					t.Errorf("label of %d characters", n)
				}
				if btn.URL != "" && btn.Value != "" {
					t.Errorf("link button with a value: %+v", btn)
				}
				buttons++
			}
		default:
			t.Errorf("block %d: unexpected %T", i, b)
		}
	}
	if buttons != len(choices) {
		t.Errorf("%d buttons, want %d", buttons, len(choices))
	}
	if !ids["c0"] || !ids["c30"] {
		t.Errorf("action ids %v, want c0…c30", ids)
	}
}

func TestSplitText(t *testing.T) {
	para := strings.Repeat("word ", 500) // 2500 characters
	long := para + "\n\n" + para + "\n\n" + strings.Repeat("x", 7000)
	parts := sections(long)
	if len(parts) < 4 {
		t.Fatalf("%d parts, want at least 4", len(parts))
	}
	total := 0
	for _, p := range parts {
		n := utf8.RuneCountInString(p)
		if n > maxSectionText || n == 0 {
			t.Errorf("part of %d characters", n)
		}
		total += n
	}
	// Entities must not be cut.
	for _, p := range sections(strings.Repeat("&", 1000)) {
		if strings.Count(p, "&") != strings.Count(p, ";") {
			t.Errorf("entity cut in %q…", p[:20])
		}
	}
	if got := sections(""); len(got) != 0 {
		t.Errorf("sections(\"\") = %q", got)
	}
}

// sections are the texts of a reply's section blocks: split by the escaped
// length, then escaped.
func sections(s string) []string {
	var out []string
	for _, p := range channel.Split(s, maxSectionText, mrkdwnMeasure) {
		out = append(out, escape(p))
	}
	return out
}

func TestWithRegion(t *testing.T) {
	tests := []struct{ tag, country, want string }{
		{"en-US", "", "en-US"},
		{"en-US", "ke", "en-KE"},
		{"es", "MX", "es-MX"},
		{"", "KE", "und-KE"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := withRegion(tt.tag, tt.country); got != tt.want {
			t.Errorf("withRegion(%q, %q) = %q, want %q", tt.tag, tt.country, got, tt.want)
		}
	}
}

func TestPrivateLabel(t *testing.T) {
	for lang, want := range map[string]string{"": "Open a private chat", "xx": "Open a private chat"} {
		if got := defaultPrivateLabel(lang); got != want {
			t.Errorf("defaultPrivateLabel(%q) = %q, want %q", lang, got, want)
		}
	}
}
