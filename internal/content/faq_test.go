package content_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/content"
)

// What the English entries must say and cite, checked on the shipped
// content.
func TestEnglishEntries(t *testing.T) {
	c, err := content.LoadSource(faq.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range c.IDs {
		e := c.Langs[content.SourceLanguage].Entries[id]
		text := strings.ToLower(e.Short + "\n" + e.Long)
		// every entry a young person reads, the reporting ones too, says
		// plainly that it is not their fault
		if e.Audience == "youth" || e.Topic == "report" {
			if !strings.Contains(text, "not your fault") && !strings.Contains(text, "never your fault") {
				t.Errorf("%s: a youth entry that does not say \"not your fault\"", id)
			}
		}
		// "call your local emergency number" is written {emergency}, so
		// that the reader's own numbers are filled in
		if strings.Contains(text, "local emergency number") || strings.Contains(text, "your emergency number") {
			t.Errorf("%s: write {emergency} instead of \"your local emergency number\"", id)
		}
		for _, s := range e.Sources {
			u, err := url.Parse(s.URL)
			switch {
			case err != nil || u.Scheme != "https":
				t.Errorf("%s: source %q is not an https link", id, s.URL)
			case strings.Contains(u.RawQuery, "utm_") || strings.Contains(u.RawQuery, "_t_"):
				t.Errorf("%s: source %q carries tracking parameters", id, s.URL)
			case u.Path == "/" && u.Query().Has("p"):
				t.Errorf("%s: source %q is an opaque link; cite the page's own address", id, s.URL)
			}
		}
		// one address for the CyberTipline, the report form's own
		if strings.Contains(text, "cybertipline.org") {
			t.Errorf("%s: write the CyberTipline as report.cybertip.org", id)
		}
	}
}
