// Package faq embeds Salama's curated content (see README.md in this folder)
// so that the binary serves it without any file beside it.
package faq

import "embed"

// FS holds this folder: the entries, lexicons and helpline directory.
//
//go:embed *
var FS embed.FS
