package whatsapp

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/channel/channeltest"
	"github.com/salama-safety/salama/internal/chat"
)

func TestConformance(t *testing.T) { channeltest.Run(t, &platform{}) }

// platform drives the adapter for channeltest against the fake Graph API.
type platform struct {
	graph *fakeGraph
	a     *Adapter
}

func (p *platform) Name() chat.Platform { return chat.WhatsApp }
func (p *platform) Users() []string     { return []string{"254711000001", "254711000002"} }

func (p *platform) Start(t testing.TB, e chat.Engine, obs chat.Observer, log *slog.Logger) func() error {
	p.graph = newFakeGraph(t)
	a, err := New(Config{
		Token: testToken, PhoneNumberID: testPhoneID, AppSecret: testSecret, VerifyToken: testVerify,
		APIURL: p.graph.URL(), HTTPClient: loopbackClient(t), Logger: log, Observer: obs,
		AckWait: 20 * time.Millisecond, RetryBase: time.Millisecond,
		Queue: channel.Config{DrainTimeout: 5 * time.Second},
	}, e)
	if err != nil {
		t.Fatal(err)
	}
	p.a = a
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitUntil(t, "ready", a.Ready)
	return func() error {
		cancel()
		return <-done
	}
}

func (p *platform) deliver(t testing.TB, m map[string]any) {
	body := call([]map[string]any{m})
	r, _ := http.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	r.Header.Set("X-Hub-Signature-256", sign(body))
	w := newRecorder()
	p.a.Handler().ServeHTTP(w, r)
	if w.code != http.StatusOK {
		t.Fatalf("delivery: %d", w.code)
	}
}

func (p *platform) Send(t testing.TB, user, id, text string) {
	p.deliver(t, map[string]any{"from": user, "id": "wamid." + id, "timestamp": now(), "type": "text", "text": map[string]any{"body": text}})
}

func (p *platform) Press(t testing.TB, user, id, payload string) {
	p.deliver(t, map[string]any{"from": user, "id": "wamid." + id, "timestamp": now(), "type": "interactive",
		"interactive": map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": payload, "title": "x"}}})
}

// Replies reads back what the user would see: each message's text, its
// buttons or list rows, and the links written in the text.
func (p *platform) Replies(user string) []channeltest.Sent {
	var out []channeltest.Sent
	for _, m := range p.graph.to(user) {
		var s channeltest.Sent
		if m.Text != nil {
			s.Text = m.Text.Body
		} else {
			s.Text = m.Interactive.Body.Text
			for _, b := range m.Interactive.Action.Buttons {
				s.Choices = append(s.Choices, chat.Choice{Label: b.Reply.Title, Payload: b.Reply.ID})
			}
			for _, sec := range m.Interactive.Action.Sections {
				for _, r := range sec.Rows {
					label := r.Title
					if r.Description != "" {
						label = r.Description
					}
					s.Choices = append(s.Choices, chat.Choice{Label: label, Payload: r.ID})
				}
			}
		}
		for _, line := range strings.Split(s.Text, "\n") {
			if label, u, ok := strings.Cut(line, ": https://"); ok {
				s.Choices = append(s.Choices, chat.Choice{Label: label, URL: "https://" + u})
			}
		}
		out = append(out, s)
	}
	return out
}

func (p *platform) Block(user string) {
	p.graph.mu.Lock()
	defer p.graph.mu.Unlock()
	p.graph.refuse[user] = graphFailure(400, 131026)
}

// recorder is a minimal ResponseWriter (httptest's would do, but this one
// is safe to read while the handler may still write, as Await allows).
type recorder struct {
	h    http.Header
	code int
}

func newRecorder() *recorder { return &recorder{h: http.Header{}, code: http.StatusOK} }

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }

// now is a message's timestamp, as Meta writes it.
func now() string { return strconv.FormatInt(time.Now().Unix(), 10) }
