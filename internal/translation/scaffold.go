package translation

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"

	"github.com/salama-safety/salama/internal/content"
	sli18n "github.com/salama-safety/salama/internal/i18n"
)

var langCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// Scaffold starts a new language: a message file with every message to
// translate, and one file per FAQ entry plus the matching and safety files,
// each showing the English to work from. Nothing that exists is
// overwritten. It returns the files it wrote.
func Scaffold(lang, localesDir, faqDir string) ([]string, error) {
	if !langCode.MatchString(lang) || lang == content.SourceLanguage {
		return nil, fmt.Errorf("%q is not a language code such as sw, fil or pt", lang)
	}
	var written []string
	write := func(name, text string) error {
		if _, err := os.Stat(name); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		written = append(written, name)
		return os.WriteFile(name, []byte(text), 0o644)
	}
	locales := os.DirFS(localesDir)
	source, _, err := parseFile(locales, "active.en.toml")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(localesDir, "active.en.toml"), err)
	}
	ids := make([]string, 0, len(source))
	for id := range source {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return source[ids[i]].line < source[ids[j]].line })
	var b strings.Builder
	fmt.Fprintf(&b, "# Salama's user-interface messages in %s. See docs/TRANSLATING.md.\n", lang)
	b.WriteString("# Write your translation in `other` (and the other plural forms where\n# there are some). Keep {{.Name}} placeholders exactly as they are.\n# Keep `hash`: it records which English text you translated.\n")
	for _, id := range ids {
		m := source[id]
		fmt.Fprintf(&b, "\n%s\n[%s]\nhash = %q\n", comment("en: ", m.Other), id, sli18n.Hash(m.Description, m.Other))
		if m.One != "" {
			for _, f := range NeededForms(lang) {
				if f != plural.Other {
					fmt.Fprintf(&b, "%s = \"\"\n", formNames[f])
				}
			}
		}
		b.WriteString("other = \"\"\n")
	}
	if err := write(filepath.Join(localesDir, "active."+lang+".toml"), b.String()); err != nil {
		return written, err
	}

	c, err := content.Load(os.DirFS(faqDir))
	if err != nil {
		return written, fmt.Errorf("the content must be valid first (salama content check): %w", err)
	}
	en := c.Langs[content.SourceLanguage]
	for _, id := range c.IDs {
		e := en.Entries[id]
		var t strings.Builder
		fmt.Fprintf(&t, "# Translate faq/en/%s.txt into %s. See docs/TRANSLATING.md.\n", id, lang)
		t.WriteString("# Lines starting with # show the English; write your text under each field,\n# indented by two spaces. Keep `id` and `source-hash` as they are.\n\n")
		fmt.Fprintf(&t, "id: %s\nstatus: draft\nsource-hash: %s\n\n", id, content.SourceHash(e))
		fmt.Fprintf(&t, "%s\ntitle:\n\n", comment("", e.Title))
		fmt.Fprintf(&t, "%s\nshort:\n\n", comment("", e.Short))
		fmt.Fprintf(&t, "%s\nlong:\n\n", comment("", e.Long))
		t.WriteString("# At least 10 ways people really ask this in your language: informal,\n# misspelt, short, long, mixed with English where people do that.\nphrasings:\n")
		if err := write(filepath.Join(faqDir, lang, id+".txt"), t.String()); err != nil {
			return written, err
		}
	}
	for _, name := range []string{"language.txt", "safety.txt"} {
		data, err := fs.ReadFile(os.DirFS(faqDir), "en/"+name)
		if err != nil {
			return written, err
		}
		text := fmt.Sprintf("# %s for %s: localise the English below (shown as comments) the way\n# people really write in your language; see faq/README.md.\n\n%s", name, lang, commentSections(string(data)))
		if err := write(filepath.Join(faqDir, lang, name), text); err != nil {
			return written, err
		}
	}
	return written, nil
}

// comment writes text as comment lines.
func comment(prefix, text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = "# " + prefix + l
		} else {
			lines[i] = "#   " + l
		}
	}
	return strings.Join(lines, "\n")
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
