package telegram

import (
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/salama-safety/salama/internal/chat"
)

// inbound is an update the adapter will act on, reduced to what it needs.
type inbound struct {
	kind string // for logs: "text", "command", "callback", "media", "blocked"
	msg  chat.Message
	// chatID is where the reply goes.
	chatID int64
	// replyTo is the message to quote in a group (0: none); thread is its
	// forum topic.
	replyTo, thread int
	// callbackID is the callback query to answer at once.
	callbackID string
	// messageID is the message's id in its chat (0 for other updates).
	messageID int
	// optOut: the user blocked the bot; forget them, reply nothing.
	optOut bool
}

// key orders work: updates with the same key are handled one at a time, in
// the order they arrived.
func (in inbound) key() string { return strconv.FormatInt(in.chatID, 10) }

// id is the update's de-duplication id. A message and its edits share one:
// an edit of a message already answered is not answered again, in a group
// or a private chat. A button press is its callback query; anything else
// its update id.
func (in inbound) id(u *models.Update) string {
	switch {
	case in.messageID != 0:
		return "m:" + strconv.FormatInt(in.chatID, 10) + ":" + strconv.Itoa(in.messageID)
	case in.callbackID != "":
		return "q:" + in.callbackID
	}
	return "u:" + strconv.FormatInt(u.ID, 10)
}

// convert turns an update into work, or reports ok false for updates the
// bot ignores (group chatter not addressed to it, service messages, bots).
// username is the bot's username without "@"; botID its user id.
func convert(u *models.Update, username string, botID int64) (inbound, string, bool) {
	switch {
	case u.Message != nil:
		return convertMessage(u.Message, username, botID)
	case u.EditedMessage != nil:
		// An edit is answered only when its message was not (a group
		// message that gained a mention): it shares the message's id.
		return convertMessage(u.EditedMessage, username, botID)
	case u.CallbackQuery != nil:
		return convertCallback(u.CallbackQuery)
	case u.MyChatMember != nil:
		return convertMember(u.MyChatMember)
	}
	return inbound{}, "other", false
}

func convertMessage(m *models.Message, username string, botID int64) (inbound, string, bool) {
	if m.From == nil || m.From.IsBot {
		return inbound{}, "from_bot", false
	}
	if m.From.ID == 0 || m.Chat.ID == 0 {
		return inbound{}, "malformed", false
	}
	group := m.Chat.Type == models.ChatTypeGroup || m.Chat.Type == models.ChatTypeSupergroup
	if !group && m.Chat.Type != models.ChatTypePrivate {
		return inbound{}, "channel", false
	}
	in := inbound{
		chatID:    m.Chat.ID,
		messageID: m.ID,
		msg: chat.Message{
			User:     chat.User{Platform: chat.Telegram, ID: strconv.FormatInt(m.From.ID, 10)},
			Chat:     strconv.FormatInt(m.Chat.ID, 10),
			LangHint: m.From.LanguageCode,
			Group:    group,
		},
	}
	if group {
		in.replyTo = m.ID
		if m.IsTopicMessage {
			in.thread = m.MessageThreadID
		}
	}

	if media := mediaOf(m); media != chat.MediaNone {
		// Files in groups are other people's business.
		if group {
			return inbound{}, "group_media", false
		}
		in.kind = "media"
		in.msg.Media = media
		in.msg.Text = m.Caption
		return in, in.kind, true
	}
	if strings.TrimSpace(m.Text) == "" {
		return inbound{}, "service", false
	}

	text, ok := addressed(m.Text, username)
	if group && !ok && !repliesTo(m, botID) {
		return inbound{}, "group_chatter", false
	}
	in.msg.Text = text
	in.kind = "text"
	if strings.HasPrefix(text, "/") {
		in.kind = "command"
	}
	return in, in.kind, true
}

// mediaOf maps Telegram's file kinds to the engine's. The file itself is
// never fetched.
func mediaOf(m *models.Message) chat.Media {
	switch {
	case len(m.Photo) > 0:
		return chat.MediaPhoto
	case m.Animation != nil: // Telegram sets Document too for an animation
		return chat.MediaGIF
	case m.Video != nil, m.VideoNote != nil:
		return chat.MediaVideo
	case m.Voice != nil, m.Audio != nil:
		return chat.MediaVoice
	case m.Sticker != nil:
		return chat.MediaSticker
	case m.Document != nil:
		return chat.MediaDocument
	}
	return chat.MediaNone
}

