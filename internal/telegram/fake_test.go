package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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
)

const (
	testToken    = "123456:TEST-token"
	testBotID    = 123456
	testUsername = "SalamaBot"
)

// fakeAPI is a Bot API server on loopback. It records every request, routes
// /bot<token>/<method>, serves queued updates to getUpdates like Telegram
// (an update stays until an offset above its id confirms it) and answers
// each method from a script of responses before falling back to success.
type fakeAPI struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	reqs    []fakeRequest
	scripts map[string][]fakeResponse
	refuse  map[string]fakeResponse // by chat_id: every sendMessage answered so
	updates []fakeUpdate
	nextID  int64
	msgID   int
	changed chan struct{} // closed and replaced on every change
}

type fakeRequest struct {
	Method string
	Form   map[string]string
	// OK is whether the fake answered success.
	OK bool
}

type fakeUpdate struct {
	id   int64
	body string
}

// fakeResponse is a scripted answer. Drop closes the connection instead.
type fakeResponse struct {
	Status int
	Body   string
	Drop   bool
}

func tooMany(retryAfter int) fakeResponse {
	return fakeResponse{Status: 429, Body: fmt.Sprintf(
		`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`,
		retryAfter, retryAfter)}
}

func serverError() fakeResponse {
	return fakeResponse{Status: 500, Body: `{"ok":false,"error_code":500,"description":"Internal Server Error"}`}
}

func blocked() fakeResponse {
	return fakeResponse{Status: 403, Body: `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`}
}

func dropConn() fakeResponse { return fakeResponse{Drop: true} }

func newFakeAPI(t testing.TB) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, scripts: map[string][]fakeResponse{}, refuse: map[string]fakeResponse{}, changed: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) URL() string { return f.srv.URL }

// script queues responses for method, used in order before the default.
func (f *fakeAPI) script(method string, rs ...fakeResponse) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[method] = append(f.scripts[method], rs...)
}

// refuseChat answers every later sendMessage to chatID with r.
func (f *fakeAPI) refuseChat(chatID string, r fakeResponse) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse[chatID] = r
}

// push queues an update; body is the update JSON without update_id. Like
// Telegram, it numbers messages: message_id 7 in a message built by
// message() becomes 6 + the update's id, so that the first message of a
// test is still 7 and no two share an id.
func (f *fakeAPI) push(body string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := f.nextID
	for _, kind := range []string{`{"message":`, `{"edited_message":`} {
		body = strings.Replace(body, kind+`{"message_id":7,`, kind+`{"message_id":`+strconv.FormatInt(6+id, 10)+`,`, 1)
	}
	f.updates = append(f.updates, fakeUpdate{id: id, body: `{"update_id":` + strconv.FormatInt(id, 10) + `,` + strings.TrimPrefix(body, "{")})
	f.notifyLocked()
	return id
}

func (f *fakeAPI) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+testToken+"/")
	if !ok {
		f.t.Errorf("request to unexpected path %q", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client gave up (shutdown)
	}
	form := map[string]string{}
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			f.t.Errorf("%s: bad form: %v", method, err)
		}
		for k, v := range r.Form {
			form[k] = v[0]
		}
	}

	f.mu.Lock()
	var resp fakeResponse
	scripted := len(f.scripts[method]) > 0
	if method == "getUpdates" && !scripted {
		f.mu.Unlock()
		f.getUpdates(w, r, form)
		return
	}
	switch {
	case scripted:
		resp = f.scripts[method][0]
		f.scripts[method] = f.scripts[method][1:]
	case method == "sendMessage" && f.refuse[form["chat_id"]].Status != 0:
		resp = f.refuse[form["chat_id"]]
	default:
		resp = fakeResponse{Status: 200, Body: f.okBodyLocked(method, form)}
	}
	f.reqs = append(f.reqs, fakeRequest{Method: method, Form: form, OK: resp.Status == 200 && !resp.Drop})
	f.notifyLocked()
	f.mu.Unlock()

	if resp.Drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
}

func (f *fakeAPI) okBodyLocked(method string, form map[string]string) string {
	switch method {
	case "getMe":
		return fmt.Sprintf(`{"ok":true,"result":{"id":%d,"is_bot":true,"first_name":"Salama","username":%q}}`, testBotID, testUsername)
	case "sendMessage":
		f.msgID++
		return fmt.Sprintf(`{"ok":true,"result":{"message_id":%d,"date":1,"chat":{"id":%s,"type":"private"},"text":"ok"}}`,
			f.msgID, form["chat_id"])
	}
	return `{"ok":true,"result":true}`
}

