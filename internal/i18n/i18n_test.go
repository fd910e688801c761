package i18n_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

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
	files, _ := fs.Glob(locales.FS, "active.*.toml")
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
	data2 := map[string]any{"Country": "X", "Number": "1", "Phone": "1", "Days": 1, "Link": "x"}
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
				if _, err := own.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}}); err != nil && lang != "en" {
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
