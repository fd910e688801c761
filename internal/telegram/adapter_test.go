package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

// harness is an adapter running against a fake Bot API.
type harness struct {
	api  *fakeAPI
	eng  *fakeEngine
	obs  *chattest.Observer
	logs *chattest.Buffer
	a    *Adapter

	sleepMu sync.Mutex
	sleeps  []time.Duration // waits asked of Config.Sleep

	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// mustStart runs an adapter in polling mode (or as edit makes it) and waits
// until it is ready. The adapter is stopped when the test ends.
func mustStart(t testing.TB, edit func(*Config)) *harness {
	t.Helper()
	h := &harness{api: newFakeAPI(t), eng: newFakeEngine(), obs: &chattest.Observer{}, logs: &chattest.Buffer{}}
	cfg := Config{
		Token:         testToken,
		APIURL:        h.api.URL(),
		HTTPClient:    testClient(t),
		Logger:        slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observer:      h.obs,
		PollTimeout:   2 * time.Second,
		ChatInterval:  time.Millisecond,
		GroupInterval: time.Millisecond,
		GlobalRate:    100000,
		RetryBase:     time.Millisecond,
		MaxRetries:    3,
		DrainTimeout:  5 * time.Second,
		// These tests send more than a person would; the per-user limit
		// has tests of its own (package channel).
		Queue: channel.Config{UserBurst: -1},
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.sleepMu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.sleepMu.Unlock()
			return scaledSleep(ctx, d)
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg, h.eng)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.a = a
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- a.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
	waitUntil(t, "adapter ready", func() bool {
		select {
		case err := <-h.done:
			t.Fatalf("Run returned early: %v", err)
		default:
		}
		return a.Ready()
	})
	return h
}

// longestSleep is the longest wait the adapter asked for.
func (h *harness) longestSleep() time.Duration {
	h.sleepMu.Lock()
	defer h.sleepMu.Unlock()
	return slices.Max(append([]time.Duration{0}, h.sleeps...))
}

// stop cancels Run and waits for it to return.
func (h *harness) stop(t testing.TB) error {
	t.Helper()
	h.once.Do(func() {
		h.cancel()
		select {
		case h.err = <-h.done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
	return h.err
}

func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// message is an update carrying a message; fields is its JSON content
// besides ids and chat, e.g. `"text":"hi"`.
func message(chatID int64, chatType string, userID int64, fields string) string {
	return fmt.Sprintf(`{"message":{"message_id":7,"date":1,"chat":{"id":%d,"type":%q},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"A","language_code":"sw"},%s}}`,
		chatID, chatType, userID, fields)
}

func privateText(id int64, text string) string {
	return message(id, "private", id, `"text":`+jsonString(text))
}

func groupText(text string) string {
	return message(-100, "supergroup", 42, `"text":`+jsonString(text))
}

func callback(chatID int64, data string) string {
	return fmt.Sprintf(`{"callback_query":{"id":"cb-1","chat_instance":"x","data":%q,`+
		`"from":{"id":%d,"is_bot":false,"first_name":"A","language_code":"sw"},`+
		`"message":{"message_id":9,"date":1,"chat":{"id":%d,"type":"private"},"text":"Pick one"}}}`,
		data, chatID, chatID)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestPollingTextMessage(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(privateText(42, "hello <there>"))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })

	got := h.eng.messages()
	want := chat.Message{User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "42", Text: "hello <there>", LangHint: "sw"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("engine got %+v, want [%+v]", got, want)
	}
	send := h.api.requests("sendMessage")[0].Form
	for field, want := range map[string]string{
		"chat_id":              "42",
		"text":                 "echo: hello &lt;there&gt;",
		"parse_mode":           "HTML",
		"link_preview_options": `{"is_disabled":true}`,
	} {
		if send[field] != want {
			t.Errorf("sendMessage %s = %q, want %q", field, send[field], want)
		}
	}
	if _, ok := send["reply_markup"]; ok {
		t.Errorf("sendMessage has reply_markup %q, want none", send["reply_markup"])
	}

	if err := h.stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	// The last update is confirmed, so a restart does not answer it again.
	polls := h.api.requests("getUpdates")
	if last := polls[len(polls)-1].Form; last["offset"] != "2" {
		t.Errorf("last getUpdates offset = %q, want 2", last["offset"])
	}
	if got := h.obs.Replies(); !slices.Equal(got, []chat.Kind{chat.KindAnswer}) {
		t.Errorf("Observer.Replied kinds = %v, want [answer]", got)
	}
}

func TestSetup(t *testing.T) {
	h := mustStart(t, nil)
	if n := len(h.api.requests("getMe")); n != 1 {
		t.Errorf("getMe called %d times, want 1", n)
	}
	if n := len(h.api.requests("deleteWebhook")); n != 1 {
		t.Errorf("deleteWebhook called %d times, want 1", n)
	}
	if n := len(h.api.requests("setWebhook")); n != 0 {
		t.Errorf("setWebhook called %d times in polling mode", n)
	}
	var got []string
	for _, r := range h.api.requests("setMyCommands") {
		var cmds []struct{ Command, Description string }
		if err := json.Unmarshal([]byte(r.Form["commands"]), &cmds); err != nil {
			t.Fatalf("commands %q: %v", r.Form["commands"], err)
		}
		got = append(got, fmt.Sprintf("%q:%s=%s", r.Form["language_code"], cmds[0].Command, cmds[0].Description))
	}
	want := []string{`"":start=Start (en)`, `"en":start=Start (en)`, `"sw":start=Start (sw)`, `"pt":start=Start (pt-BR)`}
	if !slices.Equal(got, want) {
		t.Errorf("setMyCommands = %v, want %v", got, want)
	}

	// With a configured username, getMe is not needed.
	h2 := mustStart(t, func(c *Config) { c.BotUsername = "@" + testUsername })
	if n := len(h2.api.requests("getMe")); n != 0 {
		t.Errorf("getMe called %d times with BotUsername set", n)
	}
}

func TestStartDeepLinks(t *testing.T) {
	h := mustStart(t, nil)
	texts := []string{"/start", "/start lang_sw", "/start topic_sextortion", "/start country_KE", "/start private"}
	for _, text := range texts {
		h.api.push(privateText(42, text))
	}
	h.api.waitFor(t, "replies", func() bool { return len(h.api.delivered("42")) == len(texts) })
	var got []string
	for _, m := range h.eng.messages() {
		got = append(got, m.Text)
	}
	if !slices.Equal(got, texts) {
		t.Errorf("engine got %q, want %q (in order)", got, texts)
	}
}

func TestButtonPress(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(callback(42, "fb:yes"))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })

	var order []string
	for _, r := range h.api.requests("") {
		if r.Method == "answerCallbackQuery" || r.Method == "sendMessage" {
			order = append(order, r.Method)
		}
	}
	if want := []string{"answerCallbackQuery", "sendMessage"}; !slices.Equal(order, want) {
		t.Errorf("requests = %v, want %v", order, want)
	}
	if got := h.api.requests("answerCallbackQuery")[0].Form["callback_query_id"]; got != "cb-1" {
		t.Errorf("callback_query_id = %q, want cb-1", got)
	}
	msgs := h.eng.messages()
	want := chat.Message{User: chat.User{Platform: chat.Telegram, ID: "42"}, Chat: "42", Payload: "fb:yes", LangHint: "sw"}
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("engine got %+v, want [%+v]", msgs, want)
	}
	if got := h.api.delivered("42")[0]; got != "pressed fb:yes" {
		t.Errorf("reply = %q, want %q", got, "pressed fb:yes")
	}
}

