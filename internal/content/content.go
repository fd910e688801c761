// Package content reads Salama's curated content: the FAQ entries, the
// matching words, language facts and safety lexicons of each language, and
// the helpline directory. The file formats are documented for curators in
// faq/README.md; this package checks every rule written there and reports a
// broken file as an *Error naming the file, line and field.
//
// English entries are written by curators in faq/en/<id>.txt. A
// translation's texts (title, short, long) are go-i18n messages in
// locales/faq.<tag>.toml, read through package i18n; how people type the
// questions in that language is in faq/<tag>/phrasings.txt. An entry not
// yet translated is served in English, and Entry.Translated says so.
package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/internal/norm"
)

// Limits a curator sees in faq/README.md.
const (
	MaxShort        = 600
	MaxLong         = 2000
	MaxTitle        = 60
	MinPhrasings    = 10
	MaxRelated      = 3
	SourceLanguage  = "en"
	HelplineHolder  = "{helpline}"
	EmergencyHolder = "{emergency}"
	languageFile    = "language.txt"
	safetyFile      = "safety.txt"
	examplesFile    = "safety-examples.txt"
	phrasingsFile   = "phrasings.txt"
	offtopicFile    = "offtopic.txt"
	helplinesFolder = "helplines"
)

// Topics in menu order, and the audiences an entry can be for.
var (
	Topics    = []string{"grooming", "sextortion", "images", "livestream", "blame", "report", "help", "safety", "educator", "parent", "prevention", "about"}
	Audiences = []string{"youth", "educator", "parent", "adult", "everyone"}
)

// Source is a reference an entry's facts come from.
type Source struct {
	Title string
	URL   string
}

// Entry is one FAQ entry in one language.
type Entry struct {
	ID        string
	Topic     string
	Audience  string
	Title     string
	Short     string
	Long      string
	Phrasings []string
	Related   []string
	Sources   []Source
	Reviewed  string
	File      string
	// Translated is false when the language has no text of its own for
	// the entry yet: Title, Short and Long are then the English ones.
	Translated bool
}

// Rule is one line of a safety lexicon section: a pattern and, for urgent
// rules, the entry offered with the help.
type Rule struct {
	// Category is the taxonomy category the rule detects, or HelpSeeking.
	Category string
	// Lang is the language whose lexicon holds the rule.
	Lang    string
	Pattern string
	Related string
	File    string
	Line    int
}

// Lang is everything one language contributes.
type Lang struct {
	// Code is the language's BCP 47 tag, the name of its folder: sw, fil,
	// pt-PT.
	Code    string
	Entries map[string]*Entry
	// Facts from the [language] section of language.txt.
	Direction string   // "ltr" or "rtl"
	Script    string   // the Unicode script name: Latin, Arabic, Ethiopic…
	FoldMarks bool     // combining marks of the script are removed when folding
	Aliases   []string // other tags that mean this language: tl for fil
	Stemmer   string   // the matcher's stemmer for the language, if it has one
	// Letters maps a letter to what it is read as when folding
	// ([folding] section).
	Letters map[rune]string
	// Small talk: a message made only of these phrases is answered as
	// such, before the safety router (which could read nothing in it) and
	// the FAQ. Greetings get a welcome; thanks, "you're welcome"; OK words
	// ("ok", "sawa", "sige"), a short "OK"; Bye words, "take care" with a
	// helpline.
	Greetings []string
	Thanks    []string
	OK        []string
	Bye       []string
	// Fillers are the words that may follow a greeting ("hi bot").
	Fillers   []string
	Help      []string
	Stopwords []string
	// Synonyms maps a word or phrase to the word it is read as.
	Synonyms map[string]string
	Rules    []Rule
	// Examples are the labelled safety examples the scorer learns from.
	Examples []Example
	// Offtopic are messages the FAQ must not answer (homework, football,
	// small talk), one per line of offtopic.txt: the scorer learns from
	// them what ordinary chat looks like, and the matcher what to leave.
	Offtopic []string
	// Questions are written as people ask them, each with the entry that
	// should answer it (questions.tsv).
	Questions []Question
}

