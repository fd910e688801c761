package engine

import (
	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/content"
)

// Language returns the supported language a BCP 47 tag ("sw", "pt-BR", "tl")
// is answered in, and false when the engine has no such language, so that a
// command can refuse it instead of answering in English.
func (e *Engine) Language(tag string) (string, bool) {
	k := e.k.Load()
	if code := k.negotiate(tag, ""); code != content.SourceLanguage {
		return code, true
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	base, _ := t.Base()
	return content.SourceLanguage, base.String() == content.SourceLanguage
}
