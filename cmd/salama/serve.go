package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/metrics"
	"github.com/salama-safety/salama/internal/slack"
	"github.com/salama-safety/salama/internal/telegram"
)

// serveConfig is every setting of `salama serve`. Each has a flag and an
// environment variable; the flag wins.
type serveConfig struct {
	addr, data, logFormat string
	retentionDays         int
	logUnanswered         bool
	unreviewedEnglish     bool

	tgToken, tgAPIURL, tgWebhookURL, tgWebhookSecret string

	slackBotToken, slackAppToken, slackSigningSecret, slackAPIURL, slackCountry string
}

// gapDays is how long the content-gap log keeps a question.
const gapDays = 30

// setting registers a string flag whose default comes from an environment
// variable, and names the variable in the help.
func setting(fs *flag.FlagSet, p *string, name, env, def, help string) {
	v := os.Getenv(env)
	if v == "" {
		v = def
	}
	fs.StringVar(p, name, v, fmt.Sprintf("%s (env %s)", help, env))
}

func parseServe(args []string, stderr io.Writer) (*serveConfig, *contentFlags, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf contentFlags
	cf.register(fs)
	c := &serveConfig{}
	setting(fs, &c.addr, "addr", "SALAMA_ADDR", "127.0.0.1:8080", "address of the HTTP server (/healthz, /readyz, /metrics, webhooks)")
	setting(fs, &c.data, "data", "SALAMA_DATA", "", "data directory (default $XDG_STATE_HOME/salama)")
	setting(fs, &c.logFormat, "log-format", "SALAMA_LOG_FORMAT", "text", "log format: text or json")
	var retention string
	setting(fs, &retention, "retention-days", "SALAMA_RETENTION_DAYS", "180", "delete a user's preferences after this many days without use")
	setting(fs, &c.tgToken, "telegram-token", "TELEGRAM_BOT_TOKEN", "", "Telegram bot token from @BotFather; turns Telegram on")
	setting(fs, &c.tgAPIURL, "telegram-api-url", "TELEGRAM_API_URL", "", "Telegram Bot API server (self-hosted or a test fake)")
	setting(fs, &c.tgWebhookURL, "telegram-webhook-url", "TELEGRAM_WEBHOOK_URL", "", "public HTTPS URL for webhook mode (default: long polling)")
	setting(fs, &c.tgWebhookSecret, "telegram-webhook-secret", "TELEGRAM_WEBHOOK_SECRET", "", "secret token Telegram sends with each webhook request")
	setting(fs, &c.slackBotToken, "slack-bot-token", "SLACK_BOT_TOKEN", "", "Slack bot token (xoxb-…); turns Slack on")
	setting(fs, &c.slackAppToken, "slack-app-token", "SLACK_APP_TOKEN", "", "Slack app token (xapp-…) for Socket Mode")
	setting(fs, &c.slackSigningSecret, "slack-signing-secret", "SLACK_SIGNING_SECRET", "", "Slack signing secret, for HTTP mode")
	setting(fs, &c.slackAPIURL, "slack-api-url", "SLACK_API_URL", "", "Slack Web API base URL (tests, GovSlack)")
	setting(fs, &c.slackCountry, "slack-country", "SLACK_COUNTRY", "", "the workspace's country code, for App Home helplines")
	var unanswered string
	setting(fs, &unanswered, "log-unanswered", "SALAMA_LOG_UNANSWERED", "0", fmt.Sprintf("1 keeps unanswered questions, scrubbed and unlinked, for %d days, for salama gaps", gapDays))
	var unreviewed string
	setting(fs, &unreviewed, "unreviewed-safety", "SALAMA_UNREVIEWED_SAFETY", "draft", "urgent, deterrence and helpline texts not yet reviewed by a native speaker: draft (serve the translation) or english")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	switch unreviewed {
	case "draft":
	case "english":
		c.unreviewedEnglish = true
	default:
		return nil, nil, usageError{fmt.Errorf("--unreviewed-safety must be draft or english, not %q", unreviewed)}
	}
	switch unanswered {
	case "0", "", "false":
	case "1", "true":
		c.logUnanswered = true
	default:
		return nil, nil, usageError{fmt.Errorf("--log-unanswered must be 1 or 0, not %q", unanswered)}
	}
	n, err := strconv.Atoi(retention)
	if err != nil || n < 1 {
		return nil, nil, usageError{fmt.Errorf("--retention-days must be a whole number of days, not %q", retention)}
	}
	c.retentionDays = n
	if c.logFormat != "text" && c.logFormat != "json" {
		return nil, nil, usageError{fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)}
	}
	return c, &cf, c.check()
}

