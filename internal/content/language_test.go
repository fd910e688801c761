package content

import (
	"strings"
	"testing"
)

// A language's facts are read from its language.txt, and a wrong one is
// named at its line.
func TestLanguageFacts(t *testing.T) {
	l := &Lang{Synonyms: map[string]string{}}
	errs := parseLanguage(l, "yo/language.txt", []byte("[language]\nscript = Latin\ndirection = rtl\nmarks = fold\naliases = yo-NG, yo-BJ\nstemmer = english\n\n[folding]\nk = ƙ, ķ\n = ـ\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if l.Script != "Latin" || !l.RTL() || !l.FoldMarks || strings.Join(l.Aliases, ",") != "yo-NG,yo-BJ" || l.Stemmer != "english" {
		t.Errorf("facts = %+v", l)
	}
	if l.Letters['ƙ'] != "k" || l.Letters['ķ'] != "k" || l.Letters['ـ'] != "" {
		t.Errorf("folding = %q", l.Letters)
	}
	for _, tc := range []struct{ in, want string }{
		{"[language]\ndirection = sideways\n", "yo/language.txt:2: direction is ltr or rtl"},
		{"[language]\nscript = Klingon\n", "yo/language.txt:2: script \"Klingon\" is not a Unicode script name"},
		{"[language]\n\ncolour = blue\n", "yo/language.txt:3: \"colour\" is not a language fact"},
		{"[folding]\nk = kh\n", "yo/language.txt:2: \"kh\": after = write single letters"},
	} {
		errs := parseLanguage(&Lang{Synonyms: map[string]string{}}, "yo/language.txt", []byte(tc.in))
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("parseLanguage(%q) = %v, want %q", tc.in, errs, tc.want)
		}
	}
}

// Phrasings are grouped under entry ids; a header that is not an id is
// named at its line.
func TestPhrasings(t *testing.T) {
	l := &Lang{Entries: map[string]*Entry{}}
	if errs := parsePhrasings(l, "yo/phrasings.txt", []byte("# how people ask\n[grooming.what]\nkini grooming\n- kini grooming ni\n")); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := strings.Join(l.Entries["grooming.what"].Phrasings, "|"); got != "kini grooming|kini grooming ni" {
		t.Errorf("phrasings = %q", got)
	}
	errs := parsePhrasings(&Lang{Entries: map[string]*Entry{}}, "yo/phrasings.txt", []byte("[Grooming What]\nx\n"))
	if len(errs) == 0 || !strings.Contains(errs[0].Error(), "yo/phrasings.txt:1: [Grooming What] is not an entry id") {
		t.Errorf("a bad header = %v", errs)
	}
}
