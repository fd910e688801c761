package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chattest"
)

// fakeBotAPI is a minimal Telegram Bot API on loopback: it hands out one text
// update and records what the bot sends.
type fakeBotAPI struct {
	mu     sync.Mutex
	served bool
	sent   []string
	got    chan struct{}
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.Error(w, "not loopback", http.StatusForbidden)
		return
	}
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	_ = r.ParseMultipartForm(1 << 20) // the library posts multipart forms
	ok := func(result string) { fmt.Fprintf(w, `{"ok":true,"result":%s}`, result) }
	switch method {
	case "getMe":
		ok(`{"id":1,"is_bot":true,"first_name":"Salama","username":"SalamaTestBot"}`)
	case "getUpdates":
		f.mu.Lock()
		first := !f.served
		f.served = true
		f.mu.Unlock()
		if first {
			ok(`[{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":555,"type":"private"},"from":{"id":555,"is_bot":false,"first_name":"A","language_code":"en"},"text":"what is sextortion"}}]`)
			return
		}
		select {
		case <-r.Context().Done():
		case <-time.After(50 * time.Millisecond):
		}
		ok(`[]`)
	case "sendMessage":
		f.mu.Lock()
		b, _ := json.Marshal(map[string]string{"chat_id": r.FormValue("chat_id"), "text": r.FormValue("text")})
		f.sent = append(f.sent, string(b))
		f.mu.Unlock()
		select {
		case f.got <- struct{}{}:
		default:
		}
		ok(`{"message_id":2,"date":1,"chat":{"id":555,"type":"private"}}`)
	default:
		ok(`true`)
	}
}

// The Telegram issue's "done when": serve against a fake Bot API answers a
// user's text.
func TestServeTelegramAgainstFakeBotAPI(t *testing.T) {
	fake := &fakeBotAPI{got: make(chan struct{}, 1)}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("TELEGRAM_API_URL", srv.URL)
	done := make(chan int)
	var stderr chattest.Buffer
	addr, dataDir := freeAddr(t), t.TempDir()
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--data", dataDir}, strings.NewReader(""), io.Discard, &stderr)
	}()
	select {
	case <-fake.got:
	case <-time.After(60 * time.Second):
		t.Fatalf("no reply sent; log:\n%s", stderr.String())
	}
	// while serve holds the store, the operator's commands go through its socket
	if code, out, stderr := run(t, "", "stats", "--data", dataDir); code != 0 || !strings.Contains(out, "sextortion.what") {
		t.Errorf("stats against a running server = %d %q %q", code, out, stderr)
	}
	if code, out, stderr := run(t, "", "data", "forget", "--platform", "telegram", "--user", "555", "--data", dataDir); code != 0 || !strings.Contains(out, "Deleted") {
		t.Errorf("data forget against a running server = %d %q %q", code, out, stderr)
	}
	want := `salama_replies_total{channel="telegram",kind="answer",lang="en"} 1`
	for i := 0; ; i++ { // the reply is counted just after it is sent
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), want) {
			break
		}
		if i == 200 {
			t.Fatalf("/metrics never showed %s", want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	var msg struct {
		ChatID string `json:"chat_id"`
		Text   string `json:"text"`
	}
	if err := json.Unmarshal([]byte(fake.sent[0]), &msg); err != nil {
		t.Fatalf("sendMessage body %q: %v", fake.sent[0], err)
	}
	if msg.ChatID != "555" || !strings.Contains(msg.Text, "sextortion") {
		t.Errorf("reply = %+v", msg)
	}
	if strings.Contains(stderr.String(), "what is sextortion") || strings.Contains(stderr.String(), "555") {
		t.Errorf("the log holds message text or a user id:\n%s", stderr.String())
	}
}
