package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGraph is the WhatsApp Cloud API on loopback: it knows the phone
// number and records the text of every message sent.
type fakeGraph struct {
	mu   sync.Mutex
	sent []string
	got  chan struct{}
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodGet {
		fmt.Fprint(w, `{"id":"1555000"}`)
		return
	}
	var m struct {
		Status      string `json:"status"`
		Text        struct{ Body string }
		Interactive struct {
			Body struct{ Text string }
		}
	}
	_ = json.NewDecoder(r.Body).Decode(&m)
	if m.Status == "" {
		f.mu.Lock()
		f.sent = append(f.sent, m.Text.Body+m.Interactive.Body.Text)
		f.mu.Unlock()
		select {
		case f.got <- struct{}{}:
		default:
		}
	}
	fmt.Fprint(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.out"}]}`)
}

// WhatsApp's "done when": salama serve with the four WhatsApp settings
// answers a WhatsApp user end to end against the fake, beside Telegram and
// Slack, and /metrics counts all three.
func TestServeWhatsAppTelegramAndSlack(t *testing.T) {
	graph := &fakeGraph{got: make(chan struct{}, 1)}
	graphSrv := httptest.NewServer(graph)
	defer graphSrv.Close()
	slackFake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","locale":"en-US"}}`)
	}))
	defer slackFake.Close()
	tg := &fakeBotAPI{got: make(chan struct{}, 1)}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	const slackSecret = "shhh"
	setWhatsApp(t, graphSrv.URL)
	for k, v := range map[string]string{
		"TELEGRAM_BOT_TOKEN": "123:test", "TELEGRAM_API_URL": tgSrv.URL,
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": slackSecret, "SLACK_API_URL": slackFake.URL + "/api/",
	} {
		t.Setenv(k, v)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	waitReady(t, "http://"+addr+"/readyz")
	waitFor(t, "http://"+addr+"/readyz", "whatsapp ready")

	// The handshake, then a signed message.
	resp, err := http.Get("http://" + addr + "/whatsapp?hub.mode=subscribe&hub.verify_token=verify&hub.challenge=42")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "42" {
		t.Errorf("handshake = %d %q", resp.StatusCode, body)
	}
	if code := postWhatsApp(t, addr, whatsappText("wamid.1", "what is sextortion")); code != http.StatusOK {
		t.Fatalf("signed delivery = %d", code)
	}
	select {
	case <-graph.got:
	case <-time.After(30 * time.Second):
		t.Fatal("no WhatsApp reply")
	}
	graph.mu.Lock()
	if !strings.Contains(strings.ToLower(graph.sent[0]), "sextortion") {
		t.Errorf("WhatsApp reply %q", graph.sent[0])
	}
	graph.mu.Unlock()

	// Slack, and Telegram (whose fake sends one update by itself).
	form := url.Values{"command": {"/safety"}, "text": {"what is grooming"}, "user_id": {"U1"}, "channel_id": {"C1"},
		"team_id": {"T1"}, "response_url": {slackFake.URL + "/response"}, "trigger_id": {"1"}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", signSlack(slackSecret, ts, form))
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ch := range []string{"whatsapp", "telegram", "slack"} {
		waitFor(t, "http://"+addr+"/metrics", `salama_replies_total{channel="`+ch+`"`)
	}
	// A status callback is counted, never answered.
	status := `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{` +
		`"metadata":{"phone_number_id":"1555000"},"statuses":[{"id":"wamid.out","status":"delivered","timestamp":"1","recipient_id":"254700000009"}]}}]}]}`
	postWhatsApp(t, addr, status)
	waitFor(t, "http://"+addr+"/metrics", `salama_platform_events_total{channel="whatsapp",event="status_delivered"} 1`)
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
}

// whatsappTestSecret is the app secret the WhatsApp tests sign with.
const whatsappTestSecret = "wa-app-secret"

// setWhatsApp turns WhatsApp on against the fake Graph API at graphURL.
func setWhatsApp(t *testing.T, graphURL string) {
	t.Helper()
	for k, v := range map[string]string{
		"WHATSAPP_TOKEN": "EAAG-test", "WHATSAPP_PHONE_NUMBER_ID": "1555000", "WHATSAPP_APP_SECRET": whatsappTestSecret,
		"WHATSAPP_VERIFY_TOKEN": "verify", "WHATSAPP_API_URL": graphURL + "/v21.0",
	} {
		t.Setenv(k, v)
	}
}

// whatsappText is a webhook call carrying one text message from Amina.
func whatsappText(id, body string) string {
	return fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{`+
		`"messaging_product":"whatsapp","metadata":{"phone_number_id":"1555000"},"contacts":[{"profile":{"name":"Amina"},"wa_id":"254700000009"}],`+
		`"messages":[{"from":"254700000009","id":%q,"timestamp":"%d","type":"text","text":{"body":%q}}]}}]}]}`, id, time.Now().Unix(), body)
}

// postWhatsApp posts a webhook call signed with whatsappTestSecret to the
// server at addr and returns the status code.
func postWhatsApp(t *testing.T, addr, call string) int {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(whatsappTestSecret))
	mac.Write([]byte(call))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/whatsapp", strings.NewReader(call))
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
