package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chattest"
)

// A token Telegram refuses is a configuration error: serve logs it at
// error and exits 2, so that systemd does not restart it in a loop.
func TestServeExitsTwoOnARefusedToken(t *testing.T) {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
	}))
	defer fake.Close()
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:revoked")
	t.Setenv("TELEGRAM_API_URL", fake.URL)
	var stderr chattest.Buffer
	done := make(chan int)
	go func() {
		done <- Run(context.Background(), []string{"serve", "--addr", freeAddr(t), "--data", t.TempDir()}, strings.NewReader(""), io.Discard, &stderr)
	}()
	select {
	case code := <-done:
		if code != 2 {
			t.Errorf("serve exited %d, want 2", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve kept running with a refused token")
	}
	if l := stderr.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "unauthorized") || strings.Contains(l, "123:revoked") {
		t.Errorf("log:\n%s", l)
	}
}

// /readyz reports each channel; a channel that stops for good (the Slack
// app uninstalled) turns it 503 and names it, while the others serve on.
func TestReadyzPerChannel(t *testing.T) {
	slackFake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer slackFake.Close()
	tg := &fakeBotAPI{got: make(chan struct{}, 1)}
	tgSrv := httptest.NewServer(tg)
	defer tgSrv.Close()
	const secret = "shhh"
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	t.Setenv("SLACK_API_URL", slackFake.URL+"/api/")
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("TELEGRAM_API_URL", tgSrv.URL)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	waitReady(t, "http://"+addr+"/readyz")
	waitFor(t, "http://"+addr+"/readyz", "telegram ready\nslack ready\nready\n")

	body := `{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev1","event_time":1,"event":{"type":"app_uninstalled"}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", signSlack(secret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, "http://"+addr+"/readyz", "slack failed (app_uninstalled)")
	resp, err = http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d with Slack stopped, want 503", resp.StatusCode)
	}
	// Telegram still answers.
	select {
	case <-tg.got:
	case <-time.After(10 * time.Second):
		t.Fatal("Telegram stopped answering")
	}
	cancel()
	if code := <-done; code != 2 {
		t.Errorf("serve exited %d after the Slack app was uninstalled, want 2", code)
	}
}
