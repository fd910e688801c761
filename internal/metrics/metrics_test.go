package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/metrics"
)

func TestMetricsMove(t *testing.T) {
	m := metrics.New()
	m.Replied(chat.Telegram, chat.KindAnswer, "sw", 30*time.Millisecond)
	m.Replied(chat.Telegram, chat.KindAnswer, "sw", 10*time.Millisecond)
	m.SendError(chat.Slack, "blocked")
	m.RateLimitWait(chat.Telegram, 2*time.Second)
	m.Queue(chat.Slack, 3)
	m.Dropped(chat.Telegram, "throttled")
	m.Event(chat.WhatsApp, "status_read")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`salama_replies_total{channel="telegram",kind="answer",lang="sw"} 2`,
		`salama_reply_seconds_count{channel="telegram"} 2`,
		`salama_send_errors_total{channel="slack",reason="blocked"} 1`,
		`salama_rate_limit_wait_seconds_total{channel="telegram"} 2`,
		`salama_queue_messages{channel="slack"} 3`,
		`salama_dropped_total{channel="telegram",reason="throttled"} 1`,
		`salama_platform_events_total{channel="whatsapp",event="status_read"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
