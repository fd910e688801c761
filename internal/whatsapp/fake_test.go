package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

const (
	testToken   = "EAAG-test-token"
	testPhoneID = "1555000111"
	testSecret  = "app-secret-for-tests"
	testVerify  = "verify-me-please"
	alice       = "254700000001" // phone numbers are user ids: never logged
	bob         = "254700000002"
)

// fakeGraph is the Graph API on loopback: it records every request to
// /{phone-number-id}/messages and answers from a script, per recipient,
// before falling back to success.
type fakeGraph struct {
	tb  testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	sent    []outMessage          // messages, in order
	reads   []string              // read receipts (message ids)
	script  map[string][]response // by recipient ("" for any)
	refuse  map[string]response   // every message to a recipient
	checks  int                   // GET of the phone number
	authBad bool                  // every request refused as a bad token
	auth    []string
}

type response struct {
	status int
	body   string
}

func graphFailure(status, code int) response {
	return response{status, fmt.Sprintf(`{"error":{"message":"x","type":"OAuthException","code":%d,"fbtrace_id":"A"}}`, code)}
}

func newFakeGraph(tb testing.TB) *fakeGraph {
	tb.Helper()
	f := &fakeGraph{tb: tb, script: map[string][]response{}, refuse: map[string]response{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGraph) URL() string { return f.srv.URL + "/v21.0" }

func (f *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	w.Header().Set("Content-Type", "application/json")
	if f.authBad {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, graphFailure(401, 190).body)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v21.0/"+testPhoneID:
		f.checks++
		fmt.Fprintf(w, `{"id":%q}`, testPhoneID)
		return
	case r.Method == http.MethodPost && r.URL.Path == "/v21.0/"+testPhoneID+"/messages":
	default:
		f.tb.Errorf("fake graph: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	var m outMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		f.tb.Errorf("fake graph: bad body: %v", err)
	}
	if m.Status == "read" {
		f.reads = append(f.reads, m.MessageID)
		io.WriteString(w, `{"success":true}`)
		return
	}
	resp := response{200, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.out"}]}`}
	if q := f.script[m.To]; len(q) > 0 {
		resp, f.script[m.To] = q[0], q[1:]
	} else if rf, ok := f.refuse[m.To]; ok {
		resp = rf
	}
	if resp.status == 200 {
		f.sent = append(f.sent, m)
	}
	w.WriteHeader(resp.status)
	io.WriteString(w, resp.body)
}

func (f *fakeGraph) then(to string, rs ...response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[to] = append(f.script[to], rs...)
}

// to returns the messages sent to a recipient.
func (f *fakeGraph) to(who string) []outMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []outMessage
	for _, m := range f.sent {
		if m.To == who {
			out = append(out, m)
		}
	}
	return out
}

func (f *fakeGraph) readReceipts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reads...)
}

func loopbackClient(tb testing.TB) *http.Client { return chattest.LoopbackClient(tb) }

// harness is an adapter running against the fake Graph API.
type harness struct {
	graph *fakeGraph
	a     *Adapter
	obs   *chattest.Observer
	logs  *chattest.Buffer
	eng   chat.Engine

	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
	sleeps *sleeps
}

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return channel.Sleep(ctx, d/1000)
}

// mustStart runs an adapter for engine against a fake Graph API and waits
// until it is ready. It is stopped when the test ends; the logs must then
// hold no phone number, no text.
func mustStart(tb testing.TB, eng chat.Engine, edit func(*Config)) *harness {
	tb.Helper()
	h := &harness{graph: newFakeGraph(tb), obs: &chattest.Observer{}, logs: &chattest.Buffer{}, eng: eng, sleeps: &sleeps{}}
	cfg := Config{
		Token: testToken, PhoneNumberID: testPhoneID, AppSecret: testSecret, VerifyToken: testVerify,
		APIURL: h.graph.URL(), HTTPClient: loopbackClient(tb), Observer: h.obs,
		Logger:  slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AckWait: 5 * time.Second, RetryBase: time.Millisecond, Sleep: h.sleeps.sleep,
		Queue: channel.Config{DrainTimeout: 5 * time.Second},
	}
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg, eng)
	if err != nil {
		tb.Fatal(err)
	}
	h.a = a
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- a.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for !a.Ready() {
		select {
		case err := <-h.done:
			tb.Fatalf("Run returned at start: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatal("adapter never ready")
		}
		time.Sleep(time.Millisecond)
	}
	tb.Cleanup(func() {
		h.stop(tb)
		logs := h.logs.String()
		for _, secret := range []string{alice, bob, "Amina", testToken, testSecret, "echo:", "my secret words"} {
			if strings.Contains(logs, secret) {
				tb.Errorf("logs contain %q:\n%s", secret, logs)
			}
		}
	})
	return h
}

