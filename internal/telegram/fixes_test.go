package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

func TestLanguageCode(t *testing.T) {
	aliases := map[string][]string{"fil": {"tl"}} // as faq/fil/language.txt says
	for in, want := range map[string]string{
		"en": "en", "pt-BR": "pt", "sw": "sw", "am": "am", "ar": "ar", "bn": "bn",
		"fil": "tl", "ha": "ha", "haw": "", "": "", "x-bad": "",
	} {
		if got := languageCode(in, aliases[in]); got != want {
			t.Errorf("languageCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// langEngine is the fake engine with other languages.
type langEngine struct {
	*fakeEngine
	langs []string
}

func (e langEngine) Languages() []string { return e.langs }

// Filipino users get the Filipino menu under "tl", the only code Telegram
// takes for them (an alias in Filipino's facts); a language without a
// two-letter code is not registered.
func TestFilipinoMenu(t *testing.T) {
	api := newFakeAPI(t)
	eng := langEngine{newFakeEngine(), []string{"en", "fil", "haw"}}
	aliases := func(lang string) []string { return map[string][]string{"fil": {"tl"}}[lang] }
	a, err := New(Config{Token: testToken, APIURL: api.URL(), HTTPClient: testClient(t), Logger: slog.New(slog.DiscardHandler), Aliases: aliases}, eng)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitUntil(t, "ready", a.Ready)
	cancel()
	<-done
	var got []string
	for _, r := range api.requests("setMyCommands") {
		var cmds []struct{ Description string }
		_ = json.Unmarshal([]byte(r.Form["commands"]), &cmds)
		got = append(got, r.Form["language_code"]+"="+cmds[0].Description)
	}
	if want := []string{"=Start (en)", "en=Start (en)", "tl=Start (fil)"}; !slices.Equal(got, want) {
		t.Errorf("setMyCommands = %q, want %q", got, want)
	}
}

// A reply to a group that became a supergroup goes to the new id at once.
func TestMigratedGroup(t *testing.T) {
	h := mustStart(t, nil)
	h.api.script("sendMessage", fakeResponse{Status: 400, Body: `{"ok":false,"error_code":400,` +
		`"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1009876}}`})
	h.api.push(message(-55, "group", 42, `"text":"/help"`))
	h.api.waitFor(t, "reply at the new id", func() bool { return len(h.api.delivered("-1009876")) == 1 })
	h.stop(t)
	if errs := h.obs.SendErrors(); len(errs) != 0 {
		t.Errorf("SendError = %v, want none", errs)
	}
	if n := len(h.obs.Replies()); n != 1 {
		t.Errorf("Replied %d times, want 1", n)
	}
}

// A 429 on getUpdates is waited out for its retry_after.
func TestGetUpdatesRetryAfter(t *testing.T) {
	h := mustStart(t, func(c *Config) { c.RetryBase = time.Millisecond })
	h.api.script("getUpdates", tooMany(7))
	h.api.push(privateText(42, "after the wait"))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("42")) == 1 })
	// The next getUpdates (or the one in flight) meets the 429.
	waitUntil(t, "the 7s retry_after waited out", func() bool { return h.longestSleep() >= 7*time.Second })
	h.api.push(privateText(42, "and after"))
	h.api.waitFor(t, "second reply", func() bool { return len(h.api.delivered("42")) == 2 })
}

// editOf is an edit of the message with id in chat, now reading text.
func editOf(kind string, chatID, id int64, chatType, text string) string {
	return fmt.Sprintf(`{%q:{"message_id":%d,"date":1,"edit_date":2,"chat":{"id":%d,"type":%q},`+
		`"from":{"id":42,"is_bot":false,"first_name":"A"},"text":%s}}`, kind, id, chatID, chatType, jsonString(text))
}

// An edit of a message already answered is not answered again, in a group
// or a private chat; an edit that makes group chatter a question to the bot
// is answered, once.
func TestEditedMessagesAnsweredOnce(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(editOf("message", 42, 50, "private", "helo"))
	h.api.push(editOf("edited_message", 42, 50, "private", "hello"))
	h.api.push(editOf("message", -100, 60, "supergroup", "@SalamaBot what is grooming"))
	h.api.push(editOf("edited_message", -100, 60, "supergroup", "@SalamaBot what is grooming?"))
	h.api.push(editOf("message", -100, 61, "supergroup", "what is grooming"))
	h.api.push(editOf("edited_message", -100, 61, "supergroup", "@SalamaBot what is grooming"))
	h.api.push(editOf("edited_message", -100, 61, "supergroup", "@SalamaBot what is grooming??"))
	h.api.push(privateText(42, "marker"))
	h.api.push(groupText("/marker"))
	h.api.waitFor(t, "markers", func() bool {
		return slices.Contains(h.api.delivered("42"), "echo: marker") && slices.Contains(h.api.delivered("-100"), "echo: /marker")
	})
	h.stop(t)
	if got, want := h.api.delivered("42"), []string{"echo: helo", "echo: marker"}; !slices.Equal(got, want) {
		t.Errorf("private chat got %q, want %q", got, want)
	}
	if got, want := h.api.delivered("-100"), []string{"echo: what is grooming", "echo: what is grooming", "echo: /marker"}; !slices.Equal(got, want) {
		t.Errorf("group got %q, want %q", got, want)
	}
}

// A button press is answered (its spinner stopped) at once, while the
// chat's earlier reply still waits.
func TestCallbackAnsweredOutsideTheQueue(t *testing.T) {
	h := mustStart(t, nil)
	h.api.push(privateText(42, "slow"))
	h.eng.waitStarted(t, 1)
	h.api.push(callback(42, "fb:yes"))
	h.api.waitFor(t, "answerCallbackQuery", func() bool { return len(h.api.requests("answerCallbackQuery")) == 1 })
	if n := len(h.api.requests("sendMessage")); n != 0 {
		t.Fatalf("%d messages sent before the slow reply", n)
	}
	close(h.eng.gate)
	h.api.waitFor(t, "replies", func() bool { return len(h.api.delivered("42")) == 2 })
	if got, want := h.api.delivered("42"), []string{"echo: slow", "pressed fb:yes"}; !slices.Equal(got, want) {
		t.Errorf("replies %q, want %q (in order)", got, want)
	}
}

// The button that moves a group conversation to a private chat is in the
// reply's language, as the main program gives it.
func TestPrivateLabelTranslated(t *testing.T) {
	h := mustStart(t, func(c *Config) { c.PrivateLabel = func(lang string) string { return "label in " + lang } })
	h.api.push(groupText("danger @SalamaBot"))
	h.api.waitFor(t, "reply", func() bool { return len(h.api.delivered("-100")) == 1 })
	if got := h.api.requests("sendMessage")[0].Form["reply_markup"]; !strings.Contains(got, `"text":"label in en"`) {
		t.Errorf("reply_markup = %s, want the translated label", got)
	}
}

// The webhook answers Telegram once the reply is sent, so that an update
// whose reply was lost in a crash is delivered again.
func TestWebhookAnswersAfterTheReply(t *testing.T) {
	h := mustStart(t, func(c *Config) {
		c.WebhookURL, c.WebhookSecret = "https://bot.example.org/telegram", "s3cret"
		c.Queue = channel.Config{PerConversation: 1, UserBurst: -1}
	})
	srv := httptest.NewServer(h.a.Handler())
	defer srv.Close()
	post := func(body string) <-chan int {
		got := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
			req.Header.Set(secretHeader, "s3cret")
			resp, err := testClient(t).Do(req)
			if err != nil {
				got <- 0
				return
			}
			resp.Body.Close()
			got <- resp.StatusCode
		}()
		return got
	}
	update := func(id int64, body string) string {
		return `{"update_id":` + strconv.FormatInt(id, 10) + `,` + strings.TrimPrefix(body, "{")
	}
	first := post(update(1, privateText(42, "slow")))
	h.eng.waitStarted(t, 1)
	select {
	case code := <-first:
		t.Fatalf("webhook answered %d before the reply", code)
	case <-time.After(20 * time.Millisecond):
	}
	// The chat's queue holds one update: the next is refused with 429.
	if code := <-post(update(2, editOf("message", 42, 71, "private", "more"))); code != http.StatusTooManyRequests {
		t.Errorf("past the chat's bound: %d, want 429", code)
	}
	// Telegram delivers the first again (its request timed out): it waits
	// for the same reply, and the reply is sent once.
	again := post(update(1, privateText(42, "slow")))
	close(h.eng.gate)
	if code := <-first; code != http.StatusOK {
		t.Errorf("first delivery: %d, want 200", code)
	}
	if code := <-again; code != http.StatusOK {
		t.Errorf("second delivery: %d, want 200", code)
	}
	if got := h.api.delivered("42"); !slices.Equal(got, []string{"echo: slow"}) {
		t.Errorf("replies %q, want one", got)
	}
}

