// Package i18n serves the user-interface messages in locales/ through
// github.com/nicksnyder/go-i18n/v2. A message missing in a language falls
// back to English, message by message; a user never sees a message id or an
// empty string.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// Bundle holds every language's messages. It is safe for concurrent use.
type Bundle struct {
	bundle *i18n.Bundle
	langs  []string
	mu     sync.Mutex
	loc    map[string]*i18n.Localizer
}

// Load reads every active.<lang>.toml in fsys. English must be there.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{bundle: i18n.NewBundle(language.English), loc: map[string]*i18n.Localizer{}}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "active.*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		mf, err := b.bundle.ParseMessageFileBytes(data, path.Base(f))
		if err != nil {
			return nil, fmt.Errorf("locales/%s: %w", f, err)
		}
		b.langs = append(b.langs, mf.Tag.String())
	}
	sort.Slice(b.langs, func(i, j int) bool { return b.langs[i] == "en" || b.langs[j] != "en" && b.langs[i] < b.langs[j] })
	if len(b.langs) == 0 || b.langs[0] != "en" {
		return nil, fmt.Errorf("locales: active.en.toml is missing")
	}
	return b, nil
}

// Languages lists the languages with a message file, English first.
func (b *Bundle) Languages() []string { return b.langs }

func (b *Bundle) localizer(lang string) *i18n.Localizer {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.loc[lang]
	if l == nil {
		l = i18n.NewLocalizer(b.bundle, lang, "en")
		b.loc[lang] = l
	}
	return l
}

// T returns the message id in lang, filled with data, falling back to
// English. A message that exists nowhere (a bug the tests catch) comes back
// as an empty string rather than its id.
func (b *Bundle) T(lang, id string, data map[string]any) string {
	return b.N(lang, id, nil, data)
}

// N is T for a message with plural forms, chosen by count.
func (b *Bundle) N(lang, id string, count any, data map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count}
	s, err := b.localizer(lang).Localize(cfg)
	if err != nil || strings.TrimSpace(s) == "" {
		s, err = b.localizer("en").Localize(cfg)
		if err != nil {
			return ""
		}
	}
	return s
}
