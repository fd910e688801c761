// Package translation is the translators' toolbox behind `salama locales`
// and the one validator behind both `salama locales check` and `salama
// content check`: it checks the content and message files, compares every
// translation with the English it comes from, counts what is translated,
// reviewed, stale and missing in each language, derives the English base
// files from faq/ (Extract), records which English each translation was
// made from (Update) and starts new languages (Scaffold).
//
// # Draft, reviewed, stale
//
// locales/meta/<tag>.toml records, for each translated text, the hash of
// the English it was made from and of the translation itself (see
// i18n.Meta). When the English changes, the hashes differ and the
// translation is stale: a warning, never an error, and the bot keeps
// serving it. A translation edited since it was recorded counts as made
// from the current English (a translator sees the current English) until
// `salama locales update` records it. A translation is reviewed when a
// native speaker marked it so in the metadata and neither the English nor
// the translation changed since. Everything else is a draft.
//
// # What protects children
//
// A translation must keep every placeholder ({helpline}, {emergency},
// {{.Number}}), web address and phone number (three digits or more) of its
// English source: an error, unless the translation is stale (then the
// English it was made from may have had others, and it is a warning). A
// shorter number (an age, "24/7") and a helpline service name should be
// kept: a warning.
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
	"unicode"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	sli18n "github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/internal/safety"
)

// Finding is one problem, at a place a translator can open.
type Finding struct {
	File  string
	Line  int
	Msg   string
	Error bool // an error fails the checks; a warning does not
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
	Lang      string
	Messages  Counts // user-interface messages (active.<tag>.toml)
	Entries   Counts // FAQ entries (faq.<tag>.toml): all three texts of an entry
	Directory Counts // directory labels (directory.<tag>.toml)
}

// Stale is a translation made from an English text that has changed since.
type Stale struct {
	Lang, ID, File string
	Line           int
	// Then is the English the translation was made from, when the history
	// has it; Now is the current English.
	Then, Now sli18n.Message
	Known     bool
}

// Report is what Check finds.
type Report struct {
	Findings []Finding
	Status   []Status
	Stale    []Stale
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
// isolates right-to-left languages need itself; a translator never types
// them.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// scanText reports invalid UTF-8 and stray bidi controls in a file.
func scanText(fsys fs.FS, name, shown string) []Finding {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil
	}
	var out []Finding
	for i, line := range strings.Split(string(data), "\n") {
		if !utf8.ValidString(line) {
			out = append(out, Finding{File: shown, Line: i + 1, Msg: "not valid UTF-8; save the file as UTF-8", Error: true})
			continue
		}
		for _, r := range line {
			if invisible(r) {
				out = append(out, Finding{File: shown, Line: i + 1, Msg: fmt.Sprintf("invisible direction mark U+%04X; remove it (the bot handles right-to-left text itself)", r), Error: true})
				break
			}
		}
	}
	return out
}

// checker holds what Check compares each language with.
type checker struct {
	localesFS, faqFS   fs.FS
	localesDir, faqDir string
	english            map[string][]sli18n.Message // kind → English messages in file order
	history            map[string]sli18n.Message
	services           []string // helpline service names, longest first
	source             *content.Content
	r                  *Report
}

func (ck *checker) add(f Finding) { ck.r.Findings = append(ck.r.Findings, f) }

func (ck *checker) loc(name string) string { return path.Join(ck.localesDir, name) }

