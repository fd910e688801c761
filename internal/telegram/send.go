package telegram

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-telegram/bot"

	"github.com/salama-safety/salama/internal/channel"
)

// op describes one outbound Bot API request for [Adapter.call].
type op struct {
	method string
	// chat is the spacing key of a message send; empty for requests that
	// are not messages to a chat (answerCallbackQuery, setup calls).
	chat   string
	group  bool
	urgent bool
}

// call is the one function every outbound Bot API request goes through.
// A message send first waits for its chat's turn and the bot's (the
// Spacer: ChatInterval or GroupInterval per chat, GlobalRate over all, an
// urgent reply first). Then the request is made and retried by the shared
// policy (channel.Retry): a 429 is waited out for its retry_after, holding
// every send of the bot meanwhile; a 5xx answer or a network error is
// retried after a backoff; a 403 never. Its error is classified
// (*channel.Error or a context error).
func (a *Adapter) call(ctx context.Context, o op, fn func(context.Context) error) error {
	retry := a.retry
	retry.OnRetry = func(out channel.Outcome) {
		a.log.Debug("telegram request failed, retrying", "method", o.method, "outcome", string(out))
	}
	return retry.Do(ctx, func(ctx context.Context) error {
		if o.chat != "" {
			// Private chats may take a short burst; groups (20 a minute)
			// are spaced strictly; then the bot's global rate.
			key, interval := o.chat, a.cfg.ChatInterval
			if o.group {
				if err := a.groups.Wait(ctx, o.chat, a.cfg.GroupInterval, o.urgent); err != nil {
					return err
				}
				key, interval = "", 0
			}
			if err := a.spacer.Wait(ctx, key, interval, o.urgent); err != nil {
				return err
			}
		}
		info := &callInfo{}
		rctx, cancel := context.WithTimeout(context.WithValue(ctx, callInfoKey{}, info), a.cfg.RequestTimeout)
		defer cancel()
		err := fn(rctx)
		if err == nil {
			return nil
		}
		return classify(ctx, err, info, o.group)
	})
}

// onRateLimit holds every send of the bot for a 429's retry_after: flood
// control is usually for the whole bot.
func (a *Adapter) onRateLimit(wait time.Duration) {
	a.log.Debug("telegram rate limited", "retry_after", wait)
	a.cfg.Observer.RateLimitWait(a.platform(), wait)
	a.spacer.Pause(wait)
}

// classify maps a library error to the delivery layer's. group tells a
// group that removed the bot (Forbidden) from a user who blocked it
// (Blocked).
func classify(ctx context.Context, err error, info *callInfo, group bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var tm *bot.TooManyRequestsError
	var me *bot.MigrateError
	switch {
	case errors.As(err, &tm):
		wait := time.Duration(tm.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		return channel.RateLimit(wait, "429")
	case errors.Is(err, bot.ErrorForbidden):
		// "bot was blocked by the user", "user is deactivated", "bot was
		// kicked from the group chat": the chat is gone for good.
		if group {
			return channel.Fail(channel.Forbidden, "403")
		}
		return channel.Fail(channel.Blocked, "403")
	case info.netErr:
		return channel.Fail(channel.Network, "")
	case info.status >= 500:
		return channel.Fail(channel.Server, strconv.Itoa(info.status))
	case errors.Is(err, bot.ErrorUnauthorized):
		return channel.Fail(channel.Unauthorized, "401")
	case errors.As(err, &me):
		return channel.Fail(channel.BadRequest, "migrated")
	case errors.Is(err, bot.ErrorBadRequest):
		return channel.Fail(channel.BadRequest, "400")
	case errors.Is(err, bot.ErrorConflict):
		return channel.Fail(channel.Other, "409")
	}
	return channel.Fail(channel.Other, strconv.Itoa(info.status))
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
