package slack

import (
	"context"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket keeps the Socket Mode connection until ctx ends, acknowledging
// every envelope before its work starts.
func (a *Adapter) runSocket(ctx context.Context) error {
	smc := socketmode.New(a.api, a.socketOptions()...)
	errc := make(chan error, 1)
	go func() { errc <- smc.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			return err
		case ev := <-smc.Events:
			a.onSocketEvent(ctx, smc, ev)
		}
	}
}

func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("slack: socket mode connected")
	case socketmode.EventTypeConnectionError:
		a.log.Warn("slack: socket mode connection failed; retrying")
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack: socket mode refused the app token")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack: socket mode error", "event", string(ev.Type))

	case socketmode.EventTypeEventsAPI:
		a.ack(ctx, smc, ev)
		if data, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			if ev.Request != nil && ev.Request.RetryAttempt > 0 {
				a.log.Debug("slack: event retried by Slack", "event", data.InnerEvent.Type,
					"retry_reason", ev.Request.RetryReason)
			}
			a.handleEvent(data)
		}
	case socketmode.EventTypeSlashCommand:
		a.ack(ctx, smc, ev)
		if cmd, ok := ev.Data.(slackapi.SlashCommand); ok {
			a.handleCommand(cmd)
		}
	case socketmode.EventTypeInteractive:
		a.ack(ctx, smc, ev)
		if cb, ok := ev.Data.(slackapi.InteractionCallback); ok {
			a.handleInteraction(cb)
		}
	}
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
