package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
	"github.com/salama-safety/salama/internal/postgres"
	"github.com/salama-safety/salama/internal/postgres/pgtest"
)

func writeSecret(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	path := filepath.Join(tb.TempDir(), "secret")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Store settings that cannot work are refused at start, with exit status 2
// and a message naming the setting, before anything is opened.
func TestServeRefusesBadStoreSettings(t *testing.T) {
	good, short := writeSecret(t, 32), writeSecret(t, 5)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"not postgres", map[string]string{"SALAMA_STORE": "mysql://db/salama"}, "postgres:// URL"},
		{"no secret", map[string]string{"SALAMA_STORE": "postgres://db.invalid/salama"}, "SALAMA_SECRET_FILE"},
		{"short secret file", map[string]string{"SALAMA_STORE": "postgres://db.invalid/salama", "SALAMA_SECRET_FILE": short}, "at least 32"},
		{"missing secret file", map[string]string{"SALAMA_STORE": "postgres://db.invalid/salama", "SALAMA_SECRET_FILE": good + ".gone"}, "SALAMA_SECRET_FILE"},
		{"bad hex", map[string]string{"SALAMA_STORE": "postgres://db.invalid/salama", "SALAMA_SECRET": "abc"}, "hex digits"},
		{"both", map[string]string{"SALAMA_STORE": "postgres://db.invalid/salama", "SALAMA_SECRET_FILE": good, "SALAMA_SECRET": strings.Repeat("ab", 32)}, "not both"},
		{"secret with bbolt", map[string]string{"SALAMA_SECRET_FILE": good}, "bbolt keeps its secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"SALAMA_STORE", "SALAMA_SECRET_FILE", "SALAMA_SECRET"} {
				t.Setenv(k, tc.env[k])
			}
			t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
			code, _, stderr := run(t, "", "serve", "--data", t.TempDir())
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("serve = %d %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// serve on PostgreSQL answers, writes nothing in the data directory, and
// the operator's commands work against the database itself; a replica
// given another secret is refused.
func TestServeOnPostgres(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	secretFile := writeSecret(t, 32)
	t.Setenv("SALAMA_STORE", dsn)
	t.Setenv("SALAMA_SECRET_FILE", secretFile)
	t.Setenv("SALAMA_SECRET", "")
	fake := &fakeBotAPI{got: make(chan struct{}, 1)}
	api := httptest.NewServer(fake)
	defer api.Close()
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:test")
	t.Setenv("TELEGRAM_API_URL", api.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dataDir := t.TempDir()
	var stderr chattest.Buffer
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", freeAddr(t), "--data", dataDir}, strings.NewReader(""), io.Discard, &stderr)
	}()
	select {
	case <-fake.got:
	case <-time.After(10 * time.Second):
		t.Fatalf("no reply sent; serve said:\n%s", stderr.String())
	}
	secret, _ := os.ReadFile(secretFile)
	db, err := postgres.Open(ctx, dsn, postgres.Options{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	user := chat.User{Platform: chat.Telegram, ID: "555"}
	if p, _ := db.Prefs(ctx, user); p.LastSeen.IsZero() {
		t.Errorf("the user's prefs are not in the database: %+v", p)
	}
	if code, out, errOut := run(t, "", "data", "forget", "--platform", "telegram", "--user", "555"); code != 0 || !strings.Contains(out, "Deleted") {
		t.Errorf("data forget = %d %q %q", code, out, errOut)
	}
	if p, _ := db.Prefs(ctx, user); p != (chat.Prefs{}) {
		t.Errorf("after data forget, prefs = %+v", p)
	}
	// The same secret as hex in SALAMA_SECRET is the same secret.
	t.Setenv("SALAMA_SECRET_FILE", "")
	t.Setenv("SALAMA_SECRET", hex.EncodeToString(secret))
	if code, _, errOut := run(t, "", "data", "forget", "--platform", "slack", "--user", "U1"); code != 0 {
		t.Errorf("data forget with SALAMA_SECRET = %d %q", code, errOut)
	}
	t.Setenv("SALAMA_SECRET", "")

	// Another replica with another secret is refused, before it answers.
	t.Setenv("SALAMA_SECRET_FILE", writeSecret(t, 32))
	if code, _, errOut := run(t, "", "serve", "--addr", freeAddr(t), "--data", t.TempDir()); code != 2 || !strings.Contains(errOut, "does not match") {
		t.Errorf("serve with another secret = %d %q; want 2 and a mismatch", code, errOut)
	}
	if code, _, errOut := run(t, "", "data", "forget", "--platform", "telegram", "--user", "555"); code != 2 || !strings.Contains(errOut, "does not match") {
		t.Errorf("data forget with another secret = %d %q; want 2 and a mismatch", code, errOut)
	}
	t.Setenv("SALAMA_SECRET_FILE", secretFile)

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exited %d:\n%s", code, stderr.String())
	}
	// Stopped, the server has written its counters; stats reads them from
	// the database, with no secret needed.
	t.Setenv("SALAMA_SECRET_FILE", "")
	if code, out, errOut := run(t, "", "stats"); code != 0 || !strings.Contains(out, "sextortion.what") {
		t.Errorf("stats = %d %q %q", code, out, errOut)
	}
	if code, out, errOut := run(t, "", "gaps"); code != 0 || !strings.Contains(out, "No unanswered questions") {
		t.Errorf("gaps = %d %q %q", code, out, errOut)
	}
	if entries, _ := os.ReadDir(dataDir); len(entries) != 0 {
		t.Errorf("serve on PostgreSQL wrote %d files in the data directory", len(entries))
	}
	if !strings.Contains(stderr.String(), "store=postgres") || strings.Contains(stderr.String(), dsn) {
		t.Errorf("the start-up log should name the store, never its URL:\n%s", stderr.String())
	}
}

// Two replicas on one PostgreSQL database: a delivery the platform sends
// again to the other replica (WhatsApp repeats a webhook it thinks failed)
// is answered once.
func TestServeReplicasAnswerADeliveryOnce(t *testing.T) {
	dsn := pgtest.MustDSN(t)
	t.Setenv("SALAMA_STORE", dsn)
	t.Setenv("SALAMA_SECRET_FILE", writeSecret(t, 32))
	t.Setenv("SALAMA_SECRET", "")
	clearSettings(t)
	graph := &fakeGraph{got: make(chan struct{}, 1)}
	graphSrv := httptest.NewServer(graph)
	defer graphSrv.Close()
	setWhatsApp(t, graphSrv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var addrs []string
	var done []chan int
	for range 2 {
		addr := freeAddr(t)
		ch := make(chan int, 1)
		go func() {
			ch <- Run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir()}, strings.NewReader(""), io.Discard, io.Discard)
		}()
		waitReady(t, "http://"+addr+"/readyz")
		waitFor(t, "http://"+addr+"/readyz", "whatsapp ready")
		addrs, done = append(addrs, addr), append(done, ch)
	}
	delivery := whatsappText("wamid.twice", "what is sextortion")
	for i, addr := range addrs {
		if code := postWhatsApp(t, addr, delivery); code != http.StatusOK {
			t.Fatalf("delivery to replica %d = %d", i, code)
		}
		if i == 0 {
			select {
			case <-graph.got:
			case <-time.After(30 * time.Second):
				t.Fatal("no reply from the first replica")
			}
		}
	}
	waitFor(t, "http://"+addrs[1]+"/metrics", `salama_dropped_total{channel="whatsapp",reason="another_replica"} 1`)
	cancel()
	for _, ch := range done {
		<-ch
	}
	graph.mu.Lock()
	defer graph.mu.Unlock()
	if len(graph.sent) != 1 {
		t.Errorf("replies sent %d, want 1: %q", len(graph.sent), graph.sent)
	}
}
