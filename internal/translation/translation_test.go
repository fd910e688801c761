package translation

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salama-safety/salama/faq"
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

func edit(tb testing.TB, m fstest.MapFS, name, old, new string) {
	tb.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		tb.Fatalf("%s does not contain %q", name, old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
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

func TestShippedFilesAreClean(t *testing.T) {
	r := Check(locales.FS, "locales", faq.FS, "faq")
	if r.Errors() > 0 || len(r.Findings) > 0 {
		t.Errorf("locales check on the shipped files:\n%s", findings(r, false))
	}
	if len(r.Status) != 11 {
		t.Errorf("status covers %d languages, want the 11 besides English", len(r.Status))
	}
}

func TestCheckFindsProblems(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	// what is stale in the shipped files already (English corrected, the
	// translations not yet carried over), so that each edit below counts
	// as one more
	before := map[string]Status{}
	for _, s := range Check(loc, "locales", content, "faq").Status {
		before[s.Lang] = s
	}
	// a message whose English changed: stale
	edit(t, loc, "active.en.toml", `other = "Pick a topic:"`, `other = "Choose a topic:"`)
	// a translation that lost its placeholder
	var line string
	for _, l := range strings.Split(string(loc["active.sw.toml"].Data), "\n") {
		if strings.HasPrefix(l, "other =") && strings.Contains(l, "{{.Country}}") && line == "" {
			line = l
		}
	}
	edit(t, loc, "active.sw.toml", line, strings.ReplaceAll(line, "{{.Country}}", "nchi"))
	// a plural form Portuguese needs
	edit(t, loc, "active.pt.toml", "many = \"{{.Count}} de perguntas\"\n", "")
	// an id English does not have
	loc["active.fr.toml"].Data = append(loc["active.fr.toml"].Data, []byte("\n[no_such_message]\nother = \"x\"\n")...)
	// an invisible direction mark typed into an Arabic entry
	edit(t, content, "ar/grooming.what.txt", "title: ", "title: \u200f")
	// an English entry changed after its translations were made: stale
	edit(t, content, "en/grooming.what.txt", "title: ", "title: Now: ")

	r := Check(loc, "locales", content, "faq")
	got := findings(r, false)
	for _, want := range []string{
		`locales/active.sw.toml:`, `"topics_prompt" is stale`,
		`has placeholders [] in other; the English has [Country]`,
		`"topic_count" needs the plural form "many" in pt`,
		`locales/active.fr.toml:`, `"no_such_message" is not an English message id`,
		`faq/ar/grooming.what.txt:`, `invisible direction mark U+200F`,
		`faq/hi/grooming.what.txt:1: warning: stale: the English entry changed`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
	if r.Errors() < 4 {
		t.Errorf("want at least 4 errors (placeholder, plural, unknown id, bidi), got %d", r.Errors())
	}
	for _, s := range r.Status {
		if b := before[s.Lang]; s.Lang == "sw" && (s.Messages.Stale != b.Messages.Stale+1 || s.Entries.Stale != b.Entries.Stale+1) {
			t.Errorf("sw status = %+v, want one stale message and one stale entry more than %+v", s, b)
		}
	}
}

func TestReviewCountsOnlyAgainstCurrentEnglish(t *testing.T) {
	loc, content := copyFS(t, locales.FS), copyFS(t, faq.FS)
	var hash string
	for _, line := range strings.Split(string(loc["active.sw.toml"].Data), "\n") {
		if strings.HasPrefix(line, "hash = ") && hash == "" {
			hash = strings.TrimPrefix(line, "hash = ")
		}
	}
	loc["review.sw.toml"] = &fstest.MapFile{Data: []byte("[welcome]\nhash = " + hash + "\nby = \"A. Reviewer\"\n")}
	edit(t, content, "sw/grooming.what.txt", "status: draft", "status: reviewed\nreviewed-by: A. Reviewer")
	r := Check(loc, "locales", content, "faq")
	for _, s := range r.Status {
		if s.Lang == "sw" && (s.Messages.Reviewed != 1 || s.Entries.Reviewed != 1) {
			t.Errorf("sw status = %+v, want one reviewed message and one reviewed entry", s)
		}
	}
	// the English entry changes: the review no longer counts
	edit(t, content, "en/grooming.what.txt", "title: ", "title: Now: ")
	r = Check(loc, "locales", content, "faq")
	for _, s := range r.Status {
		if s.Lang == "sw" && s.Entries.Reviewed != 0 {
			t.Errorf("a stale translation still counts as reviewed: %+v", s)
		}
	}
}

func TestScaffoldNewLanguage(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []struct {
		fsys fs.FS
		to   string
	}{{locales.FS, "locales"}, {faq.FS, "faq"}} {
		for p, f := range copyFS(t, sub.fsys) {
			if strings.HasPrefix(p, "active.en") || !strings.HasPrefix(p, "active.") && !strings.Contains(p, "review.") {
				name := filepath.Join(dir, sub.to, p)
				_ = os.MkdirAll(filepath.Dir(name), 0o755)
				if err := os.WriteFile(name, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	files, err := Scaffold("yo", filepath.Join(dir, "locales"), filepath.Join(dir, "faq"))
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := fs.Glob(faq.FS, "en/*.*.txt") // ids have a dot: grooming.what.txt
	if len(files) != 1+len(entries)+2 {
		t.Errorf("Scaffold wrote %d files, want the message file, %d entries and 2 lexicons", len(files), len(entries))
	}
	r := Check(os.DirFS(filepath.Join(dir, "locales")), "locales", os.DirFS(filepath.Join(dir, "faq")), "faq")
	if !strings.Contains(findings(r, false), `faq/yo/grooming.what.txt:`) {
		t.Errorf("the empty scaffold should be reported field by field:\n%s", findings(r, true))
	}
	again, _ := Scaffold("yo", filepath.Join(dir, "locales"), filepath.Join(dir, "faq"))
	if len(again) != 0 {
		t.Errorf("a second Scaffold overwrote %d files", len(again))
	}
	if _, err := Scaffold("en", dir, dir); err == nil {
		t.Error("Scaffold(en) should be refused")
	}
}
