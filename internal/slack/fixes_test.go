package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

func command(h *harness, text string) url.Values {
	return url.Values{"command": {"/safety"}, "text": {text}, "user_id": {testUser}, "channel_id": {testChannel},
		"team_id": {testTeam}, "api_app_id": {testApp}, "response_url": {h.slack.responseURL()}, "trigger_id": {"1.2.3"}}
}

// "/safety forget" and the other command words run the engine's commands;
// anything else is a question, and "/safety help" asks for help.
func TestSafetyCommandWords(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"forget", "/forget"},
		{"Forget", "/Forget"},
		{"topics", "/topics"},
		{"language sw", "/language sw"},
		{"country KE", "/country KE"},
		{"privacy", "/privacy"},
		{"help", "help"},
		{"how do I forget a bad chat", "how do I forget a bad chat"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			h := MustHarness(t)
			h.form(t, "/slack/commands", command(h, tt.typed))
			h.stop(t)
			if msgs := h.engine.messages(); len(msgs) != 1 || msgs[0].Text != tt.want {
				t.Errorf("engine got %+v, want %q", msgs, tt.want)
			}
		})
	}
}

// Replies tell Slack users the form they can type: "/safety forget".
func TestRepliesUseTheSlackForm(t *testing.T) {
	h := MustHarness(t)
	h.form(t, "/slack/commands", command(h, "forget"))
	h.stop(t)
	c := h.slack.of("response_url")[0]
	want := "Deleted. Type /safety start to begin again, or /safety privacy."
	if got := c.rendered(t).Texts; !reflect.DeepEqual(got, []string{want}) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	if got := c.field("text"); got != want {
		t.Errorf("fallback text = %q, want %q", got, want)
	}
}

// Uninstalling the app, or revoking its bot token, stops the channel: it
// is logged at error, Health says why, Run returns an Unauthorized error
// and nothing more is sent.
func TestUninstallAndRevocation(t *testing.T) {
	for _, tt := range []struct{ name, why string }{
		{"app_uninstalled", "app_uninstalled"},
		{"tokens_revoked", "tokens_revoked"},
		{"invalid_auth on a send", "invalid_auth"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			switch tt.name {
			case "app_uninstalled":
				h.event(t, callback("Ev0UNINST", map[string]any{"type": "app_uninstalled"}))
			case "tokens_revoked":
				h.event(t, callback("Ev0REVOKE", map[string]any{"type": "tokens_revoked",
					"tokens": map[string]any{"oauth": []string{}, "bot": []string{testBot}}}))
			default:
				h.slack.then("chat.postMessage", slackError("invalid_auth"))
				h.event(t, callback("Ev0AUTH", dm("hello")))
			}
			var err error
			select {
			case err = <-h.runErr:
				h.runErr <- nil // for the cleanup
			case <-time.After(10 * time.Second):
				t.Fatal("Run kept going")
			}
			if channel.OutcomeOf(err) != channel.Unauthorized || channel.CodeOf(err) != tt.why {
				t.Errorf("Run = %v, want Unauthorized (%s)", err, tt.why)
			}
			if hl := h.a.Health(); hl.State != channel.Failed || hl.Reason != tt.why {
				t.Errorf("Health = %+v", hl)
			}
			if !strings.Contains(h.logs.String(), "level=ERROR") {
				t.Errorf("not logged at error:\n%s", h.logs.String())
			}
			posts := len(h.slack.of("chat.postMessage"))
			if err := h.a.deliver(context.Background(), target{channel: testDM}, chat.Reply{Text: "late"}); channel.OutcomeOf(err) != channel.Unauthorized {
				t.Errorf("deliver after the stop = %v", err)
			}
			if n := len(h.slack.of("chat.postMessage")); n != posts {
				t.Errorf("a message was posted after the stop")
			}
		})
	}
}

// A vote counts once per message and user, whichever button is pressed
// again; other buttons are answered every time.
func TestVoteOncePerMessage(t *testing.T) {
	h := MustHarness(t)
	n := 0
	press := func(action, value, msgTS string) {
		n++ // every press has a trigger id of its own
		cb, _ := json.Marshal(map[string]any{"type": "block_actions", "api_app_id": testApp,
			"team": map[string]any{"id": testTeam}, "user": map[string]any{"id": testUser},
			"container": map[string]any{"type": "message", "channel_id": testDM, "message_ts": msgTS},
			"channel":   map[string]any{"id": testDM}, "trigger_id": fmt.Sprint(n),
			"actions": []any{map[string]any{"action_id": action, "block_id": "choices1", "type": "button", "value": value}}})
		h.form(t, "/slack/interactive", url.Values{"payload": {string(cb)}})
	}
	press("v1", "yes:x", "1.1")
	press("v1", "yes:x", "1.1")
	press("v2", "no:x", "1.1")
	press("v1", "yes:x", "2.2") // another message
	press("c0", "more:x", "1.1")
	press("c0", "more:x", "1.1")
	h.stop(t)
	var got []string
	for _, m := range h.engine.messages() {
		got = append(got, m.Payload)
	}
	if want := []string{"yes:x", "yes:x", "more:x", "more:x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("engine got %q, want %q", got, want)
	}
}

// The vote buttons carry action ids of their own.
func TestVoteButtons(t *testing.T) {
	e := &fakeEngine{}
	r, _ := e.Respond(context.Background(), chat.Message{Text: "vote"})
	var ids []string
	for _, b := range renderBlocks(r) {
		if a, ok := b.(*slackapi.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				ids = append(ids, el.(*slackapi.ButtonBlockElement).ActionID)
			}
		}
	}
	if want := []string{"c0", "v1", "v2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("action ids %q, want %q", ids, want)
	}
}

