// Package translation is the translators' toolbox behind `salama locales`:
// it checks the message files in locales/ and the translated entries in
// faq/<lang>/ against the English source, and counts what is translated,
// reviewed, stale and missing in each language.
//
// # Draft, reviewed, stale
//
// Every translated message records the hash of the English it was made
// from: the go-i18n `hash` field in locales/active.<lang>.toml (the same
// "sha1-" hash goi18n merge writes), and `source-hash:` in a translated FAQ
// entry. When the English changes, the hashes differ and the translation is
// stale. A translation is reviewed when a native speaker said so — for a
// message, an entry in locales/review.<lang>.toml carrying the hash they
// reviewed; for an entry, `status: reviewed` and `reviewed-by:` — and it is
// not stale. Everything else is a draft. A stale translation counts as
// unreviewed.
package translation

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/content"
	sli18n "github.com/salama-safety/salama/internal/i18n"
)

// Finding is one problem, at a place a translator can open.
type Finding struct {
	File  string
	Line  int
	Msg   string
	Error bool // an error fails `salama locales check`; a warning does not
}

func (f Finding) String() string {
	level := "warning"
	if f.Error {
		level = "error"
	}
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, level, f.Msg)
}

// Counts are the numbers of one kind of text in one language.
type Counts struct {
	Total, Translated, Reviewed, Stale, Missing int
}

// Status is one language's progress.
type Status struct {
	Lang     string
	Messages Counts // user-interface messages (locales/)
	Entries  Counts // FAQ entries (faq/<lang>/)
}

// Report is what Check finds.
type Report struct {
	Findings []Finding
	Status   []Status
}

// Errors counts the findings that are errors.
func (r *Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Error {
			n++
		}
	}
	return n
}

// message is a parsed message with the line it starts on.
type message struct {
	*i18n.Message
	line int
}

var unmarshal = map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal}

func parseFile(fsys fs.FS, name string) (map[string]message, string, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, "", err
	}
	mf, err := i18n.ParseMessageFileBytes(data, name, unmarshal)
	if err != nil {
		return nil, "", err
	}
	out := map[string]message{}
	for _, m := range mf.Messages {
		out[m.ID] = message{Message: m, line: lineOf(string(data), "["+m.ID+"]")}
	}
	return out, mf.Tag.String(), nil
}

func lineOf(text, header string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == header {
			return i + 1
		}
	}
	return 1
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// forms returns the text of each plural form a message has.
func forms(m *i18n.Message) map[plural.Form]string {
	out := map[plural.Form]string{}
	for f, s := range map[plural.Form]string{plural.Zero: m.Zero, plural.One: m.One, plural.Two: m.Two, plural.Few: m.Few, plural.Many: m.Many, plural.Other: m.Other} {
		if s != "" {
			out[f] = s
		}
	}
	return out
}

var formNames = map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}

// NeededForms lists the plural forms go-i18n asks of a language: its CLDR
// cardinal rules, as go-i18n itself applies them (French, Spanish and
// Portuguese need "many" for a million, Arabic all six). It is found by
// asking go-i18n to pick among forms for a spread of numbers, so it can
// never disagree with what Localize will need.
func NeededForms(lang string) []plural.Form {
	tag := language.Make(lang)
	b := i18n.NewBundle(tag)
	_ = b.AddMessages(tag, &i18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"})
	loc := i18n.NewLocalizer(b, lang)
	seen := map[string]bool{}
	counts := []any{"0.5", "1.5", "2.5", "1.0"}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 25, 100, 101, 102, 103, 111, 1000, 1000000, 2000000} {
		counts = append(counts, i)
	}
	for _, n := range counts {
		if s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: "probe", PluralCount: n}); err == nil {
			seen[s] = true
		}
	}
	var out []plural.Form
	for f := plural.Other; f <= plural.Many; f++ {
		if seen[formNames[f]] {
			out = append(out, f)
		}
	}
	return out
}

// invisible reports bidirectional controls and other characters that
// change how text reads without showing themselves. The bot adds the
// isolates Arabic needs itself; a translator never types them.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// scanText reports invalid UTF-8 and stray bidi controls in a file.
func scanText(fsys fs.FS, name string) []Finding {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return []Finding{{File: name, Line: 1, Msg: err.Error(), Error: true}}
	}
	var out []Finding
	for i, line := range strings.Split(string(data), "\n") {
		if !utf8.ValidString(line) {
			out = append(out, Finding{File: name, Line: i + 1, Msg: "not valid UTF-8; save the file as UTF-8", Error: true})
			continue
		}
		for _, r := range line {
			if invisible(r) {
				out = append(out, Finding{File: name, Line: i + 1, Msg: fmt.Sprintf("invisible direction mark U+%04X; remove it (the bot handles right-to-left text itself)", r), Error: true})
				break
			}
		}
	}
	return out
}

