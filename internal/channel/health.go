package channel

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
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