// check refuses a half-configured channel.
func (c *serveConfig) check() error {
	if c.tgToken == "" && (c.tgWebhookURL != "" || c.tgWebhookSecret != "" || c.tgAPIURL != "") {
		return usageError{errors.New("telegram settings are set but TELEGRAM_BOT_TOKEN is not")}
	}
	if c.tgWebhookURL != "" && c.tgWebhookSecret == "" {
		return usageError{errors.New("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")}
	}
	if c.slackBotToken == "" && (c.slackAppToken != "" || c.slackSigningSecret != "" || c.slackAPIURL != "") {
		return usageError{errors.New("slack settings are set but SLACK_BOT_TOKEN is not")}
	}
	if c.slackBotToken != "" && c.slackAppToken == "" && c.slackSigningSecret == "" {
		return usageError{errors.New("SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")}
	}
	if c.tgToken == "" && c.slackBotToken == "" {
		return usageError{errors.New("no channel is configured: set TELEGRAM_BOT_TOKEN and/or SLACK_BOT_TOKEN (see salama serve --help), or try `salama chat` in a terminal")}
	}
	return nil
}

// runner is what a channel adapter offers the server.
type runner interface {
	Run(ctx context.Context) error
	Handler() http.Handler
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	c, cf, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if c.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)
	k, err := cf.load()
	if err != nil {
		return err
	}
	dir, err := dataDir(c.data)
	if err != nil {
		return err
	}
	store, err := bolt.Open(dir, bolt.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	opts := engine.Options{RetentionDays: c.retentionDays, UnreviewedSafetyInEnglish: c.unreviewedEnglish}
	if c.logUnanswered {
		opts.Gaps, opts.GapDays = store, gapDays
	}
	eng := engine.New(k, store, opts)
	closeAdmin, err := serveAdmin(ctx, dir, store)
	if err != nil {
		return err
	}
	defer closeAdmin()
	obs := metrics.New()

	mux := http.NewServeMux()
	mux.Handle("GET /metrics", obs.Handler())
	var channels []runner
	// the private-chat button speaks the reply's language (a message like any other)
	privateLabel := func(lang string) string { return eng.Knowledge().Texts.T(lang, "button_private_chat", nil) }
	if c.tgToken != "" {
		a, err := telegram.New(telegram.Config{Token: c.tgToken, APIURL: c.tgAPIURL, WebhookURL: c.tgWebhookURL, WebhookSecret: c.tgWebhookSecret, Logger: log.With("channel", "telegram"), Observer: obs, PrivateLabel: privateLabel}, eng)
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		if c.tgWebhookURL != "" {
			u, err := url.Parse(c.tgWebhookURL)
			if err != nil || u.Path == "" {
				return usageError{fmt.Errorf("TELEGRAM_WEBHOOK_URL %q needs a path, e.g. https://bot.example.org/telegram", c.tgWebhookURL)}
			}
			mux.Handle("POST "+u.Path, a.Handler())
		}
		channels = append(channels, a)
	}
	if c.slackBotToken != "" {
		a, err := slack.New(slack.Config{BotToken: c.slackBotToken, AppToken: c.slackAppToken, SigningSecret: c.slackSigningSecret, APIURL: c.slackAPIURL, Country: c.slackCountry, Logger: log.With("channel", "slack"), Observer: obs, PrivateLabel: privateLabel}, eng)
		if err != nil {
			return fmt.Errorf("slack: %w", err)
		}
		mux.Handle("/slack/", a.Handler())
		channels = append(channels, a)
	}
	log.Info("settings", "retention_days", c.retentionDays, "gap_log", c.logUnanswered, "unreviewed_safety_in_english", c.unreviewedEnglish)
	log.Info("channels", "telegram", onOff(c.tgToken != "", c.tgWebhookURL != "", "webhook", "polling"),
		"slack", onOff(c.slackBotToken != "", c.slackAppToken != "", "socket mode", "http mode"))

	var ready atomic.Bool
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("http server", "addr", ln.Addr().String())

	// SIGHUP re-reads --content; a broken edit keeps the last good content.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// sweep deletes what has outlived its retention; at start, then hourly.
	sweep := func() {
		if n, err := store.Expire(ctx, time.Now().AddDate(0, 0, -c.retentionDays)); err != nil {
			log.Error("expire preferences", "err", err)
		} else if n > 0 {
			log.Info("expired inactive preferences", "users", n)
		}
		if n, err := store.ExpireGaps(ctx, time.Now().UTC().AddDate(0, 0, -gapDays).Format(time.DateOnly)); err != nil {
			log.Error("expire gap log", "err", err)
		} else if n > 0 {
			log.Info("expired unanswered questions", "questions", n)
		}
	}
	sweep()
	go func() {
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reload(cf, eng, log)
			case <-tick.C:
				sweep()
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, len(channels))
	for _, ch := range channels {
		wg.Add(1)
		go func(ch runner) {
			defer wg.Done()
			if err := ch.Run(ctx); err != nil {
				errs <- err
			}
		}(ch)
	}
	ready.Store(true)
	wg.Wait()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func onOff(on, alt bool, altName, name string) string {
	switch {
	case !on:
		return "off"
	case alt:
		return "on (" + altName + ")"
	}
	return "on (" + name + ")"
}

var _ chat.Engine = (*engine.Engine)(nil)

// reload re-reads the content and swaps it in whole; a broken edit keeps the
// last good content serving and logs the file, line and reason.
func reload(cf *contentFlags, eng *engine.Engine, log *slog.Logger) bool {
	k, err := cf.load()
	if err != nil {
		log.Error("content reload failed; still serving the last good content", "err", err)
		return false
	}
	eng.Swap(k)
	log.Info("content reloaded")
	return true
}