// Check validates the content and message files and compares every
// language with English. localesFS holds the go-i18n files and meta/;
// faqFS is the content folder. File names in findings are prefixed with
// localesDir and faqDir. Both `salama locales check` and `salama content
// check` are this function.
func Check(localesFS fs.FS, localesDir string, faqFS fs.FS, faqDir string) *Report {
	ck := &checker{localesFS: localesFS, faqFS: faqFS, localesDir: localesDir, faqDir: faqDir, english: map[string][]sli18n.Message{}, r: &Report{}}
	seen := map[string]bool{}
	addErr := func(err error) {
		for _, e := range unjoin(err) {
			f := Finding{File: faqDir, Line: 1, Msg: e.Error(), Error: true}
			var ce *content.Error
			var fe *sli18n.FileError
			switch {
			case errors.As(e, &ce):
				f.File, f.Line = path.Join(faqDir, ce.File), ce.Line
				f.Msg = strings.TrimPrefix(ce.Error(), fmt.Sprintf("%s:%d: ", ce.File, ce.Line))
			case errors.As(e, &fe):
				f.File, f.Line, f.Msg = ck.loc(fe.File), fe.Line, fe.Msg
			}
			if !seen[f.String()] {
				seen[f.String()] = true
				ck.add(f)
			}
		}
	}
	c, err := content.Load(faqFS, localesFS)
	if err != nil {
		addErr(err)
	}
	if _, err := sli18n.Load(localesFS); err != nil {
		addErr(err)
	}
	if c != nil {
		var rules []content.Rule
		for _, l := range c.Languages() {
			rules = append(rules, c.Langs[l].Rules...)
		}
		if _, err := safety.CompileRules(rules); err != nil {
			addErr(err)
		}
		for _, code := range c.Helplines.Codes {
			for _, s := range c.Helplines.Countries[code].Services {
				ck.services = append(ck.services, s.Name)
			}
		}
		sort.Slice(ck.services, func(i, j int) bool { return len(ck.services[i]) > len(ck.services[j]) })
	}
	checkExtract(faqFS, localesFS, localesDir, ck.add)
	ck.source, _ = content.LoadSource(faqFS)
	for _, kind := range sli18n.Kinds {
		name := sli18n.FileName(kind, sli18n.Source)
		if _, msgs, err := sli18n.ReadFile(localesFS, name); err == nil {
			ck.english[kind] = msgs
		}
	}
	if h, err := sli18n.ReadHistory(localesFS); err == nil {
		ck.history = h
	} else {
		addErr(err)
	}
	tags := map[string]bool{}
	files, _ := sli18n.Files(localesFS)
	for tag := range files {
		tags[tag] = true
	}
	if c != nil {
		for l := range c.Langs {
			tags[l] = true
		}
	}
	delete(tags, content.SourceLanguage)
	for _, tag := range sortedKeys(tags) {
		ck.r.Status = append(ck.r.Status, ck.language(tag, c))
	}
	sort.SliceStable(ck.r.Findings, func(i, j int) bool {
		a, b := ck.r.Findings[i], ck.r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return ck.r
}

// language checks one language's files and counts its progress.
func (ck *checker) language(tag string, c *content.Content) Status {
	st := Status{Lang: tag}
	meta, err := sli18n.ReadMeta(ck.localesFS, tag)
	if err != nil {
		meta = map[string]sli18n.Meta{} // reported by Load
	}
	states := map[string]map[string]unitState{}
	for _, kind := range sli18n.Kinds {
		states[kind] = ck.kind(tag, kind, meta)
	}
	st.Messages = count(states["active"])
	st.Directory = count(states["directory"])
	// an entry counts as translated when its three texts are
	faq := states["faq"]
	if c == nil {
		c = ck.source // the content has errors: count against the English alone
	}
	if c != nil {
		for _, id := range c.IDs {
			st.Entries.Total++
			var parts []unitState
			for _, field := range []string{"title", "short", "long"} {
				parts = append(parts, faq[id+"."+field])
			}
			translated, stale, reviewed := true, false, true
			for _, p := range parts {
				translated = translated && p.translated
				stale = stale || p.stale
				reviewed = reviewed && p.reviewed
			}
			switch {
			case !translated:
				st.Entries.Missing++
				continue
			case stale:
				st.Entries.Stale++
			case reviewed:
				st.Entries.Reviewed++
			}
			st.Entries.Translated++
		}
		ck.faqFolder(tag, c, faq)
	}
	return st
}

type unitState struct{ translated, stale, reviewed bool }

func count(states map[string]unitState) Counts {
	n := Counts{Total: len(states)}
	for _, s := range states {
		switch {
		case !s.translated:
			n.Missing++
			continue
		case s.stale:
			n.Stale++
		case s.reviewed:
			n.Reviewed++
		}
		n.Translated++
	}
	return n
}

// kind checks one message file of a language against its English.
func (ck *checker) kind(tag, kind string, meta map[string]sli18n.Meta) map[string]unitState {
	states := map[string]unitState{}
	source := ck.english[kind]
	for _, m := range source {
		states[m.ID] = unitState{}
	}
	name := sli18n.FileName(kind, tag)
	file := ck.loc(name)
	if _, err := fs.Stat(ck.localesFS, name); err != nil {
		ck.add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("no %s file for %s: users see the English; run `salama locales new %s`", kind, tag, tag)})
		return states
	}
	for _, f := range scanText(ck.localesFS, name, file) {
		ck.add(f)
	}
	gotTag, msgs, err := sli18n.ReadFile(ck.localesFS, name)
	if err != nil {
		return states // reported by Load
	}
	if gotTag != tag {
		ck.add(Finding{File: file, Line: 1, Msg: fmt.Sprintf("go-i18n reads the language of this file as %q; name it %s", gotTag, sli18n.FileName(kind, gotTag)), Error: true})
	}
	have := map[string]sli18n.Message{}
	for _, m := range msgs {
		have[m.ID] = m
	}
	english := map[string]sli18n.Message{}
	for _, m := range source {
		english[m.ID] = m
	}
	for _, m := range msgs {
		if _, ok := english[m.ID]; !ok && kind != "faq" { // faq ids are checked by content.Load
			ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q is not an English message id; remove it or check its spelling", m.ID), Error: true})
		}
	}
	needed := NeededForms(tag)
	var missing []string
	missingLine := 0
	for _, src := range source {
		m, ok := have[src.ID]
		if !ok || m.Empty() {
			missing = append(missing, src.ID)
			if missingLine == 0 {
				missingLine = max(m.Line, 1)
			}
			continue
		}
		s := unitState{translated: true}
		md, recorded := meta[src.ID]
		now, text := sli18n.Hash(src), sli18n.Hash(m)
		switch {
		case !recorded:
			ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q is not recorded in %s: run `salama locales update`", m.ID, ck.loc(sli18n.MetaFile(tag)))})
		case md.Text != text:
			ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q changed since it was recorded: run `salama locales update`", m.ID)})
		case md.Source != now:
			s.stale = true
			then, known := ck.history[md.Source]
			ck.r.Stale = append(ck.r.Stale, Stale{Lang: tag, ID: m.ID, File: file, Line: m.Line, Then: then, Now: src, Known: known})
			ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q is stale: the English changed since it was translated (`salama locales status --diff %s` shows how); update it, then run `salama locales update`", m.ID, tag)})
		default:
			s.reviewed = md.Status == sli18n.StatusReviewed
		}
		states[src.ID] = s
		for _, form := range sli18n.Forms {
			text, ok := m.Forms[form]
			if !ok || text == "" {
				continue
			}
			for _, p := range protect(src.Forms["other"], text, ck.services) {
				ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q (%s) %s", m.ID, form, p.msg), Error: p.must && !s.stale})
			}
		}
		if src.Plural() {
			for _, f := range needed {
				if strings.TrimSpace(m.Forms[formNames[f]]) == "" {
					ck.add(Finding{File: file, Line: m.Line, Msg: fmt.Sprintf("%q needs the plural form %q in %s (CLDR)", m.ID, formNames[f], tag), Error: true})
				}
			}
		}
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 5)]
		more := ""
		if len(missing) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
		}
		ck.add(Finding{File: file, Line: missingLine, Msg: fmt.Sprintf("%d of %d not translated yet, so users see the English: %s%s", len(missing), len(source), strings.Join(shown, ", "), more)})
	}
	return states
}

