package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

// Test identities. The privacy check in newHarness fails a test whose logs
// contain any of them.
const (
	testSecret  = "8f742231b10e8888abcd99yyyzzz85a5"
	testUser    = "U0USER"
	testBot     = "U0BOT"
	testChannel = "C0CHAN"
	testDM      = "D0DM"
	testTeam    = "T0TEAM"
	testApp     = "A0APP"
	openedDM    = "D0OPENED" // the DM conversations.open returns
)

// ---- network guard ----

// loopbackOnly fails the test on any request that would leave the machine.
type loopbackOnly struct {
	tb   testing.TB
	base http.RoundTripper
}

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := checkLoopback(l.tb, r.URL.Host); err != nil {
		return nil, err
	}
	return l.base.RoundTrip(r)
}

func checkLoopback(tb testing.TB, hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		tb.Errorf("request to non-loopback address %q", host)
		return errors.New("test: non-loopback address refused")
	}
	return nil
}

// MustLoopbackClient returns an HTTP client that only reaches loopback.
func MustLoopbackClient(tb testing.TB) *http.Client {
	tb.Helper()
	return &http.Client{Transport: loopbackOnly{tb: tb, base: http.DefaultTransport.(*http.Transport).Clone()}}
}

// MustLoopbackDialer returns a WebSocket dialer that only reaches loopback.
func MustLoopbackDialer(tb testing.TB) *websocket.Dialer {
	tb.Helper()
	return &websocket.Dialer{
		HandshakeTimeout: 5 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := checkLoopback(tb, addr); err != nil {
				return nil, err
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}

// ---- fake Slack Web API ----

// call is one request the fake Slack received.
type call struct {
	Method string // Web API method, or "response_url"
	Header http.Header
	Form   url.Values
	JSON   map[string]any
}

// field returns a form value, or a top-level JSON string.
func (c call) field(name string) string {
	if v := c.Form.Get(name); v != "" {
		return v
	}
	if v, ok := c.JSON[name].(string); ok {
		return v
	}
	return ""
}

// blocks returns the message's blocks, from a form field or the JSON body.
func (c call) blocks(tb testing.TB) []map[string]any {
	tb.Helper()
	var raw any
	if s := c.Form.Get("blocks"); s != "" {
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			tb.Fatalf("blocks: %v", err)
		}
	} else if v, ok := c.JSON["blocks"]; ok {
		raw = v
	} else if view, ok := c.JSON["view"].(map[string]any); ok {
		raw = view["blocks"]
	}
	var out []map[string]any
	list, _ := raw.([]any)
	for _, b := range list {
		out = append(out, b.(map[string]any))
	}
	return out
}

type button struct{ ActionID, Label, Value, URL string }

// rendered is a message's blocks read back: section texts and buttons.
type rendered struct {
	Texts   []string
	Buttons []button
}

func (c call) rendered(tb testing.TB) rendered {
	tb.Helper()
	var r rendered
	for _, b := range c.blocks(tb) {
		switch b["type"] {
		case "section":
			r.Texts = append(r.Texts, b["text"].(map[string]any)["text"].(string))
		case "actions":
			for _, e := range b["elements"].([]any) {
				el := e.(map[string]any)
				s := func(k string) string { v, _ := el[k].(string); return v }
				r.Buttons = append(r.Buttons, button{
					ActionID: s("action_id"),
					Label:    el["text"].(map[string]any)["text"].(string),
					Value:    s("value"),
					URL:      s("url"),
				})
			}
		}
	}
	return r
}

// fakeSlack is a Web API on loopback that records every call. Scripted
// answers, per method, are used first; then a default success.
type fakeSlack struct {
	tb     testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []call
	script map[string][]http.HandlerFunc
	refuse map[string]string // channel → the error every chat.postMessage there gets
	locale string
	ws     http.HandlerFunc
}

func MustFakeSlack(tb testing.TB) *fakeSlack {
	tb.Helper()
	f := &fakeSlack{tb: tb, script: map[string][]http.HandlerFunc{}, refuse: map[string]string{}, locale: "es-ES"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// then queues an answer for the next call to method.
func (f *fakeSlack) then(method string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], h)
}

// responseURL is a response_url on the fake.
func (f *fakeSlack) responseURL() string { return f.srv.URL + "/response/1" }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" && f.ws != nil {
		f.ws(w, r)
		return
	}
	c := call{Header: r.Header.Clone()}
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		c.Method = strings.TrimPrefix(r.URL.Path, "/api/")
	case strings.HasPrefix(r.URL.Path, "/response/"):
		c.Method = "response_url"
	default:
		f.tb.Errorf("fake slack: unexpected path %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &c.JSON); err != nil {
				f.tb.Errorf("fake slack: %s: bad JSON: %v", c.Method, err)
			}
		}
	} else {
		c.Form, _ = url.ParseQuery(string(body))
		for k, v := range r.URL.Query() {
			c.Form[k] = v
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	var h http.HandlerFunc
	if q := f.script[c.Method]; len(q) > 0 {
		h, f.script[c.Method] = q[0], q[1:]
	} else if code := f.refuse[c.field("channel")]; code != "" && c.Method == "chat.postMessage" {
		h = slackError(code)
	}
	f.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	f.answer(w, c)
}

func (f *fakeSlack) answer(w http.ResponseWriter, c call) {
	var v any
	switch c.Method {
	case "chat.postMessage":
		v = map[string]any{"ok": true, "channel": c.field("channel"), "ts": "1700000099.000100"}
	case "conversations.open":
		v = map[string]any{"ok": true, "channel": map[string]any{"id": openedDM}}
	case "users.info":
		v = map[string]any{"ok": true, "user": map[string]any{"id": c.field("user"), "locale": f.locale}}
	case "views.publish":
		v = map[string]any{"ok": true, "view": map[string]any{"id": "V0VIEW", "type": "home"}}
	case "apps.connections.open":
		v = map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"}
	case "response_url":
		v = map[string]any{"ok": true}
	default:
		f.tb.Errorf("fake slack: unexpected method %s", c.Method)
		v = map[string]any{"ok": false, "error": "unknown_method"}
	}
	writeJSON(w, v)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// slackError answers like the Web API does for a failed call.
func slackError(code string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"ok": false, "error": code})
	}
}

