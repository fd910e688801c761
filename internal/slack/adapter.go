package slack

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// Config configures an [Adapter]. Only BotToken is always required; the
// zero value of every other field is a sensible default.
type Config struct {
	// BotToken is the bot token (xoxb-…).
	BotToken string
	// AppToken is the app-level token (xapp-…, scope connections:write).
	// When set, the adapter runs in Socket Mode.
	AppToken string
	// SigningSecret verifies HTTP requests. Required in HTTP mode (no
	// AppToken); in Socket Mode, Handler serves 404 without it.
	SigningSecret string
	// APIURL is the Web API base, "https://slack.com/api/" by default. A
	// missing trailing slash is added.
	APIURL string
	// HTTPClient makes every Web API and response_url call
	// (http.DefaultClient by default).
	HTTPClient *http.Client
	// Dialer dials the Socket Mode WebSocket (the library's default dialer
	// when nil).
	Dialer *websocket.Dialer
	// Logger receives event kinds and error classes, never content
	// (slog.Default() when nil).
	Logger *slog.Logger
	// Observer receives delivery metrics (chat.NopObserver when nil).
	Observer chat.Observer
	// Country is the workspace's country code ("KE"), optional. When set it
	// replaces the region of the language hint given to Engine.Home, so the
	// App Home shows the school's helplines rather than those of the
	// region in the user's Slack locale (often "en-US" by default).
	Country string
	// PrivateLabel is the label of the button that opens a private chat
	// under a group reply the engine marked Private, by reply language; the
	// main program gives the translated one. A small built-in table,
	// English by default, when nil.
	PrivateLabel func(lang string) string

	// Now is the clock for the signature window and the caches (time.Now).
	// slack-go's verifier also checks the window against the wall clock,
	// so an injected clock must stay within minutes of the real time.
	Now func() time.Time
	// Sleep waits before a retry; it returns early with ctx's error
	// (channel.Sleep by default). Tests inject one that does not sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries is how many times a send is retried after a rate limit or
	// a temporary failure (3; negative means never).
	MaxRetries int
	// MaxRetryWait is the longest Retry-After the adapter waits out; a
	// longer one fails the send with a *chat.RateLimitError (1 minute).
	MaxRetryWait time.Duration
	// DedupWindow is how long an event_id (or a request's signature, or a
	// Socket Mode envelope id) is remembered (1 hour).
	DedupWindow time.Duration
	// DedupSize bounds the remembered ids (10 000).
	DedupSize int
	// LocaleTTL is how long a user's locale is cached (1 hour).
	LocaleTTL time.Duration
	// LocaleCacheSize bounds the cached locales (10 000).
	LocaleCacheSize int
	// ReplyTimeout bounds the work on one event, engine and sends
	// included (30 seconds).
	ReplyTimeout time.Duration
	// DrainTimeout bounds how long Run waits for replies in flight once
	// its context ends (10 seconds); then their contexts are cancelled.
	DrainTimeout time.Duration
	// MaxConcurrent bounds the replies being sent at once (32).
	MaxConcurrent int
	// AckWait is how long an Events API request (or a Socket Mode event)
	// waits for its reply before it is acknowledged anyway (2 seconds):
	// within Slack's three, and long enough that most events are
	// acknowledged only once answered.
	AckWait time.Duration
	// Queue bounds the queues and sets the per-user rate limit (see
	// channel.Config; its zero value is the default). Its Platform, Engine,
	// Observer, Logger, Now, Senders, timeouts and de-duplication window are
	// the adapter's.
	Queue channel.Config
}

// Adapter is the Slack channel. Create it with [New]; it is safe for
// concurrent use.
type Adapter struct {
	cfg    Config
	engine chat.Engine
	api    *slackapi.Client
	log    *slog.Logger
	obs    chat.Observer
	retry  channel.Retry
	work   *channel.Dispatcher
	status channel.Status
	// names are the engine's commands, typed as "/safety name" on Slack.
	names []string

	locales *channel.Cache[string]

	lookupMu sync.Mutex
	lookups  map[string]*lookup // users.info calls in flight, by user

	// bodies bounds the bodies read before their signature is checked.
	bodies channel.Bodies

	// fatal is set when the app is uninstalled or its token revoked:
	// nothing more can be sent, and Run returns.
	fatal channel.Fatal
}

var _ channel.Adapter = (*Adapter)(nil)

// ErrConfig is wrapped by the errors New returns for a bad Config.
var ErrConfig = errors.New("slack: invalid config")

