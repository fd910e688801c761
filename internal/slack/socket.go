package slack

import (
	"context"
	"errors"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/salama-safety/salama/internal/channel"
)

// runSocket keeps the Socket Mode connection until ctx ends, the app is
// uninstalled, or Slack refuses the app token (an Unauthorized error). It
// acknowledges an envelope once its job is taken; one the dispatcher
// refuses is not acknowledged, so Slack sends it again.
func (a *Adapter) runSocket(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	smc := socketmode.New(a.api, a.socketOptions()...)
	errc := make(chan error, 1)
	go func() { errc <- smc.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if err != nil && ctx.Err() == nil {
				// The library gives up only when the token is refused.
				code := err.Error()
				if !authCodes[code] && code != "account_inactive" {
					code = "invalid_auth"
				}
				a.log.Error("slack: socket mode refused the app token", "code", code)
				return channel.Fail(channel.Unauthorized, code)
			}
			return nil
		case <-a.fatal.Done():
			cancel()
			<-errc
			return nil
		case ev := <-smc.Events:
			a.onSocketEvent(ctx, smc, ev)
		}
	}
}

func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("slack: socket mode connected")
		a.setState(channel.Ready, "")
	case socketmode.EventTypeConnectionError:
		a.setState(channel.Retrying, "connection_error")
	case socketmode.EventTypeInvalidAuth:
		a.setState(channel.Failed, "invalid_auth")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack: socket mode error", "event", string(ev.Type))

	case socketmode.EventTypeEventsAPI:
		data, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok {
			a.ack(ctx, smc, ev)
			return
		}
		if ev.Request != nil && ev.Request.RetryAttempt > 0 {
			a.log.Debug("slack: event retried by Slack", "event", data.InnerEvent.Type,
				"retry_reason", ev.Request.RetryReason)
		}
		t, err := a.handleEvent(data)
		if err != nil && !errors.Is(err, channel.ErrDuplicate) {
			return // not acknowledged: Slack sends it again
		}
		// Acknowledged once replied, or after AckWait.
		go func() {
			channel.Await(ctx, t, a.cfg.AckWait)
			a.ack(ctx, smc, ev)
		}()
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := ev.Data.(slackapi.SlashCommand); ok {
			if _, err := a.handleCommand(envelopeID(ev), cmd); err != nil && !errors.Is(err, channel.ErrDuplicate) {
				return
			}
		}
		a.ack(ctx, smc, ev)
	case socketmode.EventTypeInteractive:
		if cb, ok := ev.Data.(slackapi.InteractionCallback); ok {
			if _, err := a.handleInteraction(envelopeID(ev), cb); err != nil && !errors.Is(err, channel.ErrDuplicate) {
				return
			}
		}
		a.ack(ctx, smc, ev)
	}
}

// envelopeID de-duplicates a Socket Mode request that Slack sends again.
func envelopeID(ev socketmode.Event) string {
	if ev.Request == nil || ev.Request.EnvelopeID == "" {
		return ""
	}
	return "env:" + ev.Request.EnvelopeID
}

// ack acknowledges an envelope with an empty payload: the answer, if any,
// follows through the Web API or the response_url.
func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	if ev.Request == nil || ev.Request.EnvelopeID == "" {
		return
	}
	if err := smc.AckCtx(ctx, ev.Request.EnvelopeID, nil); err != nil && ctx.Err() == nil {
		a.log.Warn("slack: socket mode ack failed")
	}
}
