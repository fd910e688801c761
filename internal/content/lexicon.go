package content

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
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
	return parseSectionsFunc(file, data, func(section string) string {
		if slices.Contains(allowed, section) {
			return ""
		}
		return fmt.Sprintf("unknown section [%s]; known: %s", section, strings.Join(allowed, ", "))
	})
}

// parseSectionsFunc is parseSections with a check of each header: bad
// says what is wrong with a section's name, or "".
func parseSectionsFunc(file string, data []byte, bad func(section string) string) ([]sectionLine, error) {
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
			if msg := bad(section); msg != "" {
				return nil, &Error{File: file, Line: tl.line, Msg: msg}
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

// Language sections of language.txt.
var languageSections = []string{"language", "greetings", "fillers", "help", "stopwords", "synonyms", "folding"}

func parseLanguage(l *Lang, file string, data []byte) []error {
	lines, err := parseSections(file, data, languageSections)
	if err != nil {
		return []error{err}
	}
	var errs []error
	fail := func(sl sectionLine, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: sl.line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, sl := range lines {
		switch sl.section {
		case "language":
			key, value, ok := strings.Cut(sl.text, "=")
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			if !ok {
				fail(sl, "a [language] line is `name = value`")
				continue
			}
			switch key {
			case "direction":
				if value != "ltr" && value != "rtl" {
					fail(sl, "direction is ltr or rtl, not %q", value)
				}
				l.Direction = value
			case "script":
				if unicode.Scripts[value] == nil {
					fail(sl, "script %q is not a Unicode script name such as Latin, Arabic, Devanagari, Ethiopic", value)
				}
				l.Script = value
			case "marks":
				if value != "fold" && value != "keep" {
					fail(sl, "marks is fold or keep, not %q", value)
				}
				l.FoldMarks = value == "fold"
			case "aliases":
				for _, a := range strings.Split(value, ",") {
					if a = strings.TrimSpace(a); a != "" {
						l.Aliases = append(l.Aliases, a)
					}
				}
			case "stemmer":
				l.Stemmer = value
			default:
				fail(sl, "%q is not a language fact (direction, script, marks, aliases, stemmer)", key)
			}
		case "greetings":
			l.Greetings = append(l.Greetings, sl.text)
		case "fillers":
			l.Fillers = append(l.Fillers, strings.Fields(sl.text)...)
		case "help":
			l.Help = append(l.Help, sl.text)
		case "stopwords":
			l.Stopwords = append(l.Stopwords, strings.Fields(sl.text)...)
		case "synonyms":
			word, alts, ok := strings.Cut(sl.text, "=")
			word = strings.TrimSpace(word)
			if !ok || word == "" {
				fail(sl, "a synonym line is `word = other, other words`")
				continue
			}
			for _, a := range strings.Split(alts, ",") {
				if a = strings.TrimSpace(a); a != "" {
					l.Synonyms[a] = word
				}
			}
		case "folding":
			// `read-as = letter, letter`; nothing before = removes the letters
			to, from, ok := strings.Cut(sl.text, "=")
			if !ok {
				fail(sl, "a folding line is `letter = other, other` (the letters after = are read as the one before)")
				continue
			}
			if l.Letters == nil {
				l.Letters = map[rune]string{}
			}
			for _, f := range strings.Split(from, ",") {
				f = strings.TrimSpace(f)
				if utf8.RuneCountInString(f) != 1 {
					fail(sl, "%q: after = write single letters, separated by commas", f)
					continue
				}
				r, _ := utf8.DecodeRuneInString(f)
				l.Letters[r] = strings.TrimSpace(to)
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
