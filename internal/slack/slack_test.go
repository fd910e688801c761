package slack

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

func TestNewConfig(t *testing.T) {
	eng := &fakeEngine{}
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"http mode", Config{BotToken: "xoxb", SigningSecret: "s"}, false},
		{"socket mode without secret", Config{BotToken: "xoxb", AppToken: "xapp"}, false},
		{"no bot token", Config{SigningSecret: "s"}, true},
		{"http mode without secret", Config{BotToken: "xoxb"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, eng)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New() error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("New() error = %v, want ErrConfig", err)
			}
		})
	}
	if _, err := New(Config{BotToken: "xoxb", SigningSecret: "s"}, nil); err == nil {
		t.Error("New(nil engine) = nil error")
	}
	for in, want := range map[string]string{
		"":                        "https://slack.com/api/",
		"http://127.0.0.1:1/api":  "http://127.0.0.1:1/api/",
		"http://127.0.0.1:1/api/": "http://127.0.0.1:1/api/",
	} {
		a, err := New(Config{BotToken: "xoxb", SigningSecret: "s", APIURL: in}, eng)
		if err != nil {
			t.Fatal(err)
		}
		if a.cfg.APIURL != want {
			t.Errorf("APIURL %q became %q, want %q", in, a.cfg.APIURL, want)
		}
	}
}

