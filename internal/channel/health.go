package channel

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// State is where a channel stands, for /readyz.
type State string

// The states of a channel.
const (
	// Starting: setting up (the first connection, the webhook).
	Starting State = "starting"
	// Ready: taking updates.
	Ready State = "ready"
	// Retrying: lost the platform and retrying with backoff.
	Retrying State = "retrying"
	// Failed: stopped for good (credentials refused or revoked).
	Failed State = "failed"
	// Stopped: shut down.
	Stopped State = "stopped"
)

// Health is a channel's state and, unless it is ready, why: a fixed word
// such as "network", "unauthorized" or "app_uninstalled".
type Health struct {
	State  State
	Reason string
	Since  time.Time
}

// Status holds a channel's Health; it is safe for concurrent use. The
// zero value is Starting.
type Status struct {
	mu sync.Mutex
	h  Health
}

// Set records a new state, and reports whether it changed.
func (s *Status) Set(st State, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h.State == st && s.h.Reason == reason {
		return false
	}
	s.h = Health{State: st, Reason: reason, Since: time.Now()}
	return true
}

// Report records a new state and logs the change: a failure at error, the
// moment it happens ("channel unavailable state=retrying reason=network"),
// and the return to ready after one. log names the channel.
func (s *Status) Report(log *slog.Logger, st State, reason string) {
	before := s.Health().State
	if !s.Set(st, reason) {
		return
	}
	switch {
	case st == Retrying || st == Failed:
		log.Error("channel unavailable", "state", string(st), "reason", reason)
	case st == Ready && (before == Retrying || before == Failed):
		log.Info("channel reachable again")
	}
}

// Health returns the state.
func (s *Status) Health() Health {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h.State == "" {
		return Health{State: Starting}
	}
	return s.h
}

// Adapter is a channel: the contract every adapter (Telegram, Slack,
// WhatsApp, the console) keeps, and that channeltest.Run checks.
//
//   - It converts each platform update into a chat.Message and submits it to
//     a Dispatcher as a Job, with the platform's update id for
//     de-duplication and the conversation as Conv; it never answers outside
//     the Dispatcher, so order, bounds, retries, outcomes and metrics are the
//     same everywhere.
//   - It renders a chat.Reply in its platform's way without losing text or
//     choices: long text is split (Split, by the platform's Measure), and
//     every choice stays pressable or visible; a pressed choice comes back
//     as Message.Payload, unchanged.
//   - It classifies every failed request as an *Error, so that Retry and the
//     logs read the same on every channel: Blocked only when the user is
//     gone, Unauthorized when the credentials are refused.
//   - It acknowledges an update to its platform only once the Dispatcher has
//     taken it (and, where the platform allows the wait, once it has been
//     answered); when the Dispatcher refuses it, the platform is asked to
//     deliver it again later.
//   - It never logs or counts message text, user ids or chat ids.
type Adapter interface {
	// Run sets the channel up and serves until ctx is done; then it stops
	// taking updates, drains the replies in flight and returns nil. It
	// returns an error whose Outcome is Unauthorized when the platform
	// refuses the credentials for good, at start or later; other failures
	// are retried with backoff while Health says Retrying. Run is called
	// once.
	Run(ctx context.Context) error
	// Routes are the HTTP endpoints to mount on the server (webhooks);
	// none for a channel that connects out.
	Routes() []Route
	// Health is the channel's state, for /readyz. Safe for concurrent use.
	Health() Health
}

// Route is an HTTP endpoint of an adapter: a pattern of http.ServeMux
// ("POST /telegram", "/slack/") and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Fatal marks a channel that stopped for good: its credentials were refused
// or revoked (a Slack app uninstalled, a WhatsApp token expired). Stop
// records why, once; Done is closed then, so that Run returns; Err is the
// Unauthorized error Run returns. The zero value is ready to use and safe
// for concurrent use.
type Fatal struct {
	once sync.Once
	mu   sync.Mutex
	done chan struct{}
	why  string
}

func (f *Fatal) init() {
	f.mu.Lock()
	if f.done == nil {
		f.done = make(chan struct{})
	}
	f.mu.Unlock()
}

// Stop records that the channel stopped for good, and why (a fixed word:
// "app_uninstalled", "190"). Only the first call counts; it reports
// whether this one did.
func (f *Fatal) Stop(why string) bool {
	f.init()
	first := false
	f.once.Do(func() {
		f.mu.Lock()
		f.why = why
		f.mu.Unlock()
		close(f.done)
		first = true
	})
	return first
}

// Done is closed once Stop was called.
func (f *Fatal) Done() <-chan struct{} {
	f.init()
	return f.done
}

// Err is nil until Stop was called, then an *Error with outcome
// Unauthorized and the reason as its code.
func (f *Fatal) Err() error {
	f.init()
	select {
	case <-f.done:
		f.mu.Lock()
		defer f.mu.Unlock()
		return Fail(Unauthorized, f.why)
	default:
		return nil
	}
}

// Wire fills the fields of a dispatcher's Config that come from its
// adapter.
func (c Config) Wire(p chat.Platform, e chat.Engine, obs chat.Observer, log *slog.Logger, now func() time.Time) Config {
	c.Platform, c.Engine, c.Observer, c.Logger, c.Now = p, e, obs, log, now
	return c
}

// ObserveWaits is a Retry's OnRateLimit that reports each wait to obs.
func ObserveWaits(p chat.Platform, obs chat.Observer) func(time.Duration) {
	return func(d time.Duration) { obs.RateLimitWait(p, d) }
}
