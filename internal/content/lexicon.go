package content

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// A section file is `[section]` headers followed by one item per line.
type sectionLine struct {
	section string
	text    string
	line    int
}

// textLine is a line of a text file that is neither blank nor a comment.
type textLine struct {
	text string
	line int
}

func textLines(file string, data []byte) ([]textLine, error) {
	if !utf8.Valid(data) {
		return nil, &Error{File: file, Line: firstInvalidLine(data), Msg: "not valid UTF-8; save the file as UTF-8"}
	}
	var out []textLine
	for i, raw := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(raw)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, textLine{text: strings.TrimRight(raw, " \t\r"), line: i + 1})
	}
	return out, nil
}

func parseSections(file string, data []byte, allowed []string) ([]sectionLine, error) {
	lines, err := textLines(file, data)
	if err != nil {
		return nil, err
	}
	var out []sectionLine
	section := ""
	for _, tl := range lines {
		t := strings.TrimSpace(tl.text)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section = strings.TrimSpace(t[1 : len(t)-1])
			if !slices.Contains(allowed, section) {
				return nil, &Error{File: file, Line: tl.line, Msg: fmt.Sprintf("unknown section [%s]; known: %s", section, strings.Join(allowed, ", "))}
			}
			continue
		}
		if section == "" {
			return nil, &Error{File: file, Line: tl.line, Msg: "a line before the first [section] header"}
		}
		out = append(out, sectionLine{section: section, text: t, line: tl.line})
	}
	return out, nil
}

func parseLanguage(l *Lang, file string, data []byte) []error {
	lines, err := parseSections(file, data, []string{"greetings", "help", "stopwords", "synonyms"})
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, sl := range lines {
		switch sl.section {
		case "greetings":
			l.Greetings = append(l.Greetings, sl.text)
		case "help":
			l.Help = append(l.Help, sl.text)
		case "stopwords":
			l.Stopwords = append(l.Stopwords, strings.Fields(sl.text)...)
		case "synonyms":
			word, alts, ok := strings.Cut(sl.text, "=")
			word = strings.TrimSpace(word)
			if !ok || word == "" {
				errs = append(errs, &Error{File: file, Line: sl.line, Msg: "a synonym line is `word = other, other words`"})
				continue
			}
			for _, a := range strings.Split(alts, ",") {
				if a = strings.TrimSpace(a); a != "" {
					l.Synonyms[a] = word
				}
			}
		}
	}
	return errs
}

// SafetySections are the sections of a safety lexicon: every category of
// the taxonomy that leads to a reply of its own, and the help-seeking
// phrases.
var SafetySections = func() []string {
	var out []string
	for _, c := range Categories {
		if c.Reply != ReplyNone {
			out = append(out, c.Name)
		}
	}
	return append(out, HelpSeeking)
}()

func parseSafety(file string, data []byte) ([]Rule, error) {
	lines, err := parseSections(file, data, SafetySections)
	if err != nil {
		return nil, err
	}
	rules := make([]Rule, 0, len(lines))
	for _, sl := range lines {
		pattern, related, _ := strings.Cut(sl.text, "=>")
		r := Rule{Category: sl.section, Pattern: strings.TrimSpace(pattern), Related: strings.TrimSpace(related), File: file, Line: sl.line}
		if reply, _ := CategoryReply(r.Category); r.Related != "" && reply != ReplyUrgent {
			return nil, &Error{File: file, Line: sl.line, Msg: "only the rules of urgent categories name an entry with =>"}
		}
		rules = append(rules, r)
	}
	return rules, nil
}
