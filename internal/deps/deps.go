// Package deps pins the modules the project builds on until the packages
// that use them land; it is removed once each is imported for real.
package deps

import (
	_ "github.com/go-telegram/bot"
	_ "github.com/gorilla/websocket"
	_ "github.com/nicksnyder/go-i18n/v2/i18n"
	_ "github.com/pelletier/go-toml/v2"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/slack-go/slack"
	_ "github.com/slack-go/slack/socketmode"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/text/language"
)
