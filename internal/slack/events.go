package slack

import (
	"context"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// This file turns Slack's events, commands and interactions into jobs for
// the dispatcher. Both transports (HTTP and Socket Mode) end up here; they
// acknowledge the request once the job is taken, and ask Slack to deliver
// it again when it is refused.

// origin identifies the app and workspace an event came from, for the link
// that opens the app's Messages tab.
type origin struct{ appID, teamID string }

// conv is the dispatcher key of a user: a Slack user's replies, from every
// surface, go out in the order they asked.
func conv(user string) string { return "u:" + user }

// handleEvent submits the work for one Events API callback. It returns the
// job's ticket (nil when there is nothing to answer) and the dispatcher's
// refusal, if any; a duplicate is not a refusal.
func (a *Adapter) handleEvent(ev slackevents.EventsAPIEvent) (*channel.Ticket, error) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return nil, nil
	}
	id := ""
	if cb.EventID != "" {
		id = "e:" + cb.EventID
	}
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
			return nil, nil
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
		return a.submit(id, "mention", m, target{channel: e.Channel, threadTS: thread}, o)

	case *slackevents.MessageEvent:
		if !e.IsIM() || e.User == "" || e.BotID != "" || isBot(e.User) {
			return nil, nil
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
			return nil, nil
		}
		return a.submit(id, "dm", m, target{channel: e.Channel, threadTS: e.ThreadTimeStamp}, o)

	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" || e.User == "" {
			return nil, nil
		}
		return a.submitHome(id, e.User)

	case *slackevents.AppUninstalledEvent:
		a.log.Error("slack app uninstalled from the workspace; the channel stops")
		a.die("app_uninstalled")
	case *slackevents.TokensRevokedEvent:
		if len(e.Tokens.Bot) > 0 {
			a.log.Error("slack bot token revoked; the channel stops")
			a.die("tokens_revoked")
		}
	}
	return nil, nil
}

// handleCommand submits the work for a slash command: "/safety question"
// asks, "/safety" alone opens the topic menu, and "/safety forget" (or
// topics, language, country, privacy, helplines, start) is that command of
// the engine. The answer is ephemeral. id de-duplicates a replay.
func (a *Adapter) handleCommand(id string, cmd slackapi.SlashCommand) (*channel.Ticket, error) {
	if cmd.UserID == "" {
		return nil, nil
	}
	text := channel.AsCommand(plainText(cmd.Text), a.names)
	if text == "" {
		text = "/topics"
	}
	m := chat.Message{User: slackUser(cmd.UserID), Chat: cmd.ChannelID, Text: text}
	t := target{responseURL: cmd.ResponseURL}
	if t.responseURL == "" {
		t = target{dmUser: cmd.UserID}
	}
	return a.submit(id, "command", m, t, origin{appID: cmd.APIAppID, teamID: cmd.TeamID})
}

// handleInteraction submits the work for a button press. The reply goes
// where the button was: ephemerally through the response_url, in the DM,
// in the channel thread (a group), or in a DM for the App Home. id
// de-duplicates a replay; a vote counts once per message, whoever presses.
func (a *Adapter) handleInteraction(id string, cb slackapi.InteractionCallback) (*channel.Ticket, error) {
	if cb.Type != slackapi.InteractionTypeBlockActions || cb.User.ID == "" {
		return nil, nil
	}
	var payload string
	vote := false
	for _, act := range cb.ActionCallback.BlockActions {
		if act != nil && act.Value != "" {
			payload = act.Value
			vote = strings.HasPrefix(act.ActionID, voteAction)
			break
		}
	}
	if payload == "" { // a link button: Slack opened the URL already
		return nil, nil
	}
	channelID := cb.Container.ChannelID
	if channelID == "" {
		channelID = cb.Channel.ID
	}
	if vote {
		// One vote per user per message: pressing again, or the other
		// vote, is not counted again.
		msg := cb.Container.MessageTs
		if msg == "" {
			msg = cb.Container.ViewID
		}
		id = "v:" + cb.User.ID + ":" + channelID + ":" + msg
	}
	m := chat.Message{User: slackUser(cb.User.ID), Chat: channelID, Payload: payload}
	var t target
	switch {
	case cb.Container.Type == "view" || channelID == "":
		t = target{dmUser: cb.User.ID}
	case cb.Container.IsEphemeral && cb.ResponseURL != "":
		t = target{responseURL: cb.ResponseURL}
	case strings.HasPrefix(channelID, "D"):
		t = target{channel: channelID, threadTS: cb.Container.ThreadTs}
	default:
		m.Group = true
		thread := cb.Container.ThreadTs
		if thread == "" {
			thread = cb.Container.MessageTs
		}
		t = target{channel: channelID, threadTS: thread}
	}
	return a.submit(id, "button", m, t, origin{appID: cb.APIAppID, teamID: cb.Team.ID})
}