func TestReplyMarkupBytes(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(privateText(42, "menu"))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })

	send := h.api.requests("sendMessage")[0].Form
	want := `{"inline_keyboard":[[{"text":"Yes","callback_data":"fb:yes"},{"text":"No","callback_data":"fb:no"}],` +
		`[{"text":"Helpline website","url":"https://example.org/help?a=1\u0026b=2"}]]}`
	if got := send["reply_markup"]; got != want {
		t.Errorf("reply_markup =\n%s\nwant\n%s", got, want)
	}
	if got, want := send["text"], "Pick one &lt;b&gt;&amp;"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	for _, r := range h.api.requests("") {
		for k, v := range r.Form {
			if strings.Contains(v, "copy_text") {
				t.Errorf("%s %s contains copy_text: %s", r.Method, k, v)
			}
		}
	}
}

func TestLongReplySplit(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(privateText(42, "long"))
	h.api.waitFor(t, "replies", func() bool { return len(h.api.delivered("42")) == 3 })
	h.stop(t)
	sends := h.api.requests("sendMessage")
	for i, r := range sends {
		if n := channel.UTF16.Len(r.Form["text"]); n > 4096 {
			t.Errorf("part %d is %d units long", i, n)
		}
		_, hasKB := r.Form["reply_markup"]
		if last := i == len(sends)-1; hasKB != last {
			t.Errorf("part %d: keyboard = %v, want %v", i, hasKB, last)
		}
	}
	if n := len(h.obs.Replies()); n != 1 {
		t.Errorf("Observer.Replied called %d times for one split reply, want 1", n)
	}
}

