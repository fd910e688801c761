package main

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salama-safety/salama/internal/i18n"
	"github.com/salama-safety/salama/internal/translation"
)

// block is a fenced example of a guide: its info string and its lines.
type block struct {
	info  string
	lines []string
}

func fencedBlocks(tb testing.TB, file string) []block {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	var out []block
	var cur *block
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			out = append(out, block{info: strings.TrimPrefix(l, "```")})
			cur = &out[len(out)-1]
		case cur != nil && l == "```":
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	return out
}

// TestTranslatingGuide runs every example of docs/TRANSLATING.md, in order,
// in a copy of the tree: each command (with Run, as the binary), and each
// file example written into the file it names, after which the files must
// still pass the checks.
func TestTranslatingGuide(t *testing.T) {
	blocks := fencedBlocks(t, "../../docs/TRANSLATING.md")
	faqDir, locDir := copyTree(t)
	t.Chdir(filepath.Dir(faqDir))
	t.Setenv("SALAMA_DATA", t.TempDir())
	ran := 0
	for _, b := range blocks {
		kind, target, _ := strings.Cut(b.info, " ")
		text := strings.Join(b.lines, "\n") + "\n"
		switch {
		case kind == "sh":
			for _, l := range b.lines {
				args, ok := strings.CutPrefix(l, "go run ./cmd/salama ")
				if !ok {
					t.Fatalf("TRANSLATING.md: %q is not a salama command", l)
				}
				fields := strings.Fields(args)
				if fields[0] == "chat" || fields[0] == "ask" || fields[0] == "content" {
					// go run builds the edited files into the binary; the
					// test binary has the shipped ones, so point it at the copy
					fields = append(fields, "--content", "faq", "--locales", "locales")
				}
				if code, out, errOut := run(t, "", fields...); code != 0 {
					t.Errorf("TRANSLATING.md: %s = %d\n%s%s", l, code, out, errOut)
				}
				ran++
			}
		case strings.HasPrefix(target, "locales/meta/"):
			name := strings.TrimPrefix(target, "locales/")
			tag := strings.TrimSuffix(path.Base(name), ".toml")
			if _, err := i18n.ReadMeta(fstest.MapFS{name: {Data: []byte(text)}}, tag); err != nil {
				t.Errorf("TRANSLATING.md: the %s example: %v", target, err)
			}
			ran++
		case kind == "toml":
			mergeMessages(t, filepath.Join(locDir, path.Base(target)), text)
			ran++
		case strings.HasSuffix(target, "/phrasings.txt"):
			appendFile(t, filepath.Join(filepath.Dir(faqDir), target), text)
			ran++
		case strings.HasSuffix(target, "/language.txt"):
			replaceSections(t, filepath.Join(filepath.Dir(faqDir), target), text)
			ran++
		default:
			t.Errorf("TRANSLATING.md: an example (%q) no test runs", b.info)
		}
	}
	if ran < 15 {
		t.Errorf("ran %d examples of TRANSLATING.md; it has more", ran)
	}
	r := translation.Check(os.DirFS(locDir), "locales", os.DirFS(faqDir), "faq")
	for _, f := range r.Findings {
		if f.Error {
			t.Errorf("after the guide's examples: %s", f)
		}
	}
}

// mergeMessages writes the example's messages over the same messages of a
// message file.
func mergeMessages(tb testing.TB, file, example string) {
	tb.Helper()
	name := filepath.Base(file)
	_, msgs, err := i18n.ReadFile(fstest.MapFS{name: {Data: []byte(example)}}, name)
	if err != nil {
		tb.Fatalf("TRANSLATING.md: the %s example: %v", name, err)
	}
	_, have, err := i18n.ReadFile(os.DirFS(filepath.Dir(file)), name)
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range msgs {
		found := false
		for i := range have {
			if have[i].ID == m.ID {
				have[i].Forms, found = m.Forms, true
			}
		}
		if !found {
			tb.Errorf("TRANSLATING.md: %s has no message %q", name, m.ID)
		}
	}
	if err := os.WriteFile(file, i18n.FormatFile("edited by the guide's example", have, nil), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func appendFile(tb testing.TB, file, text string) {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(file, append(data, []byte("\n"+text)...), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// replaceSections replaces the [sections] of a file that the example has.
func replaceSections(tb testing.TB, file, example string) {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	replaced := map[string]bool{}
	for _, l := range strings.Split(example, "\n") {
		if strings.HasPrefix(l, "[") {
			replaced[l] = true
		}
	}
	var out []string
	skip := false
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "[") {
			skip = replaced[l]
		}
		if !skip {
			out = append(out, l)
		}
	}
	if err := os.WriteFile(file, []byte(strings.Join(out, "\n")+"\n"+example), 0o644); err != nil {
		tb.Fatal(err)
	}
}
