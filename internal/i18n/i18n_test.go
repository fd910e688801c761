package i18n_test

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/locales"
)

// Every message file must load with go-i18n's own loader, as Weblate and
// goi18n will read it, and every English message must render in every
// language without an error or an empty string.
func TestFilesSurviveGoI18nLoader(t *testing.T) {
	files, _ := fs.Glob(locales.FS, "*.*.toml")
	bundle := goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(locales.FS, f); err != nil {
			t.Errorf("go-i18n cannot load locales/%s: %v", f, err)
		}
	}
	b, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := fs.ReadFile(locales.FS, "active.en.toml")
	var source map[string]any
	if err := toml.Unmarshal(data, &source); err != nil {
		t.Fatal(err)
	}
	data2 := map[string]any{"Country": "X", "Number": "1", "Phone": "1", "Days": 1, "Link": "x", "Language": "X"}
	for _, lang := range b.Languages() {
		for id, m := range source {
			if _, plural := m.(map[string]any)["one"]; !plural {
				if s := b.T(lang, id, data2); strings.TrimSpace(s) == "" {
					t.Errorf("%s: %q renders empty", lang, id)
				}
				continue
			}
			own := goi18n.NewLocalizer(bundle, lang) // no English to fall back on
			for _, n := range []int{0, 1, 2, 3, 5, 11, 100, 1000000} {
				if s := b.N(lang, id, n, map[string]any{"Count": n}); strings.TrimSpace(s) == "" || !strings.Contains(s, fmt.Sprint(n)) {
					t.Errorf("%s: %q renders %q for %d", lang, id, s, n)
				}
				// a translated plural has every form its language needs
				if _, err := own.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}}); err != nil && lang != "en" && b.Has(lang, id) {
					t.Errorf("%s: %q has no plural form for %d: %v", lang, id, n, err)
				}
			}
		}
	}
}

func TestUnknownLanguageFallsBackToEnglish(t *testing.T) {
	b, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.T("xx", "button_topics", nil); got != "📚 Topics" {
		t.Errorf("T(xx) = %q", got)
	}
	if !b.Reviewed("en", "welcome") {
		t.Error("English counts as reviewed")
	}
}

// translate-toolkit's go-i18n TOML storage (Weblate's format) reads a
// table as one unit when it holds only `other`, or two or more CLDR plural
// forms and nothing else; anything else (a `hash`, a `description`) splits
// it into one unit per key, and a save rewrites it so that go-i18n no
// longer finds the message. Every table of every file must be one unit.
func TestEveryTableIsOneTranslationUnit(t *testing.T) {
	files, _ := fs.Glob(locales.FS, "*.*.toml")
	for _, f := range files {
		data, _ := fs.ReadFile(locales.FS, f)
		var raw map[string]any
		if err := toml.Unmarshal(data, &raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var walk func(prefix string, m map[string]any)
		walk = func(prefix string, m map[string]any) {
			for k, v := range m {
				id := strings.TrimPrefix(prefix+"."+k, ".")
				sub, ok := v.(map[string]any)
				if !ok {
					t.Errorf("locales/%s: %s is a bare value, not a message table", f, id)
					continue
				}
				forms, tables := 0, 0
				for fk, fv := range sub {
					switch fv.(type) {
					case string:
						if !slices.Contains(i18n.Forms, fk) {
							t.Errorf("locales/%s: [%s] has %q, which is not a plural form: translate-toolkit splits the message", f, id, fk)
						}
						forms++
					case map[string]any:
						tables++
					}
				}
				switch {
				case forms > 0 && tables > 0:
					t.Errorf("locales/%s: [%s] is both a message and a group of messages", f, id)
				case forms == 1 && sub["other"] == nil:
					t.Errorf("locales/%s: [%s] has one form and it is not `other`", f, id)
				case tables > 0:
					walk(id, sub)
				}
			}
		}
		walk("", raw)
	}
}

// A message file written the way Weblate's translate-toolkit writes an
// edited unit (the table replaced, the blank line after it gone) still
// loads, with every message.
func TestToolkitStyleEditStillLoads(t *testing.T) {
	files, _ := fs.Glob(locales.FS, "*.*.toml")
	for _, f := range files {
		data, _ := fs.ReadFile(locales.FS, f)
		_, before, err := i18n.ReadFile(locales.FS, f)
		if err != nil || len(before) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		// edit the first singular message, as tomlkit writes a new table
		var m i18n.Message
		for _, x := range before {
			if !x.Plural() {
				m = x
				break
			}
		}
		lines := strings.Split(string(data), "\n")
		var out []string
		for i := 0; i < len(lines); i++ {
			if i == m.Line-1 {
				out = append(out, lines[i], "other = "+i18n.Quote("edité \"q\" \\ \n ligne 👋"))
				for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "[") {
					i++
				}
				continue
			}
			out = append(out, lines[i])
		}
		edited := fstest.MapFS{f: {Data: []byte(strings.Join(out, "\n"))}}
		_, after, err := i18n.ReadFile(edited, f)
		if err != nil {
			t.Fatalf("%s after an edit: %v", f, err)
		}
		if len(after) != len(before) {
			t.Errorf("%s: %d messages after an edit, want %d", f, len(after), len(before))
		}
		for _, x := range after {
			if x.ID == m.ID && x.Forms["other"] != "edité \"q\" \\ \n ligne 👋" {
				t.Errorf("%s: the edit reads back as %q", f, x.Forms["other"])
			}
		}
	}
}

