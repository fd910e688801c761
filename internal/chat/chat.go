// Package chat holds Salama's domain: the messages that come in from a
// channel, the replies that go out, and the interfaces the conversation core
// needs. It imports only the standard library, so every adapter (Telegram,
// Slack, the console) and every store speaks the same small language.
//
// # Flow
//
// An adapter turns a platform update into a [Message] and passes it to a
// [Responder] (the engine). The engine returns a [Reply]: its [Kind], the text
// of the first screen and abstract [Choice] buttons whose payloads the adapter
// sends back, unchanged, as a new Message when the user presses one. The
// adapter renders the Reply in its platform's way (inline keyboard, Block Kit,
// numbered lines). The delivery layer, package channel, queues, retries and
// classifies the sends alike for every adapter.
//
// # Privacy
//
// A Message carries the raw platform user id only so that a [Store] can derive
// its keyed hash; nothing in this package ever writes it, or the text, to
// disk or logs.
package chat

import (
	"context"
	"errors"
	"time"
)

// Platform names the channel a message came from.
type Platform string

// The platforms Salama knows.
const (
	Telegram Platform = "telegram"
	Slack    Platform = "slack"
	WhatsApp Platform = "whatsapp"
	Console  Platform = "console"
)

// Kind says what a reply is. Adapters, analytics and `salama ask` rely on
// these exact strings.
type Kind string

// The reply kinds. Which safety category leads to which: docs/SAFETY.md.
const (
	KindAnswer     Kind = "answer"     // an FAQ entry
	KindClarify    Kind = "clarify"    // two or three entries fit; choose
	KindFallback   Kind = "fallback"   // nothing fits
	KindGreeting   Kind = "greeting"   // a welcome
	KindSmallTalk  Kind = "smalltalk"  // thanks, OK, a farewell, an emoji: a short reply and the way on
	KindUrgent     Kind = "urgent"     // someone may be in danger now
	KindDeterrence Kind = "deterrence" // seeking abuse material or access to children
	KindCommand    Kind = "command"    // the reply to a command or a menu choice
	KindMedia      Kind = "media"      // the user sent a file the bot will not open
)

// Media is the kind of file a user sent. The bot never downloads it. The
// engine answers a photo, a video or a document with a warning about
// sexual images of children and where to report them, and a sticker, a
// GIF, a voice note or anything else (MediaOther) with "I can only read
// text".
type Media string

// The media kinds adapters map their platform's files to.
const (
	MediaNone     Media = ""
	MediaPhoto    Media = "photo"
	MediaVideo    Media = "video" // a video, a video note (Telegram's round videos)
	MediaVoice    Media = "voice" // a voice note or an audio file
	MediaSticker  Media = "sticker"
	MediaGIF      Media = "gif"      // an animation picked from the app's GIF search
	MediaDocument Media = "document" // any other file
	// MediaOther is something that is not text and not a file: a shared
	// location, a contact card. The engine answers it as a sticker: it
	// reads only text.
	MediaOther Media = "other"
)

// User identifies a person on a platform. ID is the platform's raw id: it is
// used only to derive a keyed hash and is never stored or logged.
type User struct {
	Platform Platform
	ID       string
}

// Message is one thing a user did: typed text, pressed a choice, or sent a
// file.
type Message struct {
	User User
	// Chat identifies the conversation on the platform (a chat or channel id).
	Chat string
	// Text is what the user typed; commands start with "/".
	Text string
	// Payload is the payload of the Choice the user pressed, if any. It wins
	// over Text.
	Payload string
	// Media is set when the user sent a file instead of text.
	Media Media
	// LangHint is the platform's idea of the user's language (a BCP 47 tag
	// such as "pt-BR"), used when the user has not chosen one.
	LangHint string
	// Group is true when the message was posted where others can read the
	// reply. The engine then keeps personal content out of it; an urgent
	// reply still shows a number to call there.
	Group bool
}

