package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

func TestNew(t *testing.T) {
	full := Config{Token: "t", PhoneNumberID: "1", AppSecret: "s", VerifyToken: "v"}
	if _, err := New(full, &echoEngine{}); err != nil {
		t.Errorf("New: %v", err)
	}
	for _, drop := range []func(*Config){
		func(c *Config) { c.Token = "" }, func(c *Config) { c.PhoneNumberID = "" },
		func(c *Config) { c.AppSecret = "" }, func(c *Config) { c.VerifyToken = "" },
	} {
		c := full
		drop(&c)
		if _, err := New(c, &echoEngine{}); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
	if _, err := New(full, nil); err == nil {
		t.Error("New with a nil engine: no error")
	}
}

func TestHandshake(t *testing.T) {
	h := mustStart(t, &echoEngine{}, nil)
	for _, tt := range []struct {
		name  string
		query url.Values
		code  int
		body  string
	}{
		{"good", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerify}, "hub.challenge": {"1158201444"}}, 200, "1158201444"},
		{"wrong token", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"nope"}, "hub.challenge": {"1"}}, 403, ""},
		{"no token", url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1"}}, 403, ""},
		{"wrong mode", url.Values{"hub.mode": {"unsubscribe"}, "hub.verify_token": {testVerify}, "hub.challenge": {"1"}}, 403, ""},
	} {
		w := httptest.NewRecorder()
		h.a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, Path+"?"+tt.query.Encode(), nil))
		if w.Code != tt.code || tt.code == 200 && w.Body.String() != tt.body {
			t.Errorf("%s: %d %q, want %d %q", tt.name, w.Code, w.Body.String(), tt.code, tt.body)
		}
	}
}

func TestSignatures(t *testing.T) {
	h := mustStart(t, &echoEngine{}, nil)
	body := call([]map[string]any{text(alice, "hello")})
	changed := strings.Replace(body, "hello", "hellp", 1)
	for _, tt := range []struct {
		name, body, sig string
		want            int
	}{
		{"missing", body, "", http.StatusUnauthorized},
		{"forged", body, "sha256=" + strings.Repeat("ab", 32), http.StatusUnauthorized},
		{"malformed", body, "sha256=xyz", http.StatusUnauthorized},
		{"sha1", body, "sha1=" + strings.Repeat("a", 40), http.StatusUnauthorized},
		{"body changed by one byte", changed, sign(body), http.StatusUnauthorized},
		{"good", body, sign(body), http.StatusOK},
	} {
		if w := h.post(t, tt.body, tt.sig); w.Code != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, w.Code, tt.want)
		}
	}
	if n := len(h.graph.to(alice)); n != 1 {
		t.Errorf("%d replies, want 1 (only the good delivery)", n)
	}
	// A request refused for its signature is refused before its body is
	// read.
	wb := &watched{r: strings.NewReader(body)}
	r := httptest.NewRequest(http.MethodPost, Path, wb)
	r.Header.Set("X-Hub-Signature-256", "sha256=nothex")
	w := httptest.NewRecorder()
	h.a.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusUnauthorized || wb.read {
		t.Errorf("malformed signature: %d, body read %v", w.Code, wb.read)
	}
}

type watched struct {
	r    *strings.Reader
	read bool
}

func (w *watched) Read(p []byte) (int, error) { w.read = true; return w.r.Read(p) }

