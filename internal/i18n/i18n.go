// Package i18n serves every text a user reads through
// github.com/nicksnyder/go-i18n/v2: the user-interface messages, the FAQ
// texts and the helpline directory's labels. A text missing in a language
// falls back to English, text by text; a user never sees a message id or an
// empty string.
//
// # Files
//
// locales/ holds go-i18n TOML files, one per kind of text and language:
//
//	active.<tag>.toml     the bot's own messages
//	faq.<tag>.toml        the FAQ texts: [<entry id>.title], .short, .long
//	directory.<tag>.toml  country and region names, emergency labels
//
// Each message is one table holding only its text: `other`, and for a
// plural message every CLDR form its language needs (`one`, `few`, …), so
// that translate-toolkit (Weblate's "go-i18n TOML" format) reads one unit
// per message id. The English files are the base; faq.en.toml and
// directory.en.toml are derived from faq/ by `salama locales extract`.
//
// What is known about a translation — the English it was made from, and
// who reviewed it — is kept beside the texts, in locales/meta/ (see Meta),
// so that a translation tool never has to carry it.
package i18n

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// Source is the language every other is translated from.
const Source = "en"

// Kinds of message file, in the order a translator meets them.
var Kinds = []string{"active", "faq", "directory"}

// Forms are the CLDR plural forms in CLDR order; a singular message has
// only "other".
var Forms = []string{"zero", "one", "two", "few", "many", "other"}

// Message is one message of one file.
type Message struct {
	ID string
	// Forms maps a plural form to its text; a singular message has only
	// "other".
	Forms map[string]string
	File  string
	Line  int
}

// Plural reports whether the message has plural forms.
func (m Message) Plural() bool {
	for f := range m.Forms {
		if f != "other" {
			return true
		}
	}
	return false
}

// Empty reports whether the message has no text: not translated yet.
func (m Message) Empty() bool {
	for _, s := range m.Forms {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Hash identifies a message's text, every plural form included: a
// translation records the Hash of the English it was made from.
func Hash(m Message) string {
	if !m.Plural() {
		return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(m.Forms["other"])))
	}
	var b strings.Builder
	for _, f := range Forms {
		if s, ok := m.Forms[f]; ok {
			b.WriteString(f + "\x00" + s + "\x00")
		}
	}
	return fmt.Sprintf("sha1-%x", sha1.Sum([]byte(b.String())))
}

// FileError is a problem in a locales file, at a line.
type FileError struct {
	File string
	Line int
	Msg  string
}

func (e *FileError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

var unmarshal = map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal}

// ReadFile parses one message file with go-i18n's own parser. It returns
// the language go-i18n reads from the file's name and the messages in file
// order.
func ReadFile(fsys fs.FS, name string) (string, []Message, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", nil, err
	}
	mf, out, err := parseFile(data, name)
	if err != nil {
		return "", nil, err
	}
	return mf.Tag.String(), out, nil
}

// parseFile parses a message file's bytes with go-i18n's parser, once: the
// parsed file (for a go-i18n bundle) and its messages in file order.
func parseFile(data []byte, name string) (*i18n.MessageFile, []Message, error) {
	mf, err := i18n.ParseMessageFileBytes(data, path.Base(name), unmarshal)
	if err != nil {
		line := 1
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ = de.Position()
		}
		return nil, nil, &FileError{File: name, Line: line, Msg: "go-i18n cannot read this file: " + err.Error()}
	}
	lines := headerLines(string(data))
	out := make([]Message, 0, len(mf.Messages))
	for _, m := range mf.Messages {
		forms := map[string]string{}
		for f, s := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
			if s != "" || f == "other" {
				forms[f] = s
			}
		}
		line := lines[m.ID]
		if line == 0 {
			line = 1
		}
		out = append(out, Message{ID: m.ID, Forms: forms, File: name, Line: line})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return mf, out, nil
}

// headerLines maps each table header's dotted key to its line:
// [grooming.what.title] and ["grooming.what".title] both give
// "grooming.what.title".
func headerLines(text string) map[string]int {
	out := map[string]int{}
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "[") || strings.HasPrefix(l, "[[") {
			continue
		}
		end := strings.LastIndexByte(l, ']')
		if end < 0 {
			continue
		}
		var parts []string
		key := l[1:end]
		for key != "" {
			key = strings.TrimLeft(key, " \t.")
			if key == "" {
				break
			}
			if q := key[0]; q == '"' || q == '\'' {
				closing := strings.IndexByte(key[1:], q)
				if closing < 0 {
					break
				}
				parts = append(parts, key[1:1+closing])
				key = key[2+closing:]
				continue
			}
			part, rest, _ := strings.Cut(key, ".")
			parts = append(parts, strings.TrimSpace(part))
			key = rest
		}
		if id := strings.Join(parts, "."); out[id] == 0 {
			out[id] = i + 1
		}
	}
	return out
}

