package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/chat"
)

// target says where a reply goes.
type target struct {
	// responseURL, when set, carries the reply ephemerally: only the user
	// who typed the command or pressed the button sees it.
	responseURL string
	// channel is the channel or DM to post in.
	channel string
	// threadTS, when set, posts in that thread.
	threadTS string
	// dmUser, when set, opens (or finds) the DM with that user and posts
	// there; channel is then ignored.
	dmUser string
}

// deliver renders r and sends it to t, waiting out rate limits. Its errors
// are classified: chat.ErrBlocked, *chat.RateLimitError,
// *chat.TemporaryError or a permanent error.
func (a *Adapter) deliver(ctx context.Context, t target, r chat.Reply, extra ...chat.Choice) error {
	blocks := renderBlocks(r, extra...)
	// The top-level text is the notification and screen-reader fallback.
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(escape(r.Text), false),
		slackapi.MsgOptionBlocks(blocks...),
	}
	if t.responseURL != "" {
		opts = append(opts, slackapi.MsgOptionResponseURL(t.responseURL, slackapi.ResponseTypeEphemeral))
		return a.withRetry(ctx, func(ctx context.Context) error {
			_, _, err := a.api.PostMessageContext(ctx, "", opts...)
			return err
		})
	}
	channel := t.channel
	if t.dmUser != "" {
		id, err := a.openDM(ctx, t.dmUser)
		if err != nil {
			return err
		}
		channel = id
	}
	if t.threadTS != "" {
		opts = append(opts, slackapi.MsgOptionTS(t.threadTS))
	}
	return a.withRetry(ctx, func(ctx context.Context) error {
		_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
}

// openDM returns the id of the bot's DM with user.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	var id string
	err := a.withRetry(ctx, func(ctx context.Context) error {
		ch, _, _, err := a.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	return id, err
}

// withRetry calls f until it succeeds, fails for good, or MaxRetries
// retries are spent. It waits as long as a 429's Retry-After says (up to
// MaxRetryWait) and backs off after a temporary failure.
func (a *Adapter) withRetry(ctx context.Context, f func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := classify(f(ctx))
		if err == nil {
			return nil
		}
		retry, wait := chat.Retryable(err)
		if !retry || attempt >= a.cfg.MaxRetries || ctx.Err() != nil {
			return err
		}
		var rl *chat.RateLimitError
		if errors.As(err, &rl) {
			if wait > a.cfg.MaxRetryWait {
				return err
			}
			a.obs.RateLimitWait(chat.Slack, wait)
		} else {
			wait = time.Duration(1<<attempt) * 500 * time.Millisecond
		}
		if serr := a.cfg.Sleep(ctx, wait); serr != nil {
			return err
		}
	}
}

// Slack error codes that mean the conversation is gone for the bot: it
// must not retry, and nothing it sends there will arrive.
var blockedCodes = map[string]bool{
	"account_inactive":      true,
	"user_not_found":        true,
	"user_disabled":         true,
	"channel_not_found":     true,
	"not_in_channel":        true,
	"is_archived":           true,
	"cannot_dm_bot":         true,
	"messages_tab_disabled": true,
}

// Slack error codes worth another try.
var temporaryCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
}

// blockedError is chat.ErrBlocked with the Slack code that caused it.
type blockedError struct{ code string }

func (e *blockedError) Error() string { return "slack: " + e.code + ": " + chat.ErrBlocked.Error() }
func (e *blockedError) Unwrap() error { return chat.ErrBlocked }

// apiError is a permanent Slack API error, by code.
type apiError struct{ code string }

func (e *apiError) Error() string { return "slack: api error: " + e.code }

// classify maps a slack-go error to the chat package's send errors.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return &chat.RateLimitError{RetryAfter: rl.RetryAfter}
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return &chat.RateLimitError{RetryAfter: time.Second}
		case sc.Code >= 500:
			return &chat.TemporaryError{Err: err}
		}
		return &apiError{code: fmt.Sprintf("http_%d", sc.Code)}
	}
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		switch {
		case blockedCodes[se.Err]:
			return &blockedError{code: se.Err}
		case se.Err == "ratelimited":
			return &chat.RateLimitError{RetryAfter: time.Second}
		case temporaryCodes[se.Err]:
			return &chat.TemporaryError{Err: err}
		}
		return &apiError{code: se.Err}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return &chat.TemporaryError{Err: err}
	}
	// A response_url answers errors as bare text ("expired_url", "used_url",
	// …) that the library turns into an untyped error.
	return &apiError{code: "other"}
}

// reason is the short, fixed word that describes a send error for metrics
// and logs. It never contains content or ids.
func reason(err error) string {
	var (
		rl *chat.RateLimitError
		te *chat.TemporaryError
		ae *apiError
	)
	switch {
	case errors.Is(err, chat.ErrBlocked):
		return "blocked"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &te):
		var sc slackapi.StatusCodeError
		var se slackapi.SlackErrorResponse
		if errors.As(err, &sc) || errors.As(err, &se) {
			return "server"
		}
		return "network"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &ae):
		return "api"
	}
	return "other"
}

// code is the Slack error code behind a classified error, for logs; it is
// one of Slack's fixed words, never content.
func code(err error) string {
	var (
		be *blockedError
		ae *apiError
		se slackapi.SlackErrorResponse
	)
	switch {
	case errors.As(err, &be):
		return be.code
	case errors.As(err, &ae):
		return ae.code
	case errors.As(err, &se):
		return se.Err
	}
	return ""
}
