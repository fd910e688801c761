package engine

import (
	"unicode"
)

// detect returns the supported language a message is clearly written in
// when that is not current, or "". A script only one language is written
// in (by the languages' facts) decides at once;
// in Latin letters the message needs at least three words, most of them
// known in the other language and clearly more than in the current one, so
// that code-mixing ("nimetumiwa nudes") stays in the user's language.
func (k *Knowledge) detect(text string, words []string, current string) string {
	counts := make([]int, len(k.scripts))
	letters := 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		for i, s := range k.scripts {
			if unicode.Is(s.table, r) {
				counts[i]++
			}
		}
	}
	for i, s := range k.scripts {
		// a script only one language is written in decides at once
		if letters > 0 && counts[i]*2 > letters && len(s.langs) == 1 {
			if s.langs[0] != current {
				return s.langs[0]
			}
			return ""
		}
	}
	if len(words) < 3 {
		return ""
	}
	known := make([]int, len(k.langs)) // per language, the words it knows
	for _, w := range words {
		for i, bits := 0, k.wordLangs[w]; bits != 0; i, bits = i+1, bits>>1 {
			if bits&1 != 0 {
				known[i]++
			}
		}
	}
	cur, best, bestN := 0, "", 0
	for i, lang := range k.langs {
		switch {
		case lang == current:
			cur = known[i]
		case known[i] > bestN:
			best, bestN = lang, known[i]
		}
	}
	if best != "" && bestN*10 >= len(words)*6 && bestN >= cur+2 {
		return best
	}
	return ""
}
