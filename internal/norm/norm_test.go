package norm

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Don't SEND it!!", "dont send it"},
		{"Écrire à l'école", "ecrire a lecole"},
		{"hellooo  hiii", "hello hi"},
		{"Ƙofa ɗan ɓera ƴa", "kofa dan bera ya"},
		{"أنا خائفة", "انا خايفه"},
		{"मुझे मदद चाहिए", "मुझे मदद चाहिए"},
		{"help\u200f me", "help me"},
		{"\u09df\u09dc", "\u09af\u09bc\u09a1\u09bc"}, // য় ড় typed as one character each
		{"\u095b", "\u091c\u093c"},                   // ज़
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
	for _, s := range []string{"Don't SEND it!!", "hellooo", "diEee", "ee'e", "أنا خائفة", "मुझे मदद", "Ƙofa", "ßs", "\u09df", "a\u200ba"} {
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
