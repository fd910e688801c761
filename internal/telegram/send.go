package telegram

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/go-telegram/bot"

	"github.com/salama-safety/salama/internal/chat"
)

// op describes one outbound Bot API request for [Adapter.call].
type op struct {
	method string
	// chat is the limiter key of a message send; empty for requests that are
	// not messages to a chat (answerCallbackQuery, setup calls).
	chat  string
	group bool
}

// call is the one function every outbound Bot API request goes through
// (getUpdates excepted: the library long-polls by itself). It waits for the
// per-chat and global limiters, runs fn, and retries: after a 429 it waits
// the retry_after Telegram asked for, after a 5xx answer or a network error
// it backs off exponentially; both are bounded by MaxRetries. A 403 is never
// retried. The error it returns is classified: chat.ErrBlocked,
// *chat.RateLimitError, *chat.TemporaryError, the context's error, or a
// permanent error.
func (a *Adapter) call(ctx context.Context, o op, fn func(context.Context) error) error {
	var limited, failed int
	for {
		if o.chat != "" {
			interval := a.cfg.ChatInterval
			if o.group {
				interval = a.cfg.GroupInterval
			}
			if err := a.cfg.Sleep(ctx, a.limits.reserve(o.chat, interval)); err != nil {
				return err
			}
			if err := a.cfg.Sleep(ctx, a.limits.reserve(globalKey, time.Second/time.Duration(a.cfg.GlobalRate))); err != nil {
				return err
			}
		}

		info := &callInfo{}
		rctx, cancel := context.WithTimeout(context.WithValue(ctx, callInfoKey{}, info), a.cfg.RequestTimeout)
		err := fn(rctx)
		cancel()
		if err == nil {
			return nil
		}
		err = classify(ctx, err, info)

		var rl *chat.RateLimitError
		var tmp *chat.TemporaryError
		switch {
		case errors.As(err, &rl):
			if limited >= a.cfg.MaxRetries {
				return err
			}
			limited++
			a.log.Debug("telegram rate limited", "method", o.method, "retry_after", rl.RetryAfter)
			a.cfg.Observer.RateLimitWait(chat.Telegram, rl.RetryAfter)
			// Flood control is usually for the whole bot: hold every message
			// send. A message send then waits in the limiter above; other
			// requests wait here.
			a.limits.pause(globalKey, rl.RetryAfter)
			if o.chat == "" {
				if err := a.cfg.Sleep(ctx, rl.RetryAfter); err != nil {
					return err
				}
			}
		case errors.As(err, &tmp):
			if failed >= a.cfg.MaxRetries {
				return err
			}
			a.log.Debug("telegram request failed, retrying", "method", o.method, "class", errorClass(err))
			if err := a.cfg.Sleep(ctx, a.backoff(failed)); err != nil {
				return err
			}
			failed++
		default:
			return err
		}
	}
}

// backoff is the wait before retry n (from 0): RetryBase·2ⁿ, capped, with
// jitter so that chats that failed together do not retry together.
func (a *Adapter) backoff(n int) time.Duration {
	d := a.cfg.RetryBase << min(n, 16)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// classify maps a library error to the chat package's send errors.
func classify(ctx context.Context, err error, info *callInfo) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var tm *bot.TooManyRequestsError
	switch {
	case errors.As(err, &tm):
		wait := time.Duration(tm.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		return &chat.RateLimitError{RetryAfter: wait}
	case errors.Is(err, bot.ErrorForbidden):
		// "bot was blocked by the user", "user is deactivated", "bot was
		// kicked from the group chat": the chat is gone for good.
		return chat.ErrBlocked
	case info.netErr:
		return &chat.TemporaryError{Err: errNetwork}
	case info.status >= 500:
		return &chat.TemporaryError{Err: &statusError{status: info.status}}
	case errors.Is(err, bot.ErrorUnauthorized):
		return errUnauthorized
	case errors.Is(err, bot.ErrorBadRequest):
		return errBadRequest
	}
	return &statusError{status: info.status}
}

// The errors classify returns stand in for the library's, whose messages
// may quote a response body.
var (
	errUnauthorized = errors.New("telegram: token rejected (401)")
	errBadRequest   = errors.New("telegram: bad request (400)")
	errNetwork      = errors.New("telegram: network error")
)

type statusError struct{ status int }

func (e *statusError) Error() string {
	return fmt.Sprintf("telegram: request failed (status %d)", e.status)
}

// errorClass is the fixed word an error is logged and observed as.
func errorClass(err error) string {
	var rl *chat.RateLimitError
	var tmp *chat.TemporaryError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "shutdown"
	case errors.Is(err, chat.ErrBlocked):
		return "blocked"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &tmp):
		if errors.Is(tmp.Err, errNetwork) {
			return "network"
		}
		return "server"
	case errors.Is(err, errUnauthorized):
		return "unauthorized"
	case errors.Is(err, errBadRequest):
		return "bad_request"
	}
	return "other"
}

// callInfo carries what the HTTP layer saw of one request back to
// [classify]: the library folds 5xx answers into untyped errors.
type callInfo struct {
	status int
	netErr bool
}

type callInfoKey struct{}

// observingClient is the bot.HttpClient given to the library. It records
// the status of each request made by [Adapter.call] in the request's
// callInfo.
type observingClient struct{ c *http.Client }

func (o observingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := o.c.Do(req)
	if info, ok := req.Context().Value(callInfoKey{}).(*callInfo); ok {
		if err != nil {
			info.netErr = true
		} else {
			info.status = resp.StatusCode
		}
	}
	return resp, err
}

const globalKey = "\x00global"

// limits spaces sends: each key (a chat, or globalKey) has the time of its
// next free slot. A reservation takes the slot and returns how long to wait
// for it.
type limits struct {
	now  func() time.Time
	mu   sync.Mutex
	next map[string]time.Time
}

func newLimits(now func() time.Time) *limits {
	return &limits{now: now, next: make(map[string]time.Time)}
}

func (l *limits) reserve(key string, interval time.Duration) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	t := l.next[key]
	if t.Before(now) {
		t = now
	}
	l.next[key] = t.Add(interval)
	if len(l.next) > 4096 {
		l.sweep(now)
	}
	return t.Sub(now)
}

// pause makes the key's next slot at least d from now.
func (l *limits) pause(key string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.now().Add(d); l.next[key].Before(t) {
		l.next[key] = t
	}
}

// sweep forgets keys whose slot is free anyway, so the map stays small.
func (l *limits) sweep(now time.Time) {
	for k, t := range l.next {
		if t.Before(now) {
			delete(l.next, k)
		}
	}
}