// Check compares every language with English. localesFS holds
// active.<lang>.toml and review.<lang>.toml; faqFS is the content folder.
// File names in findings are prefixed with localesDir and faqDir.
func Check(localesFS fs.FS, localesDir string, faqFS fs.FS, faqDir string) *Report {
	r := &Report{}
	add := func(f Finding) { r.Findings = append(r.Findings, f) }

	source, _, err := parseFile(localesFS, "active.en.toml")
	if err != nil {
		add(Finding{File: path.Join(localesDir, "active.en.toml"), Line: 1, Msg: err.Error(), Error: true})
		return r
	}
	sourceHash := map[string]string{}
	for id, m := range source {
		sourceHash[id] = sli18n.Hash(m.Description, m.Other)
	}
	c, cerr := content.Load(faqFS)
	if cerr != nil {
		for _, e := range unjoin(cerr) {
			var ce *content.Error
			if errors.As(e, &ce) {
				add(Finding{File: path.Join(faqDir, ce.File), Line: ce.Line, Msg: strings.TrimPrefix(ce.Error(), fmt.Sprintf("%s:%d: ", ce.File, ce.Line)), Error: true})
			} else {
				add(Finding{File: faqDir, Line: 1, Msg: e.Error(), Error: true})
			}
		}
	}

	langs := map[string]bool{}
	files, _ := fs.Glob(localesFS, "active.*.toml")
	for _, f := range files {
		langs[strings.TrimSuffix(strings.TrimPrefix(f, "active."), ".toml")] = true
	}
	if c != nil {
		for l := range c.Langs {
			langs[l] = true
		}
	}
	delete(langs, content.SourceLanguage)
	for _, lang := range sortedKeys(langs) {
		st := Status{Lang: lang}
		st.Messages = checkMessages(lang, localesFS, localesDir, source, sourceHash, add)
		if c != nil {
			st.Entries = checkEntries(lang, c, faqFS, faqDir, add)
		}
		r.Status = append(r.Status, st)
	}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return r
}

func checkMessages(lang string, localesFS fs.FS, dir string, source map[string]message, sourceHash map[string]string, add func(Finding)) Counts {
	n := Counts{Total: len(source)}
	name := "active." + lang + ".toml"
	file := path.Join(dir, name)
	if _, err := fs.Stat(localesFS, name); err != nil {
		n.Missing = n.Total
		add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("no message file for %s; run `salama locales new %s`", lang, lang)})
		return n
	}
	for _, f := range scanText(localesFS, name) {
		f.File = path.Join(dir, f.File)
		add(f)
	}
	msgs, tag, err := parseFile(localesFS, name)
	if err != nil {
		add(Finding{File: file, Line: 1, Msg: "go-i18n cannot read this file: " + err.Error(), Error: true})
		n.Missing = n.Total
		return n
	}
	if tag != lang {
		add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("go-i18n reads the language of this file as %q; name it active.%s.toml", tag, tag), Error: true})
	}
	reviews, err := sli18n.ReadReviews(localesFS, lang)
	if err != nil {
		add(Finding{File: path.Join(dir, "review."+lang+".toml"), Line: 1, Msg: err.Error(), Error: true})
	}
	needed := NeededForms(lang)
	for _, id := range sortedKeys(msgs) {
		if _, ok := source[id]; !ok {
			add(Finding{File: file, Line: msgs[id].line, Msg: fmt.Sprintf("%q is not an English message id; remove it or check its spelling", id), Error: true})
		}
	}
	for _, id := range sortedKeys(source) {
		src, m := source[id], msgs[id]
		if m.Message == nil || len(forms(m.Message)) == 0 {
			n.Missing++
			add(Finding{File: file, Line: max(m.line, 1), Msg: fmt.Sprintf("%q is missing; users see the English", id)})
			continue
		}
		n.Translated++
		stale := m.Hash != sourceHash[id]
		if stale {
			n.Stale++
			add(Finding{File: file, Line: m.line, Msg: fmt.Sprintf("%q is stale: the English changed since it was translated; update it, then set hash = %q", id, sourceHash[id])})
		}
		if rv, ok := reviews[id]; ok && !stale && rv.Hash == sourceHash[id] {
			n.Reviewed++
		}
		want := placeholders(src.Other)
		for form, text := range forms(m.Message) {
			if got := placeholders(text); !slices.Equal(got, want) {
				add(Finding{File: file, Line: m.line, Msg: fmt.Sprintf("%q has placeholders %v in %s; the English has %v", id, got, formNames[form], want), Error: true})
			}
		}
		if src.One != "" { // a plural message: every CLDR form of the language
			have := forms(m.Message)
			for _, f := range needed {
				if _, ok := have[f]; !ok {
					add(Finding{File: file, Line: m.line, Msg: fmt.Sprintf("%q needs the plural form %q in %s (CLDR)", id, formNames[f], lang), Error: true})
				}
			}
		}
	}
	return n
}

func checkEntries(lang string, c *content.Content, faqFS fs.FS, dir string, add func(Finding)) Counts {
	n := Counts{Total: len(c.IDs)}
	l := c.Langs[lang]
	files, _ := fs.Glob(faqFS, lang+"/*.txt")
	for _, f := range files {
		for _, fd := range scanText(faqFS, f) {
			fd.File = path.Join(dir, fd.File)
			add(fd)
		}
	}
	for _, id := range c.IDs {
		var e *content.Entry
		if l != nil {
			e = l.Entries[id]
		}
		file := path.Join(dir, lang, id+".txt")
		switch {
		case e == nil:
			n.Missing++
			add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("entry %s is not translated; users see the English", id)})
			continue
		case c.Stale(e):
			n.Stale++
			add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("stale: the English entry changed since it was translated; update it, then set source-hash: %s", content.SourceHash(c.Langs[content.SourceLanguage].Entries[id]))})
		case c.Reviewed(e):
			n.Reviewed++
		}
		n.Translated++
	}
	for _, name := range []string{"language.txt", "safety.txt"} {
		if _, err := fs.Stat(faqFS, path.Join(lang, name)); err != nil {
			add(Finding{File: path.Join(dir, lang, name), Line: 1, Msg: "missing: matching and safety checks in this language need it", Error: name == "safety.txt"})
		}
	}
	return n
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