func TestGroups(t *testing.T) {
	tests := []struct {
		name     string
		update   string
		want     string // text the engine gets; "" = ignored
		wantLink bool
	}{
		{"mention", groupText("@SalamaBot what is grooming?"), "what is grooming?", false},
		{"mention any case", groupText("hey @salamabot, help"), "hey help", false},
		{"bare mention", groupText("@SalamaBot"), "/start", false},
		{"command", groupText("/help"), "/help", false},
		{"command to this bot", groupText("/help@SalamaBot now"), "/help now", false},
		{"command to another bot", groupText("/help@OtherBot"), "", false},
		{"chatter", groupText("hello everyone"), "", false},
		{"longer username", groupText("@SalamaBotFan hi"), "", false},
		{"reply to the bot", message(-100, "supergroup", 42,
			`"text":"and then?","reply_to_message":{"message_id":3,"date":1,"chat":{"id":-100,"type":"supergroup"},"from":{"id":123456,"is_bot":true,"first_name":"S"}}`),
			"and then?", false},
		{"photo", message(-100, "group", 42, `"photo":[{"file_id":"f","file_unique_id":"u","width":1,"height":1}]`), "", false},
		{"private reply", groupText("danger @SalamaBot"), "danger", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustStart(t, nil)
			h.api.push(tt.update)
			// A marker after the update: updates of one chat are handled in
			// order, so once it is answered the update was handled too.
			h.api.push(groupText("/marker"))
			h.api.waitFor(t, "marker", func() bool { return slices.Contains(h.api.delivered("-100"), "echo: /marker") })

			var got []string
			for _, m := range h.eng.messages() {
				if !m.Group || m.Chat != "-100" {
					t.Errorf("message %+v: want Group and Chat -100", m)
				}
				if m.Text != "/marker" {
					got = append(got, m.Text)
				}
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("engine got %q, want %q", got, want)
			}
			if tt.want == "" {
				return
			}
			send := h.api.requests("sendMessage")[0].Form
			if got := send["reply_parameters"]; !strings.Contains(got, `"message_id":7`) {
				t.Errorf("reply_parameters = %q, want a reply to message 7", got)
			}
			link := `"url":"https://t.me/SalamaBot?start=private"`
			if got := strings.Contains(send["reply_markup"], link); got != tt.wantLink {
				t.Errorf("reply_markup = %q; has deep link = %v, want %v", send["reply_markup"], got, tt.wantLink)
			}
			if tt.wantLink && send["text"] != "Let us talk in private." {
				t.Errorf("text = %q, want the engine's invitation", send["text"])
			}
		})
	}
}