// In polling mode Telegram is told an update was handled only once it was
// answered: the offset never passes an update in flight, and after a stop
// with an update unanswered, that update is not confirmed.
func TestPollingConfirmsOnlyAnsweredUpdates(t *testing.T) {
	h := mustStart(t, func(c *Config) { c.DrainTimeout = 20 * time.Millisecond })
	slowID := h.api.push(privateText(1, "slow"))
	h.eng.waitStarted(t, 1)
	for c := int64(2); c <= 4; c++ {
		h.api.push(privateText(c, "quick"))
	}
	h.api.waitFor(t, "other chats", func() bool { return len(h.api.delivered("4")) == 1 })
	h.stop(t) // the slow update never finishes
	for _, r := range h.api.requests("getUpdates") {
		if off, _ := strconv.ParseInt(r.Form["offset"], 10, 64); off > slowID {
			t.Errorf("getUpdates offset %d confirmed update %d, never answered", off, slowID)
		}
	}
}

// A token Telegram refuses ends Run with an Unauthorized error, at start or
// while polling, and Health says so.
func TestUnauthorized(t *testing.T) {
	h := mustStart(t, nil)
	h.api.script("getUpdates", fakeResponse{Status: 401, Body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`})
	h.api.push(privateText(42, "wake the poller"))
	select {
	case err := <-h.done:
		if channel.OutcomeOf(err) != channel.Unauthorized {
			t.Errorf("Run = %v, want an Unauthorized error", err)
		}
		h.done <- err // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("Run kept going with a refused token")
	}
	if hl := h.a.Health(); hl.State != channel.Failed || hl.Reason != "unauthorized" {
		t.Errorf("Health = %+v, want failed (unauthorized)", hl)
	}
	if !strings.Contains(h.logs.String(), "level=ERROR") {
		t.Errorf("the failure was not logged at error:\n%s", h.logs.String())
	}
}

// Telegram unreachable at start: set-up is retried with backoff, logged at
// error at once and shown by Health, and the adapter starts once Telegram
// answers.
func TestUnreachableAtStart(t *testing.T) {
	api := newFakeAPI(t)
	for range 4 {
		api.script("getMe", serverError())
	}
	logs := &chattest.Buffer{}
	a, err := New(Config{Token: testToken, APIURL: api.URL(), HTTPClient: testClient(t), MaxRetries: 1,
		RetryBase: time.Millisecond, Sleep: scaledSleep,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}, newFakeEngine())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitUntil(t, "retrying", func() bool { return a.Health().State == channel.Retrying || a.Ready() })
	waitUntil(t, "ready", a.Ready)
	if hl := a.Health(); hl.State != channel.Ready {
		t.Errorf("Health = %+v, want ready", hl)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if l := logs.String(); !strings.Contains(l, `level=ERROR msg="channel unavailable" platform=telegram`) || !strings.Contains(l, "state=retrying reason=server") {
		t.Errorf("logs lack the failure at error:\n%s", logs.String())
	}
	if n := len(api.requests("getMe")); n != 5 {
		t.Errorf("getMe asked %d times, want 5", n)
	}
}

func TestSetupFailureIsUnauthorized(t *testing.T) {
	api := newFakeAPI(t)
	api.script("getMe", fakeResponse{Status: 401, Body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`})
	a, err := New(Config{Token: testToken, APIURL: api.URL(), HTTPClient: testClient(t), Logger: slog.New(slog.DiscardHandler)}, newFakeEngine())
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(context.Background())
	var ce *channel.Error
	if !errors.As(err, &ce) || ce.Outcome != channel.Unauthorized {
		t.Errorf("Run = %v, want an Unauthorized error", err)
	}
	_ = chat.Telegram
}