// A signed command or button press replayed within the signature window is
// answered 200 and ignored.
func TestReplayIgnored(t *testing.T) {
	h := MustHarness(t)
	body := command(h, "what is grooming").Encode()
	for range 3 {
		if w := h.post(t, "/slack/commands", "application/x-www-form-urlencoded", body); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	h.stop(t)
	if n := len(h.engine.messages()); n != 1 {
		t.Errorf("engine asked %d times for one command replayed, want 1", n)
	}
	if n := len(h.slack.of("response_url")); n != 1 {
		t.Errorf("%d answers, want 1", n)
	}
}

// Replies to one user go out in the order asked, whatever the surface.
func TestPerUserOrder(t *testing.T) {
	h := MustHarness(t)
	for i := range 5 {
		h.event(t, callback(fmt.Sprint("Ev0ORD", i), dm(fmt.Sprint("n", i))))
	}
	h.stop(t)
	var got []string
	for _, p := range h.slack.of("chat.postMessage") {
		got = append(got, p.rendered(t).Texts...)
	}
	if want := []string{"echo: n0", "echo: n1", "echo: n2", "echo: n3", "echo: n4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("replies %q, want %q", got, want)
	}
}

func TestBlankLabelsNeverSent(t *testing.T) {
	blocks := renderBlocks(chat.Reply{Text: "x", Choices: []chat.Choice{
		{Label: "  ", Payload: "a"}, {Label: "", URL: "https://example.org"}, {Label: "Ok", Payload: "b"}, {Label: "Nothing"},
	}})
	b, _ := json.Marshal(blocks)
	if strings.Contains(string(b), `"text":""`) || strings.Count(string(b), `"type":"button"`) != 1 {
		t.Errorf("blocks %s: want one button, no blank label", b)
	}
}

// Past Slack's 50 blocks the text is shortened, never the choices.
func TestBlockLimitKeepsTheChoices(t *testing.T) {
	var choices []chat.Choice
	for i := range 30 {
		choices = append(choices, chat.Choice{Label: fmt.Sprint("Choice ", i), Payload: fmt.Sprint("c:", i)})
	}
	long := strings.Repeat(strings.Repeat("word ", 590)+"\n\n", 60)
	blocks := renderBlocks(chat.Reply{Text: long, Choices: choices})
	if len(blocks) > maxBlocks {
		t.Fatalf("%d blocks, over %d", len(blocks), maxBlocks)
	}
	buttons := 0
	var last *slackapi.SectionBlock
	for _, b := range blocks {
		switch b := b.(type) {
		case *slackapi.ActionBlock:
			buttons += len(b.Elements.ElementSet)
		case *slackapi.SectionBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > maxSectionText {
				t.Errorf("section of %d characters", n)
			}
			last = b
		}
	}
	if buttons != len(choices) {
		t.Errorf("%d buttons, want all %d", buttons, len(choices))
	}
	if last == nil || !strings.HasSuffix(last.Text.Text, "…") {
		t.Error("the shortened text does not say it was shortened")
	}
}

func TestPrivateLabelFromConfig(t *testing.T) {
	h := MustHarness(t, func(c *Config, _ *fakeSlack) { c.PrivateLabel = func(lang string) string { return "label in " + lang } })
	h.event(t, callback("Ev0PRIV", map[string]any{"type": "app_mention", "user": testUser, "channel": testChannel,
		"text": "<@" + testBot + "> danger", "ts": "1700000000.000200", "event_ts": "1700000000.000200"}))
	h.stop(t)
	if got := h.slack.of("chat.postMessage")[0].rendered(t).Buttons; len(got) != 1 || got[0].Label != "label in en" {
		t.Errorf("buttons %+v, want the configured label", got)
	}
}

// The manifest asks for what the adapter uses, and no more.
func TestManifest(t *testing.T) {
	data, err := os.ReadFile("../../deploy/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(data)
	for _, want := range []string{"- app_uninstalled", "- tokens_revoked", "- im:history", "- users:read"} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	if strings.Contains(m, "im:read") {
		t.Error("manifest asks for im:read, which nothing uses")
	}
}

// A request is refused before its body is read when its signature cannot
// be genuine, and a body over Slack's size is refused.
func TestUnauthenticatedBodiesBounded(t *testing.T) {
	h := MustHarness(t)
	for _, tt := range []struct {
		name, sig string
		length    int64
		want      int
	}{
		{"malformed signature", "v0=zz", 10, http.StatusUnauthorized},
		{"wrong version", "v1=" + strings.Repeat("a", 64), 10, http.StatusUnauthorized},
		{"upper-case hex", "v0=" + strings.Repeat("A", 64), 10, http.StatusUnauthorized},
		{"too large", "v0=" + strings.Repeat("a", 64), 1 << 20, http.StatusRequestEntityTooLarge},
	} {
		body := &watchedBody{Reader: strings.NewReader("{}")}
		r := httptest.NewRequest(http.MethodPost, "/slack/events", body)
		r.ContentLength = tt.length
		r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(h.now.Unix(), 10))
		r.Header.Set("X-Slack-Signature", tt.sig)
		w := httptest.NewRecorder()
		h.a.Handler().ServeHTTP(w, r)
		if w.Code != tt.want || body.read {
			t.Errorf("%s: status %d (read %v), want %d without reading", tt.name, w.Code, body.read, tt.want)
		}
	}
}

type watchedBody struct {
	*strings.Reader
	read bool
}

func (w *watchedBody) Read(p []byte) (int, error) {
	w.read = true
	return w.Reader.Read(p)
}