func TestMedia(t *testing.T) {
	file := `{"file_id":"f","file_unique_id":"u"}`
	tests := []struct {
		field string
		json  string
		want  chat.Media
	}{
		{"photo", `[{"file_id":"f","file_unique_id":"u","width":1,"height":1}]`, chat.MediaPhoto},
		{"video", `{"file_id":"f","file_unique_id":"u","width":1,"height":1,"duration":1}`, chat.MediaVideo},
		{"video_note", `{"file_id":"f","file_unique_id":"u","length":1,"duration":1}`, chat.MediaVideo},
		{"animation", `{"file_id":"f","file_unique_id":"u","width":1,"height":1,"duration":1}`, chat.MediaGIF},
		// as Telegram sends it: an animation also sets document
		{"animation", `{"file_id":"f","file_unique_id":"u","width":1,"height":1,"duration":1},"document":` + file, chat.MediaGIF},
		{"document", file, chat.MediaDocument},
		{"sticker", `{"file_id":"f","file_unique_id":"u","type":"regular","width":1,"height":1,"is_animated":false,"is_video":false}`, chat.MediaSticker},
		{"voice", `{"file_id":"f","file_unique_id":"u","duration":1}`, chat.MediaVoice},
		{"audio", `{"file_id":"f","file_unique_id":"u","duration":1}`, chat.MediaVoice},
	}
	h := mustStart(t, nil)
	for i, tt := range tests {
		h.api.push(message(int64(100+i), "private", int64(100+i), `"caption":"look","`+tt.field+`":`+tt.json))
	}
	for i, tt := range tests {
		chatID := id(int64(100 + i))
		h.api.waitFor(t, tt.field+" reply", func() bool { return len(h.api.delivered(chatID)) == 1 })
		if got, want := h.api.delivered(chatID)[0], "I do not open "+string(tt.want); got != want {
			t.Errorf("%s: reply %q, want %q", tt.field, got, want)
		}
	}
	for _, m := range h.eng.messages() {
		i, _ := strconv.Atoi(m.Chat)
		if tt := tests[i-100]; m.Media != tt.want || m.Text != "look" {
			t.Errorf("%s: Media, Text = %q, %q; want %q, %q", tt.field, m.Media, m.Text, tt.want, "look")
		}
	}
	if n := len(h.api.requests("getFile")); n != 0 {
		t.Errorf("getFile called %d times", n)
	}
}

func TestEditedMessage(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(strings.Replace(privateText(42, "edited text"), `{"message":`, `{"edited_message":`, 1))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })
	if got := h.api.delivered("42")[0]; got != "echo: edited text" {
		t.Errorf("reply = %q", got)
	}
}

func TestBlockedByMyChatMember(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(`{"my_chat_member":{"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A"},"date":1,` +
		`"old_chat_member":{"status":"member","user":{"id":123456,"is_bot":true,"first_name":"S"}},` +
		`"new_chat_member":{"status":"kicked","user":{"id":123456,"is_bot":true,"first_name":"S"},"until_date":0}}}`)
	// Kicked from a group: not an opt-out.
	h.api.push(`{"my_chat_member":{"chat":{"id":-100,"type":"group"},"from":{"id":43,"is_bot":false,"first_name":"B"},"date":1,` +
		`"old_chat_member":{"status":"member","user":{"id":123456,"is_bot":true,"first_name":"S"}},` +
		`"new_chat_member":{"status":"kicked","user":{"id":123456,"is_bot":true,"first_name":"S"},"until_date":0}}}`)
	h.api.push(privateText(44, "marker"))
	h.api.waitFor(t, "marker", func() bool { return len(h.api.delivered("44")) == 1 })
	waitUntil(t, "opt-out", func() bool { return len(h.eng.optedOut()) > 0 })
	h.stop(t)
	if got, want := h.eng.optedOut(), []chat.User{{Platform: chat.Telegram, ID: "42"}}; !slices.Equal(got, want) {
		t.Errorf("OptOut calls = %v, want %v", got, want)
	}
	if n := len(h.api.requests("sendMessage")); n != 1 {
		t.Errorf("sendMessage called %d times, want 1 (the marker)", n)
	}
}