func TestURLVerification(t *testing.T) {
	h := MustHarness(t)
	w := h.post(t, "/slack/events", "application/json",
		`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	if w.Code != http.StatusOK || w.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %q, want 200 and the challenge", w.Code, w.Body.String())
	}
}

func TestSignature(t *testing.T) {
	body := callback("Ev0SIG", dm("hello"))
	tests := []struct {
		name string
		// skew moves the adapter's clock away from the signing time.
		skew   time.Duration
		header func(h http.Header, now time.Time)
		send   string // the body sent, when not the one signed
		want   int
	}{
		{name: "signed", want: http.StatusOK},
		{name: "unsigned", header: func(h http.Header, _ time.Time) {
			h.Del("X-Slack-Signature")
			h.Del("X-Slack-Request-Timestamp")
		}, want: http.StatusUnauthorized},
		{name: "no timestamp", header: func(h http.Header, _ time.Time) { h.Del("X-Slack-Request-Timestamp") }, want: http.StatusUnauthorized},
		{name: "tampered body", send: strings.Replace(body, "hello", "hellO", 1), want: http.StatusUnauthorized},
		{name: "wrong secret", header: func(h http.Header, now time.Time) { sign(h, "not-the-secret", now, body) }, want: http.StatusUnauthorized},
		{name: "garbled signature", header: func(h http.Header, _ time.Time) { h.Set("X-Slack-Signature", "v0=zz") }, want: http.StatusUnauthorized},
		{name: "no version", header: func(h http.Header, _ time.Time) {
			h.Set("X-Slack-Signature", strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
		}, want: http.StatusUnauthorized},
		{name: "expired", header: func(h http.Header, now time.Time) { sign(h, testSecret, now.Add(-6*time.Minute), body) }, want: http.StatusUnauthorized},
		{name: "from the future", header: func(h http.Header, now time.Time) { sign(h, testSecret, now.Add(6*time.Minute), body) }, want: http.StatusUnauthorized},
		{name: "within the window", header: func(h http.Header, now time.Time) { sign(h, testSecret, now.Add(-4*time.Minute), body) }, want: http.StatusOK},
		{name: "adapter clock ahead", skew: 10 * time.Minute, want: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			signedAt := h.now
			h.now = h.now.Add(tt.skew) // before any request: Now reads it unguarded
			send := body
			if tt.send != "" {
				send = tt.send
			}
			r := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(send))
			r.Header.Set("Content-Type", "application/json")
			sign(r.Header, testSecret, signedAt, body)
			if tt.header != nil {
				tt.header(r.Header, signedAt)
			}
			w := httptest.NewRecorder()
			h.a.Handler().ServeHTTP(w, r)
			h.stop(t)
			if w.Code != tt.want {
				t.Fatalf("status = %d, want %d", w.Code, tt.want)
			}
			wantCalls := 0
			if tt.want == http.StatusOK {
				wantCalls = 1
			}
			if n := len(h.engine.messages()); n != wantCalls {
				t.Errorf("engine saw %d messages, want %d", n, wantCalls)
			}
		})
	}
}

func TestEveryPathNeedsASignature(t *testing.T) {
	h := MustHarness(t)
	for _, path := range []string{"/slack/events", "/slack/commands", "/slack/interactive"} {
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader("payload=%7B%7D"))
		w := httptest.NewRecorder()
		h.a.Handler().ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("unsigned POST %s = %d, want 401", path, w.Code)
		}
	}
	w := h.post(t, "/slack/other", "application/json", "{}")
	if w.Code != http.StatusNotFound {
		t.Errorf("POST /slack/other = %d, want 404", w.Code)
	}
}

func TestSlashCommand(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		wantText string // what the engine reads
		wantSays string // the section text sent back
	}{
		{"question", "how do I report a profile?", "how do I report a profile?", "echo: how do I report a profile?"},
		{"alone opens the menu", "  ", "/topics", "Topics"},
		{"escaped both ways", "is a &lt; b &amp;&amp; c?", "is a < b && c?", "echo: is a &lt; b &amp;&amp; c?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			h.form(t, "/slack/commands", url.Values{
				"command": {"/safety"}, "text": {tt.text}, "user_id": {testUser}, "channel_id": {testChannel},
				"team_id": {testTeam}, "api_app_id": {testApp}, "response_url": {h.slack.responseURL()},
				"trigger_id": {"13345224609.738474920.8088930838d88f008e0"},
			})
			h.stop(t)

			msgs := h.engine.messages()
			want := chat.Message{User: chat.User{Platform: chat.Slack, ID: testUser}, Chat: testChannel,
				Text: tt.wantText, LangHint: "es-ES", Group: false}
			if len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
				t.Fatalf("engine got %+v, want [%+v]", msgs, want)
			}
			sends := h.slack.sends()
			if len(sends) != 1 || sends[0].Method != "response_url" {
				t.Fatalf("sends = %v, want one response_url call", h.slack.methods())
			}
			c := sends[0]
			if got := c.field("response_type"); got != "ephemeral" {
				t.Errorf("response_type = %q, want ephemeral", got)
			}
			if ro, ok := c.JSON["replace_original"].(bool); !ok || ro {
				t.Errorf("replace_original = %v, want false", c.JSON["replace_original"])
			}
			if got := c.rendered(t).Texts; !reflect.DeepEqual(got, []string{tt.wantSays}) {
				t.Errorf("section texts = %q, want [%q]", got, tt.wantSays)
			}
		})
	}
}

func TestMention(t *testing.T) {
	mention := func(text string, extra map[string]any) map[string]any {
		e := map[string]any{"type": "app_mention", "user": testUser, "channel": testChannel,
			"text": text, "ts": "1700000000.000200", "event_ts": "1700000000.000200"}
		for k, v := range extra {
			e[k] = v
		}
		return e
	}
	tests := []struct {
		name       string
		event      map[string]any
		wantText   string // what the engine reads; "" = not asked
		wantThread string
		want       rendered
	}{
		{
			name:       "menu in a thread",
			event:      mention("<@"+testBot+"> menu", nil),
			wantText:   "menu",
			wantThread: "1700000000.000200",
			want: rendered{Texts: []string{"Pick one"}, Buttons: []button{
				{ActionID: "c0", Label: "Reporting", Value: "faq:report"},
				{ActionID: "c1", Label: "Helpline", URL: "https://example.org/help"},
			}},
		},
		{
			name:       "inside a thread answers in that thread",
			event:      mention("<@"+testBot+"> hi", map[string]any{"thread_ts": "1699999999.000001"}),
			wantText:   "hi",
			wantThread: "1699999999.000001",
			want:       rendered{Texts: []string{"echo: hi"}},
		},
		{
			name:       "private reply invites to the DM",
			event:      mention("<@"+testBot+">   danger", nil),
			wantText:   "danger",
			wantThread: "1700000000.000200",
			want: rendered{Texts: []string{"Let's talk in private."}, Buttons: []button{
				{ActionID: "c0", Label: "Open a private chat", URL: "https://slack.com/app_redirect?app=" + testApp + "&team=" + testTeam},
			}},
		},
		{
			name:       "a bare mention opens the menu",
			event:      mention("<@"+testBot+">", nil),
			wantText:   "/topics",
			wantThread: "1700000000.000200",
			want:       rendered{Texts: []string{"Topics"}},
		},
		{name: "from a bot", event: mention("<@"+testBot+"> menu", map[string]any{"bot_id": "B1"})},
		{name: "edited", event: mention("<@"+testBot+"> menu", map[string]any{"edited": map[string]any{"user": testUser, "ts": "1"}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			h.event(t, callback("Ev0MENTION", tt.event))
			h.stop(t)

			msgs := h.engine.messages()
			if tt.wantText == "" {
				if len(msgs) != 0 || len(h.slack.sends()) != 0 {
					t.Fatalf("ignored mention: engine got %d, sends %v", len(msgs), h.slack.methods())
				}
				return
			}
			if len(msgs) != 1 || msgs[0].Text != tt.wantText || !msgs[0].Group || msgs[0].Chat != testChannel {
				t.Fatalf("engine got %+v, want one group message %q", msgs, tt.wantText)
			}
			posts := h.slack.sends()
			if len(posts) != 1 || posts[0].Method != "chat.postMessage" {
				t.Fatalf("sends = %v, want one chat.postMessage", h.slack.methods())
			}
			p := posts[0]
			if p.field("channel") != testChannel || p.field("thread_ts") != tt.wantThread {
				t.Errorf("posted to %q thread %q, want %q thread %q", p.field("channel"), p.field("thread_ts"), testChannel, tt.wantThread)
			}
			if got := p.rendered(t); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rendered %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDirectMessage(t *testing.T) {
	tests := []struct {
		name      string
		event     map[string]any
		wantMsg   *chat.Message
		wantReply string
	}{
		{
			name:      "text",
			event:     dm("hello &amp; welcome <https://example.org|site>"),
			wantMsg:   &chat.Message{Text: "hello & welcome site"},
			wantReply: "echo: hello &amp; welcome site",
		},
		{
			name: "a shared photo",
			event: func() map[string]any {
				e := dm("")
				e["subtype"] = "file_share"
				e["files"] = []map[string]any{{"id": "F1", "mimetype": "image/png"}}
				return e
			}(),
			wantMsg:   &chat.Message{Media: chat.MediaPhoto},
			wantReply: "I do not open files.",
		},
		{name: "from a bot", event: func() map[string]any { e := dm("hi"); e["bot_id"] = "B1"; return e }()},
		{name: "the bot itself", event: func() map[string]any { e := dm("hi"); e["user"] = testBot; return e }()},
		{name: "an edit", event: func() map[string]any { e := dm("hi"); e["subtype"] = "message_changed"; return e }()},
		{name: "in a channel", event: func() map[string]any { e := dm("hi"); e["channel_type"] = "channel"; return e }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			h.event(t, callback("Ev0DM", tt.event))
			h.stop(t)

			msgs := h.engine.messages()
			if tt.wantMsg == nil {
				if len(msgs) != 0 || len(h.slack.sends()) != 0 {
					t.Fatalf("ignored DM: engine got %d, calls %v", len(msgs), h.slack.methods())
				}
				return
			}
			want := *tt.wantMsg
			want.User = chat.User{Platform: chat.Slack, ID: testUser}
			want.Chat = testDM
			want.LangHint = "es-ES"
			if len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
				t.Fatalf("engine got %+v, want [%+v]", msgs, want)
			}
			posts := h.slack.sends()
			if len(posts) != 1 || posts[0].Method != "chat.postMessage" {
				t.Fatalf("sends = %v, want one chat.postMessage", h.slack.methods())
			}
			if got := posts[0].field("channel"); got != testDM {
				t.Errorf("posted to %q, want %q", got, testDM)
			}
			if got := posts[0].field("thread_ts"); got != "" {
				t.Errorf("thread_ts = %q, want none in a DM", got)
			}
			if got := posts[0].rendered(t).Texts; !reflect.DeepEqual(got, []string{tt.wantReply}) {
				t.Errorf("texts = %q, want [%q]", got, tt.wantReply)
			}
			if got := posts[0].field("text"); got != tt.wantReply {
				t.Errorf("fallback text = %q, want %q", got, tt.wantReply)
			}
		})
	}
}

func TestButton(t *testing.T) {
	payload := func(h *harness, container map[string]any, value string) url.Values {
		action := map[string]any{"action_id": "c0", "block_id": "choices1", "type": "button",
			"text": map[string]any{"type": "plain_text", "text": "Reporting"}, "action_ts": "1700000001.1"}
		if value != "" {
			action["value"] = value
		}
		cb := map[string]any{
			"type": "block_actions", "api_app_id": testApp, "team": map[string]any{"id": testTeam},
			"user": map[string]any{"id": testUser}, "container": container,
			"trigger_id": "1.2.3", "actions": []any{action},
		}
		if ch, ok := container["channel_id"]; ok {
			cb["channel"] = map[string]any{"id": ch}
			cb["response_url"] = h.slack.responseURL()
		}
		b, _ := json.Marshal(cb)
		return url.Values{"payload": {string(b)}}
	}
	tests := []struct {
		name      string
		container map[string]any
		value     string
		wantGroup bool
		// where the reply goes
		wantMethods []string
		wantChannel string
		wantThread  string
	}{
		{
			name:      "in a channel thread",
			container: map[string]any{"type": "message", "channel_id": testChannel, "message_ts": "1700000000.000300", "thread_ts": "1700000000.000200"},
			value:     "faq:report", wantGroup: true,
			wantMethods: []string{"chat.postMessage"}, wantChannel: testChannel, wantThread: "1700000000.000200",
		},
		{
			name:      "on a channel message",
			container: map[string]any{"type": "message", "channel_id": testChannel, "message_ts": "1700000000.000300"},
			value:     "faq:report", wantGroup: true,
			wantMethods: []string{"chat.postMessage"}, wantChannel: testChannel, wantThread: "1700000000.000300",
		},
		{
			name:        "on an ephemeral answer",
			container:   map[string]any{"type": "message", "channel_id": testChannel, "message_ts": "1700000000.000300", "is_ephemeral": true},
			value:       "faq:report",
			wantMethods: []string{"response_url"},
		},
		{
			name:        "in the DM",
			container:   map[string]any{"type": "message", "channel_id": testDM, "message_ts": "1700000000.000300"},
			value:       "faq:report",
			wantMethods: []string{"chat.postMessage"}, wantChannel: testDM,
		},
		{
			name:        "on the App Home",
			container:   map[string]any{"type": "view", "view_id": "V0VIEW"},
			value:       "topic:grooming",
			wantMethods: []string{"conversations.open", "chat.postMessage"}, wantChannel: openedDM,
		},
		{
			name:      "a link button",
			container: map[string]any{"type": "message", "channel_id": testDM, "message_ts": "1700000000.000300"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			h.form(t, "/slack/interactive", payload(h, tt.container, tt.value))
			h.stop(t)

			msgs := h.engine.messages()
			if tt.value == "" {
				if len(msgs) != 0 || len(h.slack.sends()) != 0 {
					t.Fatalf("link button: engine got %d, calls %v", len(msgs), h.slack.methods())
				}
				return
			}
			if len(msgs) != 1 || msgs[0].Payload != tt.value || msgs[0].Group != tt.wantGroup || msgs[0].LangHint != "es-ES" {
				t.Fatalf("engine got %+v, want payload %q group %v", msgs, tt.value, tt.wantGroup)
			}
			sends := h.slack.sends()
			var methods []string
			for _, c := range sends {
				methods = append(methods, c.Method)
			}
			if !reflect.DeepEqual(methods, tt.wantMethods) {
				t.Fatalf("sends = %v, want %v", methods, tt.wantMethods)
			}
			last := sends[len(sends)-1]
			if got := last.rendered(t).Texts; !reflect.DeepEqual(got, []string{"You chose " + tt.value}) {
				t.Errorf("texts = %q", got)
			}
			switch last.Method {
			case "chat.postMessage":
				if last.field("channel") != tt.wantChannel || last.field("thread_ts") != tt.wantThread {
					t.Errorf("posted to %q thread %q, want %q thread %q",
						last.field("channel"), last.field("thread_ts"), tt.wantChannel, tt.wantThread)
				}
			case "response_url":
				if last.field("response_type") != "ephemeral" || last.JSON["replace_original"] != false {
					t.Errorf("response_url body = %v, want ephemeral, replace_original false", last.JSON)
				}
			}
			if sends[0].Method == "conversations.open" && sends[0].field("users") != testUser {
				t.Errorf("conversations.open users = %q, want %q", sends[0].field("users"), testUser)
			}
		})
	}
}

func TestAppHome(t *testing.T) {
	tests := []struct {
		name     string
		tab      string
		country  string
		wantHint string // "" = no view published
	}{
		{name: "home tab", tab: "home", wantHint: "es-ES"},
		{name: "home tab in a Kenyan school", tab: "home", country: "ke", wantHint: "es-KE"},
		{name: "messages tab", tab: "messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t, func(c *Config, _ *fakeSlack) { c.Country = tt.country })
			h.event(t, callback("Ev0HOME", map[string]any{"type": "app_home_opened", "user": testUser,
				"channel": testDM, "tab": tt.tab, "event_ts": "1700000000.000400"}))
			h.stop(t)

			views := h.slack.of("views.publish")
			if tt.wantHint == "" {
				if len(views) != 0 {
					t.Fatalf("views.publish called %d times, want 0", len(views))
				}
				return
			}
			if len(views) != 1 {
				t.Fatalf("views.publish called %d times, want 1 (calls %v)", len(views), h.slack.methods())
			}
			v := views[0]
			if v.field("user_id") != testUser {
				t.Errorf("user_id = %q, want %q", v.field("user_id"), testUser)
			}
			if typ := v.JSON["view"].(map[string]any)["type"]; typ != "home" {
				t.Errorf("view type = %v, want home", typ)
			}
			want := rendered{Texts: []string{"Welcome &lt;teachers&gt; &amp; staff"},
				Buttons: []button{{ActionID: "c0", Label: "Grooming", Value: "topic:grooming"}}}
			if got := v.rendered(t); !reflect.DeepEqual(got, want) {
				t.Errorf("home view %+v, want %+v", got, want)
			}
			if got := h.engine.homes; !reflect.DeepEqual(got, []string{tt.wantHint}) {
				t.Errorf("Home hints = %q, want [%q]", got, tt.wantHint)
			}
			if info := h.slack.of("users.info"); len(info) != 1 || info[0].field("include_locale") != "true" {
				t.Errorf("users.info calls = %+v, want one with include_locale=true", info)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name       string
		script     []http.HandlerFunc
		wantPosts  int
		wantSleeps []time.Duration
		wantErrors []string
	}{
		{
			name:       "429 then ok",
			script:     []http.HandlerFunc{status(http.StatusTooManyRequests, "Retry-After", "1")},
			wantPosts:  2,
			wantSleeps: []time.Duration{time.Second},
		},
		{
			name:       "ratelimited error body",
			script:     []http.HandlerFunc{slackError("ratelimited")},
			wantPosts:  2,
			wantSleeps: []time.Duration{time.Second},
		},
		{
			name:       "Retry-After too long",
			script:     []http.HandlerFunc{status(http.StatusTooManyRequests, "Retry-After", "3600")},
			wantPosts:  1,
			wantErrors: []string{"rate_limited"},
		},
		{
			name: "429 every time",
			script: []http.HandlerFunc{
				status(http.StatusTooManyRequests, "Retry-After", "2"),
				status(http.StatusTooManyRequests, "Retry-After", "2"),
				status(http.StatusTooManyRequests, "Retry-After", "2"),
				status(http.StatusTooManyRequests, "Retry-After", "2"),
			},
			wantPosts:  4,
			wantSleeps: []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second},
			wantErrors: []string{"rate_limited"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t, func(_ *Config, f *fakeSlack) {
				for _, s := range tt.script {
					f.then("chat.postMessage", s)
				}
			})
			h.event(t, callback("Ev0RATE", dm("hello")))
			h.stop(t)

			if n := len(h.slack.of("chat.postMessage")); n != tt.wantPosts {
				t.Errorf("chat.postMessage called %d times, want %d", n, tt.wantPosts)
			}
			if got := h.sleepsSoFar(); !reflect.DeepEqual(got, tt.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tt.wantSleeps)
			}
			if !reflect.DeepEqual(h.obs.RateLimitWaits(), tt.wantSleeps) {
				t.Errorf("observer waits %v, want %v", h.obs.RateLimitWaits(), tt.wantSleeps)
			}
			if !reflect.DeepEqual(h.obs.SendErrors(), tt.wantErrors) {
				t.Errorf("observer errors %v, want %v", h.obs.SendErrors(), tt.wantErrors)
			}
			wantReplied := 0
			if tt.wantErrors == nil {
				wantReplied = 1 // exactly one message delivered
			}
			if len(h.obs.Replies()) != wantReplied {
				t.Errorf("delivered %d replies, want %d", len(h.obs.Replies()), wantReplied)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		script    []http.HandlerFunc
		wantPosts int
		wantError string
	}{
		{"archived channel", []http.HandlerFunc{slackError("is_archived")}, 1, "blocked"},
		{"channel gone", []http.HandlerFunc{slackError("channel_not_found")}, 1, "blocked"},
		{"not in channel", []http.HandlerFunc{slackError("not_in_channel")}, 1, "blocked"},
		{"inactive account", []http.HandlerFunc{slackError("account_inactive")}, 1, "blocked"},
		{"bad request", []http.HandlerFunc{slackError("invalid_blocks")}, 1, "bad_request"},
		{"server error, then ok", []http.HandlerFunc{status(http.StatusInternalServerError)}, 2, ""},
		{"server down", []http.HandlerFunc{
			status(http.StatusBadGateway), status(http.StatusBadGateway),
			status(http.StatusBadGateway), status(http.StatusBadGateway),
		}, 4, "server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t, func(_ *Config, f *fakeSlack) {
				for _, s := range tt.script {
					f.then("chat.postMessage", s)
				}
			})
			h.event(t, callback("Ev0ERR", dm("hello")))
			h.stop(t)
			if n := len(h.slack.of("chat.postMessage")); n != tt.wantPosts {
				t.Errorf("chat.postMessage called %d times, want %d", n, tt.wantPosts)
			}
			var want []string
			if tt.wantError != "" {
				want = []string{tt.wantError}
			}
			if !reflect.DeepEqual(h.obs.SendErrors(), want) {
				t.Errorf("observer errors %v, want %v", h.obs.SendErrors(), want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantBlocked bool
		wantRetry   bool
		wantWait    time.Duration
	}{
		{"nil", nil, false, false, 0},
		{"user_not_found", slackErr("user_not_found"), true, false, 0},
		{"is_archived", slackErr("is_archived"), true, false, 0},
		{"internal_error", slackErr("internal_error"), false, true, 0},
		{"invalid_auth", slackErr("invalid_auth"), false, false, 0},
		{"response_url text", errors.New("expired_url"), false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(tt.err)
			if got := errors.Is(err, chat.ErrBlocked); got != tt.wantBlocked {
				t.Errorf("classify(%v) blocked = %v, want %v", tt.err, got, tt.wantBlocked)
			}
			var wait time.Duration
			var ce *channel.Error
			if errors.As(err, &ce) {
				wait = ce.RetryAfter
			}
			if retry := channel.OutcomeOf(err).Retryable(); retry != tt.wantRetry || wait != tt.wantWait {
				t.Errorf("classify(%v) = %v: retryable %v after %v, want %v, %v", tt.err, err, retry, wait, tt.wantRetry, tt.wantWait)
			}
		})
	}
}

func TestRetriedEventAnsweredOnce(t *testing.T) {
	h := MustHarness(t)
	body := callback("Ev0RETRY", dm("hello"))
	h.event(t, body)
	h.event(t, body, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	h.event(t, body, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
	h.event(t, callback("Ev0OTHER", dm("hello again")))
	h.stop(t)
	if n := len(h.engine.messages()); n != 2 {
		t.Errorf("engine asked %d times, want 2", n)
	}
	if n := len(h.slack.of("chat.postMessage")); n != 2 {
		t.Errorf("chat.postMessage called %d times, want 2", n)
	}
}

func TestLocaleCached(t *testing.T) {
	h := MustHarness(t)
	h.event(t, callback("Ev1", dm("one")))
	h.event(t, callback("Ev2", dm("two")))
	h.stop(t)
	if n := len(h.slack.of("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
	for _, m := range h.engine.messages() {
		if m.LangHint != "es-ES" {
			t.Errorf("LangHint = %q, want es-ES", m.LangHint)
		}
	}
}

func TestLocaleUnknown(t *testing.T) {
	h := MustHarness(t, func(_ *Config, f *fakeSlack) { f.then("users.info", slackError("missing_scope")) })
	h.event(t, callback("Ev1", dm("one")))
	h.stop(t)
	msgs := h.engine.messages()
	if len(msgs) != 1 || msgs[0].LangHint != "" {
		t.Fatalf("engine got %+v, want one message without a hint", msgs)
	}
	if len(h.slack.of("chat.postMessage")) != 1 {
		t.Errorf("no reply without a locale")
	}
}

func TestShutdownRefusesNewWork(t *testing.T) {
	h := MustHarness(t)
	h.stop(t)
	w := h.post(t, "/slack/events", "application/json", callback("Ev0LATE", dm("hello")))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("after Run: status %d, want 503", w.Code)
	}
	if n := len(h.engine.messages()); n != 0 {
		t.Errorf("engine asked %d times after Run returned", n)
	}
}

func TestHandlerWithoutSecret(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb", AppToken: "xapp"}, &fakeEngine{})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader("{}")))
	if w.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", w.Code)
	}
}

func TestLoopbackGuard(t *testing.T) {
	rec := &recordingTB{TB: t}
	c := MustLoopbackClient(rec)
	if _, err := c.Get("http://192.0.2.1/api/chat.postMessage"); err == nil {
		t.Error("request to 192.0.2.1 succeeded")
	}
	if !rec.failed {
		t.Error("guard did not fail the test")
	}
}

type recordingTB struct {
	testing.TB
	failed bool
}

func (r *recordingTB) Errorf(string, ...any) { r.failed = true }

func slackErr(code string) error {
	return slackErrorResponse(code)
}
