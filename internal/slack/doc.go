// Package slack connects Salama to Slack workspaces, for educators.
//
// It converts Slack events into [chat.Message] values, asks the engine for a
// [chat.Reply] and renders that reply in Block Kit. It speaks to Slack through
// github.com/slack-go/slack, whose base URL and HTTP client come from
// [Config], so tests point the real library at a fake server.
//
// # Modes
//
// With [Config.AppToken] set, the adapter runs in Socket Mode: [Adapter.Run]
// opens a WebSocket to Slack (apps.connections.open, then a dial) and needs
// no public URL, which suits schools. Without it, the adapter runs in HTTP
// mode: the main program mounts [Adapter.Handler], which serves
//
//	POST /slack/events       Events API (url_verification, event_callback)
//	POST /slack/commands     the /safety slash command
//	POST /slack/interactive  button presses (block_actions)
//
// Every HTTP request is checked against [Config.SigningSecret] (v0 signature,
// five-minute window against [Config.Now]) before a byte of it is parsed, and
// refused with 401 when the signature is missing, wrong or stale.
//
// # Surfaces
//
//   - "/safety question" answers ephemerally, through the command's
//     response_url: only the asker sees it. "/safety" alone shows the
//     topic menu (the engine's "/topics"), and "/safety forget", "/safety
//     topics", "/safety language sw"… run the engine's commands, which
//     cannot be typed as "/forget" in Slack. Replies name the commands in
//     that form. "/safety help" asks for help, as the word does.
//   - A mention in a channel is answered in a thread under it, with
//     Message.Group set; a bare mention shows the topic menu. When the engine marks the reply Private, the thread
//     gets only the engine's invitation and a link button that opens the
//     app's Messages tab (slack.com/app_redirect); nothing is sent to the
//     user unasked.
//   - Direct messages get the full conversation. Bot messages, the bot's own
//     messages and edits are ignored; shared files become Message.Media and
//     are never downloaded.
//   - Opening the App Home publishes a home view built from Engine.Home.
//   - Choices are buttons (action_id "c0", "c1", …; value = payload; link
//     choices are URL buttons). A press comes back through block_actions as
//     Message.Payload and is answered where it was pressed: via response_url
//     for ephemeral messages, in the channel thread, in the DM, or in a DM
//     for a press on the home tab.
//
// # Delivery
//
// Work goes through the shared delivery layer (package channel): a user's
// replies, from every surface, go out in the order asked; queues are
// bounded; a flood is throttled; urgent replies go first. Slack wants an
// answer within three seconds, so a command or a button press is
// acknowledged once taken, and an event once answered or after
// [Config.AckWait], whichever comes first; work refused because the queues
// are full is not acknowledged (HTTP 429 or 503; no Socket Mode ack), so
// that Slack sends it again. Events are de-duplicated by event_id, Socket
// Mode requests by envelope id, and signed HTTP requests by their signature
// within [Config.DedupWindow], so neither a retry from Slack
// (X-Slack-Retry-Num, retry_attempt) nor a replayed request is answered
// twice. A vote (helpful, not helpful) counts once per user and message.
// Every Web API request goes through [Adapter.call]: a 429 is waited out as
// Retry-After says, up to [Config.MaxRetries] times; Slack errors that mean
// the conversation is gone (account_inactive, user_not_found,
// channel_not_found, not_in_channel, is_archived, …) are the outcome
// "blocked" and are not retried (in a DM the engine then forgets the user).
// When the app is uninstalled (app_uninstalled), its tokens revoked
// (tokens_revoked), or Slack refuses a token (invalid_auth), the channel
// stops: logged at error, Health Failed, Run returns an Unauthorized error.
//
// # Language
//
// The user's Slack locale (users.info with include_locale, needing the
// users:read scope) becomes Message.LangHint, cached in memory per user for
// [Config.LocaleTTL]. The engine decides whether to use it.
//
// # Privacy
//
// Logs carry event kinds, reply kinds and error classes only: never message
// text, never a Slack user, channel or team id. The library's own debug
// logging, which would print payloads, stays off.
package slack
