package engine

import (
	"slices"
	"unicode"
)

// Telling the language a message is written in. A conversation switches
// language only on evidence: a script only that language is written in,
// or several words that language knows and the current one does not. One
// letter, a word every language shares or the tags of some markup ("<b>")
// are not evidence.

// minScriptLetters is how many letters of a script only one language is
// written in make a message that language's: one letter alone may be a
// slip of the keyboard.
const minScriptLetters = 2

// minEvidence is how many distinct words of two letters or more a message
// in a shared script (Latin) needs before its words can switch the
// language.
const minEvidence = 3

// detect returns the supported language a message is clearly written in
// when that is not current, or "". A script only one language is written
// in (by the languages' facts) decides when most of the message's letters,
// and at least two, are in it. In a shared script the message needs at
// least three distinct words of two letters or more, most of them known in
// the other language and clearly more than in the current one, so that
// code-mixing ("nimetumiwa nudes") stays in the user's language.
func (k *Knowledge) detect(text string, words []string, current string) string {
	counts, letters := k.scriptCounts(text)
	for i, s := range k.scripts {
		// a script only one language is written in decides at once
		if counts[i] >= minScriptLetters && counts[i]*2 > letters && len(s.langs) == 1 {
			if s.langs[0] != current {
				return s.langs[0]
			}
			return ""
		}
	}
	evidence := evidenceWords(words)
	if len(evidence) < minEvidence {
		return ""
	}
	known := make([]int, len(k.langs)) // per language, the words it knows
	for _, w := range evidence {
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
	if best != "" && bestN*10 >= len(evidence)*6 && bestN >= cur+2 {
		return best
	}
	return ""
}

// scriptCounts counts a text's letters, and those in each script of
// k.scripts.
func (k *Knowledge) scriptCounts(text string) (counts []int, letters int) {
	counts = make([]int, len(k.scripts))
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
	return counts, letters
}

// script is the languages written in the script most of a text's letters
// are in, or nil when no script has most of them.
func (k *Knowledge) script(text string) []string {
	counts, letters := k.scriptCounts(text)
	for i, s := range k.scripts {
		if counts[i]*2 > letters {
			return s.langs
		}
	}
	return nil
}

// evidenceWords are the distinct folded words of two letters or more: a
// lone letter ("b", the "b" of "<b>"), a number or a repeated word says
// nothing about a language.
func evidenceWords(words []string) []string {
	var out []string
	for _, w := range words {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsMark(r) { // हे: a letter and its vowel sign
				n++
			}
		}
		if n >= 2 && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