// status answers with a bare HTTP status and headers.
func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
	}
}

// of returns the calls to method, in order.
func (f *fakeSlack) of(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// methods lists every call's method, in order.
func (f *fakeSlack) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Method)
	}
	return out
}

// sends returns the calls that deliver a reply, users.info and the like
// left out.
func (f *fakeSlack) sends() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		switch c.Method {
		case "chat.postMessage", "response_url", "views.publish", "conversations.open":
			out = append(out, c)
		}
	}
	return out
}

// ---- fake engine and observer ----

// fakeEngine answers by rule: "menu" offers two choices, "danger" is urgent
// and private, a payload is acknowledged, anything else is echoed.
type fakeEngine struct {
	mu      sync.Mutex
	msgs    []chat.Message
	homes   []string
	optOuts []chat.User
}

func (e *fakeEngine) Respond(_ context.Context, m chat.Message) (chat.Reply, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	e.mu.Unlock()
	switch {
	case m.Payload != "":
		return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "You chose " + m.Payload}, nil
	case m.Media != chat.MediaNone:
		return chat.Reply{Kind: chat.KindMedia, Lang: "en", Text: "I do not open files."}, nil
	case m.Text == "menu":
		return chat.Reply{Kind: chat.KindClarify, Lang: "en", Text: "Pick one", Choices: []chat.Choice{
			{Label: "Reporting", Payload: "faq:report"},
			{Label: "Helpline", URL: "https://example.org/help"},
		}}, nil
	case m.Text == "danger" && m.Group:
		return chat.Reply{Kind: chat.KindUrgent, Lang: "en", Private: true, Text: "Let's talk in private."}, nil
	case m.Text == "danger":
		return chat.Reply{Kind: chat.KindUrgent, Lang: "en", Private: true, Text: "Call 116 now."}, nil
	case m.Text == "/topics":
		return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "Topics"}, nil
	case m.Text == "/forget":
		return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "Deleted. Type /start to begin again, or /privacy."}, nil
	case m.Text == "vote":
		return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "Was this helpful?", Choices: []chat.Choice{
			{Label: "Tell me more", Payload: "more:x"},
			{Label: "Helpful", Payload: "yes:x", Vote: true},
			{Label: "Not helpful", Payload: "no:x", Vote: true},
		}}, nil
	}
	return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "echo: " + m.Text}, nil
}

func (e *fakeEngine) OptOut(_ context.Context, u chat.User) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.optOuts = append(e.optOuts, u)
	return nil
}

func (e *fakeEngine) Commands(string) []chat.Command {
	var out []chat.Command
	for _, n := range []string{"start", "topics", "helplines", "language", "country", "privacy", "forget", "help"} {
		out = append(out, chat.Command{Name: n, Description: n})
	}
	return out
}

