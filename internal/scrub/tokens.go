package scrub

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word of the text (with apostrophes, dots and underscores
// inside: "m'appelle", "riya.akter"), or a placeholder already put in.
type token struct {
	s          string // as written
	low        string // lower case, ’ as '
	start, end int    // byte offsets
	// placeholder is true for "[number]" and the like
	placeholder bool
	// cased: a capital then a small letter ("Amina", not "OK" or "amina");
	// caseless: written in a script without capitals (Arabic, Devanagari…)
	cased, caseless bool
	// sentenceStart: first in the text or after . ! ? or a line break
	sentenceStart bool
}

// span is a replacement of tokens [from, to] by a placeholder.
type span struct {
	from, to int
	with     string
}

func tokenize(s string) []token {
	var toks []token
	prevEnd := 0
	for _, m := range tokenRE.FindAllStringIndex(s, -1) {
		t := token{s: s[m[0]:m[1]], start: m[0], end: m[1]}
		t.low = strings.ReplaceAll(strings.ToLower(t.s), "’", "'")
		t.placeholder = t.s[0] == '['
		if !t.placeholder {
			first, size := utf8.DecodeRuneInString(t.s)
			rest := t.s[size:]
			t.cased = unicode.IsUpper(first) && strings.IndexFunc(rest, unicode.IsLower) >= 0
			t.caseless = unicode.IsLetter(first) && !unicode.IsUpper(first) && !unicode.IsLower(first)
		}
		gap := strings.TrimRightFunc(s[prevEnd:m[0]], unicode.IsSpace)
		t.sentenceStart = len(toks) == 0 && gap == "" || gap != "" && strings.ContainsAny(gap[len(gap)-1:], ".!?:;\"“«¿¡") ||
			strings.Contains(s[prevEnd:m[0]], "\n")
		prevEnd = m[1]
		toks = append(toks, t)
	}
	return toks
}

// gapIs reports whether the text between tokens i and i+1 holds only
// characters of set (and spaces).
func gapIs(s string, toks []token, i int, set string) bool {
	g := s[toks[i].end:toks[i+1].start]
	return strings.TrimFunc(g, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(set, r) }) == ""
}

// spaced reports whether tokens i and i+1 are separated by spaces only.
func spaced(s string, toks []token, i int) bool { return gapIs(s, toks, i, "") }

var dayRE = regexp.MustCompile(`^(?:[0-3]?\d)(?:st|nd|rd|th|er|e|ème|eme|º|ª|o|a)?$`)

// wordRules applies the rules that read words: number words, dates, names,
// handles after a platform, addresses and schools.
func wordRules(s string) string {
	toks := tokenize(s)
	var spans []span
	add := func(from, to int, with string) { spans = append(spans, span{from, to, with}) }
	isNumber := func(t token) bool {
		return t.low == "[number]" || numberWords[t.low] || strings.Trim(t.low, "0123456789") == ""
	}

	titleTyping := titleCaseTyping(toks)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.placeholder {
			continue
		}
		// numbers read out: three or more number words and figures in a row,
		// one of them a word that is nothing but a number
		if isNumber(t) {
			j, sure := i, false
			for j < len(toks) && isNumber(toks[j]) {
				sure = sure || numberWords[toks[j].low] && !ambiguousNumberWords[toks[j].low]
				j++
				if j < len(toks) && !gapIs(s, toks, j-1, ",.-–—/") {
					break
				}
			}
			if j-i >= 3 && sure || j-i >= 4 {
				add(i, j-1, Number)
				i = j - 1
				continue
			}
		}
		// a day next to a month
		if months[t.low] || ambiguousMonths[t.low] {
			from, to := i, i
			if i > 0 && dayRE.MatchString(toks[i-1].low) && spaced(s, toks, i-1) {
				from = i - 1
			} else if i > 1 && dayRE.MatchString(toks[i-2].low) && (toks[i-1].low == "de" || toks[i-1].low == "of") {
				from = i - 2
			}
			if i+1 < len(toks) && !ambiguousMonths[t.low] && (dayRE.MatchString(toks[i+1].low) || toks[i+1].low == "[number]") && spaced(s, toks, i) {
				to = i + 1
			}
			if from < i || to > i {
				switch { // the year
				case to+1 < len(toks) && toks[to+1].low == "[number]":
					to++
				case to+2 < len(toks) && toks[to+2].low == "[number]" && (toks[to+1].low == "de" || toks[to+1].low == "of" || toks[to+1].low == "del"):
					to += 2
				}
				add(from, to, Date)
				i = to
				continue
			}
		}
		if n, st := namePhrase(toks, i); n > 0 {
			if end := nameAfter(s, toks, i+n, st, opensClause(s, toks, i)); end >= i+n {
				add(i+n, end, Name)
				i = end
				continue
			}
		}
		if titles[t.low] && i+1 < len(toks) && gapIs(s, toks, i, ".") { // "M. Diallo"
			next := toks[i+1]
			if !next.placeholder && !stopwords[next.low] && (looseTitles[t.low] || next.cased && !keepCapitalised[next.low]) {
				end := i + 1
				if end+1 < len(toks) && toks[end+1].cased && spaced(s, toks, end) {
					end++
				}
				add(i+1, end, Name)
				i = end
				continue
			}
		}
		if platforms[t.low] {
			if j := handleAfter(s, toks, i); j > i {
				add(j, j, Handle)
				i = j
				continue
			}
		}
		if streetsAfter[t.low] || schools[t.low] {
			if from := nameBefore(s, toks, i, schools[t.low]); from < i {
				with := Address
				if schools[t.low] {
					with = School
				}
				// a name may already be marked: take the whole
				for len(spans) > 0 && spans[len(spans)-1].to >= from {
					from = min(from, spans[len(spans)-1].from)
					spans = spans[:len(spans)-1]
				}
				add(from, i, with)
				continue
			}
		}
		if j := streetEnd(s, toks, i); j >= i {
			add(i, j, Address)
			i = j
			continue
		}
		// a capitalised word inside a sentence
		if t.cased && !t.sentenceStart && !titleTyping && !keepCapitalised[t.low] && !months[t.low] {
			add(i, i, Name)
		}
	}
	return apply(s, toks, spans)
}