func TestRateLimitStorm(t *testing.T) {
	// One request may meet every 429 of the storm.
	h := mustStart(t, func(c *Config) { c.MaxRetries = 10 })
	h.api.script("sendMessage", tooMany(1), tooMany(1), tooMany(1), tooMany(2), tooMany(1), tooMany(1))
	chats := []int64{1, 2, 3, 4, 5}
	for _, c := range chats {
		h.api.push(privateText(c, "hi "+id(c)))
		h.api.push(privateText(c, "again "+id(c)))
	}
	for _, c := range chats {
		want := []string{"echo: hi " + id(c), "echo: again " + id(c)}
		h.api.waitFor(t, "replies to "+id(c), func() bool { return len(h.api.delivered(id(c))) >= 2 })
		if got := h.api.delivered(id(c)); !slices.Equal(got, want) {
			t.Errorf("chat %d got %q, want %q (once each, in order)", c, got, want)
		}
	}
	h.stop(t)
	if n := len(h.api.requests("sendMessage")); n != 10+6 {
		t.Errorf("sendMessage requests = %d, want 16 (10 replies + 6 refused)", n)
	}
	waits := h.obs.RateLimitWaits()
	slices.Sort(waits)
	if want := []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second, 2 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("RateLimitWait = %v, want %v", waits, want)
	}
	if errs := h.obs.SendErrors(); len(errs) != 0 {
		t.Errorf("SendError = %v, want none", errs)
	}
	// Sends waited for retry_after (in scaled time): 2s for the longest.
	if got := h.longestSleep(); got < 1900*time.Millisecond {
		t.Errorf("longest wait = %v, want about 2s", got)
	}
}

func TestBlockedOnSend(t *testing.T) {
	h := mustStart(t, nil)
	h.api.script("sendMessage", blocked())
	h.api.push(privateText(42, "hi"))
	waitUntil(t, "opt-out", func() bool { return len(h.eng.optedOut()) == 1 })
	h.stop(t)
	if n := len(h.api.requests("sendMessage")); n != 1 {
		t.Errorf("sendMessage requests = %d, want 1 (a 403 is not retried)", n)
	}
	if got, want := h.eng.optedOut(), []chat.User{{Platform: chat.Telegram, ID: "42"}}; !slices.Equal(got, want) {
		t.Errorf("OptOut = %v, want %v", got, want)
	}
	if got := h.obs.SendErrors(); !slices.Equal(got, []string{"blocked"}) {
		t.Errorf("SendError = %v, want [blocked]", got)
	}
}

