package translation

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/i18n"
)

// Extract derives the English base files from what curators write: the
// FAQ texts of faq/en/<id>.txt (locales/faq.en.toml) and the labels of
// the helpline directory (locales/directory.en.toml). Translators and
// Weblate read these files; curators never edit them. It returns the files
// by name.
func Extract(faqFS fs.FS) (map[string][]byte, error) {
	c, err := content.LoadSource(faqFS)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		i18n.FileName("faq", content.SourceLanguage):       i18n.FormatFile(faqHeader, faqMessages(c), nil),
		i18n.FileName("directory", content.SourceLanguage): i18n.FormatFile(directoryHeader, directoryMessages(c), nil),
	}, nil
}

const (
	faqHeader = `Salama's FAQ texts in English: the base file for translators.
Written by ` + "`salama locales extract`" + ` from faq/en/<id>.txt; do not edit it, edit
those files. {helpline} and {emergency} are filled in by the bot.`
	directoryHeader = `The helpline directory's words in English (country names, notes shown with
helplines): the base file for translators.
Written by ` + "`salama locales extract`" + ` from faq/helplines/; do not edit it.`
)

func one(id, text string) i18n.Message {
	return i18n.Message{ID: id, Forms: map[string]string{"other": text}}
}

func faqMessages(c *content.Content) []i18n.Message {
	en := c.Langs[content.SourceLanguage]
	var out []i18n.Message
	for _, id := range c.IDs {
		e := en.Entries[id]
		out = append(out, one(id+".title", e.Title), one(id+".short", e.Short), one(id+".long", e.Long))
	}
	return out
}

// directoryMessages are the directory's words a reader sees that are not
// numbers or names of services: each country's name and emergency note,
// then its services' notes, country by country (TOML tables of one country
// kept together, as translate-toolkit needs them).
func directoryMessages(c *content.Content) []i18n.Message {
	var out []i18n.Message
	for _, code := range c.Helplines.Codes {
		cn := c.Helplines.Countries[code]
		if code != content.International { // a message of its own: country_international
			out = append(out, one(content.CountryNameID(code), cn.Name))
		}
		if cn.EmergencyNote != "" {
			out = append(out, one(content.CountryNoteID(code), cn.EmergencyNote))
		}
		for _, s := range cn.Services {
			if s.ID != "" && s.Note != "" {
				out = append(out, one(content.NoteID(s.ID), s.Note))
			}
		}
	}
	return out
}

// WriteExtract writes the English base files into localesDir; it returns
// the files it changed.
func WriteExtract(faqDir, localesDir string) ([]string, error) {
	files, err := Extract(os.DirFS(faqDir))
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, name := range sortedKeys(files) {
		p := filepath.Join(localesDir, name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[name]) {
			continue
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, p)
	}
	return changed, nil
}

// checkExtract reports an English base file that is not what Extract
// makes of the content.
func checkExtract(faqFS, localesFS fs.FS, localesDir string, add func(Finding)) {
	files, err := Extract(faqFS)
	if err != nil {
		return // the content's own errors are reported already
	}
	for _, name := range sortedKeys(files) {
		if old, err := fs.ReadFile(localesFS, name); err != nil || !bytes.Equal(old, files[name]) {
			add(Finding{File: filepath.ToSlash(filepath.Join(localesDir, name)), Line: 1, Error: true,
				Msg: "not up to date with faq/: run `salama locales extract` (curators' English changed)"})
		}
	}
}
