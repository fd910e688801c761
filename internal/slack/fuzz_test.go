package slack

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzRequest: whatever a signed request to the three endpoints carries,
// decoding it and turning it into work never panics, and the answer is one
// the handler means to give. The adapter's queues are closed, so nothing
// is sent: every path up to the queue is exercised, nothing after.
func FuzzRequest(f *testing.F) {
	cmd := url.Values{"command": {"/safety"}, "text": {"forget"}, "user_id": {testUser}, "channel_id": {testChannel},
		"team_id": {testTeam}, "api_app_id": {testApp}, "response_url": {"http://127.0.0.1:1/r"}, "trigger_id": {"1"}}.Encode()
	press, _ := json.Marshal(map[string]any{"type": "block_actions", "api_app_id": testApp,
		"team": map[string]any{"id": testTeam}, "user": map[string]any{"id": testUser},
		"container": map[string]any{"type": "message", "channel_id": testDM, "message_ts": "1.1", "is_ephemeral": true},
		"channel":   map[string]any{"id": testDM},
		"actions":   []any{map[string]any{"action_id": "v1", "block_id": "choices1", "type": "button", "value": "yes:x"}}})
	for _, seed := range []struct {
		path uint8
		body string
	}{
		{0, callback("Ev1", dm("hello &amp; <https://example.org|site>"))},
		{0, callback("Ev2", map[string]any{"type": "app_mention", "user": testUser, "channel": testChannel, "text": "<@U0BOT> menu", "ts": "1.2"})},
		{0, callback("Ev3", map[string]any{"type": "app_home_opened", "user": testUser, "tab": "home"})},
		{0, callback("Ev4", map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"bot": []string{}}})},
		{0, `{"type":"url_verification","challenge":"c"}`},
		{0, `{"type":"app_rate_limited"}`},
		{0, `{"type":"event_callback","event":{"type":"message","subtype":"file_share","channel_type":"im","user":"U1","files":[{"mimetype":"image/png"}]}}`},
		{1, cmd},
		{1, "text=%ZZ"},
		{2, url.Values{"payload": {string(press)}}.Encode()},
		{2, "payload=%7B%7D"},
		{2, "payload=null"},
	} {
		f.Add(seed.path, seed.body)
	}
	a, err := New(Config{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: "http://127.0.0.1:1/api/",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}, &fakeEngine{})
	if err != nil {
		f.Fatal(err)
	}
	a.work.Close()
	h := a.Handler()
	paths := []string{"/slack/events", "/slack/commands", "/slack/interactive"}
	f.Fuzz(func(t *testing.T, path uint8, body string) {
		p := paths[int(path)%len(paths)]
		r := httptest.NewRequest(http.MethodPost, p, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if p == "/slack/events" {
			r.Header.Set("Content-Type", "application/json")
		}
		sign(r.Header, testSecret, time.Now(), body)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable, http.StatusTooManyRequests:
		default:
			t.Fatalf("POST %s %q = %d", p, body, w.Code)
		}
	})
}

// FuzzPlainText: turning Slack's encoded text back into what was typed
// never panics and never makes it longer.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<@U0BOT> how?", "a &lt; b &amp;&amp; c", "<https://x.org|site> <#C1|gen> <!here>", "<mailto:a@b.c|a@b.c>", "<<>>", "&amp;lt;", "<|>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := plainText(s); len(got) > len(s) {
			t.Fatalf("plainText(%q) = %q, longer", s, got)
		}
	})
}
