package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
)

// run calls Run as the binary would and returns its exit code and output.
func run(tb testing.TB, stdin string, args ...string) (int, string, string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestAskJSON(t *testing.T) {
	code, out, stderr := run(t, "what is sextortion\nhi\ni want to die\nhow do i make pizza\n", "ask", "--format", "json", "--country", "KE")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want one line per question, got %d:\n%s", len(lines), out)
	}
	want := []struct{ kind, id string }{{"answer", "sextortion.what"}, {"greeting", ""}, {"urgent", "help.talk-now"}, {"fallback", ""}}
	for i, line := range lines {
		var got map[string]any
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for _, k := range []string{"lang", "kind", "faq_id", "candidates", "score", "text"} {
			if _, ok := got[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, line)
			}
		}
		if got["kind"] != want[i].kind || got["faq_id"] != want[i].id {
			t.Errorf("line %d = %v %v, want %s %s", i+1, got["kind"], got["faq_id"], want[i].kind, want[i].id)
		}
	}
	if !strings.Contains(lines[2], "116") {
		t.Errorf("--country KE should give Kenya's helpline in the urgent reply: %s", lines[2])
	}
}

func TestAskAnswersEveryCatalogueEntryByItsTitle(t *testing.T) {
	k, err := (&contentFlags{}).load()
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for _, id := range k.Content.IDs {
		in.WriteString(k.Content.Langs["en"].Entries[id].Title + "\n")
	}
	_, out, _ := run(t, in.String(), "ask", "--format", "json")
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var got struct {
			FAQID string `json:"faq_id"`
		}
		_ = json.Unmarshal([]byte(line), &got)
		if id := k.Content.IDs[i]; got.FAQID != id {
			t.Errorf("title of %s answered with %q", id, got.FAQID)
		}
	}
}

func TestContentCheckNamesFileLineAndField(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../faq", dir)
	entry := filepath.Join(dir, "en", "grooming.what.txt")
	data, _ := os.ReadFile(entry)
	broken := strings.Replace(string(data), "audience: youth", "audience: kids", 1)
	if err := os.WriteFile(entry, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "content", "check", "--content", dir)
	if code != 1 || !strings.Contains(out, "en/grooming.what.txt:3: error: field \"audience\": \"kids\" is not one of") {
		t.Errorf("content check = %d, %q %q", code, out, stderr)
	}
	// the one validator: locales check names the same problem at the same place
	_, lout, _ := run(t, "", "locales", "check", "--content", dir)
	if !strings.Contains(lout, "en/grooming.what.txt:3: error: field \"audience\"") {
		t.Errorf("locales check does not agree with content check: %q", lout)
	}
	code, out, _ = run(t, "", "content", "check")
	if code != 0 || !strings.Contains(out, "content ok") {
		t.Errorf("embedded content check = %d, %q", code, out)
	}
}

func TestChatConsole(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "1\n1\n/forget\n", "chat", "--data", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Salama", "Pick a question", "deleted everything"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
}

func copyDir(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestServeRefusesHalfConfiguredChannels(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "no channel is configured"},
		{map[string]string{"TELEGRAM_WEBHOOK_URL": "https://x.example/tg"}, "TELEGRAM_BOT_TOKEN is not"},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_URL": "https://x.example/tg"}, "needs TELEGRAM_WEBHOOK_SECRET"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET"},
		{map[string]string{"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is not"},
		{map[string]string{"SALAMA_RETENTION_DAYS": "soon", "SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "y"}, "--retention-days"},
	} {
		for _, k := range []string{"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "SALAMA_RETENTION_DAYS"} {
			t.Setenv(k, tc.env[k])
		}
		code, _, stderr := run(t, "", "serve", "--data", t.TempDir())
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("serve with %v = %d, %q; want 2 and %q", tc.env, code, stderr, tc.want)
		}
	}
}

func TestStatsGapsAndForget(t *testing.T) {
	dir := t.TempDir()
	// /start, a question, then "Helpful" (choice 2 under an answer)
	if code, _, stderr := run(t, "what is sextortion\n2\n", "chat", "--data", dir); code != 0 {
		t.Fatalf("chat: %s", stderr)
	}
	code, out, stderr := run(t, "", "stats", "--data", dir, "--since", "1d")
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, stderr)
	}
	for _, want := range []string{"language", "sextortion.what", "100%"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := run(t, "", "gaps", "--data", dir); code != 0 || !strings.Contains(out, "SALAMA_LOG_UNANSWERED=1") {
		t.Errorf("gaps with no log = %d %q", code, out)
	}
	if code, out, _ := run(t, "", "data", "forget", "--platform", "console", "--user", "console", "--data", dir); code != 0 || !strings.Contains(out, "Deleted") {
		t.Errorf("data forget = %d %q", code, out)
	}
	if code, _, stderr := run(t, "", "data", "forget", "--platform", "icq", "--user", "1", "--data", dir); code != 2 || !strings.Contains(stderr, "--platform") {
		t.Errorf("data forget with a bad platform = %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "stats", "--since", "last week", "--data", dir); code != 2 || !strings.Contains(stderr, "30d") {
		t.Errorf("stats --since 'last week' = %d %q", code, stderr)
	}
}

func TestGroupSimilar(t *testing.T) {
	groups := groupSimilar([]string{"how do i make pizza", "how to make pizza", "weather today", "how do i make a pizza at home"})
	if len(groups) != 2 || len(groups[0]) != 3 {
		t.Errorf("groupSimilar = %q", groups)
	}
}

func TestReloadKeepsLastGoodContent(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../faq", dir)
	cf := &contentFlags{content: dir}
	k, err := cf.load()
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(k, memstore.New(), engine.Options{})
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))

	entry := filepath.Join(dir, "en", "grooming.what.txt")
	data, _ := os.ReadFile(entry)
	_ = os.WriteFile(entry, []byte(strings.Replace(string(data), "title: ", "titel: ", 1)), 0o644)
	if reload(cf, eng, log) || eng.Knowledge() != k {
		t.Fatal("a broken edit was swapped in")
	}
	if !strings.Contains(logs.String(), "en/grooming.what.txt") {
		t.Errorf("the log does not name the broken file: %s", logs.String())
	}
	_ = os.WriteFile(entry, []byte(strings.Replace(string(data), "title: What is online grooming?", "title: What is grooming online?", 1)), 0o644)
	if !reload(cf, eng, log) || eng.Knowledge().Content.Langs["en"].Entries["grooming.what"].Title != "What is grooming online?" {
		t.Error("a good edit was not swapped in")
	}
}

func TestChatInSwahili(t *testing.T) {
	k, err := (&contentFlags{}).load()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "nimetumiwa picha za uchi na mtu ananitishia\n", "chat", "--lang", "sw", "--data", t.TempDir())
	if code != 0 {
		t.Fatalf("chat --lang sw: %s", stderr)
	}
	welcome := strings.SplitN(k.Texts.T("sw", "welcome", nil), "\n", 2)[0]
	if !strings.Contains(out, welcome) {
		t.Errorf("chat --lang sw does not welcome in Swahili (%q):\n%s", welcome, out)
	}
	// an answer, or a choice of entries when two are close: in Swahili
	if !strings.Contains(out, k.Texts.T("sw", "helpful_question", nil)) && !strings.Contains(out, k.Texts.T("sw", "clarify_prompt", nil)) {
		t.Errorf("the Swahili question was not answered in Swahili:\n%s", out)
	}
}