// A date written with or without quotes is read the same: a reviewer
// following TOML's habit must not stop the bot.
func TestMetaDatesWithOrWithoutQuotes(t *testing.T) {
	for _, date := range []string{`2026-12-01`, `"2026-12-01"`} {
		fsys := fstest.MapFS{"meta/sw.toml": {Data: []byte("[welcome]\nsource = \"sha1-a\"\ntext = \"sha1-b\"\nstatus = \"reviewed\"\nby = \"A. Reviewer\"\ndate = " + date + "\n")}}
		m, err := i18n.ReadMeta(fsys, "sw")
		if err != nil || m["welcome"].Date != "2026-12-01" || m["welcome"].Line != 1 {
			t.Errorf("date = %s: %+v, %v", date, m["welcome"], err)
		}
	}
	bad := fstest.MapFS{"meta/sw.toml": {Data: []byte("[welcome]\nstatus = \"done\"\n")}}
	if _, err := i18n.ReadMeta(bad, "sw"); err == nil || !strings.Contains(err.Error(), "meta/sw.toml:1:") {
		t.Errorf("an unknown status = %v, want an error at meta/sw.toml:1", err)
	}
}

// Hash covers every plural form: a change to "one" alone is a change.
func TestHashCoversEveryForm(t *testing.T) {
	a := i18n.Message{Forms: map[string]string{"one": "{{.Count}} question", "other": "{{.Count}} questions"}}
	b := i18n.Message{Forms: map[string]string{"one": "{{.Count}} query", "other": "{{.Count}} questions"}}
	if i18n.Hash(a) == i18n.Hash(b) {
		t.Error("a change to the one form leaves the hash as it was")
	}
}

// TestRoundTripDir checks files that translate-toolkit edited and saved
// (.ci/weblate-roundtrip): go-i18n loads every message of the shipped
// files from them.
func TestRoundTripDir(t *testing.T) {
	dir := os.Getenv("SALAMA_ROUNDTRIP_DIR")
	if dir == "" {
		t.Skip("run by .ci/weblate-roundtrip")
	}
	edited := os.DirFS(dir)
	files, _ := fs.Glob(locales.FS, "*.*.toml")
	for _, f := range files {
		_, want, err := i18n.ReadFile(locales.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := i18n.ReadFile(edited, f)
		if err != nil {
			t.Errorf("go-i18n cannot load %s after the round trip: %v", f, err)
			continue
		}
		ids := map[string]bool{}
		for _, m := range got {
			ids[m.ID] = true
		}
		for _, m := range want {
			if !ids[m.ID] {
				t.Errorf("%s: %q lost in the round trip", f, m.ID)
			}
		}
	}
	if _, err := i18n.Load(edited); err != nil {
		t.Errorf("the edited files do not load: %v", err)
	}
}

// translate-toolkit reads TOML through tomlkit, which cannot save a file
// whose tables of one parent are not together ([directory.bi.name], then
// other countries, then [directory.bi.x.note]): every file keeps the
// tables of a parent contiguous.
func TestTablesOfAParentAreTogether(t *testing.T) {
	files, _ := fs.Glob(locales.FS, "*.*.toml")
	for _, f := range files {
		data, _ := fs.ReadFile(locales.FS, f)
		done := map[string]bool{} // parents whose tables have ended
		var open []string         // the parents of the last table
		for i, l := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(l, "[") {
				continue
			}
			parts := strings.Split(strings.Trim(l, "[]"), ".")
			var parents []string
			for k := 1; k < len(parts); k++ {
				parents = append(parents, strings.Join(parts[:k], "."))
			}
			for _, p := range open {
				if !slices.Contains(parents, p) {
					done[p] = true
				}
			}
			for _, p := range parents {
				if done[p] {
					t.Errorf("locales/%s:%d: a table of %q after others: keep them together", f, i+1, p)
				}
			}
			open = parents
		}
	}
}