// getUpdates answers like Telegram: updates from offset on, waiting for one
// while the request's timeout is positive.
func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request, form map[string]string) {
	offset, _ := strconv.ParseInt(form["offset"], 10, 64)
	timeout, _ := strconv.Atoi(form["timeout"])
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		f.mu.Lock()
		f.updates = slices.DeleteFunc(f.updates, func(u fakeUpdate) bool { return u.id < offset })
		var bodies []string
		for _, u := range f.updates {
			bodies = append(bodies, u.body)
		}
		changed := f.changed
		if len(bodies) > 0 || timeout == 0 {
			f.reqs = append(f.reqs, fakeRequest{Method: "getUpdates", Form: form, OK: true})
			f.notifyLocked()
			f.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true,"result":[`+strings.Join(bodies, ",")+`]}`)
			return
		}
		f.mu.Unlock()
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-deadline:
			timeout = 0
		}
	}
}

// requests returns the recorded requests to method ("" for all).
func (f *fakeAPI) requests(method string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.reqs {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// delivered returns the texts of the messages sent successfully to chatID.
func (f *fakeAPI) delivered(chatID string) []string {
	var out []string
	for _, r := range f.requests("sendMessage") {
		if r.OK && r.Form["chat_id"] == chatID {
			out = append(out, r.Form["text"])
		}
	}
	return out
}

// waitFor waits until cond holds after some request, failing the test after
// a few seconds.
func (f *fakeAPI) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		f.mu.Lock()
		changed := f.changed
		f.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("timed out waiting for %s; requests: %v", what, f.methods())
		}
	}
}

func (f *fakeAPI) methods() []string {
	var out []string
	for _, r := range f.requests("") {
		out = append(out, r.Method)
	}
	return out
}

// loopbackOnly fails the test on any request that would leave the machine.
type loopbackOnly struct {
	t    testing.TB
	base http.RoundTripper
}

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		l.t.Errorf("request to non-loopback host %q", host)
		return nil, errors.New("test: non-loopback request refused")
	}
	return l.base.RoundTrip(r)
}

func testClient(t testing.TB) *http.Client {
	return &http.Client{Transport: loopbackOnly{t: t, base: http.DefaultTransport}, Timeout: 10 * time.Second}
}

// fakeEngine answers predictably: "menu" offers choices, "danger" is urgent
// and private, a payload or a file gets a fixed answer, anything else is
// echoed. Text starting with "slow" waits for gate.
type fakeEngine struct {
	gate chan struct{}

	mu      sync.Mutex
	msgs    []chat.Message
	optOuts []chat.User
	started chan struct{} // receives when Respond starts on "slow"
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 100)}
}

func (e *fakeEngine) Respond(ctx context.Context, m chat.Message) (chat.Reply, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	e.mu.Unlock()
	switch {
	case m.Payload != "":
		return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "pressed " + m.Payload}, nil
	case m.Media != chat.MediaNone:
		return chat.Reply{Kind: chat.KindMedia, Lang: "en", Text: "I do not open " + string(m.Media)}, nil
	case m.Text == "menu":
		return chat.Reply{Kind: chat.KindClarify, Lang: "en", Text: "Pick one <b>&",
			Choices: []chat.Choice{
				{Label: "Yes", Payload: "fb:yes"},
				{Label: "No", Payload: "fb:no"},
				{Label: "Helpline website", URL: "https://example.org/help?a=1&b=2"},
			}}, nil
	case m.Text == "danger":
		if m.Group {
			return chat.Reply{Kind: chat.KindUrgent, Lang: "en", Private: true, Text: "Let us talk in private."}, nil
		}
		return chat.Reply{Kind: chat.KindUrgent, Lang: "en", Private: true, Text: "Call 116 now."}, nil
	case m.Text == "long":
		para := strings.Repeat("word ", 500) // 2500 characters
		return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: para + "\n\n" + para + "\n\n" + para,
			Choices: []chat.Choice{{Label: "More", Payload: "more"}}}, nil
	case strings.HasPrefix(m.Text, "slow"):
		e.started <- struct{}{}
		select {
		case <-e.gate:
		case <-ctx.Done():
			return chat.Reply{}, ctx.Err()
		}
	}
	return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "echo: " + m.Text}, nil
}

// waitStarted waits until n engine calls on "slow" have started.
func (e *fakeEngine) waitStarted(t testing.TB, n int) {
	t.Helper()
	for range n {
		select {
		case <-e.started:
		case <-time.After(5 * time.Second):
			t.Fatal("timed out waiting for a slow engine call")
		}
	}
}

func (e *fakeEngine) OptOut(_ context.Context, u chat.User) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.optOuts = append(e.optOuts, u)
	return nil
}

func (e *fakeEngine) Commands(lang string) []chat.Command {
	return []chat.Command{{Name: "start", Description: "Start (" + lang + ")"}, {Name: "help", Description: "Help (" + lang + ")"}}
}

func (e *fakeEngine) Home(context.Context, chat.User, string) (chat.Reply, error) {
	return chat.Reply{}, nil
}

func (e *fakeEngine) Languages() []string { return []string{"en", "sw", "pt-BR"} }

func (e *fakeEngine) messages() []chat.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.msgs)
}

func (e *fakeEngine) optedOut() []chat.User {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.optOuts)
}

// scaledSleep waits a thousandth of what it is asked, so that a retry_after
// of one second takes a millisecond.
func scaledSleep(ctx context.Context, d time.Duration) error {
	return channel.Sleep(ctx, d/1000)
}
