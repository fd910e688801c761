package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chattest"
)

// TestMain lets a test run this test binary as the salama command itself
// (SALAMA_TEST_MAIN=1), to send it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("SALAMA_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// The planted secrets: distinctive, so that any trace of one is found.
var planted = map[string]string{
	"TELEGRAM_BOT_TOKEN":      "987654:PLANTED-telegram-token-7Qx",
	"TELEGRAM_WEBHOOK_SECRET": "PLANTED-webhook-secret-9Zy",
	"SLACK_BOT_TOKEN":         "xoxb-PLANTED-slack-bot-token-3Kw",
	"SLACK_APP_TOKEN":         "xapp-PLANTED-slack-app-token-5Vu",
	"SLACK_SIGNING_SECRET":    "PLANTED-signing-secret-1Ts",
	"WHATSAPP_TOKEN":          "EAAG-PLANTED-whatsapp-token-8Rp",
	"WHATSAPP_APP_SECRET":     "PLANTED-whatsapp-app-secret-2Mn",
	"WHATSAPP_VERIFY_TOKEN":   "PLANTED-whatsapp-verify-4Lb",
}

var settingVars = []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL",
	"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
	"WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_API_URL",
	"SALAMA_LOG_UNANSWERED", "SALAMA_RETENTION_DAYS"}

// clearSettings empties every setting of serve, and their _FILE forms.
func clearSettings(t *testing.T) {
	t.Helper()
	for _, k := range settingVars {
		t.Setenv(k, "")
		t.Setenv(k+"_FILE", "")
	}
}

// assertNoSecret fails when any planted secret, or a long piece of one,
// is in out.
func assertNoSecret(t *testing.T, where, out string) {
	t.Helper()
	for name, v := range planted {
		if strings.Contains(out, v) || strings.Contains(out, v[len(v)-12:]) {
			t.Errorf("%s shows %s:\n%s", where, name, out)
		}
	}
}

