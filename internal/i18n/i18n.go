// Package i18n serves the user-interface messages in locales/ through
// github.com/nicksnyder/go-i18n/v2. A message missing in a language falls
// back to English, message by message; a user never sees a message id or an
// empty string.
package i18n

import (
	"crypto/sha1"
	"errors"
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
	// reviewed[lang][id]: a native speaker reviewed the translation of the
	// current English text
	reviewed map[string]map[string]bool
	fixed    sync.Map // lang ␀ id → a rendered message without data
}

// Hash is the hash goi18n merge gives a source message: its description
// and its `other` text. A translation's `hash` field holds the hash of the
// English it was made from.
func Hash(description, other string) string {
	return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(description+other)))
}

// Review is one entry of locales/review.<lang>.toml: a native speaker's
// review of one message, and the hash of the English they reviewed against.
type Review struct {
	Hash string `toml:"hash"`
	By   string `toml:"by"`
	Date string `toml:"date"`
}

// ReadReviews reads locales/review.<lang>.toml; a missing file is no review.
func ReadReviews(fsys fs.FS, lang string) (map[string]Review, error) {
	out := map[string]Review{}
	data, err := fs.ReadFile(fsys, "review."+lang+".toml")
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if err := toml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("locales/review.%s.toml: %w", lang, err)
	}
	return out, nil
}

// Load reads every active.<lang>.toml in fsys. English must be there.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{bundle: i18n.NewBundle(language.English), loc: map[string]*i18n.Localizer{}, reviewed: map[string]map[string]bool{}}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "active.*.toml")
	if err != nil {
		return nil, err
	}
	parsed := map[string]*i18n.MessageFile{}
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
		parsed[mf.Tag.String()] = mf
	}
	if en := parsed["en"]; en != nil {
		source := map[string]string{}
		for _, m := range en.Messages {
			source[m.ID] = Hash(m.Description, m.Other)
		}
		for lang, mf := range parsed {
			reviews, err := ReadReviews(fsys, lang)
			if err != nil {
				return nil, err
			}
			b.reviewed[lang] = map[string]bool{}
			for _, m := range mf.Messages {
				h := source[m.ID]
				b.reviewed[lang][m.ID] = lang == "en" || m.Hash == h && reviews[m.ID].Hash == h
			}
		}
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

// Reviewed reports whether the message is English, or a translation a
// native speaker reviewed against the current English.
func (b *Bundle) Reviewed(lang, id string) bool {
	return lang == "en" || b.reviewed[lang][id]
}

// T returns the message id in lang, filled with data, falling back to
// English. A message that exists nowhere (a bug the tests catch) comes back
// as an empty string rather than its id.
func (b *Bundle) T(lang, id string, data map[string]any) string {
	if data != nil {
		return b.N(lang, id, nil, data)
	}
	key := lang + "\x00" + id // a message without data never changes: keep it
	if s, ok := b.fixed.Load(key); ok {
		return s.(string)
	}
	s := b.N(lang, id, nil, nil)
	b.fixed.Store(key, s)
	return s
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
