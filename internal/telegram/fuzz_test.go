package telegram

import (
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// FuzzUpdate: whatever arrives at the webhook (after the secret), decoding
// and converting it never panics, and what it becomes is consistent: a
// message for the engine has a user and a conversation, and a group's
// message is for the bot.
func FuzzUpdate(f *testing.F) {
	for _, seed := range []string{
		privateText(42, "hello"),
		groupText("@SalamaBot what is grooming?"),
		groupText("/help@OtherBot"),
		callback(42, "fb:yes"),
		message(-100, "group", 42, `"photo":[{"file_id":"f","file_unique_id":"u","width":1,"height":1}]`),
		message(42, "private", 42, `"caption":"look","document":{"file_id":"f","file_unique_id":"u"}`),
		editOf("edited_message", -100, 61, "supergroup", "@SalamaBot what is grooming"),
		`{"my_chat_member":{"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"S"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"S"},"until_date":0}}}`,
		`{"callback_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"A"},"message":{"message_id":1,"date":0,"chat":{"id":-7,"type":"group"}},"data":"p"}}`,
		`{"inline_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"A"},"query":"x","offset":""}}`,
		`{}`, `null`, `[]`, `{"message":null}`, `{"message":{"chat":{}}}`,
	} {
		f.Add(`{"update_id":1,` + strings.TrimPrefix(seed, "{"))
	}
	f.Fuzz(func(t *testing.T, body string) {
		u, err := decodeUpdate(strings.NewReader(body))
		if err != nil {
			return
		}
		in, _, ok := convert(u, testUsername, testBotID)
		if !ok {
			return
		}
		_ = in.id(u)
		_ = in.key()
		m := in.msg
		if m.User.Platform != chat.Telegram || m.User.ID == "" || m.Chat == "" {
			t.Fatalf("update %s became %+v", body, in)
		}
		if !in.optOut && in.callbackID == "" && m.Text == "" && m.Media == chat.MediaNone {
			t.Fatalf("update %s became an empty message %+v", body, in)
		}
		_ = render(chat.Reply{Text: m.Text, Choices: []chat.Choice{{Label: m.Text, Payload: m.Payload}}}, "", "x")
	})
}

// FuzzAddressed: reading a group message for a mention never panics, and
// what is left never mentions the bot by its whole name.
func FuzzAddressed(f *testing.F) {
	for _, s := range []string{"@SalamaBot hi", "hi @salamabot", "/help@SalamaBot now", "@SalamaBot_two", "ü@SalamaBot", "@@SalamaBot", "@SalamaBot@SalamaBot"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, ok := addressed(text, testUsername)
		if ok && !strings.HasPrefix(got, "/") && mentionIndex(got, testUsername) >= 0 && mentionIndex(text, testUsername) < 0 {
			t.Fatalf("addressed(%q) = %q, a mention out of nothing", text, got)
		}
	})
}