// Every way serve can write something (help, a mistyped flag, a
// configuration error, a failing channel, the logs of a running server)
// is searched for the planted secrets, given in the environment or in
// files; and so is every file the data directory holds afterwards.
func TestSecretsNeverPrinted(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"ok":false,"error_code":401,"description":"Unauthorized: %s"}`, r.URL.Path)
	}))
	defer refusing.Close()
	slackFake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"user":{"id":"U1","locale":"en-US"}}`)
	}))
	defer slackFake.Close()
	graphFake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"1555000"}`)
	}))
	defer graphFake.Close()

	secretDir := t.TempDir()
	viaFiles := func(t *testing.T) {
		for name, v := range planted {
			path := filepath.Join(secretDir, name)
			if err := os.WriteFile(path, []byte(v+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv(name+"_FILE", path)
		}
	}
	viaEnv := func(t *testing.T) {
		for name, v := range planted {
			t.Setenv(name, v)
		}
	}
	for _, source := range []struct {
		name string
		set  func(*testing.T)
	}{{"env", viaEnv}, {"files", viaFiles}} {
		t.Run(source.name, func(t *testing.T) {
			for _, tc := range []struct {
				name     string
				env      map[string]string
				args     []string
				wantCode int
				serve    bool // runs until cancelled
			}{
				{name: "help", args: []string{"--help"}, wantCode: 0},
				{name: "mistyped flag", args: []string{"--telegram-tokn", "x"}, wantCode: 2},
				{name: "half-configured", env: map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example/tg", "TELEGRAM_WEBHOOK_SECRET": "-"}, wantCode: 2},
				{name: "bad value", env: map[string]string{"SALAMA_RETENTION_DAYS": "soon"}, wantCode: 2},
				{name: "token refused", env: map[string]string{"TELEGRAM_API_URL": refusing.URL, "SLACK_BOT_TOKEN": "-", "SLACK_APP_TOKEN": "-", "SLACK_SIGNING_SECRET": "-",
					"WHATSAPP_PHONE_NUMBER_ID": "1555000", "WHATSAPP_API_URL": refusing.URL}, wantCode: 2}, // a refused token is a configuration error: systemd must not restart on it
				{name: "serving", env: map[string]string{"SLACK_API_URL": slackFake.URL + "/api/", "SALAMA_LOG_UNANSWERED": "1",
					"WHATSAPP_PHONE_NUMBER_ID": "1555000", "WHATSAPP_API_URL": graphFake.URL}, serve: true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					clearSettings(t)
					source.set(t)
					tgFake := &fakeBotAPI{got: make(chan struct{}, 1)}
					tg := httptest.NewServer(tgFake)
					defer tg.Close()
					t.Setenv("TELEGRAM_API_URL", tg.URL)
					for k, v := range tc.env {
						if v == "-" { // not set at all
							t.Setenv(k, "")
							t.Setenv(k+"_FILE", "")
							continue
						}
						t.Setenv(k, v)
					}
					dataDir := t.TempDir()
					args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}, tc.args...)
					var stdout, stderr chattest.Buffer
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					done := make(chan int, 1)
					go func() { done <- Run(ctx, args, strings.NewReader(""), &stdout, &stderr) }()
					if tc.serve {
						select {
						case <-tgFake.got:
						case code := <-done:
							t.Fatalf("serve ended early (%d): %s", code, stderr.String())
						case <-time.After(2 * time.Minute): // loading the content is slow under -race
							t.Fatal("no reply from the running server")
						}
						cancel()
					}
					select {
					case code := <-done:
						if code != tc.wantCode {
							t.Errorf("exit %d, want %d: %s", code, tc.wantCode, stderr.String())
						}
					case <-time.After(2 * time.Minute):
						t.Fatal("serve did not end")
					}
					assertNoSecret(t, "stdout", stdout.String())
					assertNoSecret(t, "stderr", stderr.String())
					_ = filepath.Walk(dataDir, func(path string, fi os.FileInfo, err error) error {
						if err == nil && fi.Mode().IsRegular() {
							b, _ := os.ReadFile(path)
							assertNoSecret(t, path, string(b))
						}
						return nil
					})
				})
			}
		})
	}
}

func TestSecretFromFile(t *testing.T) {
	clearSettings(t)
	path := filepath.Join(t.TempDir(), "token")
	_ = os.WriteFile(path, []byte("123:from-a-file\r\n"), 0o600)
	t.Setenv("TELEGRAM_BOT_TOKEN_FILE", path)
	if v, err := secret("TELEGRAM_BOT_TOKEN"); v != "123:from-a-file" || err != nil {
		t.Errorf("secret = %q, %v", v, err)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", "123:also-in-env")
	if _, err := secret("TELEGRAM_BOT_TOKEN"); err == nil || !strings.Contains(err.Error(), "set one") {
		t.Errorf("both set: %v", err)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	t.Setenv("TELEGRAM_BOT_TOKEN_FILE", filepath.Join(t.TempDir(), "missing"))
	if code, _, stderr := run(t, "", "serve", "--data", t.TempDir()); code != 2 || !strings.Contains(stderr, "TELEGRAM_BOT_TOKEN_FILE") {
		t.Errorf("a missing secret file = %d %q; want 2 naming the variable", code, stderr)
	}
}

// Every command's --help prints its usage on stdout and exits 0.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"help"}, {"--help"}, {"-h"}, {"chat", "--help"}, {"ask", "-h"}, {"content", "--help"},
		{"content", "check", "--help"}, {"locales", "--help"}, {"locales", "check", "--help"},
		{"locales", "new", "--help"}, {"eval", "--help"}, {"eval", "safety", "--help"}, {"stats", "--help"},
		{"gaps", "--help"}, {"data", "--help"}, {"data", "forget", "--help"}, {"serve", "--help"},
		{"version", "--help"},
	} {
		code, out, stderr := run(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage") || stderr != "" {
			t.Errorf("salama %s = %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, stderr)
		}
	}
}

// A mistake on the command line is one line on stderr and exit 2.
func TestMistakesExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chat", "--bogus"}, "-bogus"},
		{[]string{"serve", "--retention-days"}, "needs an argument"},
		{[]string{"stats", "--format", "xls"}, "text, csv or json"},
		{[]string{"stats", "extra"}, `unexpected argument "extra"`},
		{[]string{"data", "forget", "--platform", "telegram"}, "--user is required"},
		{[]string{"content"}, "usage"},
		{[]string{"version", "now"}, "unexpected argument"},
		{[]string{"ask", "-_-", "is", "this", "normal"}, `put it after --`},
		{[]string{"ask", "--lang", "xx", "hello"}, `--lang "xx": not a language Salama speaks`},
		{[]string{"chat", "--lang", "klingon"}, `not a language Salama speaks`},
		{[]string{"ask", "--country", "ZZ", "hello"}, `--country "ZZ" is not in the helpline directory`},
	} {
		code, _, stderr := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("salama %s = %d %q; want 2 and one line with %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

// Flags are read anywhere on the line; after -- everything is the question.
func TestFlagsAnywhere(t *testing.T) {
	code, out, stderr := run(t, "", "ask", "what", "is", "sextortion", "--format", "json", "--lang", "pt-BR")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got askResult
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.FAQID != "sextortion.what" {
		t.Errorf("flags after the question: %v %+v", err, got)
	}
	code, out, _ = run(t, "", "ask", "--format", "json", "--", "what", "is", "--lang")
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Errorf("after --, a flag-like word is part of the question: %d %v", code, err)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "salama ") || !strings.Contains(out, runtime.Version()) || !strings.Contains(out, "commit ") {
		t.Errorf("version = %d %q", code, out)
	}
	version, commit = "v9.9.9", "abc123"
	defer func() { version, commit = "", "" }()
	if _, out, _ := run(t, "", "version"); !strings.Contains(out, "salama v9.9.9") || !strings.Contains(out, "commit abc123") {
		t.Errorf("stamped version = %q", out)
	}
}

// The operator's commands refuse a data folder that does not exist or holds
// no store, create nothing, and say so.
func TestOperatorCommandsRefuseAWrongDataFolder(t *testing.T) {
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "typo")
	for _, dir := range []string{missing, empty} {
		for _, args := range [][]string{
			{"stats", "--data", dir}, {"gaps", "--data", dir},
			{"data", "forget", "--platform", "telegram", "--user", "1", "--data", dir},
		} {
			code, out, stderr := run(t, "", args...)
			if code != 2 || !strings.Contains(stderr, "no salama data here") || strings.Contains(out, "Deleted") {
				t.Errorf("salama %s = %d %q %q", strings.Join(args, " "), code, out, stderr)
			}
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a mistyped data folder was created")
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("files were made in an empty folder: %v", entries)
	}
}

// data forget says what it found and removed; asked again, that nothing is
// stored.
func TestForgetReportsWhatItFound(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "/language\n2\n", "chat", "--data", dir); code != 0 {
		t.Fatalf("chat: %s", stderr)
	}
	code, out, stderr := run(t, "", "data", "forget", "--platform", "console", "--user", "console", "--data", dir)
	if code != 0 || !strings.Contains(out, "Found a record of that console user holding: language") ||
		!strings.Contains(out, "day last seen") || !strings.Contains(out, "Compacted") {
		t.Errorf("forget = %d %q %q", code, out, stderr)
	}
	code, out, _ = run(t, "", "data", "forget", "--platform", "console", "--user", "console", "--data", dir)
	if code != 0 || !strings.Contains(out, "Nothing is stored about that console user") || strings.Contains(out, "Deleted") {
		t.Errorf("second forget = %d %q", code, out)
	}
}

func TestStatsFormats(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "what is sextortion\n2\n/help\n", "chat", "--data", dir); code != 0 {
		t.Fatalf("chat: %s", stderr)
	}
	_, out, _ := run(t, "", "stats", "--format", "csv", "--data", dir)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 3 || recs[0][0] != "table" {
		t.Fatalf("csv: %v %q", err, out)
	}
	_, out, _ = run(t, "", "stats", "--data", dir, "--format", "json")
	var rep struct {
		Languages []struct {
			Lang    string    `json:"lang"`
			Percent []float64 `json:"percent"`
		} `json:"languages"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Languages) == 0 {
		t.Fatalf("json: %v %q", err, out)
	}
	for _, l := range rep.Languages {
		sum := 0.0
		for _, p := range l.Percent {
			sum += p
		}
		if sum < 99.95 || sum > 100.05 {
			t.Errorf("%s: shares sum to %v", l.Lang, sum)
		}
	}
}

