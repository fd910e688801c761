package slack

import (
	"context"
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/salama-safety/salama/internal/chat"
)

// This file turns Slack's events, commands and interactions into engine
// calls. Both transports (HTTP and Socket Mode) end up here, after they have
// acknowledged the request.

// origin identifies the app and workspace an event came from, for the link
// that opens the app's Messages tab.
type origin struct{ appID, teamID string }

// handleEvent starts the work for one Events API callback. It returns false
// only when the adapter is shutting down and did not take the event, so the
// caller can let Slack deliver it again.
func (a *Adapter) handleEvent(ev slackevents.EventsAPIEvent) bool {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return true
	}
	// Slack retries an event it thinks we missed; answer it once.
	if cb.EventID != "" && !a.seen.Add(cb.EventID, struct{}{}) {
		a.log.Debug("slack: duplicate event ignored", "event", ev.InnerEvent.Type)
		return true
	}
	accepted := a.startEvent(ev, cb)
	if !accepted && cb.EventID != "" {
		a.seen.Delete(cb.EventID)
	}
	return accepted
}

func (a *Adapter) startEvent(ev slackevents.EventsAPIEvent, cb *slackevents.EventsAPICallbackEvent) bool {
	o := origin{appID: cb.APIAppID, teamID: cb.TeamID}
	isBot := func(user string) bool {
		for _, au := range cb.Authorizations {
			if au.IsBot && au.UserID == user {
				return true
			}
		}
		return false
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.User == "" || e.BotID != "" || isBot(e.User) || e.Edited != nil {
			return true
		}
		thread := e.ThreadTimeStamp
		if thread == "" {
			thread = e.TimeStamp
		}
		text := plainText(e.Text)
		if text == "" { // a bare mention: show what Salama can do
			text = "/topics"
		}
		m := chat.Message{User: slackUser(e.User), Chat: e.Channel, Text: text, Group: true}
		t := target{channel: e.Channel, threadTS: thread}
		return a.spawn(func(ctx context.Context) { a.converse(ctx, "mention", m, t, o) })

	case *slackevents.MessageEvent:
		if !e.IsIM() || e.User == "" || e.BotID != "" || isBot(e.User) {
			return true
		}
		m := chat.Message{User: slackUser(e.User), Chat: e.Channel, Text: plainText(e.Text)}
		switch e.SubType {
		case "":
		case "file_share":
			// The bot never opens files; the engine explains why.
			m.Media = chat.MediaDocument
			if e.Message != nil && len(e.Message.Files) > 0 {
				m.Media = mediaOf(e.Message.Files[0].Mimetype)
			}
		default: // edits, deletions, joins, bot messages…
			return true
		}
		t := target{channel: e.Channel, threadTS: e.ThreadTimeStamp}
		return a.spawn(func(ctx context.Context) { a.converse(ctx, "dm", m, t, o) })

	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" || e.User == "" {
			return true
		}
		user := e.User
		return a.spawn(func(ctx context.Context) { a.publishHome(ctx, user) })
	}
	return true
}

// handleCommand starts the work for a slash command: "/safety question"
// asks, "/safety" alone opens the topic menu. The answer is ephemeral.
func (a *Adapter) handleCommand(cmd slackapi.SlashCommand) bool {
	if cmd.UserID == "" {
		return true
	}
	text := plainText(cmd.Text)
	if text == "" {
		text = "/topics"
	}
	m := chat.Message{User: slackUser(cmd.UserID), Chat: cmd.ChannelID, Text: text}
	t := target{responseURL: cmd.ResponseURL}
	if t.responseURL == "" {
		t = target{dmUser: cmd.UserID}
	}
	o := origin{appID: cmd.APIAppID, teamID: cmd.TeamID}
	return a.spawn(func(ctx context.Context) { a.converse(ctx, "command", m, t, o) })
}

// handleInteraction starts the work for a button press. The reply goes
// where the button was: ephemerally through the response_url, in the DM,
// in the channel thread (a group), or in a DM for the App Home.
func (a *Adapter) handleInteraction(cb slackapi.InteractionCallback) bool {
	if cb.Type != slackapi.InteractionTypeBlockActions || cb.User.ID == "" {
		return true
	}
	var payload string
	for _, act := range cb.ActionCallback.BlockActions {
		if act != nil && act.Value != "" {
			payload = act.Value
			break
		}
	}
	if payload == "" { // a link button: Slack opened the URL already
		return true
	}
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	m := chat.Message{User: slackUser(cb.User.ID), Chat: channel, Payload: payload}
	var t target
	switch {
	case cb.Container.Type == "view" || channel == "":
		t = target{dmUser: cb.User.ID}
	case cb.Container.IsEphemeral && cb.ResponseURL != "":
		t = target{responseURL: cb.ResponseURL}
	case strings.HasPrefix(channel, "D"):
		t = target{channel: channel, threadTS: cb.Container.ThreadTs}
	default:
		m.Group = true
		thread := cb.Container.ThreadTs
		if thread == "" {
			thread = cb.Container.MessageTs
		}
		t = target{channel: channel, threadTS: thread}
	}
	o := origin{appID: cb.APIAppID, teamID: cb.Team.ID}
	return a.spawn(func(ctx context.Context) { a.converse(ctx, "button", m, t, o) })
}

