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
//
// It also runs Telegram beside Slack (the operations issue's "done when"):
// both answer, /metrics counts both, and stats and gaps report what happened.
func TestServeSlackSafetyCommand(t *testing.T) {
	replies := make(chan string, 4)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/response" {
			replies <- string(body)
		}
		w.Header().Set("Content-Type", "application/json") // slack-go reads only JSON answers
		fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","locale":"en-US"}}`)
	}))
	defer fake.Close()
	const secret = "shhh"
	addr, dataDir := freeAddr(t), t.TempDir()
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	t.Setenv("SLACK_API_URL", fake.URL+"/api/")
	// Telegram runs beside Slack, against its own fake
	tg := &fakeBotAPI{got: make(chan struct{}, 1)}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("TELEGRAM_API_URL", tgSrv.URL)
	t.Setenv("SALAMA_LOG_UNANSWERED", "1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--data", dataDir}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	waitReady(t, "http://"+addr+"/readyz")

	post := func(question, sig string) int {
		form := url.Values{"command": {"/safety"}, "text": {question}, "user_id": {"U1"},
			"channel_id": {"C1"}, "team_id": {"T1"}, "response_url": {fake.URL + "/response"}, "trigger_id": {"1"}}
		body := form.Encode()
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
	const question = "what do i do after a student discloses abuse"
	if code := post(question, "v0="+strings.Repeat("0", 64)); code != http.StatusUnauthorized {
		t.Errorf("forged /safety = %d, want 401", code)
	}
	if code := post(question, ""); code != http.StatusOK {
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
	select {
	case <-tg.got:
	case <-time.After(10 * time.Second):
		t.Fatal("Telegram sent no reply")
	}
	// an unanswered question reaches the gap log, scrubbed
	if code := post("how do i make pizza, text me on 0712 345 678", ""); code != http.StatusOK {
		t.Fatalf("second /safety = %d", code)
	}
	<-replies
	for _, want := range []string{`salama_replies_total{channel="slack",kind="answer",lang="en"} 1`, `salama_replies_total{channel="telegram",kind="answer",lang="en"} 1`} {
		waitFor(t, "http://"+addr+"/metrics", want)
	}
	if code, out, _ := run(t, "", "gaps", "--data", dataDir); code != 0 || !strings.Contains(out, "make pizza, text me on [number]") {
		t.Errorf("gaps = %d %q", code, out)
	}
	if code, out, _ := run(t, "", "stats", "--data", dataDir); code != 0 || !strings.Contains(out, "educator.disclosure") || !strings.Contains(out, "sextortion.what") {
		t.Errorf("stats = %d %q", code, out)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d", code)
	}
}

// waitFor polls u until its body contains want.
func waitFor(tb testing.TB, u, want string) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := http.Get(u); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), want) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("%s never showed %s", u, want)
}

func waitReady(tb testing.TB, u string) {
	tb.Helper()
	// Loading the content takes seconds under the race detector; the
	// channels then set up against their fakes.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
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
