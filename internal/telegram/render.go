package telegram

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

const (
	// maxUnits is where long texts are split. Telegram allows 4096 UTF-16
	// code units of text after entity parsing; the margin keeps a split part
	// safe whatever Telegram counts.
	maxUnits = 4000
	// maxCallbackData is Telegram's limit on callback_data, in bytes.
	maxCallbackData = 64
	// shortLabel is the most runes a label may have to share its row.
	shortLabel = 14
)

// inlineKeyboard is the reply_markup of a message with buttons. The
// library's models.InlineKeyboardButton always serialises an empty
// "copy_text" object, which Telegram rejects, so the adapter marshals its own
// minimal structs.
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	URL          string `json:"url,omitempty"`
	CallbackData string `json:"callback_data,omitempty"`
}

// outMessage is one sendMessage: HTML text and, on the last part of a
// reply, its keyboard.
type outMessage struct {
	html     string
	keyboard *inlineKeyboard
}

// render turns a reply into the messages that carry it. privateLink, when
// not empty, is a t.me deep link offered as a last button: the reply was too
// private for the group it would go to.
func render(r chat.Reply, privateLink, privateLabel string) []outMessage {
	parts := channel.Split(r.Text, maxUnits, channel.UTF16)
	kb := keyboard(r.Choices)
	if privateLink != "" {
		if kb == nil {
			kb = &inlineKeyboard{}
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, []inlineButton{{Text: privateLabel, URL: privateLink}})
	}
	if len(parts) == 0 {
		if kb == nil {
			return nil
		}
		// Telegram needs some text under a keyboard.
		parts = []string{"⬇"}
	}
	out := make([]outMessage, len(parts))
	for i, p := range parts {
		out[i].html = html.EscapeString(p)
	}
	out[len(out)-1].keyboard = kb
	return out
}

// keyboard lays out choices one per row, or two per row when both labels are
// short. Choices that cannot be buttons (no URL, no payload, or a payload
// over 64 bytes) are left out.
func keyboard(choices []chat.Choice) *inlineKeyboard {
	var buttons []inlineButton
	for _, c := range choices {
		label := strings.TrimSpace(c.Label)
		switch {
		case label == "":
		case c.URL != "":
			buttons = append(buttons, inlineButton{Text: label, URL: c.URL})
		case c.Payload != "" && len(c.Payload) <= maxCallbackData:
			buttons = append(buttons, inlineButton{Text: label, CallbackData: c.Payload})
		}
	}
	if len(buttons) == 0 {
		return nil
	}
	kb := &inlineKeyboard{}
	for i := 0; i < len(buttons); i++ {
		if i+1 < len(buttons) && isShort(buttons[i].Text) && isShort(buttons[i+1].Text) {
			kb.InlineKeyboard = append(kb.InlineKeyboard, []inlineButton{buttons[i], buttons[i+1]})
			i++
			continue
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, []inlineButton{buttons[i]})
	}
	return kb
}

func isShort(label string) bool { return utf8.RuneCountInString(label) <= shortLabel }
