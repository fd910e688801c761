package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// Config configures an [Adapter]. The zero value of every field but Token is
// a usable default.
type Config struct {
	// Token is the bot token from @BotFather. Required.
	Token string
	// APIURL is the Bot API server: a self-hosted telegram-bot-api or a
	// test fake. Default https://api.telegram.org.
	APIURL string
	// WebhookURL, when set, switches the adapter to webhook mode: Run
	// registers this public URL (HTTPS for api.telegram.org) with setWebhook
	// and updates arrive through [Adapter.Handler]. Empty means long polling.
	WebhookURL string
	// WebhookSecret is the secret_token given to setWebhook; Telegram sends it
	// back in the X-Telegram-Bot-Api-Secret-Token header. Required in webhook
	// mode: 1 to 256 characters from A-Z, a-z, 0-9, _ and -.
	WebhookSecret string
	// BotUsername is the bot's @username (with or without the @), used to spot
	// mentions in groups and to build t.me deep links. Empty means ask getMe
	// when Run starts.
	BotUsername string
	// HTTPClient makes every Bot API request. Its Timeout, if any, must
	// outlast PollTimeout. Default: an http.Client whose timeout outlasts a
	// long poll.
	HTTPClient *http.Client
	// Logger receives update kinds and error classes, never text or ids.
	// Default slog.Default().
	Logger *slog.Logger
	// Observer receives delivery events for metrics: Replied once per reply
	// (however many messages it took), SendError when a reply is given up,
	// RateLimitWait for each 429 (not for the adapter's own spacing).
	// Default chat.NopObserver.
	Observer chat.Observer

	// PollTimeout is the long-poll duration of getUpdates. Default 50s.
	PollTimeout time.Duration
	// ChatInterval is the least time between two messages to one private
	// chat, on average. Default 1s.
	ChatInterval time.Duration
	// ChatBurst is how many messages may go to one private chat at once
	// before ChatInterval applies; Telegram allows short bursts. Default 5,
	// as the per-user rate limit (Queue.UserBurst).
	ChatBurst int
	// GroupInterval is the least time between two messages to one group.
	// Default 3s (Telegram allows about 20 a minute).
	GroupInterval time.Duration
	// GlobalRate is the most messages sent per second over all chats.
	// Default 30.
	GlobalRate int
	// RetryBase is the first backoff after a 5xx answer or a network error;
	// it doubles on each retry up to 30s. Default 500ms.
	RetryBase time.Duration
	// MaxRetries bounds the retries of one request after 5xx/network errors,
	// and separately after 429 answers. Default 5.
	MaxRetries int
	// RequestTimeout bounds one outbound request other than getUpdates.
	// Default 30s.
	RequestTimeout time.Duration
	// DrainTimeout bounds how long Run waits, once its context is done, for
	// replies in flight. Default 10s.
	DrainTimeout time.Duration
	// MaxConcurrency bounds how many chats are sent replies at once.
	// Default 64.
	MaxConcurrency int
	// Queue bounds the queues and sets the per-user rate limit (see
	// channel.Config; its zero value is the default). Its Platform, Engine,
	// Observer, Logger, Now, Senders and DrainTimeout are the adapter's.
	Queue channel.Config
	// PrivateLabel returns the label of the button that moves a group
	// conversation to a private chat, in the reply's language; the main
	// program gives the translated one. Default: English.
	PrivateLabel func(lang string) string
	// Aliases returns the other tags a language is known by (its facts,
	// faq/<lang>/language.txt), for the command menu of a language with no
	// two-letter code. Default: none.
	Aliases func(lang string) []string

	// Sleep waits for d or until ctx is done; every wait of the adapter (rate
	// limits, retry_after, backoff) goes through it, so tests can scale time.
	// Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

const (
	defaultAPIURL         = "https://api.telegram.org"
	defaultPollTimeout    = 50 * time.Second
	defaultChatInterval   = time.Second
	defaultGroupInterval  = 3 * time.Second
	defaultGlobalRate     = 30
	defaultRetryBase      = 500 * time.Millisecond
	maxBackoff            = 30 * time.Second
	defaultMaxRetries     = 5
	defaultRequestTimeout = 30 * time.Second
	defaultDrainTimeout   = 10 * time.Second
	defaultConcurrency    = 64
)

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// withDefaults validates c and fills in its zero fields.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.Token) == "" {
		return c, errors.New("telegram: Config.Token is required")
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Path == "" || u.Path == "/" {
			return c, errors.New("telegram: Config.WebhookURL needs a path, e.g. https://bot.example.org/telegram")
		}
		if c.WebhookSecret == "" {
			return c, errors.New("telegram: webhook mode needs Config.WebhookSecret")
		}
		if !secretRE.MatchString(c.WebhookSecret) {
			return c, errors.New("telegram: Config.WebhookSecret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
		}
	}
	if c.APIURL == "" {
		c.APIURL = defaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	c.BotUsername = strings.TrimPrefix(strings.TrimSpace(c.BotUsername), "@")
	if c.PollTimeout <= 0 {
		c.PollTimeout = defaultPollTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.PollTimeout + 15*time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Observer == nil {
		c.Observer = chat.NopObserver{}
	}
	if c.ChatInterval <= 0 {
		c.ChatInterval = defaultChatInterval
	}
	if c.ChatBurst <= 0 {
		c.ChatBurst = 5
	}
	if c.GroupInterval <= 0 {
		c.GroupInterval = defaultGroupInterval
	}
	if c.GlobalRate <= 0 {
		c.GlobalRate = defaultGlobalRate
	}
	if c.RetryBase <= 0 {
		c.RetryBase = defaultRetryBase
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = defaultMaxRetries
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = defaultRequestTimeout
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = defaultDrainTimeout
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = defaultConcurrency
	}
	if c.PrivateLabel == nil {
		c.PrivateLabel = func(string) string { return "Continue in a private chat" }
	}
	if c.Aliases == nil {
		c.Aliases = func(string) []string { return nil }
	}
	if c.Sleep == nil {
		c.Sleep = channel.Sleep
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
