package main

import (
	"errors"
	"flag"
	"log/slog"
	"strings"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/slack"
	"github.com/salama-safety/salama/internal/telegram"
	"github.com/salama-safety/salama/internal/whatsapp"
)

// channelEntry is everything `salama serve` knows about one channel: its
// settings (flags and environment variables), the check that refuses it
// half-configured, the mode it runs in, and how its adapter is built. A new
// channel is one package and one entry in channelEntries.
type channelEntry struct {
	name string
	// register adds the channel's settings to the flag set, its secrets
	// through secrets (never a flag default: see secret.go).
	register func(fs *flag.FlagSet, secrets *secretFlags)
	// on reports whether the channel is configured at all.
	on func() bool
	// check refuses a half-configured channel, naming what is missing.
	check func() error
	// mode is "polling", "webhook", "socket mode"…, for the log.
	mode func() string
	// build makes the adapter.
	build func(d channelDeps) (channel.Adapter, error)
}

// channelDeps is what every adapter is built with.
type channelDeps struct {
	engine chat.Engine
	log    *slog.Logger
	obs    chat.Observer
	// label returns a user-interface message in a language.
	label func(lang, id string) string
	// aliases returns the other tags a language is known by (its facts).
	aliases func(lang string) []string
	// shared remembers the deliveries taken by every process sharing the
	// store; nil when the store is this process's own.
	shared chat.Deduper
}

// channelEntries lists the channels `salama serve` can run.
func channelEntries() []*channelEntry {
	return []*channelEntry{telegramEntry(), slackEntry(), whatsappEntry()}
}

func telegramEntry() *channelEntry {
	var token, apiURL, hookURL, hookSecret string
	return &channelEntry{
		name: "telegram",
		register: func(fs *flag.FlagSet, secrets *secretFlags) {
			secrets.add(fs, &token, "telegram-token", "TELEGRAM_BOT_TOKEN", "Telegram bot token from @BotFather; turns Telegram on")
			setting(fs, &apiURL, "telegram-api-url", "TELEGRAM_API_URL", "", "Telegram Bot API server (self-hosted or a test fake)")
			setting(fs, &hookURL, "telegram-webhook-url", "TELEGRAM_WEBHOOK_URL", "", "public HTTPS URL for webhook mode (default: long polling)")
			secrets.add(fs, &hookSecret, "telegram-webhook-secret", "TELEGRAM_WEBHOOK_SECRET", "secret token Telegram sends with each webhook request")
		},
		on: func() bool { return token != "" },
		check: func() error {
			if token == "" && (hookURL != "" || hookSecret != "" || apiURL != "") {
				return errors.New("telegram settings are set but TELEGRAM_BOT_TOKEN is not")
			}
			if hookURL != "" && hookSecret == "" {
				return errors.New("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
			}
			return nil
		},
		mode: func() string {
			if hookURL != "" {
				return "webhook"
			}
			return "polling"
		},
		build: func(d channelDeps) (channel.Adapter, error) {
			return telegram.New(telegram.Config{
				Token: token, APIURL: apiURL, WebhookURL: hookURL, WebhookSecret: hookSecret,
				Logger: d.log, Observer: d.obs, Queue: channel.Config{Shared: d.shared},
				PrivateLabel: func(lang string) string { return d.label(lang, "button_private") },
				Aliases:      d.aliases,
			}, d.engine)
		},
	}
}

func slackEntry() *channelEntry {
	var botToken, appToken, secret, apiURL, country string
	return &channelEntry{
		name: "slack",
		register: func(fs *flag.FlagSet, secrets *secretFlags) {
			secrets.add(fs, &botToken, "slack-bot-token", "SLACK_BOT_TOKEN", "Slack bot token (xoxb-…); turns Slack on")
			secrets.add(fs, &appToken, "slack-app-token", "SLACK_APP_TOKEN", "Slack app token (xapp-…) for Socket Mode")
			secrets.add(fs, &secret, "slack-signing-secret", "SLACK_SIGNING_SECRET", "Slack signing secret, for HTTP mode")
			setting(fs, &apiURL, "slack-api-url", "SLACK_API_URL", "", "Slack Web API base URL (tests, GovSlack)")
			setting(fs, &country, "slack-country", "SLACK_COUNTRY", "", "the workspace's country code, for App Home helplines")
		},
		on: func() bool { return botToken != "" },
		check: func() error {
			if botToken == "" && (appToken != "" || secret != "" || apiURL != "") {
				return errors.New("slack settings are set but SLACK_BOT_TOKEN is not")
			}
			if botToken != "" && appToken == "" && secret == "" {
				return errors.New("SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
			}
			return nil
		},
		mode: func() string {
			if appToken != "" {
				return "socket mode"
			}
			return "http mode"
		},
		build: func(d channelDeps) (channel.Adapter, error) {
			return slack.New(slack.Config{
				BotToken: botToken, AppToken: appToken, SigningSecret: secret, APIURL: apiURL, Country: country,
				Logger: d.log, Observer: d.obs, Queue: channel.Config{Shared: d.shared},
				PrivateLabel: func(lang string) string { return d.label(lang, "button_private") },
			}, d.engine)
		},
	}
}

func whatsappEntry() *channelEntry {
	var token, phoneID, appSecret, verifyToken, apiURL string
	return &channelEntry{
		name: "whatsapp",
		register: func(fs *flag.FlagSet, secrets *secretFlags) {
			secrets.add(fs, &token, "whatsapp-token", "WHATSAPP_TOKEN", "WhatsApp Cloud API access token; turns WhatsApp on")
			setting(fs, &phoneID, "whatsapp-phone-number-id", "WHATSAPP_PHONE_NUMBER_ID", "", "the Cloud API id of the business phone number")
			secrets.add(fs, &appSecret, "whatsapp-app-secret", "WHATSAPP_APP_SECRET", "the Meta app's secret, which signs the webhook calls")
			secrets.add(fs, &verifyToken, "whatsapp-verify-token", "WHATSAPP_VERIFY_TOKEN", "the verify token of the webhook handshake")
			setting(fs, &apiURL, "whatsapp-api-url", "WHATSAPP_API_URL", "", "Graph API base URL with its version (tests, on-premises proxies)")
		},
		on: func() bool { return token != "" },
		check: func() error {
			set := map[string]string{"WHATSAPP_TOKEN": token, "WHATSAPP_PHONE_NUMBER_ID": phoneID,
				"WHATSAPP_APP_SECRET": appSecret, "WHATSAPP_VERIFY_TOKEN": verifyToken}
			var missing []string
			some := apiURL != ""
			for _, name := range []string{"WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"} {
				if set[name] == "" {
					missing = append(missing, name)
				} else {
					some = true
				}
			}
			if some && len(missing) > 0 {
				return errors.New("whatsapp settings are set but " + strings.Join(missing, ", ") + " not")
			}
			return nil
		},
		mode: func() string { return "webhook " + whatsapp.Path },
		build: func(d channelDeps) (channel.Adapter, error) {
			return whatsapp.New(whatsapp.Config{
				Token: token, PhoneNumberID: phoneID, AppSecret: appSecret, VerifyToken: verifyToken, APIURL: apiURL,
				Logger: d.log, Observer: d.obs, Label: d.label, Queue: channel.Config{Shared: d.shared},
			}, d.engine)
		},
	}
}
