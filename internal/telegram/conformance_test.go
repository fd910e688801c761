package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel/channeltest"
	"github.com/salama-safety/salama/internal/chat"
)

// The adapter keeps the channel contract in both modes.
func TestConformance(t *testing.T) {
	t.Run("polling", func(t *testing.T) { channeltest.Run(t, &platform{}) })
	t.Run("webhook", func(t *testing.T) { channeltest.Run(t, &platform{webhook: true}) })
}

// platform drives the adapter for channeltest against the fake Bot API.
type platform struct {
	webhook bool

	api  *fakeAPI
	a    *Adapter
	hook *httptest.Server
	wg   sync.WaitGroup
}

func (p *platform) Name() chat.Platform { return chat.Telegram }
func (p *platform) Users() []string     { return []string{"987654321", "987654322"} }

func (p *platform) Start(t testing.TB, e chat.Engine, obs chat.Observer, log *slog.Logger) func() error {
	p.api = newFakeAPI(t)
	cfg := Config{
		Token: testToken, APIURL: p.api.URL(), HTTPClient: testClient(t), Logger: log, Observer: obs,
		PollTimeout: 2 * time.Second, ChatInterval: time.Millisecond, GroupInterval: time.Millisecond,
		GlobalRate: 100000, RetryBase: time.Millisecond, DrainTimeout: 5 * time.Second,
		Sleep: scaledSleep,
	}
	if p.webhook {
		cfg.WebhookURL, cfg.WebhookSecret = "https://bot.example.org/telegram", "conformance-secret"
	}
	a, err := New(cfg, e)
	if err != nil {
		t.Fatal(err)
	}
	p.a = a
	if p.webhook {
		p.hook = httptest.NewServer(a.Handler())
		t.Cleanup(p.hook.Close)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitUntil(t, "adapter ready", a.Ready)
	return func() error {
		cancel()
		err := <-done
		p.wg.Wait()
		return err
	}
}

// messageID gives each test's update id a message id of its own.
func messageID(id string) int64 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int64(h.Sum32()%1_000_000) + 1000
}

func (p *platform) deliver(t testing.TB, jobID, body string) {
	if !p.webhook {
		p.api.push(body)
		return
	}
	// Telegram's webhook answers once the reply is sent: post it aside,
	// and return once the adapter has taken it.
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		req, _ := http.NewRequest(http.MethodPost, p.hook.URL, strings.NewReader(`{"update_id":1,`+strings.TrimPrefix(body, "{")))
		req.Header.Set(secretHeader, "conformance-secret")
		if resp, err := testClient(t).Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitUntil(t, "update taken", func() bool { return p.a.work.Seen(jobID) })
}

func (p *platform) Send(t testing.TB, user, id, text string) {
	var uid int64
	fmt.Sscan(user, &uid)
	mid := messageID(id)
	body := fmt.Sprintf(`{"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},`+
		`"from":{"id":%d,"is_bot":false,"first_name":"A"},"text":%s}}`, mid, uid, uid, jsonString(text))
	p.deliver(t, fmt.Sprintf("m:%d:%d", uid, mid), body)
}

func (p *platform) Press(t testing.TB, user, id, payload string) {
	var uid int64
	fmt.Sscan(user, &uid)
	body := fmt.Sprintf(`{"callback_query":{"id":%q,"chat_instance":"x","data":%q,`+
		`"from":{"id":%d,"is_bot":false,"first_name":"A"},`+
		`"message":{"message_id":9,"date":1,"chat":{"id":%d,"type":"private"},"text":"Pick one"}}}`,
		id, payload, uid, uid)
	p.deliver(t, "q:"+id, body)
}

func (p *platform) Replies(user string) []channeltest.Sent {
	var out []channeltest.Sent
	for _, r := range p.api.requests("sendMessage") {
		if !r.OK || r.Form["chat_id"] != user {
			continue
		}
		s := channeltest.Sent{Text: html.UnescapeString(r.Form["text"])}
		var kb inlineKeyboard
		if m := r.Form["reply_markup"]; m != "" {
			_ = json.Unmarshal([]byte(m), &kb)
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				s.Choices = append(s.Choices, chat.Choice{Label: b.Text, Payload: b.CallbackData, URL: b.URL})
			}
		}
		out = append(out, s)
	}
	return out
}

func (p *platform) Block(user string) { p.api.refuseChat(user, blocked()) }
