// Package locales embeds the user-interface messages, one go-i18n TOML file
// per language (active.<lang>.toml). See docs/TRANSLATING.md.
package locales

import "embed"

// FS holds the message files.
//
//go:embed *.toml meta
var FS embed.FS
