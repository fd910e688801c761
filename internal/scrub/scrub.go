// Package scrub removes what could identify a person from a question before
// it is kept in the operator's opt-in content-gap log.
//
// # What it removes
//
// [Text] replaces, in the twelve languages Salama speaks:
//
//   - e-mail addresses, plain or disguised ("a . b @ gmail . com",
//     "amina[at]yahoo[dot]com", "amina at gmail"): [email];
//   - links and domain names, also with spaced dots: [link];
//   - handles: "@name", names shaped like handles ("bad_guy99",
//     "amina2009", "amina.k"), and the word after a platform in "my snap is
//     …", "insta yangu ni …", "mera insta …": [handle];
//   - numbers of three digits or more, in any script's digits (Devanagari,
//     Arabic-Indic, Bengali, Ethiopic-free full-width …, all folded to
//     ASCII first) and with any common separators (spaces, dots, dashes,
//     slashes, brackets), which covers phone numbers, ids, codes, years
//     and dates written in figures: [number]; three or more number words in a
//     row ("zero seven one two", "sifuri saba moja", "ek do teen"): [number];
//   - a day next to a month's name ("12 march", "marzo 12", "12 de março"):
//     [date];
//   - names after "my name is" and its equivalents ("je m'appelle",
//     "jina langu ni", "mera naam", "আমার নাম", "nama saya", "ako si",
//     "اسمي" …), after a title ("Mr", "Mwalimu", "Pak", "Malam", "श्री" …),
//     and any capitalised word inside a sentence that is not a known
//     platform, language, religion, month or country: [name];
//   - addresses: a street word with the words around it ("12 Moi Avenue",
//     "rue des Lilas", "Jalan Sudirman", "house 45"): [address];
//   - school names: the words before a school word ("Moi Girls school",
//     "makarantar …"): [school].
//
// and cuts the result to [MaxRunes] characters.
//
// # What it cannot remove
//
// A name written in lower case with no phrase or title before it ("my
// student amina told me"), or at the start of a sentence ("Amina sent
// me…"), in any script; names in scripts without capitals (Arabic,
// Devanagari, Bengali, Ge'ez) unless a phrase or title introduces them;
// places and schools named without a street or school word; a date written
// only in words ("the twelfth of march"); a number of one or two digits
// (ages are kept on purpose); and everything a person says about what
// happened. The tests list these misses (scrub_test.go, knownMisses), and
// PRIVACY.md tells operators so: the log must be read only by trained
// staff.
package scrub

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxRunes is the longest text kept; longer ones are cut at a word and end
// with "…".
const MaxRunes = 200

// Placeholders.
const (
	Email   = "[email]"
	Link    = "[link]"
	Handle  = "[handle]"
	Number  = "[number]"
	Date    = "[date]"
	Name    = "[name]"
	Address = "[address]"
	School  = "[school]"
)

const (
	tlds = `com|net|org|edu|gov|info|biz|io|co|me|ly|gg|app|link|xyz|online|site|tv|ke|ng|tz|ug|gh|et|za|in|bd|id|ph|br|mx|ar|pt|es|fr|ma|sn|ci|cm|eg|sa|ae|uk|us|ca|au|de|ru|cn`
	// the top-level domains that are not also words, for spaced-out links
	safeTLDs  = `com|net|org|edu|gov|info|io|ly|gg|xyz|ke|ng|tz|ug|gh|za|bd|ph|br|mx`
	mailHosts = `gmail|googlemail|yahoo|ymail|hotmail|outlook|live|icloud|proton|protonmail|aol|gmx|mail`
	// "@" and its disguises
	at = `(?:\s*[@＠]\s*|\s*[\[\(\{<]\s*(?:at|arroba|arobase)\s*[\]\)\}>]\s*|\s+(?:at|arroba|arobase)\s+)`
	// "." and its disguises
	dot = `(?:\s*\.\s*|\s*[\[\(\{<]\s*(?:dot|punto|ponto|point)\s*[\]\)\}>]\s*|\s+(?:dot|punto|ponto|point)\s+)`
	// a piece of an address: letters, digits and the like, no spaces
	part = `[\p{L}\p{N}_%+\-]+`
)

