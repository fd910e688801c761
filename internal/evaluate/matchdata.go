package evaluate

import (
	"bufio"
	"errors"
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
	FromPhrasing = "phrasing" // an entry's phrasings, faq/<lang>/<id>.txt
	FromQuestion = "question" // faq/<lang>/questions.tsv
	FromOffTopic = "offtopic" // testdata/offtopic/<lang>.txt, and the questions labelled none
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
	// folded is Text folded (norm.Fold): what identifies it in a fold.
	folded string
}

// MatchData gathers the labelled questions of every language: the entries'
// phrasings and the questions of questions.tsv from the content, and the
// off-topic messages of <testdata>/offtopic/<lang>.txt when there is such
// a file. Greetings are left out (the engine welcomes them before any
// matching), and so is a question whose folded text repeats an entry's
// title or a question gathered before it in its language: the same text
// cannot be both learned and held out.
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
			q.folded = norm.Fold(q.Text)
			if q.folded == "" || seen[q.folded] {
				return
			}
			seen[q.folded] = true
			out = append(out, q)
		}
		for _, id := range c.IDs {
			if e := l.Entries[id]; e != nil {
				for _, p := range e.Phrasings {
					add(Question{Lang: code, ID: id, Text: p, From: FromPhrasing, File: e.File})
				}
			}
		}
		for _, q := range l.Questions {
			switch q.ID {
			case content.QuestionGreeting:
			case content.QuestionNone:
				add(Question{Lang: code, Text: q.Text, From: FromOffTopic, File: q.File, Line: q.Line})
			default:
				add(Question{Lang: code, ID: q.ID, Text: q.Text, From: FromQuestion, File: q.File, Line: q.Line})
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
	if errors.Is(err, fs.ErrNotExist) {
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
