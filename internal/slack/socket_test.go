package slack

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/salama-safety/salama/internal/chat"
)

// envelope is a Socket Mode request as Slack sends it.
func envelope(typ, id string, payload string, retry int) map[string]any {
	return map[string]any{"type": typ, "envelope_id": id, "payload": json.RawMessage(payload),
		"accepts_response_payload": false, "retry_attempt": retry, "retry_reason": ""}
}

// MustSocketHarness runs a Socket Mode adapter against a fake WebSocket
// that says hello, then sends the envelopes envs makes, and returns the
// acknowledgements it reads back.
func MustSocketHarness(tb testing.TB, makeEnvs func(f *fakeSlack) []map[string]any) (*harness, <-chan map[string]any) {
	tb.Helper()
	acks := make(chan map[string]any, 16)
	h := MustHarness(tb, func(c *Config, f *fakeSlack) {
		envs := makeEnvs(f)
		c.AppToken = "xapp-test"
		c.SigningSecret = ""
		c.Dialer = MustLoopbackDialer(tb)
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		f.ws = func(w http.ResponseWriter, r *http.Request) {
			conn, err := up.Upgrade(w, r, nil)
			if err != nil {
				tb.Errorf("upgrade: %v", err)
				return
			}
			defer conn.Close()
			msgs := []any{map[string]any{"type": "hello", "num_connections": 1,
				"debug_info": map[string]any{"host": "applink-test"}, "connection_info": map[string]any{"app_id": testApp}}}
			for _, e := range envs {
				msgs = append(msgs, e)
			}
			for _, m := range msgs {
				if err := conn.WriteJSON(m); err != nil {
					tb.Errorf("write: %v", err)
					return
				}
			}
			for {
				var ack map[string]any
				if err := conn.ReadJSON(&ack); err != nil {
					return // the client went away
				}
				acks <- ack
			}
		}
	})
	return h, acks
}

func waitAcks(tb testing.TB, acks <-chan map[string]any, n int) []string {
	tb.Helper()
	var ids []string
	for range n {
		select {
		case ack := <-acks:
			id, _ := ack["envelope_id"].(string)
			if _, has := ack["payload"]; has {
				tb.Errorf("ack %s carries a payload: %v", id, ack)
			}
			ids = append(ids, id)
		case <-time.After(10 * time.Second):
			tb.Fatalf("got %d acks, want %d", len(ids), n)
		}
	}
	return ids
}

func TestSocketMode(t *testing.T) {
	event := callback("Ev0SOCK", dm("hello"))
	h, acks := MustSocketHarness(t, func(*fakeSlack) []map[string]any {
		return []map[string]any{
			envelope("events_api", "env-1", event, 0),
			// The same event again, as Slack retries it: acknowledged, not answered.
			envelope("events_api", "env-2", event, 1),
		}
	})
	got := waitAcks(t, acks, 2)
	h.stop(t)

	// An event is acknowledged once answered (or after AckWait): the
	// retry, waiting for the same answer, may be acknowledged first.
	slices.Sort(got)
	if want := []string{"env-1", "env-2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("acks %v, want %v", got, want)
	}
	open := h.slack.of("apps.connections.open")
	if len(open) != 1 || open[0].Header.Get("Authorization") != "Bearer xapp-test" {
		t.Errorf("apps.connections.open calls %+v, want one with the app token", open)
	}
	msgs := h.engine.messages()
	want := chat.Message{User: chat.User{Platform: chat.Slack, ID: testUser}, Chat: testDM, Text: "hello", LangHint: "es-ES"}
	if len(msgs) != 1 || !reflect.DeepEqual(msgs[0], want) {
		t.Fatalf("engine got %+v, want [%+v]", msgs, want)
	}
	posts := h.slack.of("chat.postMessage")
	if len(posts) != 1 || posts[0].field("channel") != testDM {
		t.Fatalf("chat.postMessage calls %d, want 1 to the DM", len(posts))
	}
	if got := posts[0].rendered(t).Texts; !reflect.DeepEqual(got, []string{"echo: hello"}) {
		t.Errorf("texts %q", got)
	}
	if auth := posts[0].Header.Get("Authorization"); auth != "" && auth != "Bearer xoxb-test" {
		t.Errorf("chat.postMessage with %q, want the bot token", auth)
	}
	if tok := posts[0].Form.Get("token"); tok != "" && tok != "xoxb-test" {
		t.Errorf("chat.postMessage with token %q, want the bot token", tok)
	}
}

func TestSocketModeCommandAndButton(t *testing.T) {
	h, acks := MustSocketHarness(t, func(f *fakeSlack) []map[string]any {
		cmd, _ := json.Marshal(map[string]any{"command": "/safety", "text": "", "user_id": testUser,
			"channel_id": testChannel, "team_id": testTeam, "api_app_id": testApp, "response_url": f.responseURL()})
		btn, _ := json.Marshal(map[string]any{"type": "block_actions", "api_app_id": testApp,
			"team": map[string]any{"id": testTeam}, "user": map[string]any{"id": testUser},
			"container": map[string]any{"type": "message", "channel_id": testDM, "message_ts": "1.1"},
			"channel":   map[string]any{"id": testDM},
			"actions":   []any{map[string]any{"action_id": "c0", "block_id": "choices1", "type": "button", "value": "faq:report"}}})
		return []map[string]any{
			envelope("slash_commands", "env-cmd", string(cmd), 0),
			envelope("interactive", "env-btn", string(btn), 0),
		}
	})
	got := waitAcks(t, acks, 2)
	h.stop(t)
	if want := []string{"env-cmd", "env-btn"}; !reflect.DeepEqual(got, want) {
		t.Errorf("acks %v, want %v", got, want)
	}
	if n := len(h.slack.of("response_url")); n != 1 {
		t.Errorf("response_url calls %d, want 1 (the command)", n)
	}
	posts := h.slack.of("chat.postMessage")
	if len(posts) != 1 || posts[0].field("channel") != testDM {
		t.Errorf("chat.postMessage calls %d, want 1 to the DM (the button)", len(posts))
	}
	got2 := map[string]bool{}
	for _, m := range h.engine.messages() {
		got2[m.Text+"|"+m.Payload] = true
	}
	if want := map[string]bool{"/topics|": true, "|faq:report": true}; !reflect.DeepEqual(got2, want) {
		t.Errorf("engine got %v, want %v", got2, want)
	}
}

func TestSocketModeInvalidAuth(t *testing.T) {
	f := MustFakeSlack(t)
	f.then("apps.connections.open", slackError("invalid_auth"))
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-revoked", APIURL: f.srv.URL + "/api/",
		HTTPClient: MustLoopbackClient(t), Dialer: MustLoopbackDialer(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, &fakeEngine{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("Run = %v (ctx %v), want the invalid_auth error at once", err, ctx.Err())
	}
}