// Ctrl-C and SIGTERM end chat and ask at once, even while they wait for a
// line: the real binary, real signals.
func TestSignalsEndChatAndAsk(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	for _, tc := range []struct {
		name  string
		args  []string
		input string // written first
		ready string // output that shows it is waiting for the next line
		sig   syscall.Signal
	}{
		{"chat ctrl-c", []string{"chat", "--data", t.TempDir()}, "", "\n> ", syscall.SIGINT},
		{"ask sigterm", []string{"ask"}, "hi\n", "[greeting", syscall.SIGTERM},
		{"ask ctrl-c", []string{"ask"}, "what is sextortion\n", "[answer", syscall.SIGINT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tc.args...)
			cmd.Env = append(os.Environ(), "SALAMA_TEST_MAIN=1")
			stdin, _ := cmd.StdinPipe()
			defer stdin.Close() // open until the end: the command must not need EOF
			out := &chattest.Buffer{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			io.WriteString(stdin, tc.input)
			for i := 0; !strings.Contains(out.String(), tc.ready); i++ {
				if i == 1200 {
					t.Fatalf("never ready:\n%s", out.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			sent := time.Now()
			_ = cmd.Process.Signal(tc.sig)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-exited:
				if took := time.Since(sent); took > 2*time.Second {
					t.Errorf("took %s to end", took)
				}
				if code := cmd.ProcessState.ExitCode(); code != 130 {
					t.Errorf("exit %d, want 130:\n%s", code, out.String())
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5 s after %v:\n%s", tc.sig, out.String())
			}
		})
	}
}

// Whatever else prints a secret once it has been read (a library's error
// quoting a URL with the token in its path, say), the output hides it.
func TestOutputRedactsSecretsRead(t *testing.T) {
	clearSettings(t)
	t.Setenv("SLACK_SIGNING_SECRET", "PLANTED-redact-me-42")
	if _, err := secret("SLACK_SIGNING_SECRET"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(redactor{&b}, "Post \"https://api.example/botPLANTED-redact-me-42/getMe\": refused\n")
	if got := b.String(); strings.Contains(got, "PLANTED-redact-me-42") || !strings.Contains(got, "bot[redacted]/getMe") {
		t.Errorf("redacted = %q", got)
	}
	b.Reset()
	fmt.Fprint(redactor{&b}, "a short secret such as 'x' is left alone")
	if !strings.Contains(b.String(), "'x'") {
		t.Errorf("short values must not be redacted: %q", b.String())
	}
}

// eval safety --fresh scores only the examples of the folder given, with a
// scorer trained on every example of the content.
func TestEvalSafetyFresh(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "en"), 0o755); err != nil {
		t.Fatal(err)
	}
	examples := "# a fresh set\n" +
		"self-harm\thelp.talk-now\ti am going to end it all tonight, i already wrote the letters\n" +
		"ordinary\tgrooming.what\twhat does grooming mean\n"
	if err := os.WriteFile(filepath.Join(dir, "en", "safety-examples.txt"), []byte(examples), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "eval", "safety", "--fresh", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Part    string
		Tallies map[string]map[string]struct{ N, Urgent, None int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	en := rep.Tallies["en"]
	if rep.Part != "fresh" || len(rep.Tallies) != 1 || len(en) != 2 || en["self-harm"].N != 1 || en["ordinary"].N != 1 {
		t.Fatalf("scored %+v; want the two fresh examples only", rep)
	}
	if en["self-harm"].Urgent != 1 || en["ordinary"].Urgent != 0 {
		t.Errorf("fresh verdicts %+v", en)
	}
	code, _, stderr = run(t, "", "eval", "safety", "--fresh", t.TempDir())
	if code == 0 || !strings.Contains(stderr, "no <lang>/safety-examples.txt") {
		t.Errorf("an empty fresh folder: exit %d %q", code, stderr)
	}
}
