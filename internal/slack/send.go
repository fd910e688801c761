package slack

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/salama-safety/salama/internal/channel"
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

// deliver renders r and sends it to t. Its errors are classified
// (*channel.Error, a context error).
func (a *Adapter) deliver(ctx context.Context, t target, r chat.Reply, extra ...chat.Choice) error {
	if err := a.fatal.Err(); err != nil {
		return err
	}
	r.Text = a.slackForms(r.Text)
	blocks := renderBlocks(r, extra...)
	// The top-level text is the notification and screen-reader fallback.
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(escape(r.Text), false),
		slackapi.MsgOptionBlocks(blocks...),
	}
	if t.responseURL != "" {
		opts = append(opts, slackapi.MsgOptionResponseURL(t.responseURL, slackapi.ResponseTypeEphemeral))
		return a.call(ctx, func(ctx context.Context) error {
			_, _, err := a.api.PostMessageContext(ctx, "", opts...)
			return err
		})
	}
	ch := t.channel
	if t.dmUser != "" {
		id, err := a.openDM(ctx, t.dmUser)
		if err != nil {
			return err
		}
		ch = id
	}
	if t.threadTS != "" {
		opts = append(opts, slackapi.MsgOptionTS(t.threadTS))
	}
	return a.call(ctx, func(ctx context.Context) error {
		_, _, err := a.api.PostMessageContext(ctx, ch, opts...)
		return err
	})
}

// openDM returns the id of the bot's DM with user.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	var id string
	err := a.call(ctx, func(ctx context.Context) error {
		ch, _, _, err := a.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	return id, err
}

// call is the one function every Web API request goes through: it is made
// and retried by the shared policy (channel.Retry: Retry-After waited out,
// backoff with jitter after a temporary failure), and its error classified.
// A refused or revoked token stops the channel.
func (a *Adapter) call(ctx context.Context, fn func(context.Context) error) error {
	err := a.retry.Do(ctx, func(ctx context.Context) error { return classify(fn(ctx)) })
	if channel.OutcomeOf(err) == channel.Unauthorized {
		a.die(channel.CodeOf(err))
	}
	return err
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

// Slack error codes that mean the bot's credentials are gone.
var authCodes = map[string]bool{
	"invalid_auth":    true,
	"not_authed":      true,
	"token_revoked":   true,
	"token_expired":   true,
	"app_uninstalled": true,
}

// Slack error codes worth another try.
var temporaryCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
}

// classify maps a slack-go error to the delivery layer's.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return channel.RateLimit(rl.RetryAfter, "429")
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		code := "http_" + strconv.Itoa(sc.Code)
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return channel.RateLimit(time.Second, code)
		case sc.Code >= 500:
			return channel.Fail(channel.Server, code)
		}
		return channel.Fail(channel.BadRequest, code)
	}
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		switch {
		case blockedCodes[se.Err]:
			return channel.Fail(channel.Blocked, se.Err)
		case authCodes[se.Err]:
			return channel.Fail(channel.Unauthorized, se.Err)
		case se.Err == "ratelimited":
			return channel.RateLimit(time.Second, se.Err)
		case temporaryCodes[se.Err]:
			return channel.Fail(channel.Server, se.Err)
		}
		return channel.Fail(channel.BadRequest, se.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return channel.Fail(channel.Network, "")
	}
	// A response_url answers errors as bare text ("expired_url", "used_url",
	// …) that the library turns into an untyped error.
	return channel.Fail(channel.Expired, "response_url")
}