// addressed reports whether text is meant for the bot, and returns it
// without the bot's name: a command ("/help", or "/help@bot" naming this
// bot) or a message that mentions @username. A command for another bot
// ("/help@other_bot") is not addressed to this one.
func addressed(text, username string) (string, bool) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "/") {
		cmd, rest, _ := strings.Cut(text, " ")
		if name, target, ok := strings.Cut(cmd, "@"); ok {
			if !strings.EqualFold(target, username) {
				return text, false
			}
			cmd = name
		}
		if rest = strings.TrimSpace(rest); rest != "" {
			return cmd + " " + rest, true
		}
		return cmd, true
	}
	if username == "" {
		return text, false
	}
	i := mentionIndex(text, username)
	if i < 0 {
		return text, false
	}
	rest := strings.TrimLeft(text[i+1+len(username):], ",:")
	stripped := strings.Join(strings.Fields(text[:i]+" "+rest), " ")
	stripped = strings.Trim(stripped, " ,:")
	if stripped == "" {
		// A bare mention is a hello.
		return "/start", true
	}
	return stripped, true
}

// mentionIndex finds "@username" in text as a whole word, ignoring case,
// and returns the index of its "@", or -1. Usernames are ASCII.
func mentionIndex(text, username string) int {
	n := len(username)
	for i := 0; i+1+n <= len(text); i++ {
		if text[i] != '@' || !strings.EqualFold(text[i+1:i+1+n], username) {
			continue
		}
		end := i + 1 + n
		if (i == 0 || !isNameByte(text[i-1])) && (end == len(text) || !isNameByte(text[end])) {
			return i
		}
	}
	return -1
}

func isNameByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// repliesTo reports whether m answers one of the bot's messages.
func repliesTo(m *models.Message, botID int64) bool {
	r := m.ReplyToMessage
	return botID != 0 && r != nil && r.From != nil && r.From.ID == botID
}

func convertCallback(q *models.CallbackQuery) (inbound, string, bool) {
	if q.ID == "" || q.From.ID == 0 || q.From.IsBot {
		return inbound{}, "malformed", false
	}
	in := inbound{
		kind:       "callback",
		callbackID: q.ID,
		chatID:     q.From.ID,
		msg: chat.Message{
			User:     chat.User{Platform: chat.Telegram, ID: strconv.FormatInt(q.From.ID, 10)},
			Payload:  q.Data,
			LangHint: q.From.LanguageCode,
		},
	}
	var c *models.Chat
	switch {
	case q.Message.Message != nil:
		c = &q.Message.Message.Chat
		in.thread = q.Message.Message.MessageThreadID
		if !q.Message.Message.IsTopicMessage {
			in.thread = 0
		}
	case q.Message.InaccessibleMessage != nil:
		c = &q.Message.InaccessibleMessage.Chat
	}
	if c != nil && c.ID != 0 {
		in.chatID = c.ID
		in.msg.Group = c.Type == models.ChatTypeGroup || c.Type == models.ChatTypeSupergroup
	}
	in.msg.Chat = strconv.FormatInt(in.chatID, 10)
	if q.Data == "" {
		// A game or an inline message: nothing to answer but the spinner.
		in.kind = "callback_empty"
	}
	return in, in.kind, true
}

func convertMember(u *models.ChatMemberUpdated) (inbound, string, bool) {
	if u.Chat.Type != models.ChatTypePrivate || u.NewChatMember.Type != models.ChatMemberTypeBanned {
		return inbound{}, "member", false
	}
	if u.From.ID == 0 || u.Chat.ID == 0 {
		return inbound{}, "malformed", false
	}
	return inbound{
		kind:   "blocked",
		chatID: u.Chat.ID,
		optOut: true,
		msg: chat.Message{
			User: chat.User{Platform: chat.Telegram, ID: strconv.FormatInt(u.From.ID, 10)},
			Chat: strconv.FormatInt(u.Chat.ID, 10),
		},
	}, "blocked", true
}
