// Package whatsapp connects Salama to WhatsApp through Meta's WhatsApp
// Business Cloud API: a webhook for what users send, and the Graph API's
// /{phone-number-id}/messages for the replies. It stands on the shared
// delivery layer (package channel) like the Telegram and Slack adapters.
// There is no well-kept Go client for the Cloud API (the community ones
// either drive a personal account, which Meta forbids, or wrap a few calls
// without error classes), and the API is plain HTTPS and JSON, so this
// package has its own small typed client. Setup for operators is in
// docs/WHATSAPP.md.
//
// # Webhook
//
// [Adapter.Handler] serves the path the Meta app is configured with
// (/whatsapp). A GET is the verification handshake: hub.mode=subscribe and
// hub.verify_token equal to Config.VerifyToken (compared in constant time)
// are answered with hub.challenge; anything else with 403. A POST must carry
// X-Hub-Signature-256, the HMAC-SHA256 of the raw body under
// Config.AppSecret: its shape is checked before a byte of the body is read,
// the body is read within bounds (channel.Bodies), and the HMAC is compared
// in constant time before the JSON is parsed; otherwise 401. A valid
// delivery is answered 200 once its messages are answered, or after
// Config.AckWait, whichever is first (Meta times out slow webhooks); 429 or
// 503 when the queues are full, so that Meta delivers it again. A message
// delivered twice (the same id) is answered once. Status callbacks (sent,
// delivered, read, failed) are counted and never answered; a failure that
// says the user blocked the business number makes the engine forget them.
//
// # What users send
//
// Text goes to the engine as it is. A reply button or a list row comes back
// as Message.Payload (its id is the choice's payload). Images, videos,
// voice notes, documents and stickers are never downloaded: their kind
// becomes Message.Media and their caption Message.Text, as on Telegram.
// Locations and contacts get the same answer as a file ("I can only read
// text"); reactions to the bot's messages are not messages and are not
// answered. The sender's profile name, which Meta sends along, is never
// read, stored or logged; the sender's phone number is the user id, which
// the store keeps only under a keyed hash and which is never logged.
//
// # Replies
//
// Text is split at 4,096 characters (channel.Split). Up to three choices
// whose labels fit in 20 characters become reply buttons; up to ten become
// a list message (row titles of 24 characters, with the whole label in the
// row's description when it had to be shortened, at a word boundary); more
// than ten are numbered in the text, and typing a number presses one
// (channel.Numbered). A link choice is written in the text. An interactive
// message's text is at most 1,024 characters: longer text goes first as
// plain messages. The message a user sent is marked as read. A reply is not
// attempted outside WhatsApp's 24-hour customer-service window (Expired).
//
// # Delivery
//
// Every Graph API request goes through one function, which spaces sends
// (Config.Rate a second over the whole number; per user, a burst and then
// one every Config.PairInterval, as WhatsApp's pair rate limit asks) and
// retries as channel.Retry does. Graph errors are classified: throughput
// and pair rate limits (130429, 131056, 4, 80007) wait and retry; an access
// token error (190, HTTP 401) is logged at error, stops the channel and
// shows on /readyz; an undeliverable message (131026, often a user who
// blocked the number) is "blocked", and the engine forgets the user; a
// reply past the 24-hour window (131047) is "expired".
package whatsapp
