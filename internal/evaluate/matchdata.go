package evaluate

import (
	"slices"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// Where a labelled question comes from.
const (
	FromPhrasing = "phrasing" // an entry's phrasings, faq/<lang>/<id>.txt
	FromQuestion = "question" // faq/<lang>/questions.tsv
	FromOffTopic = "offtopic" // faq/<lang>/offtopic.txt, and the questions labelled none
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

// MatchData gathers the labelled questions of every language from the
// content: the entries' phrasings, the questions of questions.tsv and the
// off-topic messages of offtopic.txt. Greetings are left out (the engine welcomes them before any
// matching), and so is a question whose folded text repeats an entry's
// title or a question gathered before it in its language: the same text
// cannot be both learned and held out.
func MatchData(c *content.Content) []Question {
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
		for _, text := range l.Offtopic {
			add(Question{Lang: code, Text: text, From: FromOffTopic, File: code + "/offtopic.txt"})
		}
	}
	return out
}