// titleCaseTyping reports text typed With Every Word Capitalised, where
// capitals say nothing about names.
func titleCaseTyping(toks []token) bool {
	n, cased := 0, 0
	for _, t := range toks {
		if t.placeholder || t.caseless {
			continue
		}
		n++
		if t.cased {
			cased++
		}
	}
	return n >= 3 && cased*2 > n
}

// strength is how surely a name phrase is followed by a name.
type strength int

const (
	weak   strength = iota // only a capitalised word is a name
	plain                  // also any word, when the phrase opens a clause
	strong                 // any word
)

// namePhrase returns the length of the longest name phrase at token i and
// its strength; 0 when none starts there.
func namePhrase(toks []token, i int) (int, strength) {
	best, st := 0, weak
	for _, list := range []struct {
		phrases  map[string][][]string
		strength strength
	}{{strongNamePhrases, strong}, {plainNamePhrases, plain}, {weakNamePhrases, weak}} {
		for _, p := range list.phrases[toks[i].low] {
			if len(p) <= best || i+len(p) > len(toks) {
				continue
			}
			ok := true
			for k, w := range p {
				ok = ok && toks[i+k].low == w
			}
			if ok {
				best, st = len(p), list.strength
			}
		}
	}
	return best, st
}

// openers may stand before a name phrase that opens a message: greetings
// and "I" ("hi, mera naam …", "انا اسمي …").
var openers = words("hi", "hello", "hey", "habari", "hujambo", "mambo", "salam", "salaam", "assalamu", "bonjour", "salut", "hola", "ola", "olá", "oi", "halo", "hai",
	"kumusta", "namaste", "namaskar", "নমস্কার", "সালাম", "sannu", "selam", "ሰላም", "مرحبا", "السلام", "سلام",
	"انا", "أنا", "ana", "main", "मैं", "ami", "আমি", "aku", "ako", "mimi", "ni", "እኔ", "ene", "je", "yo", "eu", "ni")

// opensClause reports whether token i starts the message, a sentence or a
// clause, or follows a greeting.
func opensClause(s string, toks []token, i int) bool {
	if toks[i].sentenceStart || i > 0 && strings.Contains(s[toks[i-1].end:toks[i].start], ",") {
		return true
	}
	return i > 0 && openers[toks[i-1].low]
}

// nameAfter returns the last token of a name starting at token i, or i-1
// when there is none. How many words are taken depends on the phrase's
// strength and on whether it opens a clause (see strength).
func nameAfter(s string, toks []token, i int, st strength, opens bool) int {
	if i >= len(toks) || toks[i].placeholder || !spaced(s, toks, i-1) {
		return i - 1
	}
	first := toks[i]
	if nameEnds[first.low] || stopwords[first.low] && !first.cased || keepCapitalised[first.low] {
		return i - 1
	}
	anyCase := st == strong || st == plain && opens
	if !first.cased && !anyCase {
		return i - 1
	}
	// then capitalised words, or one more word of any case (a surname)
	end := i
	for k := i + 1; k < len(toks) && k <= i+2 && spaced(s, toks, k-1); k++ {
		t := toks[k]
		if t.placeholder || nameEnds[t.low] || stopwords[t.low] && !t.cased {
			break
		}
		if !t.cased && !(anyCase && k == i+1) {
			break
		}
		end = k
	}
	return end
}

// possessives mark a platform word as someone's account: "my snap", "insta
// yangu".
var possessives = words("my", "his", "her", "their", "your", "mi", "su", "tu", "mon", "son", "ton", "ma", "meu", "minha", "seu", "sua", "teu", "tua",
	"yangu", "yake", "lake", "langu", "wake", "wangu", "saya", "aku", "ku", "nya", "gue", "gw", "mera", "meri", "uska", "uski", "tera", "amar", "tar", "ko", "niya", "mo")

