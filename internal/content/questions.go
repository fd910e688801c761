package content

import (
	"fmt"
	"strings"
)

// questionsFile holds a language's questions as people write them.
const questionsFile = "questions.tsv"

// Labels of questions that lead to no entry.
const (
	QuestionGreeting = "greeting" // a greeting: the bot welcomes
	QuestionNone     = "none"     // off-topic: the bot falls back
)

// Question is one line of faq/<lang>/questions.tsv: a question as people
// write it and the entry that should answer it (or QuestionGreeting,
// QuestionNone). The matcher learns from those with an entry, like
// phrasings; all of them are held out in turn by `salama eval match`.
type Question struct {
	ID   string
	Text string
	File string
	Line int
}

// parseQuestions reads a questions file: `<id><TAB><question>` a line, `#`
// starts a comment line.
func parseQuestions(file string, data []byte) ([]Question, []error) {
	lines, err := textLines(file, data)
	if err != nil {
		return nil, []error{err}
	}
	var out []Question
	var errs []error
	for _, tl := range lines {
		id, text, ok := strings.Cut(tl.text, "\t")
		id, text = strings.TrimSpace(id), strings.TrimSpace(text)
		if !ok || id == "" || text == "" {
			errs = append(errs, &Error{File: file, Line: tl.line, Msg: "a question is `entry-id<TAB>question`"})
			continue
		}
		// copied out of the file, so that the file can be freed
		out = append(out, Question{ID: strings.Clone(id), Text: strings.Clone(text), File: file, Line: tl.line})
	}
	return out, errs
}

// checkQuestions reports questions whose label is neither an entry id nor
// a special label.
func checkQuestions(l *Lang, en *Lang) []error {
	var errs []error
	for _, q := range l.Questions {
		if q.ID != QuestionGreeting && q.ID != QuestionNone && en.Entries[q.ID] == nil {
			errs = append(errs, &Error{File: q.File, Line: q.Line, Msg: fmt.Sprintf("%q is not an entry id (nor %s or %s)", q.ID, QuestionGreeting, QuestionNone)})
		}
	}
	return errs
}