func (e *fakeEngine) Home(_ context.Context, _ chat.User, hint string) (chat.Reply, error) {
	e.mu.Lock()
	e.homes = append(e.homes, hint)
	e.mu.Unlock()
	return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "Welcome <teachers> & staff",
		Choices: []chat.Choice{{Label: "Grooming", Payload: "topic:grooming"}}}, nil
}

func (e *fakeEngine) Languages() []string { return []string{"en", "es"} }

func (e *fakeEngine) messages() []chat.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]chat.Message(nil), e.msgs...)
}

// ---- harness ----

// harness is an adapter wired to fakes and running (Run) until stop.
type harness struct {
	a      *Adapter
	slack  *fakeSlack
	engine *fakeEngine
	obs    *chattest.Observer
	now    time.Time

	mu     sync.Mutex
	sleeps []time.Duration
	logs   *chattest.Buffer

	stopOnce sync.Once
	cancel   context.CancelFunc
	runErr   chan error
}

// MustHarness builds and runs an HTTP-mode adapter (edit cfg for others).
// Its cleanup stops it and fails the test if a log line carried an id or
// a message's text.
func MustHarness(tb testing.TB, edit ...func(*Config, *fakeSlack)) *harness {
	tb.Helper()
	h := &harness{
		slack:  MustFakeSlack(tb),
		engine: &fakeEngine{},
		obs:    &chattest.Observer{},
		now:    time.Now().Truncate(time.Second),
		logs:   &chattest.Buffer{},
	}
	cfg := Config{
		BotToken:      "xoxb-test",
		SigningSecret: testSecret,
		APIURL:        h.slack.srv.URL + "/api", // no trailing slash on purpose
		HTTPClient:    MustLoopbackClient(tb),
		Logger:        slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observer:      h.obs,
		Now:           func() time.Time { return h.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.sleeps = append(h.sleeps, d)
			return ctx.Err()
		},
		DrainTimeout: 5 * time.Second,
	}
	for _, e := range edit {
		e(&cfg, h.slack)
	}
	a, err := New(cfg, h.engine)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	h.a = a
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.runErr = make(chan error, 1)
	go func() { h.runErr <- a.Run(ctx) }()
	tb.Cleanup(func() {
		h.stop(tb)
		logs := h.logs.String()
		for _, secret := range []string{testUser, testChannel, testDM, testTeam, openedDM, "echo:", "how do I", "menu", "danger"} {
			if strings.Contains(logs, secret) {
				tb.Errorf("logs contain %q:\n%s", secret, logs)
			}
		}
	})
	return h
}

// stop ends Run and waits for the replies in flight: after it, every call
// the adapter makes has been recorded.
func (h *harness) stop(tb testing.TB) {
	tb.Helper()
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case err := <-h.runErr:
			if err != nil {
				tb.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Fatalf("Run did not return")
		}
	})
}

func (h *harness) sleepsSoFar() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// post sends a request signed at the harness's now.
func (h *harness) post(tb testing.TB, path, contentType, body string, headers ...string) *httptest.ResponseRecorder {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	sign(r.Header, testSecret, h.now, body)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.a.Handler().ServeHTTP(w, r)
	return w
}

func (h *harness) event(tb testing.TB, body string, headers ...string) {
	tb.Helper()
	if w := h.post(tb, "/slack/events", "application/json", body, headers...); w.Code != http.StatusOK {
		tb.Fatalf("POST /slack/events = %d %q, want 200", w.Code, w.Body.String())
	}
}

func (h *harness) form(tb testing.TB, path string, form url.Values) {
	tb.Helper()
	if w := h.post(tb, path, "application/x-www-form-urlencoded", form.Encode()); w.Code != http.StatusOK {
		tb.Fatalf("POST %s = %d %q, want 200", path, w.Code, w.Body.String())
	}
}

// sign sets Slack's v0 signature headers.
func sign(h http.Header, secret string, at time.Time, body string) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// callback wraps an inner event the way the Events API delivers it.
func callback(eventID string, inner map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"token":      "legacy",
		"team_id":    testTeam,
		"api_app_id": testApp,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": 1700000000,
		"event":      inner,
		"authorizations": []map[string]any{
			{"team_id": testTeam, "user_id": testBot, "is_bot": true},
		},
	})
	return string(b)
}

func dm(text string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "channel": testDM, "user": testUser,
		"text": text, "ts": "1700000000.000100", "event_ts": "1700000000.000100"}
}
