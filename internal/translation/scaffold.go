package translation

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/bidi"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/i18n"
)

func messagesHeader(tag string) string {
	return fmt.Sprintf("Salama's user-interface messages in %s. See docs/TRANSLATING.md.\nThe English is in active.en.toml. Keep {{.Name}} placeholders exactly as they are.", tag)
}

func faqFileHeader(tag string) string {
	return fmt.Sprintf("Salama's FAQ texts in %s: the title, short and long answer of each entry.\nThe English is in faq.en.toml. Keep {helpline}, {emergency}, web addresses,\nnumbers and service names as they are. See docs/TRANSLATING.md.", tag)
}

func directoryFileHeader(tag string) string {
	return fmt.Sprintf("The helpline directory's words in %s: country names, and the notes shown\nwith helplines. The English is in directory.en.toml. Keep every number.\nSee docs/TRANSLATING.md.", tag)
}

func phrasingsHeader(tag string) string {
	return fmt.Sprintf("# How people in %s really type each question: one way per line under\n# the entry's id, informal, misspelt, short, long, mixed with English where\n# people do that. These are not translations: the bot finds answers through\n# them. Write at least 10 for each entry. See docs/TRANSLATING.md.\n", tag)
}

// emptyLike is an untranslated message shaped like the English one: every
// plural form the language needs, empty.
func emptyLike(en i18n.Message, tag string) i18n.Message {
	m := i18n.Message{ID: en.ID, Forms: map[string]string{"other": ""}}
	if en.Plural() {
		for _, f := range NeededForms(tag) {
			m.Forms[formNames[f]] = ""
		}
	}
	return m
}

// draftDirectory names the directory's countries in the language from
// CLDR (golang.org/x/text), as drafts; the rest is left to translate.
func draftDirectory(c *content.Content, tag string) []i18n.Message {
	namer := display.Regions(language.Make(tag))
	var out []i18n.Message
	for _, m := range directoryMessages(c) {
		tr := one(m.ID, "")
		if code, ok := strings.CutPrefix(m.ID, "directory."); ok && strings.HasSuffix(code, ".name") {
			if r, err := language.ParseRegion(strings.ToUpper(strings.TrimSuffix(code, ".name"))); err == nil && namer != nil {
				tr.Forms["other"], _, _ = strings.Cut(namer.Name(r), ", ") // "Masar, Misira"
			}
		}
		out = append(out, tr)
	}
	return out
}

// Facts is what the scaffold proposes for a new language's [language]
// section, from CLDR's name of the language in itself: the script of its
// letters and the direction they are written in.
type Facts struct {
	Name      string
	Script    string
	Direction string
}

// ProposeFacts proposes a new language's facts.
func ProposeFacts(tag string) Facts {
	t := language.Make(tag)
	f := Facts{Name: display.Self.Name(t), Direction: "ltr"}
	for _, r := range f.Name {
		if !unicode.IsLetter(r) {
			continue
		}
		for name, rt := range unicode.Scripts {
			if unicode.Is(rt, r) {
				f.Script = name
			}
		}
		if p, _ := bidi.LookupRune(r); p.Class() == bidi.R || p.Class() == bidi.AL {
			f.Direction = "rtl"
		}
		break
	}
	return f
}

