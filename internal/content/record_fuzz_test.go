package content

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseRecords: the record parser never panics, and what it reports
// points into the file: every error and every field names a line the file
// has.
func FuzzParseRecords(f *testing.F) {
	for _, seed := range []string{
		"id: a.b\ntitle: x\n",
		"# c\nid: a.b\nshort:\n  One\n  line.\n\n  Two.\nphrasings:\n  - x\n  - y\n    continued\n---\nid: c.d\n",
		"phrasings:\n  - one\n  two",
		"id: a.b\nid: c.d",
		"\tindented",
		"  stray",
		"title: \xff",
		"---\n---\n",
		"a:\r\n  b\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		lines := strings.Count(data, "\n") + 1
		recs, err := ParseRecords("f.txt", []byte(data))
		var e *Error
		if err != nil {
			if !errors.As(err, &e) || e.File != "f.txt" || e.Line < 1 || e.Line > lines {
				t.Fatalf("ParseRecords(%q) error %v points nowhere (%d lines)", data, err, lines)
			}
			return
		}
		for _, r := range recs {
			for _, fl := range r.Fields {
				if fl.Line < 1 || fl.Line > lines || !validName(fl.Name) {
					t.Fatalf("ParseRecords(%q): field %+v", data, fl)
				}
			}
		}
	})
}

// BenchmarkParseLongListItem is a list item with 40,000 continuation lines:
// linear (it took 31 s when each line copied the item so far).
func BenchmarkParseLongListItem(b *testing.B) {
	data := []byte("id: a.b\nphrasings:\n  - x\n" + strings.Repeat("    continued line of the item\n", 40000))
	for b.Loop() {
		if _, err := ParseRecords("f", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseManyFields is a record with 40,000 fields: linear (the
// duplicate check looked through the record's fields for each one).
func BenchmarkParseManyFields(b *testing.B) {
	var s strings.Builder
	s.WriteString("id: a.b\n")
	for i := range 40000 {
		s.WriteString("f" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)) + "x" + string(rune('a'+i/17576%26)) + ": v\n")
	}
	data := []byte(s.String())
	for b.Loop() {
		if _, err := ParseRecords("f", data); err != nil {
			b.Fatal(err)
		}
	}
}
