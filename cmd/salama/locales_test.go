package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/internal/translation"
)

// copyTree copies faq/ and locales/ into a temporary folder, as a
// translator's clone.
func copyTree(tb testing.TB) (faqDir, locDir string) {
	tb.Helper()
	dir := tb.TempDir()
	faqDir, locDir = filepath.Join(dir, "faq"), filepath.Join(dir, "locales")
	copyDir(tb, "../../faq", faqDir)
	copyDir(tb, "../../locales", locDir)
	return faqDir, locDir
}

// newTag is a language Salama does not have yet: the first of a few that
// is not in faq/, so that adding one of them changes no test.
func newTag(tb testing.TB) string {
	tb.Helper()
	for _, tag := range []string{"yo", "zu", "ig", "so", "om", "ti", "rw", "ln"} {
		if _, err := os.Stat(filepath.Join("../../faq", tag)); err != nil {
			return tag
		}
	}
	tb.Skip("every candidate language exists already")
	return ""
}

// A new language, scaffolded and with nothing translated, passes the
// checks CI runs and the bot starts on it and answers in every language,
// the new one in English marked as not yet translated.
func TestScaffoldedLanguageStartsAndPassesChecks(t *testing.T) {
	faqDir, locDir := copyTree(t)
	dirs := []string{"--content", faqDir, "--locales", locDir}
	tag := newTag(t)
	if code, out, errOut := run(t, "", append([]string{"locales", "new", tag}, dirs...)...); code != 0 {
		t.Fatalf("locales new = %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"content", "check"}, {"locales", "check"}, {"locales", "extract", "--check"}, {"locales", "update", "--check"},
	} {
		if code, out, errOut := run(t, "", append(args, dirs...)...); code != 0 {
			t.Errorf("%s on a new language = %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	k, err := engine.Load(os.DirFS(faqDir), os.DirFS(locDir))
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(k, memstore.New(), engine.Options{})
	ask := func(lang string, m chat.Message) chat.Reply {
		m.User, m.LangHint = chat.User{Platform: chat.Console, ID: lang}, lang
		r, err := eng.Respond(context.Background(), m)
		if err != nil || r.Text == "" {
			t.Fatalf("%s: %+v: %v", lang, r, err)
		}
		return r
	}
	for _, lang := range k.Content.Languages() {
		if r := ask(lang, chat.Message{Text: "/start"}); r.Lang != lang || len(r.Choices) == 0 {
			t.Errorf("/start in %s = %s with %d choices", lang, r.Lang, len(r.Choices))
		}
	}
	// the new language, on a button: the entry in English, and said so
	name := k.Texts.T(tag, "language_name", nil)
	marker := k.Texts.T(tag, "not_translated", map[string]any{"Language": name})
	title := k.Content.Langs[content.SourceLanguage].Entries["grooming.what"].Title
	if r := ask(tag, chat.Message{Payload: "faq:grooming.what"}); !strings.HasPrefix(r.Text, marker+"\n\n"+title) || name == "" {
		t.Errorf("an untranslated entry in %s = %q, want it to start with %q", tag, r.Text, marker)
	}
	// and questions typed in it are matched through English
	if r := ask(tag, chat.Message{Text: "someone is threatening to share my nudes"}); r.Kind != chat.KindAnswer && r.Kind != chat.KindClarify && r.Kind != chat.KindUrgent {
		t.Errorf("a question in a new language = %s, want it answered through English", r.Kind)
	}
	if _, err := translation.Scaffold("qaa", locDir, faqDir); err == nil || !strings.Contains(err.Error(), "no plural rules") {
		t.Errorf("a language go-i18n cannot pluralize was scaffolded: %v", err)
	}
}

// A variant beside its language (pt-PT beside pt) is a folder and four
// files: no Go code and no test names it. Phones in Angola and Portugal
// then get it; Brazil keeps pt.
func TestVariantBesideItsLanguage(t *testing.T) {
	faqDir, locDir := copyTree(t)
	dirs := []string{"--content", faqDir, "--locales", locDir}
	if code, out, errOut := run(t, "", append([]string{"locales", "new", "pt-PT"}, dirs...)...); code != 0 {
		t.Fatalf("locales new pt-PT = %d\n%s%s", code, out, errOut)
	}
	k, err := engine.Load(os.DirFS(faqDir), os.DirFS(locDir))
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(k, memstore.New(), engine.Options{})
	for hint, want := range map[string]string{"pt-PT": "pt-PT", "pt-AO": "pt-PT", "pt-MZ": "pt-PT", "pt-BR": "pt", "pt": "pt"} {
		r, err := eng.Respond(context.Background(), chat.Message{User: chat.User{Platform: chat.Console, ID: hint}, LangHint: hint, Text: "/help"})
		if err != nil || r.Lang != want {
			t.Errorf("hint %s: reply in %q, want %s (%v)", hint, r.Lang, want, err)
		}
	}
}
