package slack

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/channel"
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
// action_ids are unique within the message: "c0", "c1", …, and "v2", "v3"
// for votes. A choice without a label is left out. Past Slack's 50 blocks
// the text is shortened, never the choices.
func renderBlocks(r chat.Reply, extra ...chat.Choice) []slackapi.Block {
	var rows [][]slackapi.BlockElement
	var row []slackapi.BlockElement
	for i, c := range append(slices.Clone(r.Choices), extra...) {
		label := strings.TrimSpace(c.Label)
		if label == "" || c.URL == "" && c.Payload == "" {
			continue
		}
		text := slackapi.NewTextBlockObject(slackapi.PlainTextType, channel.Shorten(label, maxButtonLabel), true, false)
		id := fmt.Sprintf("c%d", i)
		if c.Vote {
			id = fmt.Sprintf("%s%d", voteAction, i)
		}
		b := slackapi.NewButtonBlockElement(id, c.Payload, text)
		if c.URL != "" {
			b.Value = ""
			b.URL = c.URL
		}
		row = append(row, b)
		if len(row) == maxButtonsPerRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = rows[:min(len(rows), maxBlocks-1)]
	texts := channel.Split(r.Text, maxSectionText, mrkdwnMeasure)
	if room := maxBlocks - len(rows); len(texts) > room {
		texts = append(texts[:room-1], channel.Shorten(texts[room-1], maxSectionText-1))
		texts[room-1] = strings.TrimSuffix(texts[room-1], "…") + " …"
	}
	var blocks []slackapi.Block
	for _, t := range texts {
		blocks = append(blocks, slackapi.NewSectionBlock(
			slackapi.NewTextBlockObject(slackapi.MarkdownType, escape(t), false, false), nil, nil))
	}
	for _, els := range rows {
		blocks = append(blocks, slackapi.NewActionBlock(fmt.Sprintf("choices%d", len(blocks)), els...))
	}
	return blocks
}

// voteAction starts the action_id of a vote button.
const voteAction = "v"

// mrkdwnMeasure weighs a rune as it counts once escaped: Slack's limits
// are on the escaped text.
func mrkdwnMeasure(r rune) int {
	switch r {
	case '&':
		return len("&amp;")
	case '<', '>':
		return len("&lt;")
	}
	return 1
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
// serve gives the reply's language's own (locales, button_private).
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
