package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/chat"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit).
const (
	maxSectionText   = 3000 // characters in a section's text
	maxButtonsPerRow = 25   // elements in an actions block
	maxButtonLabel   = 75   // characters in a button's text
	maxBlocks        = 50   // blocks in a message (100 in a view; 50 fits both)
)

// escape makes plain text safe for Slack's mrkdwn and message text: only
// &, < and > have a meaning there that plain text must not trigger.
func escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// renderBlocks turns a reply (and extra choices the adapter adds) into
// Block Kit: sections of escaped mrkdwn text, then rows of buttons whose
// action_ids ("c0", "c1", …) are unique within the message.
func renderBlocks(r chat.Reply, extra ...chat.Choice) []slackapi.Block {
	var blocks []slackapi.Block
	for _, chunk := range splitText(escape(r.Text), maxSectionText) {
		blocks = append(blocks, slackapi.NewSectionBlock(
			slackapi.NewTextBlockObject(slackapi.MarkdownType, chunk, false, false), nil, nil))
	}
	choices := append(append([]chat.Choice(nil), r.Choices...), extra...)
	var row []slackapi.BlockElement
	flush := func() {
		if len(row) > 0 {
			blocks = append(blocks, slackapi.NewActionBlock(fmt.Sprintf("choices%d", len(blocks)), row...))
			row = nil
		}
	}
	for i, c := range choices {
		label := slackapi.NewTextBlockObject(slackapi.PlainTextType, truncate(c.Label, maxButtonLabel), true, false)
		b := slackapi.NewButtonBlockElement(fmt.Sprintf("c%d", i), c.Payload, label)
		if c.URL != "" {
			b.Value = ""
			b.URL = c.URL
		}
		row = append(row, b)
		if len(row) == maxButtonsPerRow {
			flush()
		}
	}
	flush()
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	return blocks
}

// splitText cuts s into pieces of at most limit characters, preferring
// paragraph breaks, then line breaks, then spaces.
func splitText(s string, limit int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for s != "" {
		if utf8.RuneCountInString(s) <= limit {
			out = append(out, s)
			break
		}
		cut := byteOffset(s, limit)
		head := s[:cut]
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > 0 {
				cut = i
				break
			}
		}
		// Never cut inside an escape such as "&amp;".
		if i := strings.LastIndexByte(s[:cut], '&'); i >= 0 && !strings.Contains(s[i:cut], ";") && i > 0 {
			cut = i
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	return out
}

// byteOffset is the byte index of the n-th rune of s.
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// plainText turns Slack's encoded message text back into what the user
// typed: mentions of users and special groups are dropped (the bot's own
// mention included), channel links become "#name", links become their label
// or URL, and &amp; &lt; &gt; are decoded.
func plainText(s string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		inner := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "!"):
			return ""
		case strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return ""
		case hasLabel && label != "":
			return label
		default:
			return strings.TrimPrefix(target, "mailto:")
		}
	})
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var slackToken = regexp.MustCompile(`<[^<>]*>`)

// appRedirect is a link that opens the app's Messages tab, the private
// conversation with the bot.
func appRedirect(appID, teamID string) string {
	if appID == "" || teamID == "" {
		return ""
	}
	return "https://slack.com/app_redirect?" + url.Values{"app": {appID}, "team": {teamID}}.Encode()
}

// defaultPrivateLabel is the label when the caller gives none; salama
// serve gives the reply's language's own (locales, button_private_chat).
func defaultPrivateLabel(string) string { return "Open a private chat" }

// mediaOf maps a shared file's MIME type to the kind of media it is.
func mediaOf(mime string) chat.Media {
	switch {
	case strings.HasPrefix(mime, "image/"):
		return chat.MediaPhoto
	case strings.HasPrefix(mime, "video/"):
		return chat.MediaVideo
	case strings.HasPrefix(mime, "audio/"):
		return chat.MediaVoice
	default:
		return chat.MediaDocument
	}
}

// withRegion replaces the region of a BCP 47 tag ("en-US", "KE" → "en-KE").
func withRegion(tag, country string) string {
	if country == "" {
		return tag
	}
	base, _, _ := strings.Cut(tag, "-")
	if base == "" {
		base = "und" // no language known: the engine picks its default
	}
	return base + "-" + strings.ToUpper(country)
}
