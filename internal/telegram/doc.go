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
// By default Run long-polls getUpdates itself (after deleteWebhook, since
// Telegram refuses getUpdates while a webhook is set). Its offset is always
// the oldest update not yet answered, so Telegram forgets an update only
// once it was answered; the updates still in flight that come back are
// skipped. A 429 is waited out for its retry_after, a failure retried with
// backoff. With Config.WebhookURL set, Run registers the webhook with
// setWebhook and its secret_token instead, and updates arrive through
// [Adapter.Handler], which the main program mounts at the URL's path (see
// [Adapter.Routes]). The handler checks the X-Telegram-Bot-Api-Secret-Token
// header in constant time before it reads a byte of the body, decodes the
// update itself, and answers Telegram once the reply is sent. Webhook mode
// refuses to start without a secret.
//
// At start Run also calls getMe (unless Config.BotUsername is set) and
// registers the command menu with setMyCommands: once without a
// language_code, in English, and once for each of the engine's languages
// that has a two-letter code, or a two-letter alias in its facts ("tl" for
// Filipino, Config.Aliases). While Telegram is
// unreachable, set-up is retried with backoff, logged at error and shown by
// [Adapter.Health]; a refused token ends Run with an Unauthorized error.
//
// # Conversations
//
// In a private chat every text, command, button press and file reaches the
// engine. "/start lang_sw" and other deep-link payloads pass through
// unchanged. Files (photo, video, video note, animation, voice, audio,
// sticker, document) become a [chat.Media] kind; the bot never calls
// getFile. An edit of a message already answered is not answered again.
// When a user blocks the bot (my_chat_member "kicked"), the engine's OptOut
// forgets them.
//
// In a group the bot answers only commands ("/help", or "/help@ThisBot") and
// messages that mention it or reply to it, with the mention removed and
// Message.Group set. When the engine marks the reply Private, it goes out
// with a button linking to https://t.me/<bot>?start=private, labelled in
// the reply's language (Config.PrivateLabel). A reply to a group that became
// a supergroup is sent again, at once, to its new id.
//
// Button presses are answered with answerCallbackQuery at once, outside the
// chat's queue; the payload then reaches the engine as Message.Payload and
// the reply comes as a new message.
//
// # Rendering
//
// Reply text is plain: it is HTML-escaped and sent with parse_mode HTML and
// link previews off. Text longer than 4000 UTF-16 code units is split
// (channel.Split) at a blank line, else a line break, else a space; the
// keyboard goes on the last part. Choices become one button per row, or two
// per row when both labels are short; a Choice with a URL becomes a link
// button. The keyboard is marshalled by this package, not with
// models.InlineKeyboardMarkup, whose buttons always carry an empty
// "copy_text" that Telegram rejects.
//
// # Delivery
//
// Updates go through the shared delivery layer (package channel): handled
// concurrently across chats and in order within a chat, de-duplicated,
// bounded, with a per-user rate limit and urgent replies first. Every Bot
// API request goes through one function, [Adapter.call], which spaces
// messages per chat (Config.ChatInterval, GroupInterval) and over the whole
// bot (Config.GlobalRate), and retries as channel.Retry does: a 429 is
// waited out for its retry_after (holding every send of the bot), a 5xx
// answer or a network error is retried with backoff up to Config.MaxRetries,
// a 403 never. A 403 to a private chat means the user blocked the bot: the
// outcome is "blocked" and the engine forgets them; in a group it is
// "forbidden". A request that failed with a network error after Telegram
// received it may be delivered twice; a 5xx answer means it was not
// delivered.
//
// When Run's context is done the adapter stops taking updates (the webhook
// answers 503, so Telegram retries later), finishes the replies in flight
// within Config.DrainTimeout, confirms to Telegram the updates answered
// (polling), and returns.
//
// # Privacy
//
// Logs carry update kinds and error classes only: never message text, user
// ids or chat ids. The library's own error messages, which may quote a
// response body, are reduced to a class before they are logged.
package telegram