// RTL reports whether the language is written right to left.
func (l *Lang) RTL() bool { return l.Direction == "rtl" }

// Content is the whole content folder, validated.
type Content struct {
	Langs     map[string]*Lang
	Helplines *Directory
	// IDs are the entry ids of the source language, sorted by topic order
	// then id.
	IDs []string
}

// Entry returns the entry in the language, falling back to English.
func (c *Content) Entry(lang, id string) *Entry {
	if l := c.Langs[lang]; l != nil {
		if e := l.Entries[id]; e != nil {
			return e
		}
	}
	return c.Langs[SourceLanguage].Entries[id]
}

// Load reads and validates a content folder laid out as in faq/README.md,
// with the translated texts of the locales folder (package i18n). It
// returns every problem it finds, joined: an *Error for a file of faqFS, an
// *i18n.FileError for a file of localesFS.
func Load(faqFS, localesFS fs.FS) (*Content, error) {
	return load(faqFS, localesFS, false)
}

// LoadSource reads only what curators write: the English entries, the
// English matching words and lexicons, and the helpline directory.
func LoadSource(faqFS fs.FS) (*Content, error) {
	return load(faqFS, nil, true)
}

func load(faqFS, localesFS fs.FS, onlySource bool) (*Content, error) {
	c := &Content{Langs: map[string]*Lang{}}
	var errs []error
	dirs, err := fs.ReadDir(faqFS, ".")
	if err != nil {
		return nil, err
	}
	tags := map[string]bool{}
	for _, d := range dirs {
		if d.IsDir() && d.Name() != helplinesFolder && !strings.HasPrefix(d.Name(), ".") && d.Name() != "testdata" {
			tags[d.Name()] = true
		}
	}
	if onlySource {
		tags = map[string]bool{SourceLanguage: tags[SourceLanguage]}
	} else {
		files, err := i18n.Files(localesFS)
		if err != nil {
			return nil, err
		}
		for tag := range files {
			tags[tag] = true
		}
	}
	if !tags[SourceLanguage] {
		return nil, &Error{File: SourceLanguage + "/", Line: 1, Msg: "the English source folder is missing"}
	}
	en, lerrs := loadLang(faqFS, SourceLanguage, true)
	errs = append(errs, lerrs...)
	// an English entry that failed to read is still an id: its
	// translations are not reported on top of its own error
	broken := map[string]bool{}
	for _, err := range lerrs {
		var ce *Error
		if errors.As(err, &ce) && path.Dir(ce.File) == SourceLanguage {
			broken[strings.TrimSuffix(path.Base(ce.File), ".txt")] = true
		}
	}
	c.Langs[SourceLanguage] = en
	for id := range en.Entries {
		c.IDs = append(c.IDs, id)
	}
	sort.Slice(c.IDs, func(i, j int) bool {
		a, b := en.Entries[c.IDs[i]], en.Entries[c.IDs[j]]
		ta, tb := slices.Index(Topics, a.Topic), slices.Index(Topics, b.Topic)
		if ta != tb {
			return ta < tb
		}
		return a.ID < b.ID
	})
	// the other languages are independent of each other: read them side by
	// side (start-up time), then gather them in a fixed order
	var others []string
	for tag := range tags {
		if tag != SourceLanguage {
			others = append(others, tag)
		}
	}
	slices.Sort(others)
	loaded := make([]*Lang, len(others))
	langErrs := make([][]error, len(others))
	var wg sync.WaitGroup
	for i, tag := range others {
		wg.Go(func() {
			l, errs := loadLang(faqFS, tag, false)
			loaded[i], langErrs[i] = l, append(errs, translateEntries(c, l, localesFS, broken)...)
		})
	}
	wg.Wait()
	for i, tag := range others {
		errs = append(errs, langErrs[i]...)
		c.Langs[tag] = loaded[i]
	}
	for _, e := range en.Entries {
		for _, r := range e.Related {
			if en.Entries[r] == nil {
				errs = append(errs, &Error{File: e.File, Line: 1, Field: "related", Msg: fmt.Sprintf("%q is not an entry id", r)})
			}
		}
	}
	for _, l := range c.Langs {
		for _, r := range l.Rules {
			if r.Related != "" && en.Entries[r.Related] == nil {
				errs = append(errs, &Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("%q after => is not an entry id", r.Related)})
			}
		}
		errs = append(errs, checkQuestions(l, en)...)
		for _, ex := range l.Examples {
			if ex.Related != "" && en.Entries[ex.Related] == nil {
				errs = append(errs, &Error{File: ex.File, Line: ex.Line, Msg: fmt.Sprintf("%q is not an entry id", ex.Related)})
			}
		}
	}
	dir, herrs := loadHelplines(faqFS)
	errs = append(errs, herrs...)
	c.Helplines = dir
	if dir != nil && !onlySource { // the source alone has only English
		for _, code := range dir.Codes {
			cn := dir.Countries[code]
			for _, l := range cn.Languages {
				if c.Langs[l] == nil {
					errs = append(errs, &Error{File: cn.File, Line: cn.Line, Field: "languages", Msg: fmt.Sprintf("%q is not a language of this folder", l)})
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Languages lists the language codes, English first, then by code.
func (c *Content) Languages() []string {
	out := []string{SourceLanguage}
	for code := range c.Langs {
		if code != SourceLanguage {
			out = append(out, code)
		}
	}
	slices.Sort(out[1:])
	return out
}

// FoldRules are the folding rules a language's facts ask for (package
// norm).
func (l *Lang) FoldRules() norm.Rules {
	r := norm.Rules{Letters: l.Letters}
	if l.FoldMarks && l.Script != "" {
		r.Marks = []string{l.Script}
	}
	return r
}

// translateEntries builds a language's entries: the texts of
// locales/faq.<tag>.toml, the phrasings of faq/<tag>/phrasings.txt, and
// from the English entry everything that is not translated.
func translateEntries(c *Content, l *Lang, localesFS fs.FS, broken map[string]bool) []error {
	en := c.Langs[SourceLanguage]
	var errs []error
	texts := map[string]i18n.Message{}
	name := i18n.FileName("faq", l.Code)
	if _, err := fs.Stat(localesFS, name); err == nil {
		_, msgs, err := i18n.ReadFile(localesFS, name)
		if err != nil {
			return []error{err}
		}
		for _, m := range msgs {
			id, field, _ := cutLast(m.ID, ".")
			if broken[id] {
				continue
			}
			if en.Entries[id] == nil || !slices.Contains([]string{"title", "short", "long"}, field) {
				errs = append(errs, &i18n.FileError{File: name, Line: m.Line, Msg: fmt.Sprintf("%q is not an English entry's title, short or long", m.ID)})
				continue
			}
			texts[m.ID] = m
		}
	}
	for id, e := range l.Entries {
		if en.Entries[id] == nil && broken[id] {
			delete(l.Entries, id)
		} else if en.Entries[id] == nil {
			errs = append(errs, &Error{File: e.File, Line: 1, Msg: fmt.Sprintf("[%s] is not an English entry id", id)})
			delete(l.Entries, id)
		}
	}
	for _, id := range c.IDs {
		src := en.Entries[id]
		title, short, long := texts[id+".title"], texts[id+".short"], texts[id+".long"]
		phrased := l.Entries[id] != nil // phrasings.txt made it
		translated := !title.Empty() && !short.Empty() && !long.Empty()
		if !translated && !phrased {
			continue
		}
		e := l.Entries[id]
		if e == nil {
			e = &Entry{ID: id}
		}
		e.Topic, e.Audience, e.Related, e.Sources, e.Reviewed = src.Topic, src.Audience, src.Related, src.Sources, src.Reviewed
		e.Title, e.Short, e.Long, e.Translated = src.Title, src.Short, src.Long, translated
		e.File = name
		if translated {
			e.Title, e.Short, e.Long = title.Forms["other"], short.Forms["other"], long.Forms["other"]
			for _, lim := range []struct {
				m   i18n.Message
				max int
				why string
			}{{title, MaxTitle, "keep it under"}, {short, MaxShort, "the first screen holds at most"}, {long, MaxLong, "keep it under"}} {
				if n := len([]rune(lim.m.Forms["other"])); n > lim.max {
					errs = append(errs, &i18n.FileError{File: name, Line: lim.m.Line, Msg: fmt.Sprintf("%s: %d characters; %s %d", lim.m.ID, n, lim.why, lim.max)})
				}
			}
		}
		l.Entries[id] = e
	}
	return errs
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func loadLang(fsys fs.FS, code string, source bool) (*Lang, []error) {
	l := &Lang{Code: code, Entries: map[string]*Entry{}, Synonyms: map[string]string{}, Direction: "ltr"}
	files, err := fs.ReadDir(fsys, code)
	if errors.Is(err, fs.ErrNotExist) && !source {
		return l, nil // texts only, so far
	}
	if err != nil {
		return l, []error{err}
	}
	var errs []error
	for _, f := range files {
		name := f.Name()
		if name == questionsFile {
			data, err := fs.ReadFile(fsys, path.Join(code, name))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			qs, qerrs := parseQuestions(path.Join(code, name), data)
			l.Questions = qs
			errs = append(errs, qerrs...)
			continue
		}
		if f.IsDir() || !strings.HasSuffix(name, ".txt") {
			continue
		}
		file := path.Join(code, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case name == languageFile:
			errs = append(errs, parseLanguage(l, file, data)...)
		case name == safetyFile:
			rules, err := parseSafety(file, data)
			if err != nil {
				errs = append(errs, err)
			}
			for i := range rules {
				rules[i].Lang = code
			}
			l.Rules = rules
		case name == offtopicFile:
			lines, err := textLines(file, data)
			if err != nil {
				errs = append(errs, err)
			}
			for _, tl := range lines {
				l.Offtopic = append(l.Offtopic, strings.TrimSpace(tl.text))
			}
		case name == examplesFile:
			examples, eerrs := parseExamples(file, data)
			errs = append(errs, eerrs...)
			for i := range examples {
				examples[i].Lang = code
			}
			l.Examples = examples
		case !source && name == phrasingsFile:
			errs = append(errs, parsePhrasings(l, file, data)...)
		case source:
			e, err := parseEntry(file, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			e.Translated = true
			l.Entries[e.ID] = e
		default:
			errs = append(errs, &Error{File: file, Line: 1, Msg: fmt.Sprintf("a translation keeps its texts in locales/faq.%s.toml and its phrasings in %s/%s; move this file's content there (docs/TRANSLATING.md)", code, code, phrasingsFile)})
		}
	}
	if err := norm.Add(l.FoldRules()); err != nil {
		errs = append(errs, &Error{File: path.Join(code, languageFile), Line: 1, Msg: err.Error()})
	}
	return l, errs
}

// parsePhrasings reads a translation's phrasings.txt: a [section] per
// entry id, one way people type the question a line.
func parsePhrasings(l *Lang, file string, data []byte) []error {
	lines, err := parseSectionsFunc(file, data, func(id string) string {
		if idPattern.MatchString(id) {
			return ""
		}
		return fmt.Sprintf("[%s] is not an entry id like [grooming.what]", id)
	})
	if err != nil {
		return []error{err}
	}
	for _, sl := range lines {
		e := l.Entries[sl.section]
		if e == nil {
			e = &Entry{ID: sl.section, File: file}
			l.Entries[sl.section] = e
		}
		e.Phrasings = append(e.Phrasings, strings.TrimPrefix(sl.text, "- "))
	}
	return nil
}

var (
	idPattern   = regexp.MustCompile(`^[a-z]+\.[a-z][a-z-]*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func parseEntry(file string, data []byte) (*Entry, error) {
	recs, err := ParseRecords(file, data)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, &Error{File: file, Line: 1, Msg: fmt.Sprintf("an entry file holds exactly one record, found %d", len(recs))}
	}
	r := &recs[0]
	v := validator{rec: r}
	e := &Entry{File: file}
	e.ID = v.text("id", true)
	e.Topic = v.oneOf("topic", Topics)
	e.Audience = v.oneOf("audience", Audiences)
	e.Title = v.text("title", true)
	e.Short = v.text("short", true)
	e.Long = v.text("long", true)
	e.Phrasings = v.list("phrasings", true)
	e.Related = v.commaList("related")
	e.Reviewed = v.date("reviewed")
	for _, s := range v.list("sources", true) {
		title, url, ok := strings.Cut(s, "|")
		title, url = strings.TrimSpace(title), strings.TrimSpace(url)
		if !ok || title == "" || !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
			v.fail("sources", "each source is `- Title | https://…`, got %q", clip(s))
			continue
		}
		e.Sources = append(e.Sources, Source{Title: title, URL: url})
	}
	v.known("id", "topic", "audience", "title", "short", "long", "phrasings", "related", "sources", "reviewed")
	if v.err != nil {
		return nil, v.err
	}
	if e.Topic != strings.SplitN(e.ID, ".", 2)[0] {
		v.fail("topic", "%q does not match the id's first part", e.Topic)
	}
	return e, checkEntry(&v, e, file)
}

// checkEntry applies the rules every entry follows, in any language.
func checkEntry(v *validator, e *Entry, file string) error {
	switch {
	case !idPattern.MatchString(e.ID):
		v.fail("id", "%q is not an id like `grooming.what`", e.ID)
	case path.Base(file) != e.ID+".txt":
		v.fail("id", "the file must be named %s.txt", e.ID)
	}
	if n := len([]rune(e.Title)); n > MaxTitle {
		v.fail("title", "%d characters; keep it under %d", n, MaxTitle)
	}
	if n := len([]rune(e.Short)); n > MaxShort {
		v.fail("short", "%d characters; the first screen holds at most %d", n, MaxShort)
	}
	if n := len([]rune(e.Long)); n > MaxLong {
		v.fail("long", "%d characters; keep it under %d", n, MaxLong)
	}
	if n := len(e.Phrasings); n < MinPhrasings {
		v.fail("phrasings", "%d phrasings; write at least %d", n, MinPhrasings)
	}
	if n := len(e.Related); n > MaxRelated {
		v.fail("related", "%d ids; at most %d", n, MaxRelated)
	}
	if slices.Contains(e.Related, e.ID) {
		v.fail("related", "an entry cannot be related to itself")
	}
	return v.err
}

// validator reads typed fields from a record and keeps the first error.
type validator struct {
	rec *Record
	err error
}

func (v *validator) fail(name, format string, args ...any) {
	if v.err != nil {
		return
	}
	f, ok := v.rec.Get(name)
	if !ok {
		f = Field{Name: name}
	}
	v.err = v.rec.errorf(f, format, args...)
}

func (v *validator) text(name string, required bool) string {
	f, ok := v.rec.Get(name)
	switch {
	case !ok && required:
		v.fail(name, "is missing")
	case ok && f.List != nil:
		v.fail(name, "should be text, not a list")
	case ok && required && f.Value == "":
		v.fail(name, "is empty")
	}
	return f.Value
}

func (v *validator) list(name string, required bool) []string {
	f, ok := v.rec.Get(name)
	switch {
	case !ok && required:
		v.fail(name, "is missing")
	case ok && f.List == nil:
		v.fail(name, "should be a list of `- ` lines")
	}
	return f.List
}

func (v *validator) commaList(name string) []string {
	var out []string
	for _, s := range strings.Split(v.text(name, false), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (v *validator) oneOf(name string, allowed []string) string {
	s := v.text(name, true)
	if s != "" && !slices.Contains(allowed, s) {
		v.fail(name, "%q is not one of %s", s, strings.Join(allowed, ", "))
	}
	return s
}

func (v *validator) date(name string) string {
	s := v.text(name, true)
	if s == "" {
		return s
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil || !datePattern.MatchString(s) {
		v.fail(name, "%q is not a date like 2026-11-27", s)
	}
	return s
}

func (v *validator) known(names ...string) {
	for _, f := range v.rec.Fields {
		if !slices.Contains(names, f.Name) {
			v.fail(f.Name, "is not a known field (known: %s)", strings.Join(names, ", "))
		}
	}
}
