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
