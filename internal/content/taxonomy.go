package content

import (
	"fmt"
	"slices"
	"strings"
)

// Replies a category of the danger and harm taxonomy leads to (docs/SAFETY.md,
// "What is decided").
const (
	ReplyUrgent      = "urgent"       // help first: helpline and emergency number
	ReplyDeterrence  = "deterrence"   // no content, a plain statement, a route to help
	ReplyOwnThoughts = "own-thoughts" // the prevention answer
	ReplyNone        = "none"         // a hard negative: answered like any question
)

// Category is a class of the danger and harm taxonomy. Every safety rule and
// every labelled safety example names one.
type Category struct {
	Name  string
	Reply string
}

// Categories, the urgent ones first, then deterrence, own thoughts and the
// two that get neither.
var Categories = []Category{
	{"abuse-ongoing", ReplyUrgent},
	{"filmed-now", ReplyUrgent},
	{"meeting-imminent", ReplyUrgent},
	{"outside-or-confined", ReplyUrgent},
	{"trafficking", ReplyUrgent},
	{"self-harm", ReplyUrgent},
	{"sextortion-despair", ReplyUrgent},
	{"live-abuse-paid", ReplyUrgent},
	{"seeking-material", ReplyDeterrence},
	{"access-to-children", ReplyDeterrence},
	{"offering-a-child", ReplyDeterrence},
	{"evading", ReplyDeterrence},
	{"own-thoughts", ReplyOwnThoughts},
	{"victim-or-witness", ReplyNone},
	{"ordinary", ReplyNone},
}

// The hard-negative categories by name.
const (
	CategoryVictim   = "victim-or-witness"
	CategoryOrdinary = "ordinary"
)

// HelpSeeking is the safety lexicon section of help-seeking phrases: a
// victim, witness, parent or teacher asking for help with the same words an
// offender might use. It is not a category of its own: such messages are
// victim-or-witness.
const HelpSeeking = "help-seeking"

// CategoryReply returns the reply a category leads to.
func CategoryReply(name string) (string, bool) {
	i := slices.IndexFunc(Categories, func(c Category) bool { return c.Name == name })
	if i < 0 {
		return "", false
	}
	return Categories[i].Reply, true
}

func categoryNames() string {
	var names []string
	for _, c := range Categories {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// Example is one labelled message of a language's safety examples
// (faq/<lang>/safety-examples.txt): how the safety scorer is taught.
type Example struct {
	Category string
	// Related is the entry that should answer it or be offered with the
	// help; empty for none.
	Related string
	Text    string
	// Lang is the language whose examples hold it.
	Lang string
	File string
	Line int
}

// ParseExamples reads a file of labelled safety examples in the format of
// faq/<lang>/safety-examples.txt, as written in language lang: examples kept
// outside the content, such as a fresh test set (salama eval safety --fresh).
func ParseExamples(file, lang string, data []byte) ([]Example, []error) {
	examples, errs := parseExamples(file, data)
	for i := range examples {
		examples[i].Lang = lang
	}
	return examples, errs
}

// parseExamples reads a safety examples file: one example a line,
// `category related text…`, the first two separated from the rest by spaces
// or tabs; `-` for no related entry; `#` starts a comment line.
func parseExamples(file string, data []byte) ([]Example, []error) {
	lines, err := textLines(file, data)
	if err != nil {
		return nil, []error{err}
	}
	var out []Example
	var errs []error
	for _, tl := range lines {
		fields := strings.Fields(tl.text)
		if len(fields) < 3 {
			errs = append(errs, &Error{File: file, Line: tl.line, Msg: "an example is `category related-entry message` (use - for no related entry)"})
			continue
		}
		ex := Example{Category: fields[0], Related: fields[1], File: file, Line: tl.line}
		// the text is the rest of the line after the second field, as typed
		rest := strings.TrimLeft(tl.text, " \t")
		rest = strings.TrimLeft(rest[len(fields[0]):], " \t")
		ex.Text = strings.TrimSpace(rest[len(fields[1]):])
		if ex.Related == "-" {
			ex.Related = ""
		}
		if _, ok := CategoryReply(ex.Category); !ok {
			errs = append(errs, &Error{File: file, Line: tl.line, Msg: fmt.Sprintf("%q is not a category; known: %s", ex.Category, categoryNames())})
			continue
		}
		out = append(out, ex)
	}
	return out, errs
}