// FileName is the name of a message file of a kind in a language.
func FileName(kind, tag string) string { return kind + "." + tag + ".toml" }

// Files lists the message files in fsys by language tag, as their names
// spell it.
func Files(fsys fs.FS) (map[string][]string, error) {
	out := map[string][]string{}
	for _, kind := range Kinds {
		names, err := fs.Glob(fsys, kind+".*.toml")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			tag := strings.TrimSuffix(strings.TrimPrefix(n, kind+"."), ".toml")
			out[tag] = append(out[tag], n)
		}
	}
	return out, nil
}

// Bundle holds every language's texts. It is safe for concurrent use.
type Bundle struct {
	bundle *i18n.Bundle
	langs  []string
	mu     sync.Mutex
	loc    map[string]*i18n.Localizer
	// has[lang][id]: the language has its own text for the message
	has map[string]map[string]bool
	// ids[lang][kind]: the message ids of a file, in file order
	ids map[string]map[string][]string
	// reviewed[lang][id]: a native speaker reviewed the translation of the
	// current English text
	reviewed map[string]map[string]bool
	fixed    sync.Map // lang ␀ id → a rendered message without data
}

// Load reads every message file in fsys with go-i18n, and the review
// status of each translation from locales/meta. English must be there.
// Every problem found is returned, joined; each names its file and line.
func Load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{bundle: i18n.NewBundle(language.English), loc: map[string]*i18n.Localizer{}, has: map[string]map[string]bool{}, ids: map[string]map[string][]string{}, reviewed: map[string]map[string]bool{}}
	files, err := Files(fsys)
	if err != nil {
		return nil, err
	}
	if len(files[Source]) == 0 {
		return nil, &FileError{File: FileName("active", Source), Line: 1, Msg: "the English messages are missing"}
	}
	var errs []error
	all := map[string]map[string]Message{}
	for tag, names := range files {
		all[tag] = map[string]Message{}
		b.has[tag] = map[string]bool{}
		b.ids[tag] = map[string][]string{}
		for _, name := range names {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			mf, msgs, err := parseFile(data, name) // once, for go-i18n and for us
			if err == nil {
				err = b.bundle.AddMessages(mf.Tag, mf.Messages...)
			}
			if err != nil {
				var ferr *FileError
				if !errors.As(err, &ferr) {
					err = &FileError{File: name, Line: 1, Msg: err.Error()}
				}
				errs = append(errs, err)
				continue
			}
			kind, _, _ := strings.Cut(name, ".")
			for _, m := range msgs {
				b.ids[tag][kind] = append(b.ids[tag][kind], m.ID)
				all[tag][m.ID] = m
				b.has[tag][m.ID] = !m.Empty()
			}
		}
		b.langs = append(b.langs, tag)
	}
	en := all[Source]
	for tag, msgs := range all {
		meta, err := ReadMeta(fsys, tag)
		if err != nil {
			errs = append(errs, err)
		}
		b.reviewed[tag] = map[string]bool{}
		for id, m := range msgs {
			src, ok := en[id]
			md := meta[id]
			b.reviewed[tag][id] = tag == Source || ok && md.Status == StatusReviewed && md.Source == Hash(src) && md.Text == Hash(m)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(b.langs, func(i, j int) bool { return b.langs[i] == Source || b.langs[j] != Source && b.langs[i] < b.langs[j] })
	return b, nil
}

// Languages lists the languages with a message file, English first.
func (b *Bundle) Languages() []string { return slices.Clone(b.langs) }

func (b *Bundle) localizer(lang string) *i18n.Localizer {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.loc[lang]
	if l == nil {
		l = i18n.NewLocalizer(b.bundle, lang, Source)
		b.loc[lang] = l
	}
	return l
}

// IDs lists the message ids of a language's file of a kind ("active",
// "faq", "directory"), in file order.
func (b *Bundle) IDs(lang, kind string) []string { return slices.Clone(b.ids[lang][kind]) }

// Has reports whether the language has its own text for the message
// (English has every message).
func (b *Bundle) Has(lang, id string) bool { return b.has[lang][id] }

// Reviewed reports whether the message is English, or a translation a
// native speaker reviewed against the current English.
func (b *Bundle) Reviewed(lang, id string) bool {
	return lang == Source || b.reviewed[lang][id]
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
		s, err = b.localizer(Source).Localize(cfg)
		if err != nil {
			return ""
		}
	}
	return s
}
