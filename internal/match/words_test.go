package match

import (
	"slices"
	"testing"
)

func TestStemEnglish(t *testing.T) {
	for w, want := range map[string]string{
		"threatening": "threaten", "threatened": "threaten", "threatens": "threaten",
		"chatting": "chat", "stories": "story", "pics": "pic", "nudes": "nud", "nude": "nud",
		"really": "real", "kiss": "kiss", "boss": "boss", "is": "is", "her": "her",
	} {
		if got := StemEnglish(w); got != want {
			t.Errorf("StemEnglish(%q) = %q, want %q", w, got, want)
		}
	}
}

// Seen is told the language's vocabulary as the index is built: the
// folded words of its documents (the engine tells languages apart by it).
func TestSeenIsTheVocabulary(t *testing.T) {
	var words []string
	New(Lang{Stem: StemEnglish, Seen: func(w string) { words = append(words, w) }},
		[]Doc{{ID: "a", Text: "Nimetumiwa PICHA!"}, {Text: "mpira wa leo"}})
	for _, w := range []string{"nimetumiwa", "picha", "mpira", "wa", "leo"} {
		if !slices.Contains(words, w) {
			t.Errorf("Seen was not told %q: %q", w, words)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Answer: "answer", Clarify: "clarify", Fallback: "fallback"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}
