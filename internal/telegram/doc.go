// Package telegram connects Salama's engine to a Telegram bot, through
// github.com/go-telegram/bot.
//
// An [Adapter] turns Telegram updates into [chat.Message] values, asks the
// [chat.Engine] for a [chat.Reply] and sends it back as HTML messages with an
// inline keyboard. Setup for operators is in docs/TELEGRAM.md.
//
//	a, err := telegram.New(telegram.Config{Token: token}, engine)
//	...
//	err = a.Run(ctx) // returns once ctx is done and replies are sent
//
// # Modes
//
// By default Run long-polls getUpdates (after deleteWebhook, since Telegram
// refuses getUpdates while a webhook is set). With Config.WebhookURL set, Run
// registers the webhook with setWebhook and its secret_token instead, and
// updates arrive through [Adapter.Handler], which the main program mounts on
// its own server. The handler checks the X-Telegram-Bot-Api-Secret-Token
// header in constant time before it reads a byte of the body, and decodes
// the update itself. Webhook mode refuses to start without a secret.
//
// At start Run also calls getMe (unless Config.BotUsername is set) and
// registers the command menu with setMyCommands: once without a
// language_code, in English, and once for each of the engine's languages.
//
// # Conversations
//
// In a private chat every text, command, button press and file reaches the
// engine. "/start lang_sw" and other deep-link payloads pass through
// unchanged. Files (photo, video, video note, animation, voice, audio,
// sticker, document) become a [chat.Media] kind; the bot never calls
// getFile. An edited message is answered like a new one. When a user blocks
// the bot (my_chat_member "kicked"), the engine's OptOut forgets them.
//
// In a group the bot answers only commands ("/help", or "/help@ThisBot") and
// messages that mention it or reply to it, with the mention removed and
// Message.Group set. When the engine marks the reply Private, it goes out
// with a button linking to https://t.me/<bot>?start=private.
//
// Button presses are answered with answerCallbackQuery first; the payload then
// reaches the engine as Message.Payload and the reply comes as a new message.
//
// # Rendering
//
// Reply text is plain: it is HTML-escaped and sent with parse_mode HTML and
// link previews off. Text longer than 4000 UTF-16 code units is split at a
// blank line, else a line break, else a space; the keyboard goes on the last
// part. Choices become one button per row, or two per row when both labels
// are short; a Choice with a URL becomes a link button. The keyboard is
// marshalled by this package, not with models.InlineKeyboardMarkup, whose
// buttons always carry an empty "copy_text" that Telegram rejects.
//
// # Delivery
//
// Every outbound request but getUpdates goes through one function, which
// spaces messages per chat (Config.ChatInterval, GroupInterval) and over the
// whole bot (Config.GlobalRate); waits the retry_after of a 429 (holding all
// sends for that long) and tries again; retries a 5xx answer or a network
// error with exponential backoff, up to Config.MaxRetries; and never retries
// a 403. A 403 to a private chat means the user blocked the bot: the adapter
// reports [chat.ErrBlocked] as "blocked" to the Observer and calls OptOut.
// A request that failed with a network error after Telegram received it may
// be delivered twice; a 5xx answer means it was not delivered.
//
// Updates are handled concurrently across chats and in order within a chat.
// When Run's context is done the adapter stops taking updates (the webhook
// handler answers 503, so Telegram retries later), finishes the replies in
// flight within Config.DrainTimeout, confirms the last polled update to
// Telegram so that a restart does not answer it again, and returns.
//
// # Privacy
//
// Logs carry update kinds and error classes only: never message text, user
// ids or chat ids. The library's own error messages, which may quote a
// response body, are reduced to a class before they are logged.
package telegram
