package norm

import "testing"

// Rules as faq/ar, faq/ha and faq/hi give them in their language.txt.
func init() {
	rules := []Rules{
		{Marks: []string{"Arabic"}, Letters: map[rune]string{'أ': "ا", 'إ': "ا", 'آ': "ا", 'ٱ': "ا", 'ة': "ه", 'ى': "ي", 'ؤ': "و", 'ئ': "ي", 'ـ': ""}},
		{Letters: map[rune]string{'ɓ': "b", 'ɗ': "d", 'ƙ': "k", 'ƴ': "y"}},
		{Letters: map[rune]string{'\u095b': "\u091c\u093c", '\u09df': "\u09af\u09bc", '\u09dc': "\u09a1\u09bc"}},
	}
	for _, r := range rules {
		if err := Add(r); err != nil {
			panic(err)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Don't SEND it!!", "dont send it"},
		{"Écrire à l'école", "ecrire a lecole"},
		{"hellooo  hiii", "hello hi"},
		{"Ƙofa ɗan ɓera ƴa", "kofa dan bera ya"},
		{"أنا خائفة", "انا خايفه"},
		{"मुझे मदद चाहिए", "मुझे मदद चाहिए"},
		{"help\u200f me", "help me"},
		{"\u09df\u09dc", "\u09af\u09bc\u09a1\u09bc"},                 // য় ড় typed as one character each
		{"\u095b", "\u091c\u093c"},                                   // ज़
		{"ìrànlọ́wọ́", "iranlowo"},                                   // Yoruba tone marks
		{"i\u0300ra\u0300nlo\u0323\u0301wo\u0323\u0301", "iranlowo"}, // the same typed as letters and marks (NFD)
		{"مُسَاعَدَة", "مساعده"},                                     // harakat
		{"\u0301abc", "\u0301abc"},                                   // a mark with no letter before it stays
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The ASCII fast path folds exactly as the general one does.
func TestFoldASCIIAgreesWithUnicode(t *testing.T) {
	for _, s := range []string{
		"Don't SEND it!!", "hellooo  hiii", "HHHello", "wat is sextorsion??", "1000000 kms", "  a  b  ", "it's `x` 'y'",
		"pls help!!! he is outside my house rn", "a--b__c", "", "!!!", "aaa", "Zz9", "grooming?",
	} {
		if a, u := foldASCII(s), foldUnicode(s); a != u {
			t.Errorf("foldASCII(%q) = %q, foldUnicode = %q", s, a, u)
		}
	}
}

// A run of a letter counts once whatever its case: "diEee" folds as "dieee"
// does, so a capital in the middle of a word cannot hide it from the safety
// check.
func TestFoldRunsAfterCase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"I want to diEee", "i want to die"},
		{"myselFff", "myself"},
		{"KILL MYSELFFF", "kill myself"},
		{"HeLlo", "hello"},
		{"SOOOoo sad", "so sad"},
		{"ee'e", "e"},
		{"ÉÉé", "e"},
		{"Straße", "strasse"},
		{"ßs", "s"},
		{"a\u200ba\u200ba", "a"},
		{"নাাাা", "না"},    // a Bengali vowel sign stretched
		{"नहीीीं", "नहीं"}, // Devanagari
		{"कि", "कि"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzFold checks that folding never panics, that folding folded text
// changes nothing, and that the ASCII fast path agrees with the general one.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Don't SEND it!!", "hellooo", "diEee", "ee'e", "أنا خائفة", "मुझे मदद", "Ƙofa", "ßs", "\u09df", "a\u200ba", "ìrànlọ́wọ́", "e\u0301\u0301", "مُـسَا"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
		if ascii(s) {
			if u := foldUnicode(s); u != once {
				t.Errorf("foldASCII(%q) = %q, foldUnicode = %q", s, once, u)
			}
		}
	})
}

// Adding rules twice, or rules already in force, changes nothing; an
// unknown script is refused.
func TestAdd(t *testing.T) {
	before := current.Load()
	if err := Add(Rules{Marks: []string{"Latin"}, Letters: map[rune]string{'ɓ': "b"}}); err != nil {
		t.Fatal(err)
	}
	if current.Load() != before {
		t.Error("adding rules already in force made a new table")
	}
	if err := Add(Rules{Marks: []string{"Klingon"}}); err == nil {
		t.Error("an unknown script was accepted")
	}
}
