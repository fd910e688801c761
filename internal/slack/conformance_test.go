package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel/channeltest"
	"github.com/salama-safety/salama/internal/chat"
)

// The adapter keeps the channel contract (HTTP mode; Socket Mode shares
// everything past the transport).
func TestConformance(t *testing.T) { channeltest.Run(t, &platform{}) }

// platform drives the adapter for channeltest against the fake Slack.
type platform struct {
	tb    testing.TB
	slack *fakeSlack
	a     *Adapter
	now   time.Time
}

func (p *platform) Name() chat.Platform { return chat.Slack }
func (p *platform) Users() []string     { return []string{"U0ALICE", "U0BOB"} }

func dmOf(user string) string { return "D" + strings.TrimPrefix(user, "U") }

func (p *platform) Start(t testing.TB, e chat.Engine, obs chat.Observer, log *slog.Logger) func() error {
	p.tb, p.slack, p.now = t, MustFakeSlack(t), time.Now().Truncate(time.Second)
	a, err := New(Config{
		BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: p.slack.srv.URL + "/api/",
		HTTPClient: MustLoopbackClient(t), Logger: log, Observer: obs,
		Now:     func() time.Time { return p.now },
		Sleep:   func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		AckWait: 20 * time.Millisecond, DrainTimeout: 5 * time.Second,
	}, e)
	if err != nil {
		t.Fatal(err)
	}
	p.a = a
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

func (p *platform) post(t testing.TB, path, contentType, body string) {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	sign(r.Header, testSecret, p.now, body)
	w := httptest.NewRecorder()
	p.a.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("POST %s = %d", path, w.Code)
	}
}

func (p *platform) Send(t testing.TB, user, id, text string) {
	ev := map[string]any{"type": "message", "channel_type": "im", "channel": dmOf(user), "user": user,
		"text": escape(text), "ts": "1700000000.000100", "event_ts": "1700000000.000100"}
	p.post(t, "/slack/events", "application/json", callback(id, ev))
}

func (p *platform) Press(t testing.TB, user, id, payload string) {
	cb, _ := json.Marshal(map[string]any{
		"type": "block_actions", "api_app_id": testApp, "team": map[string]any{"id": testTeam},
		"user": map[string]any{"id": user}, "trigger_id": id,
		"container": map[string]any{"type": "message", "channel_id": dmOf(user), "message_ts": "1700000000.000300"},
		"channel":   map[string]any{"id": dmOf(user)},
		"actions":   []any{map[string]any{"action_id": "c1", "block_id": "choices1", "type": "button", "value": payload}},
	})
	p.post(t, "/slack/interactive", "application/x-www-form-urlencoded", url.Values{"payload": {string(cb)}}.Encode())
}

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func (p *platform) Replies(user string) []channeltest.Sent {
	var out []channeltest.Sent
	for _, c := range p.slack.of("chat.postMessage") {
		if c.field("channel") != dmOf(user) {
			continue
		}
		r := c.rendered(p.tb)
		s := channeltest.Sent{Text: unescape.Replace(strings.Join(r.Texts, "\n\n"))}
		for _, b := range r.Buttons {
			s.Choices = append(s.Choices, chat.Choice{Label: b.Label, Payload: b.Value, URL: b.URL})
		}
		out = append(out, s)
	}
	return out
}

func (p *platform) Block(user string) {
	p.slack.mu.Lock()
	defer p.slack.mu.Unlock()
	p.slack.refuse[dmOf(user)] = "user_disabled"
}
