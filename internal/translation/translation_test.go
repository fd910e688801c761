package translation

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/locales"
)

// copyFS copies an fs.FS into a MapFS that a test can change.
func copyFS(tb testing.TB, fsys fs.FS) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// MustCopyDir writes an fs.FS into a folder.
func MustCopyDir(tb testing.TB, fsys fs.FS, dir string) {
	tb.Helper()
	for p, f := range copyFS(tb, fsys) {
		name := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func edit(tb testing.TB, m fstest.MapFS, name, old, new string) {
	tb.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		tb.Fatalf("%s does not contain %q", name, old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

// reExtract derives the English base files again after a test changed faq/en.
func reExtract(tb testing.TB, content, loc fstest.MapFS) {
	tb.Helper()
	files, err := Extract(content)
	if err != nil {
		tb.Fatal(err)
	}
	for name, data := range files {
		loc[name] = &fstest.MapFile{Data: data}
	}
}

func findings(r *Report, errorsOnly bool) string {
	var b strings.Builder
	for _, f := range r.Findings {
		if f.Error || !errorsOnly {
			b.WriteString(f.String() + "\n")
		}
	}
	return b.String()
}

func status(r *Report, lang string) Status {
	for _, s := range r.Status {
		if s.Lang == lang {
			return s
		}
	}
	return Status{}
}

func TestShippedFilesAreClean(t *testing.T) {
	r := Check(locales.FS, "locales", faq.FS, "faq")
	if r.Errors() > 0 {
		t.Errorf("locales check on the shipped files:\n%s", findings(r, true))
	}
	files, _ := i18n.Files(locales.FS)
	if len(r.Status) != len(files)-1 {
		t.Errorf("status covers %d languages, want the %d besides English", len(r.Status), len(files)-1)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	// what is stale in the shipped files already (English corrected, the
	// translations not yet carried over), so that each edit below counts
	// as one more
	before := status(Check(loc, "locales", content, "faq"), "sw")
	// a message whose English changed: stale in every language
	edit(t, loc, "active.en.toml", `other = "Pick a topic:"`, `other = "Choose a topic:"`)
	// a translation that lost its placeholder, its number, its web address
	edit(t, loc, "active.sw.toml", "{{.Country}}", "nchi")
	edit(t, loc, "faq.fr.toml", "iwf.org.uk", "iwf")
	edit(t, loc, "faq.fr.toml", "nudes avant 18 ans", "nudes avant 17 ans")
	// a plural form Portuguese needs
	edit(t, loc, "active.pt.toml", "many = \"{{.Count}} de perguntas\"\n", "many = \"\"\n")
	// an id English does not have
	loc["active.fr.toml"].Data = append(loc["active.fr.toml"].Data, []byte("\n[no_such_message]\nother = \"x\"\n")...)
	// an invisible direction mark typed into an Arabic text
	edit(t, loc, "faq.ar.toml", "other = \"", "other = \"\u200f")
	// an English entry changed after its translations were made, and the
	// base file derived again: stale
	edit(t, content, "en/grooming.signs.txt", "title: ", "title: Now: ")
	reExtract(t, content, loc)

	r := Check(loc, "locales", content, "faq")
	got := findings(r, false)
	for _, want := range []string{
		`locales/active.sw.toml:`, `"topics_prompt" is stale`,
		`has placeholders [] ; the English has [{{.Country}}]`,
		`lacks the web address iwf.org.uk`,
		`lacks the number 18`,
		`"topic_count" needs the plural form "many" in pt`,
		`locales/active.fr.toml:`, `"no_such_message" is not an English message id`,
		`locales/faq.ar.toml:`, `invisible direction mark U+200F`,
		`locales/faq.hi.toml:`, `"grooming.signs.title" is stale`,
	} {
		if !strings.Contains(strings.ReplaceAll(got, "[]", "[] "), want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
	if r.Errors() < 5 {
		t.Errorf("want at least 5 errors (placeholder, address, plural, unknown id, bidi), got %d:\n%s", r.Errors(), findings(r, true))
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Msg, "is stale") && f.Error {
			t.Errorf("a stale translation is an error, want a warning: %s", f)
		}
	}
	if s := status(r, "sw"); s.Messages.Stale != before.Messages.Stale+1 || s.Entries.Stale != before.Entries.Stale+1 {
		t.Errorf("sw status = %+v, want one stale message and one stale entry more than %+v", s, before)
	}
}

// Changing an English plural form, any of them, makes translations stale.
func TestPluralFormChangeIsStale(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	edit(t, loc, "active.en.toml", `one = "{{.Count}} question"`, `one = "{{.Count}} question only"`)
	r := Check(loc, "locales", content, "faq")
	if !strings.Contains(findings(r, false), `"topic_count" is stale`) {
		t.Errorf("a changed English one form is not stale:\n%s", findings(r, false))
	}
}

// A stale translation can show how the English changed since it was made.
func TestStaleShowsTheEnglishDiff(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	edit(t, loc, "active.en.toml", `other = "Pick a topic:"`, `other = "Pick one topic:"`)
	r := Check(loc, "locales", content, "faq")
	for _, s := range r.Stale {
		if s.Lang == "sw" && s.ID == "topics_prompt" {
			if !s.Known {
				t.Fatal("the English the translation was made from is not in the history")
			}
			if got, want := Diff(s.Then, s.Now), "Pick [-a-] {+one+} topic:\n"; got != want {
				t.Errorf("Diff = %q, want %q", got, want)
			}
			return
		}
	}
	t.Error("no stale topics_prompt in sw")
}

func TestReviewCountsOnlyAgainstCurrentEnglish(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	loc["meta/sw.toml"].Data = []byte(markReviewed(string(loc["meta/sw.toml"].Data), "welcome", "grooming.what.title", "grooming.what.short", "grooming.what.long"))
	r := Check(loc, "locales", content, "faq")
	if st := status(r, "sw"); st.Messages.Reviewed != 1 || st.Entries.Reviewed != 1 {
		t.Errorf("sw status = %+v, want one reviewed message and one reviewed entry\n%s", st, findings(r, true))
	}
	// the English entry changes: the review no longer counts
	edit(t, content, "en/grooming.what.txt", "title: ", "title: Now: ")
	reExtract(t, content, loc)
	r = Check(loc, "locales", content, "faq")
	if st := status(r, "sw"); st.Entries.Reviewed != 0 {
		t.Errorf("a stale translation still counts as reviewed: %+v", st)
	}
}

// markReviewed sets status = "reviewed" in the tables of the ids.
func markReviewed(meta string, ids ...string) string {
	lines := strings.Split(meta, "\n")
	in := false
	for i, l := range lines {
		if strings.HasPrefix(l, "[") {
			in = false
			for _, id := range ids {
				if l == "["+id+"]" || l == `["`+id+`"]` {
					in = true
				}
			}
		}
		if in && l == `status = "draft"` {
			lines[i] = `status = "reviewed"`
		}
	}
	return strings.Join(lines, "\n")
}

// The English base files are derived from faq/: a curator's edit without
// `salama locales extract` is an error naming the file to regenerate.
func TestBaseFileMustBeCurrent(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	edit(t, content, "en/grooming.what.txt", "title: ", "title: Now: ")
	r := Check(loc, "locales", content, "faq")
	if !strings.Contains(findings(r, true), "locales/faq.en.toml:1: error: not up to date with faq/: run `salama locales extract`") {
		t.Errorf("an out-of-date base file is not reported:\n%s", findings(r, true))
	}
}
