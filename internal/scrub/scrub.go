// Package scrub removes what could identify a person from a question before
// it is kept in the content-gap log: e-mail addresses, links, @handles, phone
// numbers and any run of five or more digits (ids, codes, dates of birth).
package scrub

import "regexp"

var rules = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`), "[email]"},
	{regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9\-]+\.(?:com|org|net|io|me|ly|gg|co|app|link)(?:/\S*)?\b`), "[link]"},
	{regexp.MustCompile(`@[\p{L}\p{N}_.]{2,}`), "[handle]"},
	// a phone number: seven or more digits, perhaps with +, spaces, dots,
	// dashes or brackets between them
	{regexp.MustCompile(`\+?\(?\d[\d\s().\-]{5,}\d`), "[number]"},
	{regexp.MustCompile(`\d{5,}`), "[number]"},
}

// Text returns s with personal details replaced by [email], [link],
// [handle] and [number].
func Text(s string) string {
	for _, r := range rules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}