// faqFolder checks what a language keeps in faq/<tag>/: its facts,
// matching words, phrasings and safety lexicon. Missing pieces are
// warnings: the bot works without them, through English and the other
// languages.
func (ck *checker) faqFolder(tag string, c *content.Content, faq map[string]unitState) {
	l := c.Langs[tag]
	dir := path.Join(ck.faqDir, tag)
	files, _ := fs.Glob(ck.faqFS, tag+"/*.txt")
	for _, f := range files {
		for _, fd := range scanText(ck.faqFS, f, path.Join(ck.faqDir, f)) {
			ck.add(fd)
		}
	}
	langFile := path.Join(dir, "language.txt")
	switch {
	case l == nil:
		return
	case l.Script == "":
		ck.add(Finding{File: langFile, Line: 1, Msg: "[language] has no script: messages in this language's own letters are not recognised by their script"})
	case l.Stemmer != "" && !slices.Contains(engine.Stemmers(), l.Stemmer):
		ck.add(Finding{File: langFile, Line: 1, Msg: fmt.Sprintf("stemmer %q is not one the matcher has (%s)", l.Stemmer, strings.Join(engine.Stemmers(), ", ")), Error: true})
	}
	if len(l.Rules) == 0 {
		ck.add(Finding{File: path.Join(dir, "safety.txt"), Line: 1, Msg: "no safety rules yet: danger written in this language is caught only by the other languages' words and the learned scorer"})
	}
	if c.Helplines != nil && len(c.Helplines.ByLanguage(tag)) == 0 {
		ck.add(Finding{File: path.Join(ck.faqDir, "helplines"), Line: 1, Msg: fmt.Sprintf("no country lists %s in `languages`: its readers get the international helplines until a curator adds it", tag)})
	}
	if len(l.Examples) == 0 {
		ck.add(Finding{File: path.Join(dir, "safety-examples.txt"), Line: 1, Msg: "no labelled safety examples yet"})
	}
	var few []string
	for _, id := range c.IDs {
		e := l.Entries[id]
		if faq[id+".title"].translated && (e == nil || len(e.Phrasings) < content.MinPhrasings) {
			few = append(few, id)
		}
	}
	if len(few) > 0 {
		ck.add(Finding{File: path.Join(dir, "phrasings.txt"), Line: 1, Msg: fmt.Sprintf("%d translated entries have fewer than %d phrasings (questions are then matched through English): %s", len(few), content.MinPhrasings, strings.Join(few[:min(len(few), 5)], ", "))})
	}
}

