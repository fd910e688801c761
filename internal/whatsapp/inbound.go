package whatsapp

import (
	"strconv"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// delivery is a webhook delivery, as much of it as the adapter reads. The
// contacts Meta sends along (the sender's profile name) are deliberately
// not decoded.
type delivery struct {
	Object string `json:"object"`
	Entry  []struct {
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
				Messages []inMessage `json:"messages"`
				Statuses []status    `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type inMessage struct {
	From        string                 `json:"from"`
	ID          string                 `json:"id"`
	Timestamp   string                 `json:"timestamp"`
	Type        string                 `json:"type"`
	Text        *struct{ Body string } `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID string `json:"id"`
		} `json:"button_reply"`
		ListReply *struct {
			ID string `json:"id"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
	} `json:"button"`
	Image    *mediaPart `json:"image"`
	Video    *mediaPart `json:"video"`
	Audio    *mediaPart `json:"audio"`
	Document *mediaPart `json:"document"`
	Sticker  *mediaPart `json:"sticker"`
}

// mediaPart is a file's description; the file itself is never fetched.
type mediaPart struct {
	Caption string `json:"caption"`
}

// status is a callback about a message the bot sent.
type status struct {
	ID          string `json:"id"`
	Status      string `json:"status"` // sent, delivered, read, failed
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code int `json:"code"`
	} `json:"errors"`
}

// inbound is a message the adapter will act on.
type inbound struct {
	kind string // for logs: text, button, list, media, other
	id   string // the message's id (wamid…)
	msg  chat.Message
	at   time.Time // when the user sent it
}

// convert turns a message into work, or reports ok false for what the bot
// does not answer (reactions, system messages, an unknown type).
func convert(m inMessage, now time.Time) (inbound, string, bool) {
	if m.From == "" || m.ID == "" {
		return inbound{}, "malformed", false
	}
	in := inbound{id: m.ID, at: now, msg: chat.Message{User: chat.User{Platform: chat.WhatsApp, ID: m.From}, Chat: m.From}}
	if sec, err := strconv.ParseInt(m.Timestamp, 10, 64); err == nil && sec > 0 {
		in.at = time.Unix(sec, 0)
	}
	media := func(kind chat.Media, p *mediaPart) (inbound, string, bool) {
		in.kind, in.msg.Media = "media", kind
		if p != nil {
			in.msg.Text = strings.TrimSpace(p.Caption)
		}
		return in, in.kind, true
	}
	switch m.Type {
	case "text":
		if m.Text == nil || strings.TrimSpace(m.Text.Body) == "" {
			return inbound{}, "empty", false
		}
		in.kind, in.msg.Text = "text", m.Text.Body
		if strings.HasPrefix(strings.TrimSpace(m.Text.Body), "/") {
			in.kind = "command"
		}
	case "interactive":
		switch {
		case m.Interactive != nil && m.Interactive.ButtonReply != nil && m.Interactive.ButtonReply.ID != "":
			in.kind, in.msg.Payload = "button", m.Interactive.ButtonReply.ID
		case m.Interactive != nil && m.Interactive.ListReply != nil && m.Interactive.ListReply.ID != "":
			in.kind, in.msg.Payload = "list", m.Interactive.ListReply.ID
		default:
			return inbound{}, "interactive", false
		}
	case "button": // a template's quick reply
		if m.Button == nil || m.Button.Payload == "" {
			return inbound{}, "button", false
		}
		in.kind, in.msg.Payload = "button", m.Button.Payload
	case "image":
		return media(chat.MediaPhoto, m.Image)
	case "video":
		return media(chat.MediaVideo, m.Video)
	case "audio":
		return media(chat.MediaVoice, m.Audio)
	case "document":
		return media(chat.MediaDocument, m.Document)
	case "sticker":
		return media(chat.MediaSticker, m.Sticker)
	case "location", "contacts":
		// Not text: the same answer as a file, that the bot reads text.
		return media(chat.MediaOther, nil)
	default: // reaction, system, order, unsupported, …
		return inbound{}, m.Type, false
	}
	return in, in.kind, true
}