func TestTextRepliesAndReadReceipts(t *testing.T) {
	eng := &echoEngine{}
	h := mustStart(t, eng, nil)
	m := text(alice, "hello <there> & more")
	if w := h.post(t, call([]map[string]any{m})); w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	// Answered before the 200: the reply is already sent.
	got := h.graph.to(alice)
	if len(got) != 1 || got[0].Type != "text" || got[0].Text.Body != "echo: hello <there> & more" || got[0].Recipient != "individual" || got[0].Text.PreviewURL {
		t.Fatalf("sent %+v", got)
	}
	msgs := eng.messages()
	want := chat.Message{User: chat.User{Platform: chat.WhatsApp, ID: alice}, Chat: alice, Text: "hello <there> & more"}
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("engine got %+v, want %+v", msgs, want)
	}
	waitUntil(t, "read receipt", func() bool { return len(h.graph.readReceipts()) == 1 })
	if got := h.graph.readReceipts(); got[0] != m["id"] {
		t.Errorf("read receipt for %q, want %q", got[0], m["id"])
	}
	for _, a := range h.graph.auth {
		if a != "Bearer "+testToken {
			t.Errorf("Authorization %q", a)
		}
	}
}

func TestDuplicatesAnsweredOnce(t *testing.T) {
	eng := &echoEngine{}
	h := mustStart(t, eng, nil)
	body := call([]map[string]any{text(alice, "once")})
	for range 3 {
		if w := h.post(t, body); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	if n := len(eng.messages()); n != 1 {
		t.Errorf("engine asked %d times, want 1", n)
	}
	if n := len(h.graph.to(alice)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestInteractiveRepliesAreChoices(t *testing.T) {
	eng := &echoEngine{}
	h := mustStart(t, eng, nil)
	msgSeq++
	button := map[string]any{"from": alice, "id": fmt.Sprint("wamid.b", msgSeq), "timestamp": "1", "type": "interactive",
		"interactive": map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": "faq:grooming.what", "title": "What is it"}}}
	list := map[string]any{"from": alice, "id": fmt.Sprint("wamid.l", msgSeq), "timestamp": "1", "type": "interactive",
		"interactive": map[string]any{"type": "list_reply", "list_reply": map[string]any{"id": "topic:grooming", "title": "Grooming"}}}
	quick := map[string]any{"from": alice, "id": fmt.Sprint("wamid.q", msgSeq), "timestamp": "1", "type": "button",
		"button": map[string]any{"payload": "menu:topics", "text": "Topics"}}
	h.post(t, call([]map[string]any{button, list, quick}))
	var payloads []string
	for _, m := range eng.messages() {
		payloads = append(payloads, m.Payload)
	}
	if want := []string{"faq:grooming.what", "topic:grooming", "menu:topics"}; !slices.Equal(payloads, want) {
		t.Errorf("payloads %q, want %q", payloads, want)
	}
}

func TestMediaCaptionsAndOtherTypes(t *testing.T) {
	eng := &echoEngine{}
	h := mustStart(t, eng, nil)
	kinds := map[string]chat.Media{"image": chat.MediaPhoto, "video": chat.MediaVideo, "audio": chat.MediaVoice,
		"document": chat.MediaDocument, "sticker": chat.MediaSticker, "location": chat.MediaOther, "contacts": chat.MediaOther}
	var ms []map[string]any
	for typ := range kinds {
		msgSeq++
		m := map[string]any{"from": alice, "id": fmt.Sprint("wamid.m", msgSeq), "timestamp": "1", "type": typ}
		switch typ {
		case "location":
			m[typ] = map[string]any{"latitude": 1.0, "longitude": 2.0}
		case "contacts":
			m[typ] = []any{map[string]any{"name": map[string]any{"formatted_name": "X"}}}
		default:
			m[typ] = map[string]any{"id": "MEDIA-ID", "mime_type": "x/y", "caption": "look at " + typ}
		}
		ms = append(ms, m)
	}
	msgSeq++
	ms = append(ms, map[string]any{"from": alice, "id": fmt.Sprint("wamid.r", msgSeq), "timestamp": "1", "type": "reaction",
		"reaction": map[string]any{"message_id": "wamid.out", "emoji": "👍"}})
	h.post(t, call(ms))
	got := map[chat.Media]int{}
	for _, m := range eng.messages() {
		got[m.Media]++
		if m.Media != chat.MediaOther && m.Text != "look at "+typeOf(kinds, m.Media) && m.Media != chat.MediaPhoto {
			t.Errorf("%s: caption %q", m.Media, m.Text)
		}
	}
	if len(eng.messages()) != len(kinds) {
		t.Errorf("engine got %d messages, want %d (the reaction is not answered)", len(eng.messages()), len(kinds))
	}
	if got[chat.MediaOther] != 2 {
		t.Errorf("location and contacts: %d, want 2 as MediaOther", got[chat.MediaOther])
	}
	if h.graph.checks != 1 {
		t.Errorf("the token was checked %d times", h.graph.checks)
	}
}

func typeOf(kinds map[string]chat.Media, m chat.Media) string {
	for t, k := range kinds {
		if k == m {
			return t
		}
	}
	return ""
}

func TestStatusesCountedNeverAnswered(t *testing.T) {
	eng := &echoEngine{}
	h := mustStart(t, eng, nil)
	st := func(s string, codes ...int) map[string]any {
		m := map[string]any{"id": "wamid.out" + s, "status": s, "timestamp": "1", "recipient_id": bob}
		var errs []any
		for _, c := range codes {
			errs = append(errs, map[string]any{"code": c, "title": "x"})
		}
		if errs != nil {
			m["errors"] = errs
		}
		return m
	}
	h.post(t, call(nil, st("sent"), st("delivered"), st("read"), st("failed", 131026)))
	waitUntil(t, "the opt-out", func() bool { return len(eng.optedOut()) == 1 })
	if got := h.obs.Events(); !slices.Equal(got, []string{"status_sent", "status_delivered", "status_read", "status_failed"}) {
		t.Errorf("events %v", got)
	}
	if n := len(eng.messages()); n != 0 {
		t.Errorf("engine asked %d times for statuses", n)
	}
	if got := eng.optedOut(); got[0] != (chat.User{Platform: chat.WhatsApp, ID: bob}) {
		t.Errorf("opted out %v", got)
	}
}

func TestRateLimitsWaitAndRetry(t *testing.T) {
	h := mustStart(t, &echoEngine{}, nil)
	h.graph.then(alice, graphFailure(400, 131056), graphFailure(400, 130429), graphFailure(429, 4))
	h.post(t, call([]map[string]any{text(alice, "hi")}))
	if n := len(h.graph.to(alice)); n != 1 {
		t.Fatalf("%d replies after three rate limits, want 1", n)
	}
	if got := h.obs.RateLimitWaits(); !slices.Equal(got, []time.Duration{6 * time.Second, time.Second, 30 * time.Second}) {
		t.Errorf("waits %v", got)
	}
	if errs := h.obs.SendErrors(); len(errs) != 0 {
		t.Errorf("send errors %v", errs)
	}
}

func TestSendErrors(t *testing.T) {
	for _, tt := range []struct {
		name    string
		resp    response
		outcome string
		optOut  bool
	}{
		{"blocked the number", graphFailure(400, 131026), "blocked", true},
		{"past the 24-hour window", graphFailure(400, 131047), "expired", false},
		{"bad parameter", graphFailure(400, 100), "bad_request", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			eng := &echoEngine{}
			h := mustStart(t, eng, nil)
			h.graph.refuse[alice] = tt.resp
			h.post(t, call([]map[string]any{text(alice, "hi")}))
			waitUntil(t, "the outcome", func() bool { return len(h.obs.SendErrors()) == 1 })
			if got := h.obs.SendErrors(); got[0] != tt.outcome {
				t.Errorf("outcome %v, want %s", got, tt.outcome)
			}
			if got := len(eng.optedOut()) == 1; got != tt.optOut {
				t.Errorf("opted out: %v, want %v", got, tt.optOut)
			}
		})
	}
}

// A token error stops the channel: logged at error, Health says so, Run
// returns an Unauthorized error; at start, Run refuses at once.
func TestTokenErrors(t *testing.T) {
	h := mustStart(t, &echoEngine{}, nil)
	h.graph.then(alice, graphFailure(401, 190))
	h.post(t, call([]map[string]any{text(alice, "hi")}))
	select {
	case err := <-h.done:
		if channel.OutcomeOf(err) != channel.Unauthorized || channel.CodeOf(err) != "190" {
			t.Errorf("Run = %v", err)
		}
		h.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("Run kept going with a refused token")
	}
	if hl := h.a.Health(); hl.State != channel.Failed || hl.Reason != "190" {
		t.Errorf("Health %+v", hl)
	}
	if !strings.Contains(h.logs.String(), "level=ERROR") {
		t.Errorf("not logged at error:\n%s", h.logs.String())
	}

	g := newFakeGraph(t)
	g.authBad = true
	a, err := New(Config{Token: "t", PhoneNumberID: testPhoneID, AppSecret: "s", VerifyToken: "v", APIURL: g.URL(),
		HTTPClient: loopbackClient(t), Logger: slog.New(slog.DiscardHandler)}, &echoEngine{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(t.Context()); channel.OutcomeOf(err) != channel.Unauthorized {
		t.Errorf("Run with a bad token = %v", err)
	}
}

func TestWindowExpired(t *testing.T) {
	h := mustStart(t, &echoEngine{}, nil)
	m := text(alice, "an old message")
	m["timestamp"] = fmt.Sprint(time.Now().Add(-25 * time.Hour).Unix())
	h.post(t, call([]map[string]any{m}))
	waitUntil(t, "the outcome", func() bool { return len(h.obs.SendErrors()) == 1 })
	if got := h.obs.SendErrors(); got[0] != "expired" || len(h.graph.to(alice)) != 0 {
		t.Errorf("errors %v, sent %d: want expired and nothing attempted", got, len(h.graph.to(alice)))
	}
}

func TestRefusedWhenFull(t *testing.T) {
	gate := make(chan struct{})
	eng := &echoEngine{reply: func(m chat.Message) (chat.Reply, bool) {
		if m.Text == "slow" {
			<-gate
		}
		return chat.Reply{}, false
	}}
	h := mustStart(t, eng, func(c *Config) {
		c.AckWait = 10 * time.Millisecond
		c.Queue = channel.Config{PerConversation: 1, DrainTimeout: 5 * time.Second}
	})
	if w := h.post(t, call([]map[string]any{text(alice, "slow")})); w.Code != http.StatusOK {
		t.Fatalf("first: %d", w.Code)
	}
	if w := h.post(t, call([]map[string]any{text(alice, "more")})); w.Code != http.StatusTooManyRequests {
		t.Errorf("past the conversation's bound: %d, want 429", w.Code)
	}
	close(gate)
}

func TestRender(t *testing.T) {
	choices := func(n int, label string) []chat.Choice {
		var out []chat.Choice
		for i := range n {
			out = append(out, chat.Choice{Label: fmt.Sprintf(label, i), Payload: fmt.Sprint("p:", i)})
		}
		return out
	}
	long := strings.Repeat("word ", 1000) // 5,000 characters
	for _, tt := range []struct {
		name     string
		r        chat.Reply
		types    []string
		ixType   string
		numbered bool
	}{
		{"text", chat.Reply{Text: "hi"}, []string{"text"}, "", false},
		{"long text", chat.Reply{Text: long}, []string{"text", "text"}, "", false},
		{"buttons", chat.Reply{Text: "pick", Choices: choices(3, "Yes %d")}, []string{"interactive"}, "button", false},
		{"long labels make a list", chat.Reply{Text: "pick", Choices: choices(2, "A label far too long for a button %d")}, []string{"interactive"}, "list", false},
		{"list", chat.Reply{Text: "pick", Choices: choices(10, "Topic %d")}, []string{"interactive"}, "list", false},
		{"numbered", chat.Reply{Text: "pick", Choices: choices(12, "Language %d")}, []string{"text"}, "", true},
		{"long text before buttons", chat.Reply{Text: long, Choices: choices(2, "Ok %d")}, []string{"text", "interactive"}, "button", false},
		{"text over the body's limit", chat.Reply{Text: strings.Repeat("word ", 300), Choices: choices(2, "Ok %d")}, []string{"text", "interactive"}, "button", false},
		{"link in the text", chat.Reply{Text: "see", Choices: []chat.Choice{{Label: "Site", URL: "https://example.org"}}}, []string{"text"}, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := render(alice, tt.r, "Choose")
			var types []string
			for _, m := range out.messages {
				types = append(types, m.Type)
				checkLimits(t, m)
			}
			if !slices.Equal(types, tt.types) {
				t.Errorf("types %v, want %v", types, tt.types)
			}
			last := out.messages[len(out.messages)-1]
			if tt.ixType != "" && (last.Interactive == nil || last.Interactive.Type != tt.ixType) {
				t.Errorf("last %+v, want an interactive %s", last, tt.ixType)
			}
			if (out.numbered != nil) != tt.numbered {
				t.Errorf("numbered %v, want %v", out.numbered != nil, tt.numbered)
			}
			var words int
			for _, m := range out.messages {
				if m.Text != nil {
					words += len(strings.Fields(m.Text.Body))
				} else {
					words += len(strings.Fields(m.Interactive.Body.Text))
				}
			}
			if want := len(strings.Fields(tt.r.Text)); words < want {
				t.Errorf("%d words sent of %d", words, want)
			}
			if tt.name == "link in the text" && !strings.Contains(last.Text.Body, "Site: https://example.org") {
				t.Errorf("the link is not in the text: %q", last.Text.Body)
			}
		})
	}
}

// checkLimits fails the test on any field over the Cloud API's limits, or
// a blank label.
func checkLimits(t *testing.T, m outMessage) {
	t.Helper()
	n := channel.Runes.Len
	if m.Text != nil && (n(m.Text.Body) > maxText || strings.TrimSpace(m.Text.Body) == "") {
		t.Errorf("text of %d characters", n(m.Text.Body))
	}
	ix := m.Interactive
	if ix == nil {
		return
	}
	if b := ix.Body.Text; n(b) > maxBody || strings.TrimSpace(b) == "" {
		t.Errorf("body of %d characters", n(b))
	}
	if len(ix.Action.Buttons) > maxButtons {
		t.Errorf("%d buttons", len(ix.Action.Buttons))
	}
	for _, b := range ix.Action.Buttons {
		if title := b.Reply.Title; n(title) > maxButtonTitle || strings.TrimSpace(title) == "" || len(b.Reply.ID) > maxButtonID {
			t.Errorf("button %+v", b)
		}
	}
	if ix.Type == "list" && (n(ix.Action.Button) > maxListButton || strings.TrimSpace(ix.Action.Button) == "") {
		t.Errorf("list button %q", ix.Action.Button)
	}
	rows := 0
	for _, s := range ix.Action.Sections {
		for _, r := range s.Rows {
			rows++
			if n(r.Title) > maxRowTitle || strings.TrimSpace(r.Title) == "" || n(r.Description) > maxRowDesc || len(r.ID) > maxRowID {
				t.Errorf("row %+v", r)
			}
		}
	}
	if rows > maxRows {
		t.Errorf("%d rows", rows)
	}
}

func TestDeliveryJSONIsPlain(t *testing.T) {
	out := render(alice, chat.Reply{Text: "pick", Choices: []chat.Choice{{Label: "Yes", Payload: "y"}}}, "Choose")
	b, _ := json.Marshal(out.messages[0])
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"` + alice +
		`","type":"interactive","interactive":{"type":"button","body":{"text":"pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"y","title":"Yes"}}]}}}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}