func TestTransientFailures(t *testing.T) {
	tests := []struct {
		name      string
		script    []fakeResponse
		delivered int
		errors    []string
	}{
		{"500 then success", []fakeResponse{serverError()}, 1, nil},
		{"dropped connection then success", []fakeResponse{dropConn()}, 1, nil},
		{"502 html then success", []fakeResponse{{Status: 502, Body: "<html>Bad Gateway</html>"}}, 1, nil},
		{"500 until retries run out", []fakeResponse{serverError(), serverError(), serverError(), serverError()}, 0, []string{"server"}},
		{"bad request is not retried", []fakeResponse{{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`}}, 0, []string{"bad_request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustStart(t, nil)
			h.api.script("sendMessage", tt.script...)
			h.api.push(privateText(42, "hi"))
			waitUntil(t, "outcome", func() bool {
				return len(h.api.delivered("42")) == tt.delivered && len(h.obs.SendErrors()) == len(tt.errors)
			})
			h.stop(t)
			if n := len(h.api.delivered("42")); n != tt.delivered {
				t.Errorf("delivered %d times, want %d", n, tt.delivered)
			}
			if got := h.obs.SendErrors(); !slices.Equal(got, tt.errors) {
				t.Errorf("SendError = %v, want %v", got, tt.errors)
			}
			if len(h.eng.optedOut()) != 0 {
				t.Errorf("OptOut called on a transient failure")
			}
		})
	}
}

func TestOrderWithinChatConcurrencyAcross(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(privateText(1, "slow"))
	for i := range 5 {
		h.api.push(privateText(1, "after "+strconv.Itoa(i)))
	}
	h.api.push(privateText(2, "other chat"))
	h.eng.waitStarted(t, 1)
	// Chat 2 is answered while chat 1 waits for its engine call.
	h.api.waitFor(t, "other chat", func() bool { return len(h.api.delivered("2")) == 1 })
	if n := len(h.api.delivered("1")); n != 0 {
		t.Fatalf("chat 1 got %d replies before its first was ready", n)
	}
	close(h.eng.gate)
	h.api.waitFor(t, "chat 1", func() bool { return len(h.api.delivered("1")) == 6 })
	want := []string{"echo: slow", "echo: after 0", "echo: after 1", "echo: after 2", "echo: after 3", "echo: after 4"}
	if got := h.api.delivered("1"); !slices.Equal(got, want) {
		t.Errorf("chat 1 replies = %q, want %q", got, want)
	}
}

func TestShutdownFinishesRepliesInFlight(t *testing.T) {
	h := mustStart(t, nil)
	for c := int64(1); c <= 5; c++ {
		h.api.push(privateText(c, "slow "+id(c)))
	}
	h.eng.waitStarted(t, 5)
	h.cancel()
	select {
	case <-h.done:
		t.Fatal("Run returned with replies in flight")
	default:
	}
	close(h.eng.gate)
	if err := h.stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	for c := int64(1); c <= 5; c++ {
		if got := h.api.delivered(id(c)); len(got) != 1 {
			t.Errorf("chat %d: delivered %q, want one reply", c, got)
		}
	}
	if ready := h.a.Ready(); ready {
		t.Error("Ready after Run returned")
	}
}

func TestShutdownDrainTimeout(t *testing.T) {
	h := mustStart(t, func(c *Config) { c.DrainTimeout = 20 * time.Millisecond })
	h.api.push(privateText(1, "slow"))
	h.api.push(privateText(1, "queued behind slow"))
	h.eng.waitStarted(t, 1)
	// The engine never finishes: Run gives up after DrainTimeout.
	if err := h.stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := len(h.api.requests("sendMessage")); n != 0 {
		t.Errorf("sendMessage requests = %d, want 0", n)
	}
}

func TestWebhook(t *testing.T) {
	const secret = "s3cret_Token-1"
	h := mustStart(t, func(c *Config) {
		c.WebhookURL = "https://bot.example.org/telegram"
		c.WebhookSecret = secret
	})
	set := h.api.requests("setWebhook")
	if len(set) != 1 {
		t.Fatalf("setWebhook called %d times, want 1", len(set))
	}
	if got := set[0].Form; got["url"] != "https://bot.example.org/telegram" || got["secret_token"] != secret {
		t.Errorf("setWebhook url, secret_token = %q, %q", got["url"], got["secret_token"])
	}
	if n := len(h.api.requests("getUpdates")) + len(h.api.requests("deleteWebhook")); n != 0 {
		t.Errorf("polling requests in webhook mode: %d", n)
	}

	srv := httptest.NewServer(h.a.Handler())
	defer srv.Close()
	post := func(secret, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if secret != "" {
			req.Header.Set(secretHeader, secret)
		}
		resp, err := testClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(secret, `{"update_id":1,`+strings.TrimPrefix(privateText(42, "via webhook"), "{")); got != http.StatusOK {
		t.Fatalf("good secret: status %d, want 200", got)
	}
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })
	if got := h.api.delivered("42")[0]; got != "echo: via webhook" {
		t.Errorf("reply = %q", got)
	}
	if got := post(secret, `{not json`); got != http.StatusBadRequest {
		t.Errorf("bad body: status %d, want 400", got)
	}

	for _, tt := range []struct{ name, secret string }{
		{"missing", ""}, {"wrong", "s3cret_Token-2"}, {"prefix", "s3cret"}, {"longer", secret + "x"},
	} {
		body := &watchedBody{Reader: strings.NewReader(`{"update_id":2}`)}
		req := httptest.NewRequest(http.MethodPost, "/telegram", body)
		if tt.secret != "" {
			req.Header.Set(secretHeader, tt.secret)
		}
		rec := httptest.NewRecorder()
		h.a.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s secret: status %d, want 401", tt.name, rec.Code)
		}
		if body.read {
			t.Errorf("%s secret: body was read", tt.name)
		}
	}

	h.stop(t)
	if got := post(secret, `{"update_id":3,`+strings.TrimPrefix(privateText(42, "late"), "{")); got != http.StatusServiceUnavailable {
		t.Errorf("after shutdown: status %d, want 503", got)
	}
}

type watchedBody struct {
	*strings.Reader
	read bool
}

func (w *watchedBody) Read(p []byte) (int, error) {
	w.read = true
	return w.Reader.Read(p)
}

func TestNew(t *testing.T) {
	eng := newFakeEngine()
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"polling", Config{Token: testToken}, true},
		{"no token", Config{}, false},
		{"webhook", Config{Token: testToken, WebhookURL: "https://x.example/hook", WebhookSecret: "abc"}, true},
		{"webhook without secret", Config{Token: testToken, WebhookURL: "https://x.example/hook"}, false},
		{"webhook with bad secret", Config{Token: testToken, WebhookURL: "https://x.example/hook", WebhookSecret: "a b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, eng)
			if (err == nil) != tt.ok {
				t.Errorf("New(%s) error = %v, want ok %v", tt.name, err, tt.ok)
			}
		})
	}
	if _, err := New(Config{Token: testToken}, nil); err == nil {
		t.Error("New with nil engine: no error")
	}
}

func TestSetupFailure(t *testing.T) {
	api := newFakeAPI(t)
	api.script("getMe", fakeResponse{Status: 401, Body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`})
	a, err := New(Config{Token: testToken, APIURL: api.URL(), HTTPClient: testClient(t), Logger: slog.New(slog.DiscardHandler)}, newFakeEngine())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(context.Background()); err == nil {
		t.Error("Run with a rejected token: no error")
	}
}

func TestLogsCarryNoTextOrIDs(t *testing.T) {
	h := mustStart(t, nil)
	h.api.script("sendMessage", serverError(), tooMany(1), blocked())
	h.api.push(privateText(987654321, "my secret words"))
	h.api.push(callback(987654322, "fb:yes"))
	h.api.push(message(987654323, "private", 987654323, `"caption":"private caption","photo":[{"file_id":"f","file_unique_id":"u","width":1,"height":1}]`))
	waitUntil(t, "opt-out", func() bool { return len(h.eng.optedOut()) == 1 })
	h.api.waitFor(t, "replies", func() bool {
		return len(h.api.delivered("987654321"))+len(h.api.delivered("987654322"))+len(h.api.delivered("987654323")) == 2
	})
	h.stop(t)
	logs := h.logs.String()
	if !strings.Contains(logs, "kind=text") {
		t.Errorf("logs lack update kinds:\n%s", logs)
	}
	for _, secret := range []string{"98765432", "secret words", "private caption", "fb:yes", testToken, "echo"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}