// New checks cfg, fills in its defaults and returns an adapter. It makes no
// network call.
func New(cfg Config, e chat.Engine) (*Adapter, error) {
	if e == nil {
		return nil, errors.Join(ErrConfig, errors.New("slack: nil engine"))
	}
	if cfg.BotToken == "" {
		return nil, errors.Join(ErrConfig, errors.New("slack: BotToken is required"))
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.Join(ErrConfig, errors.New("slack: SigningSecret is required in HTTP mode (no AppToken)"))
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slackapi.APIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Observer == nil {
		cfg.Observer = chat.NopObserver{}
	}
	if cfg.PrivateLabel == nil {
		cfg.PrivateLabel = defaultPrivateLabel
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = channel.Sleep
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	cfg.MaxRetryWait = orDefault(cfg.MaxRetryWait, time.Minute)
	cfg.DedupWindow = orDefault(cfg.DedupWindow, time.Hour)
	cfg.LocaleTTL = orDefault(cfg.LocaleTTL, time.Hour)
	cfg.ReplyTimeout = orDefault(cfg.ReplyTimeout, 30*time.Second)
	cfg.DrainTimeout = orDefault(cfg.DrainTimeout, 10*time.Second)
	cfg.AckWait = orDefault(cfg.AckWait, 2*time.Second)
	if cfg.DedupSize <= 0 {
		cfg.DedupSize = 10000
	}
	if cfg.LocaleCacheSize <= 0 {
		cfg.LocaleCacheSize = 10000
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 32
	}

	opts := []slackapi.Option{
		slackapi.OptionAPIURL(cfg.APIURL),
		slackapi.OptionHTTPClient(cfg.HTTPClient),
		// The library's debug output would print payloads; keep it silent.
		slackapi.OptionLog(log.New(io.Discard, "", 0)),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	a := &Adapter{
		cfg:     cfg,
		engine:  e,
		api:     slackapi.New(cfg.BotToken, opts...),
		log:     cfg.Logger.With(slog.String("platform", string(chat.Slack))),
		obs:     cfg.Observer,
		names:   slackCommands(e),
		locales: channel.NewCache[string](cfg.LocaleCacheSize, cfg.LocaleTTL, cfg.Now),
		lookups: map[string]*lookup{},
		bodies:  channel.Bodies{Max: maxBody},
	}
	a.retry = channel.Retry{
		MaxRetries:  cfg.MaxRetries,
		MaxWait:     cfg.MaxRetryWait,
		Sleep:       cfg.Sleep,
		OnRateLimit: channel.ObserveWaits(chat.Slack, cfg.Observer),
	}
	q := cfg.Queue.Wire(chat.Slack, e, cfg.Observer, a.log, cfg.Now)
	q.Senders, q.DrainTimeout, q.ReplyTimeout = cfg.MaxConcurrent, cfg.DrainTimeout, cfg.ReplyTimeout
	q.DedupWindow, q.DedupSize = cfg.DedupWindow, cfg.DedupSize
	a.work = channel.NewDispatcher(q)
	return a, nil
}

// Health is the adapter's state, for /readyz.
func (a *Adapter) Health() channel.Health { return a.status.Health() }

// Routes are the three HTTP endpoints in HTTP mode; none in Socket Mode
// without a signing secret.
func (a *Adapter) Routes() []channel.Route {
	if a.cfg.SigningSecret == "" {
		return nil
	}
	return []channel.Route{{Pattern: "/slack/", Handler: a.Handler()}}
}

// Run serves until ctx ends. In Socket Mode it keeps the WebSocket open,
// reconnecting as Slack asks; in HTTP mode it only waits, since the main
// program serves [Adapter.Handler]. Either way it then stops taking new
// work, waits up to DrainTimeout for replies in flight, and returns nil.
// It returns an error (outcome Unauthorized) when the credentials fail for
// good: the app token is refused, the app is uninstalled or its tokens are
// revoked.
func (a *Adapter) Run(ctx context.Context) error {
	var err error
	if a.cfg.AppToken != "" {
		err = a.runSocket(ctx)
		if ctx.Err() != nil {
			err = nil
		}
	} else {
		a.setState(channel.Ready, "")
		select {
		case <-ctx.Done():
		case <-a.fatal.Done():
		}
	}
	if err == nil {
		err = a.fatal.Err()
	}
	a.work.Close()
	if err != nil {
		a.setState(channel.Failed, channel.CodeOf(err))
		return err
	}
	a.setState(channel.Stopped, "")
	return nil
}

// setState records the adapter's state, for Health, and logs a failure at
// error the moment it happens.
func (a *Adapter) setState(st channel.State, reason string) { a.status.Report(a.log, st, reason) }

// die stops the channel for good: the app was uninstalled or its token
// revoked. Replies in flight fail; Run returns.
func (a *Adapter) die(why string) {
	if a.fatal.Stop(why) {
		a.setState(channel.Failed, why)
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// socketOptions are the Socket Mode client's options.
func (a *Adapter) socketOptions() []socketmode.Option {
	opts := []socketmode.Option{socketmode.OptionLog(log.New(io.Discard, "", 0))}
	if a.cfg.Dialer != nil {
		opts = append(opts, socketmode.OptionDialer(a.cfg.Dialer))
	}
	return opts
}
