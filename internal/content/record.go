package content

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem in a content file, with the place to fix it.
type Error struct {
	File  string
	Line  int
	Field string // empty when the problem is not in one field
	Msg   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: field %q: %s", e.File, e.Line, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Field is one `name: value` of a record. A long value keeps its paragraphs;
// a list value has one item per `- ` line.
type Field struct {
	Name  string
	Value string
	List  []string
	Line  int
}

// Record is a group of fields.
type Record struct {
	File   string
	Line   int
	Fields []Field
}

// Get returns the field with the name, if present.
func (r *Record) Get(name string) (Field, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

func (r *Record) errorf(f Field, format string, args ...any) *Error {
	line := f.Line
	if line == 0 {
		line = r.Line
	}
	return &Error{File: r.File, Line: line, Field: f.Name, Msg: fmt.Sprintf(format, args...)}
}

// ParseRecords reads the record format described in faq/README.md.
func ParseRecords(file string, data []byte) ([]Record, error) {
	if !utf8.Valid(data) {
		return nil, &Error{File: file, Line: firstInvalidLine(data), Msg: "not valid UTF-8; save the file as UTF-8"}
	}
	var (
		recs  []Record
		cur   *Record
		block *Field   // the long field being read
		lines []string // its lines
		names map[string]bool
	)
	finish := func() error {
		if block == nil {
			return nil
		}
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) > 0 && strings.HasPrefix(lines[0], "- ") {
			// An item and its continuation lines are gathered, then joined
			// once: appending to the item line by line would copy it each
			// time, quadratic in a long item.
			var item []string
			flush := func() {
				if len(item) > 0 {
					joined := strings.Join(item, " ")
					if len(item) == 1 { // Join returns it as it is: a piece of the file
						joined = strings.Clone(joined)
					}
					block.List = append(block.List, joined)
					item = item[:0]
				}
			}
			for i, l := range lines {
				switch {
				case strings.HasPrefix(l, "- "):
					flush()
					item = append(item, strings.TrimSpace(l[2:]))
				case strings.TrimSpace(l) == "":
				case strings.HasPrefix(l, "  ") && len(item) > 0:
					item = append(item, strings.TrimSpace(l))
				default:
					return &Error{File: file, Line: block.Line + 1 + i, Field: block.Name, Msg: `a list item must start with "- "`}
				}
			}
			flush()
		} else {
			block.Value = joinParagraphs(lines)
		}
		cur.Fields = append(cur.Fields, *block)
		block, lines = nil, nil
		return nil
	}
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		line := strings.TrimRight(raw, "\r")
		if block != nil && (strings.HasPrefix(line, "  ") || strings.TrimSpace(line) == "") {
			if strings.TrimSpace(line) == "" {
				lines = append(lines, "")
			} else {
				lines = append(lines, line[2:])
			}
			continue
		}
		if err := finish(); err != nil {
			return nil, err
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(line, "#"):
			continue
		case trimmed == "---":
			cur = nil
			continue
		case strings.HasPrefix(line, "\t"):
			return nil, &Error{File: file, Line: n, Msg: "indent with two spaces, not a tab"}
		case strings.HasPrefix(line, " "):
			return nil, &Error{File: file, Line: n, Msg: "indented line outside a field; did you forget a `name:` line above it?"}
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validName(name) {
			return nil, &Error{File: file, Line: n, Msg: fmt.Sprintf("expected `name: value`, got %q", clip(line))}
		}
		if cur == nil {
			recs = append(recs, Record{File: file, Line: n})
			cur = &recs[len(recs)-1]
			names = map[string]bool{}
		}
		// A set, not cur.Get: a record with many fields would be quadratic.
		if names[name] {
			return nil, &Error{File: file, Line: n, Field: name, Msg: "appears twice in one record"}
		}
		names[name] = true
		// values are copied out of the file, which can then be freed: a
		// record outlives its file (long values are built anew)
		f := Field{Name: strings.Clone(name), Line: n, Value: strings.Clone(strings.TrimSpace(value))}
		if f.Value == "" {
			block = &f
			continue
		}
		cur.Fields = append(cur.Fields, f)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return recs, nil
}

// joinParagraphs keeps blank-line paragraph breaks and "- " list lines, and
// joins wrapped lines with a space: the lines of one paragraph, and the
// indented lines that continue a list item, so that no sentence is broken
// by a hard line break the reader's screen did not ask for.
func joinParagraphs(lines []string) string {
	var b strings.Builder
	prevBlank, inItem := false, false
	for i, l := range lines {
		t := strings.TrimRight(l, " ")
		switch {
		case t == "":
			prevBlank = true
			continue
		case i == 0:
		case prevBlank:
			b.WriteString("\n\n")
			inItem = false
		case strings.HasPrefix(t, "- "):
			b.WriteString("\n")
		case strings.HasPrefix(t, "  ") && !inItem:
			b.WriteString("\n")
		default:
			b.WriteString(" ")
		}
		if strings.HasPrefix(t, "- ") {
			inItem = true
		}
		prevBlank = false
		b.WriteString(strings.TrimSpace(t))
	}
	return b.String()
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func firstInvalidLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}