var (
	// e-mail addresses: plain, disguised with a known domain ending, or at
	// a mail host with no ending
	emailRE = regexp.MustCompile(`(?i)` + part + `(?:` + dot + part + `)*` + at +
		`(?:` + part + `(?:` + dot + part + `)*` + dot + `(?:` + tlds + `)\b|(?:` + mailHosts + `)\b)`)
	linkRE = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+|\b[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.(?:` + tlds + `)\b(?:/\S*)?|` +
		`\b[\p{L}\p{N}\-]+(?:` + dot + `[\p{L}\p{N}\-]+)*` + dot + `(?:` + safeTLDs + `)\b(?:\s*/\s*\S+)?`)
	atHandleRE = regexp.MustCompile(`[@＠][\p{L}\p{N}_.]{2,}`)
	// a word with dots or underscores inside, or letters then digits
	handleShapeRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:[._][\p{L}\p{N}]+)+_*|\p{L}{2,}\d{2,}\p{L}*|_+[\p{L}\p{N}]+[\p{L}\p{N}_]*`)
	// digits with separators between them; Ethiopic numerals are not
	// decimal digits, so fold leaves them, and they count here
	digitsRE = regexp.MustCompile(`\+?\(?[0-9\x{1369}-\x{137C}](?:[ \t.\-/()–—_,:]{0,3}[0-9\x{1369}-\x{137C}])*\)?`)
	// a token: a placeholder, or a word with apostrophes inside
	tokenRE = regexp.MustCompile(`\[(?:email|link|handle|number|date|name|address|school)\]|[\p{L}\p{M}\p{N}_]+(?:['’._][\p{L}\p{M}\p{N}_]+)*`)
	// runs of the same placeholder
	repeatREs = func() map[string]*regexp.Regexp {
		m := map[string]*regexp.Regexp{}
		for _, p := range []string{Email, Link, Handle, Number, Date, Name, Address, School} {
			q := regexp.QuoteMeta(p)
			m[p] = regexp.MustCompile(q + `(?:[\s,.\-]*` + q + `)+`)
		}
		return m
	}()
)

// Text returns s with personal details replaced by placeholders (package
// comment), at most MaxRunes long.
func Text(s string) string {
	// only the start is kept; scrub a good margin more than that, so that a
	// number or an address is whole when it is scrubbed, and time stays
	// bounded whatever the length of the message
	if utf8.RuneCountInString(s) > 4*MaxRunes {
		s = string([]rune(s)[:4*MaxRunes])
	}
	s = fold(s)
	s = emailRE.ReplaceAllString(s, Email)
	s = linkRE.ReplaceAllString(s, Link)
	s = atHandleRE.ReplaceAllString(s, Handle)
	s = handleShapeRE.ReplaceAllStringFunc(s, func(w string) string {
		if handleShaped(w) {
			return Handle
		}
		return w
	})
	s = digitsRE.ReplaceAllStringFunc(s, func(m string) string {
		n := 0
		for _, r := range m {
			if r >= '0' && r <= '9' || r >= 0x1369 && r <= 0x137C {
				n++
			}
		}
		if n >= 3 {
			return Number
		}
		return m
	})
	s = wordRules(s)
	for p, re := range repeatREs {
		s = re.ReplaceAllLiteralString(s, p)
	}
	return cut(strings.TrimSpace(s))
}

// fold makes disguised characters plain: compatibility forms (full-width
// letters and digits, circled and superscript digits) become ordinary
// ones, every script's decimal digits become ASCII digits, and invisible
// characters that split a number or an address go.
func fold(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			return -1
		case r > unicode.MaxASCII && unicode.IsDigit(r):
			return '0' + digitValue(r)
		}
		return r
	}, s)
}

// digitValue is the value of a decimal digit rune: Unicode puts the ten
// digits of each script in a row, zero first.
func digitValue(r rune) rune {
	z := r
	for r-z < 9 && unicode.IsDigit(z-1) {
		z--
	}
	return r - z
}

// handleShaped reports whether a word with dots or underscores inside, or
// letters then digits, looks like a user name rather than a word.
func handleShaped(w string) bool {
	if strings.Contains(w, "_") || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return strings.IndexFunc(w, unicode.IsLetter) >= 0
	}
	// with dots only: "amina.k" and "j.doe" are, "e.g" and "me.i" are not
	short, long := false, false
	for _, p := range strings.Split(w, ".") {
		n := utf8.RuneCountInString(p)
		short = short || n == 1
		long = long || n >= 3
	}
	return short && long
}

// cut shortens s to MaxRunes, at a space when there is one near the end.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= MaxRunes {
		return s
	}
	r := []rune(s)[:MaxRunes-1]
	if i := strings.LastIndexFunc(string(r), unicode.IsSpace); i > len(string(r))*3/4 {
		return strings.TrimSpace(string(r)[:i]) + "…"
	}
	return string(r) + "…"
}

func splitWords(s string) []string { return strings.Fields(s) }