// submit hands a conversation's message to the dispatcher: the engine's
// reply, in the user's Slack language, delivered to t.
func (a *Adapter) submit(id, surface string, m chat.Message, t target, o origin) (*channel.Ticket, error) {
	return a.work.Submit(channel.Job{
		Conv: conv(m.User.ID),
		ID:   id,
		Kind: surface,
		Msg:  m,
		// In a DM, a conversation gone for good means the user is gone:
		// forget them, as on Telegram.
		OptOutOnBlocked: !m.Group && (strings.HasPrefix(t.channel, "D") || t.dmUser != ""),
		Think: func(ctx context.Context) (chat.Reply, error) {
			m.LangHint = a.localeOf(ctx, m.User.ID)
			return a.engine.Respond(ctx, m)
		},
		Send: func(ctx context.Context, r chat.Reply) error {
			var extra []chat.Choice
			if r.Private && m.Group {
				// The engine already swapped the content for an
				// invitation; add the way in.
				if u := appRedirect(o.appID, o.teamID); u != "" {
					extra = append(extra, chat.Choice{Label: a.cfg.PrivateLabel(r.Lang), URL: u})
				}
			}
			return a.deliver(ctx, t, r, extra...)
		},
	})
}

// submitHome hands the App Home of a user to the dispatcher.
func (a *Adapter) submitHome(id, user string) (*channel.Ticket, error) {
	u := slackUser(user)
	return a.work.Submit(channel.Job{
		Conv: conv(user),
		ID:   id,
		Kind: "home",
		Msg:  chat.Message{User: u},
		Think: func(ctx context.Context) (chat.Reply, error) {
			return a.engine.Home(ctx, u, withRegion(a.localeOf(ctx, user), a.cfg.Country))
		},
		Send: func(ctx context.Context, r chat.Reply) error { return a.publishHome(ctx, user, r) },
	})
}

// publishHome publishes the App Home view for user.
func (a *Adapter) publishHome(ctx context.Context, user string, r chat.Reply) error {
	if err := a.fatal.Err(); err != nil {
		return err
	}
	r.Text = a.slackForms(r.Text)
	view := slackapi.HomeTabViewRequest{
		Type:   slackapi.VTHomeTab,
		Blocks: slackapi.Blocks{BlockSet: renderBlocks(r)},
	}
	return a.call(ctx, func(ctx context.Context) error {
		_, err := a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
}

// slackForms writes the engine's commands in a reply as Slack users type
// them: "/forget" becomes "/safety forget".
func (a *Adapter) slackForms(text string) string {
	return channel.RewriteCommands(text, a.names, func(name string) string { return slashCommand + " " + name })
}

// slashCommand is the app's slash command (deploy/slack-manifest.yaml).
const slashCommand = "/safety"

// slackCommands are the engine's commands that "/safety name" runs. "help"
// is not among them: "/safety help" asks for help, and gets the helplines,
// as the word does everywhere.
func slackCommands(e chat.Engine) []string {
	var out []string
	for _, n := range channel.CommandNames(e) {
		if n != "help" {
			out = append(out, n)
		}
	}
	return out
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
		o := channel.OutcomeOf(err)
		a.log.Debug("slack: locale unknown", "outcome", string(o), "code", channel.CodeOf(err))
		if !o.Retryable() && ctx.Err() == nil {
			a.locales.Put(user, "") // a missing scope will not fix itself soon
		}
		return ""
	}
	a.locales.Put(user, info.Locale)
	return info.Locale
}

func slackUser(id string) chat.User { return chat.User{Platform: chat.Slack, ID: id} }