// handleAfter returns the token after a platform word at i that is a
// handle, or i. It takes one only when the account is someone's (a
// possessive next to the platform word, or a colon) and something says
// "is" ("my snap is amina", "insta yangu ni amina", "ang fb ko ay maria",
// "ig: amina").
func handleAfter(s string, toks []token, i int) int {
	owned := i > 0 && possessives[toks[i-1].low]
	said := false
	j := i + 1
	for ; j < len(toks) && j <= i+4; j++ {
		gap := s[toks[j-1].end:toks[j].start]
		if strings.ContainsAny(gap, ":=") {
			owned, said = true, true
		}
		w := toks[j].low
		switch {
		case handleCopulas[w]:
			said = true
		case possessives[w] && j == i+1:
			owned = true
		case naming[w]: // "fb id", "snap name", "insta username"
			said = true
		case handleFillers[w] || platforms[w]:
		default:
			if !said && !strings.ContainsAny(gap, ":=") {
				return i
			}
			goto found
		}
	}
	return i
found:
	if !owned || !said || toks[j].placeholder || stopwords[toks[j].low] || !gapIs(s, toks, j-1, ":=-") {
		return i
	}
	return j
}

// naming words say that a handle follows: "amar fb id riya.akter".
var naming = words("id", "name", "naam", "nam", "jina", "username", "user", "handle", "usuario", "usuário", "pseudo", "nick", "gamertag")

// numbered are address words followed by a number: "house 45", "plot 12".
var numbered = words("house", "plot", "flat", "apt", "apartment", "block", "blok", "nyumba", "gida", "sector", "room")

// streetEnd returns the last token of an address that starts with a street
// word at i ("rue des Lilas 12", "Jalan Sudirman", "house 45"), or i-1.
func streetEnd(s string, toks []token, i int) int {
	t := toks[i]
	next := func(k int) bool { return k < len(toks) && spaced(s, toks, k-1) }
	if numbered[t.low] {
		if next(i+1) && (toks[i+1].low == "[number]" || strings.IndexFunc(toks[i+1].s, unicode.IsDigit) == 0) {
			return i + 1
		}
		return i - 1
	}
	if !streetsBefore[t.low] {
		return i - 1
	}
	end := i
	for k := i + 1; k <= i+3 && next(k); k++ {
		w := toks[k]
		joining := streetJoins[w.low]
		if w.placeholder && w.low != "[number]" || !joining && (stopwords[w.low] || nameEnds[w.low]) {
			break
		}
		end = k
	}
	if end == i {
		return i - 1
	}
	isNum := func(k int) bool {
		return k < len(toks) && next(k) && (toks[k].low == "[number]" || strings.IndexFunc(toks[k].s, unicode.IsDigit) == 0)
	}
	switch { // the house number: "12", "no 5"
	case isNum(end + 1):
		end++
	case end+2 < len(toks) && houseNo[toks[end+1].low] && next(end+1) && isNum(end+2):
		end += 2
	}
	return end
}

// streetJoins may stand inside a street's name: "rue des Lilas", "mtaa wa
// Kawangware".
var streetJoins = words("de", "des", "du", "la", "le", "del", "da", "do", "dos", "das", "di", "wa", "ya", "ng", "san", "santa", "st")

// houseNo stands before a house number: "Jalan Sudirman no 5".
var houseNo = words("no", "nr", "num", "nomor", "número", "numero", "n", "nº", "house", "plot", "#")

// schoolKinds name a kind of school, not one school.
var schoolKinds = words("high", "primary", "secondary", "junior", "senior", "boarding", "girls", "boys", "mixed", "day", "grammar", "middle", "elementary", "public", "private", "international", "sunday", "national", "negeri", "islamic", "catholic", "christian", "muslim", "community", "model", "sekondari", "msingi")

// nameBefore returns the first token of the name that a street or school
// word at i ends, or i when it has none. A school's name is capitalised
// ("Moi Girls High school"); a street's is capitalised or follows a house
// number ("45 Ngong Road", "45 ngong road").
func nameBefore(s string, toks []token, i int, school bool) int {
	isNum := func(w token) bool { return w.low == "[number]" || strings.Trim(w.low, "0123456789") == "" }
	from, named := i, false
	for k := i - 1; k >= 0 && k >= i-4 && spaced(s, toks, k); k-- {
		w := toks[k]
		switch {
		case w.low == "[name]" || w.cased && !keepCapitalised[w.low]:
			from, named = k, true
			continue
		case school && schoolKinds[w.low]:
			from = k
			continue
		case !school && isNum(w):
			from, named = k, true
		case !school && !w.placeholder && !stopwords[w.low] && k > 0 && spaced(s, toks, k-1) && isNum(toks[k-1]):
			from, named = k-1, true
		}
		break
	}
	if !named {
		return i
	}
	return from
}

// apply replaces the spans, in order, merging those that overlap.
func apply(s string, toks []token, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	sort.SliceStable(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		start, end := toks[sp.from].start, toks[sp.to].end
		if start < pos {
			continue // inside one already replaced
		}
		b.WriteString(s[pos:start])
		b.WriteString(sp.with)
		pos = end
	}
	b.WriteString(s[pos:])
	return b.String()
}