// Choice is an abstract button. Label is shown; Payload comes back in a
// Message when the user presses it. Payloads are at most 64 bytes, so that
// every platform can carry them. A Choice with a URL is a link and has no
// payload.
type Choice struct {
	Label   string
	Payload string
	URL     string
	// Vote marks the helpful and unhelpful buttons under an answer: a
	// user's first vote on a message counts, and adapters that can tell
	// one message from another ignore the next ones.
	Vote bool
}

// Reply is what the engine answers.
type Reply struct {
	Kind Kind
	// Lang is the language the reply is written in.
	Lang string
	// Text is plain text (no markup): adapters escape it for their platform.
	// URLs appear as-is. Paragraphs are separated by a blank line.
	Text string
	// Choices are offered under the text, in order.
	Choices []Choice
	// FAQID is the entry answered, or the entry most related to an urgent
	// reply; empty when no entry applies.
	FAQID string
	// Category is the danger and harm taxonomy category (the names of
	// content.Categories, docs/SAFETY.md) of an urgent, deterrence or
	// prevention reply; empty otherwise.
	Category string
	// Candidates are the entry ids offered by a clarify reply.
	Candidates []string
	// Score is the matcher's confidence in FAQID, from 0 to 1.
	Score float64
	// Private is true when the reply must not be shown where others can read
	// it. In a group the engine has already replaced it with an invitation
	// to a private chat (with, for an urgent reply, a number to call), and
	// the adapter adds the way in.
	Private bool
}

// Responder turns a message into a reply. The engine implements it.
// It is safe for concurrent use. The only errors it returns come from the
// store; the reply is still usable when err is non-nil.
type Responder interface {
	Respond(ctx context.Context, m Message) (Reply, error)
}

// Command is a slash command with its description in one language, for
// platforms that show a command menu.
type Command struct {
	Name        string // without the slash: "start"
	Description string
}

// Engine is everything an adapter needs from the core.
type Engine interface {
	Responder
	// OptOut records that the user blocked the bot: it deletes everything
	// stored about them except the opted-out mark.
	OptOut(ctx context.Context, u User) error
	// Commands lists the commands in a language, for command menus.
	Commands(lang string) []Command
	// Home is an overview for a home screen (Slack's App Home): the topic
	// menu, educator entries first, and the helplines of the user's country.
	Home(ctx context.Context, u User, langHint string) (Reply, error)
	// Languages lists the supported language codes, English first.
	Languages() []string
}

// Prefs are the few things remembered about a user.
type Prefs struct {
	Lang         string    // chosen language ("" = not chosen)
	Country      string    // chosen country code ("" = not chosen)
	Audience     string    // youth, educator or parent ("" = not said)
	OptedOut     bool      // the user blocked the bot
	AskedCountry bool      // the bot has asked for the country once
	LastSeen     time.Time // day of the last message, UTC, truncated to the day
}

// Event is what an anonymous counter counts.
type Event string

// The counted events.
const (
	EventReply     Event = "reply"
	EventHelpful   Event = "helpful"
	EventUnhelpful Event = "unhelpful"
)

// Count is one anonymous counter key. It names no user.
type Count struct {
	Day      string // YYYY-MM-DD, UTC
	Platform Platform
	Event    Event
	Kind     Kind
	Lang     string
	FAQID    string
}

// CountRow is a counter and its value.
type CountRow struct {
	Count
	N int64
}

// Store keeps user preferences, keyed by a keyed hash of the User, and the
// anonymous counters. It never stores message text or a raw user id.
// Implementations are safe for concurrent use.
type Store interface {
	// Prefs returns the user's preferences; a user never seen has zero Prefs
	// and no error.
	Prefs(ctx context.Context, u User) (Prefs, error)
	// SavePrefs replaces the user's preferences.
	SavePrefs(ctx context.Context, u User, p Prefs) error
	// Forget deletes everything stored about the user. Forgetting an unknown
	// user is not an error.
	Forget(ctx context.Context, u User) error
	// Add adds n to a counter.
	Add(ctx context.Context, c Count, n int64) error
	// Counts returns the counters of days on or after since (YYYY-MM-DD).
	Counts(ctx context.Context, since string) ([]CountRow, error)
	// Expire deletes the preferences of users last seen before cutoff and
	// returns how many it deleted.
	Expire(ctx context.Context, cutoff time.Time) (int, error)
	// Close releases the store.
	Close() error
}

