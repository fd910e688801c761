package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func signSlack(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// The Slack issue's "done when": with a bot token, a signing secret and the
// API pointed at a fake, a signed /safety gets the right entry back and a
// forged one gets 401.
func TestServeSlackSafetyCommand(t *testing.T) {
	replies := make(chan string, 4)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/response" {
			replies <- string(body)
		}
		fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","locale":"en-US"}}`)
	}))
	defer fake.Close()
	const secret = "shhh"
	addr := freeAddr(t)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	t.Setenv("SLACK_API_URL", fake.URL+"/api/")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	waitReady(t, "http://"+addr+"/readyz")

	form := url.Values{"command": {"/safety"}, "text": {"what do i do after a student discloses abuse"}, "user_id": {"U1"},
		"channel_id": {"C1"}, "team_id": {"T1"}, "response_url": {fake.URL + "/response"}, "trigger_id": {"1"}}
	body := form.Encode()
	post := func(sig string) int {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		if sig == "" {
			sig = signSlack(secret, ts, body)
		}
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("v0=" + strings.Repeat("0", 64)); code != http.StatusUnauthorized {
		t.Errorf("forged /safety = %d, want 401", code)
	}
	if code := post(""); code != http.StatusOK {
		t.Fatalf("signed /safety = %d, want 200", code)
	}
	select {
	case got := <-replies:
		if !strings.Contains(got, "ephemeral") || !strings.Contains(got, "A student told me") {
			t.Errorf("ephemeral reply = %s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply through response_url")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
}

func waitReady(tb testing.TB, u string) {
	tb.Helper()
	for i := 0; i < 200; i++ {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("%s never became ready", u)
}
