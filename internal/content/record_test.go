package content

import (
	"strings"
	"testing"
)

func TestParseRecordsErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"tab indent", "short:\n\tGrooming is", "f.txt:2: indent with two spaces, not a tab"},
		{"stray indent", "id: a.b\n   text", "f.txt:2: indented line outside a field"},
		{"no colon", "id a.b", "f.txt:1: expected `name: value`"},
		{"duplicate", "id: a.b\nid: c.d", `f.txt:2: field "id": appears twice`},
		{"bad utf8", "id: a.b\ntitle: \xff", "f.txt:2: not valid UTF-8"},
		{"list item", "phrasings:\n  - one\n  two", `f.txt:3: field "phrasings": a list item must start with "- "`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRecords("f.txt", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseRecords(%q) = %v, want %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestParseRecordsValues(t *testing.T) {
	recs, err := ParseRecords("f.txt", []byte("# c\nid: a.b\nshort:\n  One\n  line.\n\n  Two.\nphrasings:\n  - x\n  - y\n---\nid: c.d\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	short, _ := recs[0].Get("short")
	if short.Value != "One line.\n\nTwo." {
		t.Errorf("short = %q", short.Value)
	}
	p, _ := recs[0].Get("phrasings")
	if strings.Join(p.List, ",") != "x,y" {
		t.Errorf("phrasings = %q", p.List)
	}
}

// A list item wrapped onto an indented line stays one line: a hard break
// mid-sentence is not what the curator meant.
func TestWrappedListItemsAreJoined(t *testing.T) {
	recs, err := ParseRecords("f.txt", []byte("long:\n  Do this:\n  - Do not interrupt. It\n    may take time.\n  - Listen.\n\n  Then:\n    indented on its own\n"))
	if err != nil {
		t.Fatal(err)
	}
	long, _ := recs[0].Get("long")
	if want := "Do this:\n- Do not interrupt. It may take time.\n- Listen.\n\nThen:\nindented on its own"; long.Value != want {
		t.Errorf("long = %q, want %q", long.Value, want)
	}
}
