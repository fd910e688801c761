package match

import "strings"

// StemEnglish is a light English stemmer: it strips the common inflections
// (plural, -ing, -ed, -ly) so that "threatening", "threatened" and
// "threatens" meet. It is deliberately gentler than Porter's, since users'
// misspellings already blur word endings.
func StemEnglish(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, s := range []struct {
		suffix, repl string
		min          int
	}{
		{"ies", "y", 5}, {"ing", "", 6}, {"ed", "", 5}, {"ly", "", 6}, {"es", "", 6}, {"s", "", 4},
	} {
		if len(w) >= s.min && strings.HasSuffix(w, s.suffix) && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, s.suffix) + s.repl
			break
		}
	}
	// doubled final consonant after -ing/-ed: "chatting" → "chatt" → "chat"
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	return strings.TrimSuffix(w, "e")
}
