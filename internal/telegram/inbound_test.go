package telegram

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/salama-safety/salama/internal/chat"
)

func TestAddressed(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"/start", "/start", true},
		{"/start lang_sw", "/start lang_sw", true},
		{"/start@SalamaBot topic_sextortion", "/start topic_sextortion", true},
		{"/help@salamabot", "/help", true},
		{"/help@OtherBot", "/help@OtherBot", false},
		{"@SalamaBot is this grooming?", "is this grooming?", true},
		{"is this grooming @SalamaBot", "is this grooming", true},
		{"@SalamaBot: hi", "hi", true},
		{"ask @SALAMABOT now", "ask now", true},
		{"@SalamaBot", "/start", true},
		{"@SalamaBot_two hi", "@SalamaBot_two hi", false},
		{"mail@SalamaBot", "mail@SalamaBot", false},
		{"hello all", "hello all", false},
		{"ü@SalamaBot", "ü", true},
	}
	for _, tt := range tests {
		got, ok := addressed(tt.in, testUsername)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("addressed(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name   string
		update string
		ok     bool
		want   inbound
	}{
		{
			name:   "private text",
			update: `{"message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A","language_code":"pt-br"},"text":"oi"}}`,
			ok:     true,
			want: inbound{kind: "text", chatID: 42, messageID: 5, msg: chat.Message{
				User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "42", Text: "oi", LangHint: "pt-br"}},
		},
		{
			name:   "group forum topic",
			update: `{"message":{"message_id":5,"message_thread_id":3,"is_topic_message":true,"date":1,"chat":{"id":-7,"type":"supergroup"},"from":{"id":42,"is_bot":false,"first_name":"A"},"text":"/help"}}`,
			ok:     true,
			want: inbound{kind: "command", chatID: -7, replyTo: 5, thread: 3, messageID: 5, msg: chat.Message{
				User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "-7", Text: "/help", Group: true}},
		},
		{
			name:   "from a bot",
			update: `{"message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":true,"first_name":"A"},"text":"hi"}}`,
		},
		{
			name:   "service message",
			update: `{"message":{"message_id":5,"date":1,"chat":{"id":-7,"type":"group"},"from":{"id":42,"is_bot":false,"first_name":"A"},"new_chat_title":"x"}}`,
		},
		{
			name:   "callback on an inaccessible message in a group",
			update: `{"callback_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"A"},"message":{"message_id":1,"date":0,"chat":{"id":-7,"type":"group"}},"data":"p"}}`,
			ok:     true,
			want: inbound{kind: "callback", callbackID: "q", chatID: -7, msg: chat.Message{
				User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "-7", Payload: "p", Group: true}},
		},
		{
			name:   "callback without message",
			update: `{"callback_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"A"},"inline_message_id":"i","data":"p"}}`,
			ok:     true,
			want: inbound{kind: "callback", callbackID: "q", chatID: 42, msg: chat.Message{
				User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "42", Payload: "p"}},
		},
		{
			name:   "bot left a group",
			update: `{"my_chat_member":{"chat":{"id":-7,"type":"group"},"from":{"id":42,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"S"}},"new_chat_member":{"status":"left","user":{"id":1,"is_bot":true,"first_name":"S"}}}}`,
		},
		{
			name:   "inline query",
			update: `{"inline_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"A"},"query":"x","offset":""}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(tt.update), &u); err != nil {
				t.Fatal(err)
			}
			got, kind, ok := convert(&u, testUsername, testBotID)
			if ok != tt.ok {
				t.Fatalf("convert ok = %v (kind %q), want %v", ok, kind, tt.ok)
			}
			if ok && got != tt.want {
				t.Errorf("convert = %+v, want %+v", got, tt.want)
			}
		})
	}
}
