package evaluate

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// Where a labelled question comes from.
const (
	FromPhrasing = "phrasing" // an entry's phrasings in faq/<lang>/
	FromDev      = "dev"      // testdata/devset/<lang>.tsv
	FromOffTopic = "offtopic" // testdata/offtopic/<lang>.txt, and the dev sets' "none"
)

// Question is one labelled question of the matching evaluation.
type Question struct {
	Lang string
	// ID is the entry that should answer it, "" for an off-topic message.
	ID   string
	Text string
	From string
	File string
	Line int
}

// MatchData gathers the labelled questions: every entry's phrasings from
// the content, and the dev sets and off-topic sets found under testdata
// (either may be missing for a language). A question whose folded text
// repeats one already gathered in its language, or an entry's title, is
// left out: the same text cannot be both trained on and held out.
func MatchData(c *content.Content, testdata string) ([]Question, error) {
	var out []Question
	langs := make([]string, 0, len(c.Langs))
	for code := range c.Langs {
		langs = append(langs, code)
	}
	slices.Sort(langs)
	for _, code := range langs {
		l := c.Langs[code]
		seen := map[string]bool{}
		for _, id := range c.IDs {
			if e := l.Entries[id]; e != nil {
				seen[norm.Fold(e.Title)] = true
			}
		}
		add := func(q Question) {
			f := norm.Fold(q.Text)
			if f == "" || seen[f] {
				return
			}
			seen[f] = true
			out = append(out, q)
		}
		for _, id := range c.IDs {
			e := l.Entries[id]
			if e == nil {
				continue
			}
			for _, p := range e.Phrasings {
				add(Question{Lang: code, ID: id, Text: p, From: FromPhrasing, File: e.File})
			}
		}
		dev, err := readLines(filepath.Join(testdata, "devset", code+".tsv"))
		if err != nil {
			return nil, err
		}
		for _, ln := range dev {
			id, text, ok := strings.Cut(ln.text, "\t")
			if !ok {
				return nil, fmt.Errorf("%s:%d: want <id><TAB><question>", ln.file, ln.line)
			}
			switch {
			case id == "greeting": // the engine's, before matching
			case id == "none":
				add(Question{Lang: code, Text: text, From: FromOffTopic, File: ln.file, Line: ln.line})
			case l.Entries[id] == nil && c.Langs[content.SourceLanguage].Entries[id] == nil:
				return nil, fmt.Errorf("%s:%d: %q is not an entry id", ln.file, ln.line, id)
			default:
				add(Question{Lang: code, ID: id, Text: text, From: FromDev, File: ln.file, Line: ln.line})
			}
		}
		off, err := readLines(filepath.Join(testdata, "offtopic", code+".txt"))
		if err != nil {
			return nil, err
		}
		for _, ln := range off {
			add(Question{Lang: code, Text: ln.text, From: FromOffTopic, File: ln.file, Line: ln.line})
		}
	}
	return out, nil
}

type line struct {
	text, file string
	line       int
}

// readLines returns the lines of a file that are neither blank nor
// comments; a missing file has none.
func readLines(file string) ([]line, error) {
	f, err := os.Open(file)
	if errorsIsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []line
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, line{text: t, file: file, line: n})
	}
	return out, sc.Err()
}

func errorsIsNotExist(err error) bool {
	return err != nil && os.IsNotExist(err) || err == fs.ErrNotExist
}