// Scaffold starts a new language or variant (yo, pt-PT): message files
// with every English message shaped for translation and nothing
// translated, the language's facts and matching words, and empty phrasing
// and safety files. The bot starts on the result and serves the language
// at once, in English where nothing is translated yet. Nothing that
// exists is overwritten. It returns the files it wrote.
func Scaffold(tag, localesDir, faqDir string) ([]string, error) {
	t, err := language.Parse(tag)
	if err != nil || tag == content.SourceLanguage || t.String() != tag {
		canon := ""
		if err == nil {
			canon = fmt.Sprintf(" (write it %s)", t)
		}
		return nil, fmt.Errorf("%q is not a BCP 47 language tag such as yo, fil or pt-PT%s", tag, canon)
	}
	if err := pluralizable(t); err != nil {
		return nil, err
	}
	var written []string
	write := func(name string, data []byte) error {
		if _, err := os.Stat(name); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		written = append(written, name)
		return os.WriteFile(name, data, 0o644)
	}
	locFS, faqFS := os.DirFS(localesDir), os.DirFS(faqDir)
	src, err := content.LoadSource(faqFS)
	if err != nil {
		return nil, fmt.Errorf("the content must be valid first (salama content check): %w", err)
	}
	facts := ProposeFacts(tag)
	_, enMsgs, err := i18n.ReadFile(locFS, "active.en.toml")
	if err != nil {
		return nil, err
	}
	meta := map[string]i18n.Meta{}
	var msgs []i18n.Message
	for _, en := range enMsgs {
		m := emptyLike(en, tag)
		if en.ID == "language_name" && facts.Name != "" {
			m.Forms["other"] = facts.Name
			meta[m.ID] = i18n.Meta{Source: i18n.Hash(en), Text: i18n.Hash(m), Status: i18n.StatusDraft}
		}
		msgs = append(msgs, m)
	}
	if err := write(filepath.Join(localesDir, i18n.FileName("active", tag)), i18n.FormatFile(messagesHeader(tag), msgs, nil)); err != nil {
		return written, err
	}
	var faqMsgs []i18n.Message
	for _, m := range faqMessages(src) {
		faqMsgs = append(faqMsgs, one(m.ID, ""))
	}
	if err := write(filepath.Join(localesDir, i18n.FileName("faq", tag)), i18n.FormatFile(faqFileHeader(tag), faqMsgs, nil)); err != nil {
		return written, err
	}
	dir := draftDirectory(src, tag)
	enDir := byID(directoryMessages(src))
	for _, m := range dir {
		if !m.Empty() {
			meta[m.ID] = i18n.Meta{Source: i18n.Hash(enDir[m.ID]), Text: i18n.Hash(m), Status: i18n.StatusDraft}
		}
	}
	if err := write(filepath.Join(localesDir, i18n.FileName("directory", tag)), i18n.FormatFile(directoryFileHeader(tag), dir, nil)); err != nil {
		return written, err
	}
	var ids []string
	for _, m := range slices.Concat(enMsgs, directoryMessages(src)) {
		ids = append(ids, m.ID)
	}
	if err := write(filepath.Join(localesDir, i18n.MetaFile(tag)), i18n.FormatMeta(tag, ids, meta)); err != nil {
		return written, err
	}

	lang, err := languageFile(faqFS, tag, facts)
	if err != nil {
		return written, err
	}
	if err := write(filepath.Join(faqDir, tag, "language.txt"), lang); err != nil {
		return written, err
	}
	var phr strings.Builder
	phr.WriteString(phrasingsHeader(tag))
	for _, id := range src.IDs {
		fmt.Fprintf(&phr, "\n# %s\n[%s]\n", src.Langs[content.SourceLanguage].Entries[id].Title, id)
	}
	if err := write(filepath.Join(faqDir, tag, "phrasings.txt"), []byte(phr.String())); err != nil {
		return written, err
	}
	safety, err := fs.ReadFile(faqFS, "en/safety.txt")
	if err != nil {
		return written, err
	}
	text := fmt.Sprintf("# The safety lexicon for %s: localise the English below (shown as comments)\n# the way people really write in your language; see faq/README.md. Until it\n# has rules, danger written in %s is caught only by the other languages'\n# words and the learned scorer.\n%s", tag, tag, commentSections(string(safety)))
	if err := write(filepath.Join(faqDir, tag, "safety.txt"), []byte(text)); err != nil {
		return written, err
	}
	examples := fmt.Sprintf("# Labelled safety examples in %s: `category related-entry message`, one a\n# line (see faq/en/safety-examples.txt). The tests check every one.\n", tag)
	if err := write(filepath.Join(faqDir, tag, "safety-examples.txt"), []byte(examples)); err != nil {
		return written, err
	}
	return written, nil
}

// pluralizable reports whether go-i18n knows the language's plural rules
// (CLDR's): without them it cannot load the language's files.
func pluralizable(t language.Tag) error {
	b := goi18n.NewBundle(language.English)
	if err := b.AddMessages(t, &goi18n.Message{ID: "probe", Other: "x"}); err != nil {
		return fmt.Errorf("go-i18n has no plural rules for %s (%v): choose the language's ISO 639 code as CLDR knows it", t, err)
	}
	return nil
}

// languageFile writes a new language's language.txt: its facts, then the
// English matching words as comments to localise.
func languageFile(faqFS fs.FS, tag string, f Facts) ([]byte, error) {
	en, err := fs.ReadFile(faqFS, "en/language.txt")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Matching words and facts for %s. See faq/README.md, \"Matching words\".\n\n", tag)
	b.WriteString("[language]\n# Proposed from CLDR by `salama locales new`; check them.\n")
	script := f.Script
	if script == "" {
		b.WriteString("# script = the Unicode name of the script: Latin, Arabic, Ethiopic…\n")
	} else {
		fmt.Fprintf(&b, "script = %s\n", script)
	}
	fmt.Fprintf(&b, "direction = %s\n", f.Direction)
	// accents and tone marks are folded where another language of the
	// same script already folds them
	marks := "keep"
	if script != "" && foldsScript(faqFS, script) {
		marks = "fold"
	}
	fmt.Fprintf(&b, "marks = %s\n", marks)
	b.WriteString("# aliases = other tags people's phones may send for this language\n")
	b.WriteString(commentSections(stripSection(string(en), "language")))
	return []byte(b.String()), nil
}

// foldsScript reports whether a language already in faq/ folds the marks
// of the script.
func foldsScript(faqFS fs.FS, script string) bool {
	files, _ := fs.Glob(faqFS, "*/language.txt")
	for _, f := range files {
		data, _ := fs.ReadFile(faqFS, f)
		text := string(data)
		if strings.Contains(text, "\nscript = "+script+"\n") && strings.Contains(text, "\nmarks = fold\n") {
			return true
		}
	}
	return false
}

// stripSection removes a [section] and its lines.
func stripSection(text, section string) string {
	var b strings.Builder
	skip := false
	for _, l := range strings.SplitAfter(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			skip = t == "["+section+"]"
		}
		if !skip {
			b.WriteString(l)
		}
	}
	return b.String()
}

// commentSections keeps [section] headers and turns every item into a
// comment to localise.
func commentSections(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			b.WriteString("\n" + t + "\n")
		case t == "" || strings.HasPrefix(t, "#"):
		default:
			b.WriteString("# en: " + t + "\n")
		}
	}
	return b.String()
}

func sortedByLine(m map[string]i18n.Message) []i18n.Message {
	out := make([]i18n.Message, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].ID < out[j].ID
	})
	return out
}
