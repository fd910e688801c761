package channel

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Outcome is what became of one reply, or of one request to a platform. It
// is the one vocabulary of the logs ("outcome=blocked") and of the metrics
// (salama_send_errors_total{reason="blocked"}) for every channel. Its
// values are fixed words: never content, never an id.
type Outcome string

// The outcomes. Retryable ones are marked; the rest are final.
const (
	Delivered Outcome = "delivered"
	// Blocked: the user blocked the bot or left the platform. Never
	// retried; in a private conversation the engine forgets the user.
	Blocked Outcome = "blocked"
	// Forbidden: a group or channel refuses the bot (it was removed, the
	// channel is archived). Never retried, and not an opt-out.
	Forbidden Outcome = "forbidden"
	// RateLimited: the platform asked to wait (retryable, after
	// RetryAfter), or the wait it asked for was too long to honour.
	RateLimited Outcome = "rate_limited"
	// Server: the platform failed (a 5xx answer; retryable).
	Server Outcome = "server"
	// Network: no answer from the platform (retryable). The request may
	// have arrived: a retry can deliver a reply twice.
	Network Outcome = "network"
	// Timeout: the reply ran out of time (Config.ReplyTimeout).
	Timeout Outcome = "timeout"
	// Shutdown: the adapter stopped before the reply was sent.
	Shutdown Outcome = "shutdown"
	// Unauthorized: the platform refused the credentials, or they were
	// revoked. Final for the whole channel, not only for this reply.
	Unauthorized Outcome = "unauthorized"
	// BadRequest: the platform refused the request as written.
	BadRequest Outcome = "bad_request"
	// Expired: the reply can no longer be sent where it was going (an
	// expired Slack response_url, WhatsApp's 24-hour window).
	Expired Outcome = "expired"
	// Throttled: not sent on purpose, because its user is over the
	// per-user rate limit; urgent replies are never throttled.
	Throttled Outcome = "throttled"
	// Other: anything else.
	Other Outcome = "other"
)

// Retryable reports whether a later try may succeed.
func (o Outcome) Retryable() bool {
	return o == RateLimited || o == Server || o == Network
}

// Error is a classified failure of a request to a platform. Adapters map
// their library's errors into it, so that retries, logs and metrics read
// the same on every channel. It never carries content: Code is the
// platform's own fixed word for the failure ("is_archived", "403",
// "131056"), for logs.
type Error struct {
	Outcome Outcome
	Code    string
	// RetryAfter is how long the platform asked to wait (RateLimited).
	RetryAfter time.Duration
}

// Fail returns an *Error with outcome o and the platform's code.
func Fail(o Outcome, code string) *Error { return &Error{Outcome: o, Code: code} }

// RateLimit returns a RateLimited *Error that asks to wait d.
func RateLimit(d time.Duration, code string) *Error {
	return &Error{Outcome: RateLimited, Code: code, RetryAfter: d}
}

func (e *Error) Error() string {
	s := "channel: " + string(e.Outcome)
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.RetryAfter > 0 {
		s += ", retry after " + e.RetryAfter.String()
	}
	return s
}

// Is makes a Blocked error match chat.ErrBlocked.
func (e *Error) Is(target error) bool {
	return target == chat.ErrBlocked && e.Outcome == Blocked
}

// OutcomeOf classifies any error: nil is Delivered, an *Error its own
// outcome, chat.ErrBlocked Blocked, a cancelled context Shutdown, a context
// past its deadline Timeout, and anything else Other.
func OutcomeOf(err error) Outcome {
	var e *Error
	switch {
	case err == nil:
		return Delivered
	case errors.As(err, &e):
		return e.Outcome
	case errors.Is(err, chat.ErrBlocked):
		return Blocked
	case errors.Is(err, context.Canceled):
		return Shutdown
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	}
	return Other
}

// CodeOf returns the platform's code behind err, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// retryAfter returns the wait a rate limit asked for, or 0.
func retryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Cause names the cause of a store or disk error in a few fixed words, for
// a log line that must say why without quoting anything a user wrote:
// "disk full", "read-only file system", "permission denied", or the Go type
// of the error when nothing better is known.
func Cause(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, syscall.ENOSPC):
		return "disk full"
	case errors.Is(err, syscall.EDQUOT):
		return "disk quota exceeded"
	case errors.Is(err, syscall.EROFS):
		return "read-only file system"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.EIO):
		return "input/output error"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + Cause(pe.Err)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return typeName(err)
}