func (h *harness) stop(tb testing.TB) error {
	tb.Helper()
	h.once.Do(func() {
		h.cancel()
		select {
		case h.err = <-h.done:
		case <-time.After(10 * time.Second):
			tb.Fatal("Run did not return")
		}
	})
	return h.err
}

// sign is X-Hub-Signature-256 of body under the app secret.
func sign(body string) string {
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// post delivers a webhook call, signed unless sig is given.
func (h *harness) post(tb testing.TB, body string, sig ...string) *httptest.ResponseRecorder {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if len(sig) > 0 {
		if sig[0] != "" {
			r.Header.Set("X-Hub-Signature-256", sig[0])
		}
	} else {
		r.Header.Set("X-Hub-Signature-256", sign(body))
	}
	w := httptest.NewRecorder()
	h.a.Handler().ServeHTTP(w, r)
	return w
}

// call wraps messages and statuses in a delivery, as Meta sends them (with
// the sender's profile name, which must never be read).
func call(messages []map[string]any, statuses ...map[string]any) string {
	value := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]any{"display_phone_number": "15550001111", "phone_number_id": testPhoneID},
		"contacts":          []any{map[string]any{"profile": map[string]any{"name": "Amina"}, "wa_id": alice}},
	}
	if messages != nil {
		value["messages"] = messages
	}
	if statuses != nil {
		value["statuses"] = statuses
	}
	b, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{
		map[string]any{"id": "WABA", "changes": []any{map[string]any{"field": "messages", "value": value}}},
	}})
	return string(b)
}

var msgSeq int

// text is an inbound text message.
func text(from, body string) map[string]any {
	msgSeq++
	return map[string]any{"from": from, "id": fmt.Sprintf("wamid.in%d", msgSeq), "timestamp": fmt.Sprint(time.Now().Unix()),
		"type": "text", "text": map[string]any{"body": body}}
}

// echoEngine answers like the Telegram tests' engine.
type echoEngine struct {
	mu      sync.Mutex
	msgs    []chat.Message
	optOuts []chat.User
	reply   func(chat.Message) (chat.Reply, bool)
}

func (e *echoEngine) Respond(_ context.Context, m chat.Message) (chat.Reply, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	e.mu.Unlock()
	if e.reply != nil {
		if r, ok := e.reply(m); ok {
			return r, nil
		}
	}
	switch {
	case m.Payload != "":
		return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "pressed " + m.Payload}, nil
	case m.Media != chat.MediaNone:
		return chat.Reply{Kind: chat.KindMedia, Lang: "en", Text: "I only read text (" + string(m.Media) + ")"}, nil
	}
	return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "echo: " + m.Text}, nil
}

func (e *echoEngine) OptOut(_ context.Context, u chat.User) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.optOuts = append(e.optOuts, u)
	return nil
}

func (e *echoEngine) Commands(string) []chat.Command { return nil }
func (e *echoEngine) Home(context.Context, chat.User, string) (chat.Reply, error) {
	return chat.Reply{}, nil
}
func (e *echoEngine) Languages() []string { return []string{"en"} }

func (e *echoEngine) messages() []chat.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]chat.Message(nil), e.msgs...)
}

func (e *echoEngine) optedOut() []chat.User {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]chat.User(nil), e.optOuts...)
}

func waitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	chattest.WaitUntil(tb, what, cond)
}