// converse asks the engine and delivers its reply.
func (a *Adapter) converse(ctx context.Context, surface string, m chat.Message, t target, o origin) {
	start := a.cfg.Now()
	m.LangHint = a.localeOf(ctx, m.User.ID)
	r, err := a.engine.Respond(ctx, m)
	if err != nil {
		// The reply is still usable (chat.Responder); only the store failed.
		a.log.Warn("slack: engine error", "surface", surface, "error_type", fmt.Sprintf("%T", err))
	}
	if strings.TrimSpace(r.Text) == "" && len(r.Choices) == 0 {
		return
	}
	var extra []chat.Choice
	if r.Private && m.Group {
		// The engine already swapped the content for an invitation; add
		// the way in.
		if u := appRedirect(o.appID, o.teamID); u != "" {
			extra = append(extra, chat.Choice{Label: a.cfg.PrivateLabel(r.Lang), URL: u})
		}
	}
	if err := a.deliver(ctx, t, r, extra...); err != nil {
		a.sendFailed(surface, err)
		return
	}
	a.obs.Replied(chat.Slack, r.Kind, r.Lang, a.cfg.Now().Sub(start))
	a.log.Debug("slack: replied", "surface", surface, "kind", string(r.Kind), "lang", r.Lang)
}

// publishHome publishes the App Home view for user.
func (a *Adapter) publishHome(ctx context.Context, user string) {
	start := a.cfg.Now()
	u := slackUser(user)
	r, err := a.engine.Home(ctx, u, withRegion(a.localeOf(ctx, user), a.cfg.Country))
	if err != nil {
		a.log.Warn("slack: engine error", "surface", "home", "error_type", fmt.Sprintf("%T", err))
	}
	blocks := renderBlocks(r)
	if len(blocks) == 0 {
		return
	}
	view := slackapi.HomeTabViewRequest{
		Type:   slackapi.VTHomeTab,
		Blocks: slackapi.Blocks{BlockSet: blocks},
	}
	err = a.withRetry(ctx, func(ctx context.Context) error {
		_, err := a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
	if err != nil {
		a.sendFailed("home", err)
		return
	}
	a.obs.Replied(chat.Slack, r.Kind, r.Lang, a.cfg.Now().Sub(start))
}

// localeOf returns the user's Slack locale ("es-ES"), or "" when unknown.
// users.info is asked at most once per user per LocaleTTL; slack-go sends
// include_locale=true by default.
func (a *Adapter) localeOf(ctx context.Context, user string) string {
	if l, ok := a.locales.Get(user); ok {
		return l
	}
	// A burst of messages from one user asks users.info once.
	a.lookupMu.Lock()
	if lk, ok := a.lookups[user]; ok {
		a.lookupMu.Unlock()
		select {
		case <-lk.done:
			return lk.locale
		case <-ctx.Done():
			return ""
		}
	}
	lk := &lookup{done: make(chan struct{})}
	a.lookups[user] = lk
	a.lookupMu.Unlock()
	defer func() {
		a.lookupMu.Lock()
		delete(a.lookups, user)
		a.lookupMu.Unlock()
		close(lk.done)
	}()
	lk.locale = a.fetchLocale(ctx, user)
	return lk.locale
}

// lookup is a users.info call in flight.
type lookup struct {
	done   chan struct{}
	locale string
}

func (a *Adapter) fetchLocale(ctx context.Context, user string) string {
	info, err := a.api.GetUserInfoContext(ctx, user, slackapi.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		err = classify(err)
		a.log.Debug("slack: locale unknown", "reason", reason(err), "code", code(err))
		if retry, _ := chat.Retryable(err); !retry && ctx.Err() == nil {
			a.locales.Put(user, "") // a missing scope will not fix itself soon
		}
		return ""
	}
	a.locales.Put(user, info.Locale)
	return info.Locale
}

func (a *Adapter) sendFailed(surface string, err error) {
	r := reason(err)
	a.obs.SendError(chat.Slack, r)
	a.log.Warn("slack: send failed", "surface", surface, "reason", r, "code", code(err))
}

func slackUser(id string) chat.User { return chat.User{Platform: chat.Slack, ID: id} }
