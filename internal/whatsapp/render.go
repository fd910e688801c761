package whatsapp

import (
	"strings"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// The Cloud API's limits
// (https://developers.facebook.com/docs/whatsapp/cloud-api/messages).
const (
	maxText        = 4096 // a text message's body
	maxBody        = 1024 // an interactive message's body
	maxButtons     = 3    // reply buttons
	maxButtonTitle = 20
	maxButtonID    = 256
	maxRows        = 10 // rows of a list message, all sections together
	maxRowTitle    = 24
	maxRowDesc     = 72
	maxRowID       = 200
	maxListButton  = 20
)

// outMessage is the JSON of one POST to /{phone-number-id}/messages.
type outMessage struct {
	Product     string       `json:"messaging_product"`
	Recipient   string       `json:"recipient_type,omitempty"`
	To          string       `json:"to,omitempty"`
	Type        string       `json:"type,omitempty"`
	Text        *textBody    `json:"text,omitempty"`
	Interactive *interactive `json:"interactive,omitempty"`
	// A read receipt: status "read" and the message's id.
	Status    string `json:"status,omitempty"`
	MessageID string `json:"message_id,omitempty"`
}

type textBody struct {
	PreviewURL bool   `json:"preview_url"`
	Body       string `json:"body"`
}

type interactive struct {
	Type   string    `json:"type"` // button or list
	Body   textPart  `json:"body"`
	Action ixnAction `json:"action"`
}

type textPart struct {
	Text string `json:"text"`
}

type ixnAction struct {
	Buttons  []replyButton `json:"buttons,omitempty"`
	Button   string        `json:"button,omitempty"`
	Sections []section     `json:"sections,omitempty"`
}

type replyButton struct {
	Type  string `json:"type"` // reply
	Reply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type section struct {
	Rows []row `json:"rows"`
}

type row struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// rendered is a reply as WhatsApp messages, and the choices a typed number
// presses when they had to be numbered (nil otherwise).
type rendered struct {
	messages []outMessage
	numbered []chat.Choice
}

// render turns a reply into the messages that carry it to the user to.
// listButton is the list's button label, in the reply's language.
func render(to string, r chat.Reply, listButton string) rendered {
	var pressable []chat.Choice
	var links []string
	for _, c := range r.Choices {
		label := strings.Join(strings.Fields(c.Label), " ")
		switch {
		case label == "":
		case c.URL != "":
			links = append(links, label+": "+c.URL)
		case c.Payload != "":
			pressable = append(pressable, chat.Choice{Label: label, Payload: c.Payload})
		}
	}
	text := strings.TrimSpace(r.Text)
	if len(links) > 0 {
		text = strings.TrimSpace(text + "\n\n" + strings.Join(links, "\n"))
	}
	var out rendered
	plain := func(parts ...string) {
		for _, p := range parts {
			out.messages = append(out.messages, outMessage{Product: "whatsapp", Recipient: "individual", To: to, Type: "text",
				Text: &textBody{Body: p}})
		}
	}
	// Choices that cannot be buttons or rows are numbered in the text.
	if len(pressable) > maxRows || !fits(pressable, maxRowID) {
		out.numbered = r.Choices
		plain(channel.Split(channel.Numbered(chat.Reply{Text: r.Text, Choices: r.Choices}), maxText, channel.Runes)...)
		return out
	}
	if len(pressable) == 0 {
		plain(channel.Split(text, maxText, channel.Runes)...)
		return out
	}
	// An interactive message's body is short: the text before it goes as
	// plain messages.
	parts := channel.Split(text, maxText, channel.Runes)
	body := "⬇"
	if len(parts) > 0 {
		last := channel.Split(parts[len(parts)-1], maxBody, channel.Runes)
		plain(parts[:len(parts)-1]...)
		plain(last[:len(last)-1]...)
		body = last[len(last)-1]
	}
	ix := &interactive{Body: textPart{Text: body}}
	if len(pressable) <= maxButtons && fits(pressable, maxButtonID) && titlesFit(pressable, maxButtonTitle) {
		ix.Type = "button"
		for _, c := range pressable {
			b := replyButton{Type: "reply"}
			b.Reply.ID, b.Reply.Title = c.Payload, c.Label
			ix.Action.Buttons = append(ix.Action.Buttons, b)
		}
	} else {
		ix.Type = "list"
		ix.Action.Button = channel.Shorten(listButton, maxListButton)
		var rows []row
		for _, c := range pressable {
			title := channel.Shorten(c.Label, maxRowTitle)
			desc := ""
			if title != c.Label {
				desc = channel.Shorten(c.Label, maxRowDesc)
			}
			rows = append(rows, row{ID: c.Payload, Title: title, Description: desc})
		}
		ix.Action.Sections = []section{{Rows: rows}}
	}
	out.messages = append(out.messages, outMessage{Product: "whatsapp", Recipient: "individual", To: to, Type: "interactive", Interactive: ix})
	return out
}

// fits reports whether every payload fits in max bytes.
func fits(cs []chat.Choice, max int) bool {
	for _, c := range cs {
		if len(c.Payload) > max {
			return false
		}
	}
	return true
}

// titlesFit reports whether every label fits in max characters.
func titlesFit(cs []chat.Choice, max int) bool {
	for _, c := range cs {
		if channel.Runes.Len(c.Label) > max {
			return false
		}
	}
	return true
}