var (
	placeholderRE = regexp.MustCompile(`{{\s*\.\w+\s*}}|\{[a-z_]+\}`)
	urlRE         = regexp.MustCompile(`(?i)\b(?:https?://[^\s)]+|www\.[^\s)]+|[a-z0-9-]{2,}(?:\.[a-z0-9-]{2,})*\.[a-z]{2,}(?:/[^\s)]*)?)`)
	numberRE      = regexp.MustCompile(`\p{Nd}+`)
)

// loss is something a translation lost of its English; must is false
// for what a translator may have good reason to change.
type loss struct {
	msg  string
	must bool
}

// protect lists what a translation lost or changed of its English: the
// placeholders the bot fills in, web addresses and phone numbers (in any
// digits) must be kept; a shorter number and a helpline service name
// should be (a name with a description in it, "Stop It Now UK and
// Ireland", may be translated in part).
func protect(en, tr string, services []string) []loss {
	var out []loss
	if a, b := placeholders(en), placeholders(tr); !slices.Equal(a, b) {
		out = append(out, loss{fmt.Sprintf("has placeholders %v; the English has %v", b, a), true})
	}
	trURLs := urls(tr)
	for _, u := range urls(en) {
		if !slices.Contains(trURLs, u) {
			out = append(out, loss{fmt.Sprintf("lacks the web address %s", u), true})
		}
	}
	trNums := numbers(tr)
	for _, n := range numbers(en) {
		if !slices.Contains(trNums, n) {
			// a phone number or emergency code must be kept; a shorter
			// number (an age, "24/7") may be written in words
			out = append(out, loss{fmt.Sprintf("lacks the number %s", n), len(n) >= 3})
		}
	}
	rest := en
	for _, s := range services {
		if strings.Contains(rest, s) {
			rest = strings.ReplaceAll(rest, s, "")
			if !strings.Contains(tr, s) {
				out = append(out, loss{fmt.Sprintf("lacks the service name %q", s), false})
			}
		}
	}
	return out
}

func placeholders(s string) []string {
	out := placeholderRE.FindAllString(s, -1)
	for i, p := range out {
		out[i] = strings.Join(strings.Fields(p), "")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func urls(s string) []string {
	var out []string
	for _, u := range urlRE.FindAllString(s, -1) {
		out = append(out, strings.ToLower(strings.TrimRight(u, ".,;:!?")))
	}
	return out
}

// numbers are compared by value, so that ١٨ and ১৮ keep 18.
func numbers(s string) []string {
	var out []string
	for _, n := range numberRE.FindAllString(s, -1) {
		var b strings.Builder
		for _, r := range n {
			b.WriteRune('0' + rune(digitValue(r)))
		}
		out = append(out, b.String())
	}
	return out
}

func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	// every Unicode decimal digit block runs 0 to 9 in order
	for d := r; d > r-10; d-- {
		if !unicode.IsDigit(d - 1) {
			return int(r - d)
		}
	}
	return 0
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
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
