// Package metrics exposes Salama's delivery metrics to Prometheus
// (github.com/prometheus/client_golang). It implements chat.Observer, so the
// adapters report to it without knowing Prometheus. No metric carries a
// user, a chat or any text: labels are the channel, the reply kind, the
// language and a fixed error reason.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/salama-safety/salama/internal/chat"
)

// Metrics is a chat.Observer that counts into its own registry.
type Metrics struct {
	reg       *prometheus.Registry
	replies   *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	sendErrs  *prometheus.CounterVec
	waits     *prometheus.CounterVec
	waitTotal *prometheus.CounterVec
	queue     *prometheus.GaugeVec
	dropped   *prometheus.CounterVec
	events    *prometheus.CounterVec
}

var _ chat.Observer = (*Metrics)(nil)

// New registers the metrics, with Go runtime and process metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_replies_total", Help: "Replies delivered, by channel, reply kind and language.",
		}, []string{"channel", "kind", "lang"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "salama_reply_seconds", Help: "Time from receiving a message to delivering its reply, by channel.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"channel"}),
		sendErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_send_errors_total", Help: "Replies given up, by channel and reason.",
		}, []string{"channel", "reason"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_rate_limit_waits_total", Help: "Times a send waited because the platform asked it to.",
		}, []string{"channel"}),
		waitTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_rate_limit_wait_seconds_total", Help: "Seconds spent waiting for platform rate limits.",
		}, []string{"channel"}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "salama_queue_messages", Help: "Messages taken and not yet answered, by channel.",
		}, []string{"channel"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_dropped_total", Help: "Messages not answered on purpose, by channel and reason (throttled, conversation_full, busy).",
		}, []string{"channel", "reason"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salama_platform_events_total", Help: "What a platform reported that needs no answer, by channel and event (WhatsApp status callbacks).",
		}, []string{"channel", "event"}),
	}
	m.reg.MustRegister(m.replies, m.latency, m.sendErrs, m.waits, m.waitTotal, m.queue, m.dropped, m.events,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Replied counts a delivered reply and its latency.
func (m *Metrics) Replied(p chat.Platform, kind chat.Kind, lang string, took time.Duration) {
	m.replies.WithLabelValues(string(p), string(kind), lang).Inc()
	m.latency.WithLabelValues(string(p)).Observe(took.Seconds())
}

// SendError counts a reply given up.
func (m *Metrics) SendError(p chat.Platform, reason string) {
	m.sendErrs.WithLabelValues(string(p), reason).Inc()
}

// RateLimitWait counts a wait for a platform rate limit.
func (m *Metrics) RateLimitWait(p chat.Platform, wait time.Duration) {
	m.waits.WithLabelValues(string(p)).Inc()
	m.waitTotal.WithLabelValues(string(p)).Add(wait.Seconds())
}

// Queue sets the number of messages waiting in a channel's queues.
func (m *Metrics) Queue(p chat.Platform, waiting int) {
	m.queue.WithLabelValues(string(p)).Set(float64(waiting))
}

// Dropped counts a message not answered on purpose.
func (m *Metrics) Dropped(p chat.Platform, reason string) {
	m.dropped.WithLabelValues(string(p), reason).Inc()
}

// Event counts a platform's report that needs no answer.
func (m *Metrics) Event(p chat.Platform, name string) {
	m.events.WithLabelValues(string(p), name).Inc()
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