// Gap is an unanswered question in the operator's opt-in content-gap log:
// scrubbed text, its language and day, and nothing that links it to a user.
type Gap struct {
	Day  string // YYYY-MM-DD, UTC
	Lang string
	Text string
}

// GapLog keeps the content-gap log. Stores implement it next to Store.
type GapLog interface {
	// AddGap appends a gap. The caller has already scrubbed the text.
	AddGap(ctx context.Context, g Gap) error
	// Gaps returns the gaps of days on or after since (YYYY-MM-DD), oldest
	// first.
	Gaps(ctx context.Context, since string) ([]Gap, error)
	// ExpireGaps deletes the gaps of days before day and returns how many.
	ExpireGaps(ctx context.Context, day string) (int, error)
}

// Deduper remembers which platform deliveries were already taken, so that a
// delivery the platform sends twice (Slack's retries, WhatsApp's repeated
// webhooks) is answered once, by whichever replica took it first. Stores
// shared by several processes implement it next to Store; a channel whose
// store does not may keep the same memory in its own process.
//
// Keys are the platform's delivery ids (a Slack event id, a WhatsApp message
// id), which may encode a phone number: a store keeps only a keyed hash of
// them, and only until the ttl passes. Implementations are safe for
// concurrent use, by any number of processes sharing the store.
type Deduper interface {
	// Seen records key for ttl and reports whether it was already recorded
	// and not yet expired. false means the caller takes the delivery; true
	// means another caller (in this or another process) already did.
	Seen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Unsee forgets key, for a caller that took a delivery but could not
	// handle it (it is shutting down), so that the platform's next try is
	// taken again, maybe by another replica.
	Unsee(ctx context.Context, key string) error
}

// ErrBlocked is returned by a sender when the user blocked the bot or left;
// it must never be retried. The delivery layer (package channel) classifies
// every other send failure.
var ErrBlocked = errors.New("chat: user blocked the bot")

// Observer receives delivery events, for metrics. Adapters call it; a nil
// Observer is replaced by NopObserver. Implementations are safe for
// concurrent use and never see message text or user ids.
type Observer interface {
	// Replied is called after a reply was delivered.
	Replied(p Platform, kind Kind, lang string, took time.Duration)
	// SendError is called when a send failed for good; reason is a short
	// fixed word such as "blocked", "rate_limited", "server", "network".
	SendError(p Platform, reason string)
	// RateLimitWait is called when a send waited for a rate limit.
	RateLimitWait(p Platform, wait time.Duration)
	// Queue is called when the number of messages waiting in a channel's
	// queues changes, with the new number.
	Queue(p Platform, waiting int)
	// Dropped is called when a message is not answered on purpose; reason
	// is a fixed word: "throttled" (the user is over the rate limit),
	// "conversation_full" or "busy" (the queues are full and the platform
	// was asked to deliver it again later).
	Dropped(p Platform, reason string)
	// Event counts something a platform reported that needs no answer,
	// by a fixed word: a WhatsApp status callback ("status_delivered").
	Event(p Platform, name string)
}

// NopObserver ignores every event.
type NopObserver struct{}

func (NopObserver) Replied(Platform, Kind, string, time.Duration) {}
func (NopObserver) SendError(Platform, string)                    {}
func (NopObserver) RateLimitWait(Platform, time.Duration)         {}
func (NopObserver) Queue(Platform, int)                           {}
func (NopObserver) Dropped(Platform, string)                      {}
func (NopObserver) Event(Platform, string)                        {}
