// Package content reads Salama's curated content: the FAQ entries, the
// matching words and safety lexicons of each language, and the helpline
// directory. The file formats are documented for curators in faq/README.md;
// this package checks every rule written there and reports a broken file as
// an *Error naming the file, line and field.
package content

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
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
	// Translations only: whether a native speaker reviewed it, who, and
	// the hash of the English text it was made from (see SourceHash).
	Status     string
	ReviewedBy string
	SourceHash string
}

// Translation statuses.
const (
	StatusDraft    = "draft"    // machine-made or not yet reviewed
	StatusReviewed = "reviewed" // reviewed by a native speaker
)

// SourceHash is the hash of an English entry's user-visible text. A
// translation records the hash of the text it was made from; when the
// English changes, the hashes differ and the translation is stale.
func SourceHash(e *Entry) string {
	h := sha1.Sum([]byte(e.Title + "\n" + e.Short + "\n" + e.Long))
	return fmt.Sprintf("sha1-%x", h)
}

// Stale reports whether a translation was made from an older English text.
func (c *Content) Stale(e *Entry) bool {
	en := c.Langs[SourceLanguage].Entries[e.ID]
	return en != nil && e.Status != "" && e.SourceHash != SourceHash(en)
}

// Reviewed reports whether a translation counts as reviewed: marked so, and
// not stale.
func (c *Content) Reviewed(e *Entry) bool {
	return e.Status == StatusReviewed && !c.Stale(e)
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
	Code      string
	Entries   map[string]*Entry
	Greetings []string
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
}

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

// Load reads and validates a content folder laid out as in faq/README.md.
// It returns every problem it finds, joined, each an *Error.
func Load(fsys fs.FS) (*Content, error) {
	c := &Content{Langs: map[string]*Lang{}}
	var errs []error
	dirs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == helplinesFolder || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
			continue
		}
		l, lerrs := loadLang(fsys, d.Name(), d.Name() == SourceLanguage)
		errs = append(errs, lerrs...)
		if l != nil {
			c.Langs[l.Code] = l
		}
	}
	en := c.Langs[SourceLanguage]
	if en == nil {
		return nil, errors.Join(append(errs, &Error{File: SourceLanguage + "/", Line: 1, Msg: "the English source folder is missing"})...)
	}
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
	for _, l := range c.Langs {
		for _, e := range l.Entries {
			if src := en.Entries[e.ID]; src != nil && l.Code != SourceLanguage {
				// what is not translated is the English entry's
				e.Topic, e.Audience, e.Related, e.Sources, e.Reviewed = src.Topic, src.Audience, src.Related, src.Sources, src.Reviewed
			}
			for _, r := range e.Related {
				if en.Entries[r] == nil {
					errs = append(errs, &Error{File: e.File, Line: 1, Field: "related", Msg: fmt.Sprintf("%q is not an entry id", r)})
				}
			}
			if l.Code != SourceLanguage && en.Entries[e.ID] == nil {
				errs = append(errs, &Error{File: e.File, Line: 1, Field: "id", Msg: fmt.Sprintf("%q has no English entry", e.ID)})
			}
		}
		for _, r := range l.Rules {
			if r.Related != "" && en.Entries[r.Related] == nil {
				errs = append(errs, &Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("%q after => is not an entry id", r.Related)})
			}
		}
		for _, ex := range l.Examples {
			if ex.Related != "" && en.Entries[ex.Related] == nil {
				errs = append(errs, &Error{File: ex.File, Line: ex.Line, Msg: fmt.Sprintf("%q is not an entry id", ex.Related)})
			}
		}
	}
	dir, herrs := loadHelplines(fsys)
	errs = append(errs, herrs...)
	c.Helplines = dir
	if dir != nil {
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

func loadLang(fsys fs.FS, code string, source bool) (*Lang, []error) {
	l := &Lang{Code: code, Entries: map[string]*Entry{}, Synonyms: map[string]string{}}
	files, err := fs.ReadDir(fsys, code)
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || !strings.HasSuffix(name, ".txt") {
			continue
		}
		file := path.Join(code, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch name {
		case languageFile:
			errs = append(errs, parseLanguage(l, file, data)...)
		case safetyFile:
			rules, err := parseSafety(file, data)
			if err != nil {
				errs = append(errs, err)
			}
			for i := range rules {
				rules[i].Lang = code
			}
			l.Rules = rules
		case offtopicFile:
			lines, err := textLines(file, data)
			if err != nil {
				errs = append(errs, err)
			}
			for _, tl := range lines {
				l.Offtopic = append(l.Offtopic, strings.TrimSpace(tl.text))
			}
		case examplesFile:
			examples, eerrs := parseExamples(file, data)
			errs = append(errs, eerrs...)
			for i := range examples {
				examples[i].Lang = code
			}
			l.Examples = examples
		default:
			parse := parseEntry
			if !source {
				parse = parseTranslation
			}
			e, err := parse(file, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			l.Entries[e.ID] = e
		}
	}
	return l, errs
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

// parseTranslation reads a translated entry: only what a reader sees, with
// its review status and the hash of the English it was made from. Topic,
// audience, related entries and sources are the English entry's.
func parseTranslation(file string, data []byte) (*Entry, error) {
	recs, err := ParseRecords(file, data)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, &Error{File: file, Line: 1, Msg: fmt.Sprintf("an entry file holds exactly one record, found %d", len(recs))}
	}
	v := validator{rec: &recs[0]}
	e := &Entry{File: file}
	e.ID = v.text("id", true)
	e.Status = v.oneOf("status", []string{StatusDraft, StatusReviewed})
	e.ReviewedBy = v.text("reviewed-by", false)
	e.SourceHash = v.text("source-hash", true)
	e.Title = v.text("title", true)
	e.Short = v.text("short", true)
	e.Long = v.text("long", true)
	e.Phrasings = v.list("phrasings", true)
	for _, name := range []string{"topic", "audience", "related", "sources", "reviewed"} {
		if _, ok := recs[0].Get(name); ok {
			v.fail(name, "is taken from the English entry; remove it from the translation")
		}
	}
	v.known("id", "status", "reviewed-by", "source-hash", "title", "short", "long", "phrasings")
	if v.err == nil && e.Status == StatusReviewed && e.ReviewedBy == "" {
		v.fail("status", "a reviewed translation names its reviewer in `reviewed-by`")
	}
	if v.err != nil {
		return nil, v.err
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
