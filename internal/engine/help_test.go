package engine

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/internal/norm"
	"github.com/salama-safety/salama/locales"
)

var (
	helpOnce sync.Once
	helpK    *Knowledge
)

// helpKnowledge is the embedded content, loaded once for these tests.
func helpKnowledge(tb testing.TB) *Knowledge {
	tb.Helper()
	helpOnce.Do(func() { helpK = MustLoad(faq.FS, locales.FS) })
	return helpK
}

// testConv is a conversation in lang with the country known (or, for
// content.International, not known), as resolve would leave it.
func testConv(tb testing.TB, lang, country string, opts Options) *conv {
	tb.Helper()
	k := helpKnowledge(tb)
	c := &conv{e: New(k, memstore.New(), opts), k: k, ctx: context.Background(), lang: lang, m: chat.Message{LangHint: lang}}
	c.country = country
	c.countryKnown = country != content.International
	return c
}

// each calls f for every language and every country of the directory,
// the international default included.
func each(tb testing.TB, f func(c *conv, cn *content.Country)) {
	k := helpKnowledge(tb)
	for _, lang := range k.langs {
		for _, code := range k.Content.Helplines.Codes {
			c := testConv(tb, lang, code, Options{})
			f(c, k.Content.Helplines.Countries[code])
		}
	}
}

// The replies that show the directory, as one person would read them.
func helpReplies(c *conv) map[string]string {
	return map[string]string{
		"urgent":     c.urgent("help.talk-now").Text,
		"group":      c.urgentPublic(),
		"helplines":  c.helplines(false).Text,
		"deterrence": c.deterrence().Text,
		"mixed":      c.mixed().Text,
		"media":      c.media().Text,
		"{helpline}": c.helplineInline(),
		"{emerg}":    c.emergencyInline(),
	}
}

var (
	links   = regexp.MustCompile(`https?://\S+`)
	times   = regexp.MustCompile(`\b\d{1,2}:\d{2}\b`)
	numbers = regexp.MustCompile(`[+*#]?\d(?:[\d -]*\d)?`)
)

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '*' || r == '#' {
			return r
		}
		return -1
	}, s)
}

// Every number a reply shows comes from the directory: the reader's
// country's record, the international services, or the mobile emergency
// number offered where no emergency number is confirmed.
func TestEveryNumberComesFromTheDirectory(t *testing.T) {
	k := helpKnowledge(t)
	intl := k.Content.Helplines.Countries[content.International]
	each(t, func(c *conv, cn *content.Country) {
		allowed := map[string]bool{MobileEmergency: true}
		for _, n := range slices.Concat(cn.Numbers(), intl.Numbers()) {
			allowed[digits(n)] = true
		}
		// names and notes are the directory's words too ("Sauti 116",
		// "under 18", "text 114")
		for _, rec := range []*content.Country{cn, intl} {
			data := []string{rec.EmergencyNote}
			for _, s := range rec.Services {
				data = append(data, s.Name, s.Note)
			}
			for _, d := range data {
				for _, n := range numbers.FindAllString(d, -1) {
					allowed[digits(n)] = true
				}
			}
		}
		for name, text := range helpReplies(c) {
			text = links.ReplaceAllString(text, " ")
			text = times.ReplaceAllString(text, " ")
			text = strings.ReplaceAll(text, c.t("helpline_24_7"), " ")
			for _, n := range numbers.FindAllString(text, -1) {
				if !allowed[digits(n)] {
					t.Errorf("%s %s %s: %q is not a number of the directory for this country:\n%s", c.lang, cn.Code, name, n, text)
				}
			}
		}
	})
}

// A line is called free, or open 24/7, only when its record says so; and
// no other words of a reply say it of the lines.
func TestFreeAnd247OnlyFromTheRecord(t *testing.T) {
	each(t, func(c *conv, cn *content.Country) {
		free, always := c.t("helpline_free"), c.t("helpline_24_7")
		claims := func(line, label string) bool {
			return strings.Contains(line, "("+label) || strings.Contains(line, ", "+label)
		}
		intl := helpKnowledge(t).Content.Helplines.Countries[content.International]
		services := slices.Concat(cn.Services, intl.Services)
		for _, s := range services {
			line := c.serviceLine(s, lineFull)
			if got, want := claims(line, free), s.Free == "yes" && s.Phone != ""; got != want {
				t.Errorf("%s %s: %q says free = %v, record free: %q", c.lang, s.ID, line, got, s.Free)
			}
			if got, want := strings.Contains(line, always), s.Hours.Always && s.Phone != ""; got != want {
				t.Errorf("%s %s: %q says 24/7 = %v, record hours: %+v", c.lang, s.ID, line, got, s.Hours)
			}
		}
		for name, text := range helpReplies(c) {
			for _, s := range services {
				text = strings.ReplaceAll(text, c.serviceLine(s, lineFull), "")
				text = strings.ReplaceAll(text, c.serviceLine(s, lineShort), "")
				text = strings.ReplaceAll(text, c.serviceLine(s, lineOpts{}), "")
			}
			if claims(text, free) || strings.Contains(text, always) {
				t.Errorf("%s %s %s: outside the service lines, the reply says free or 24/7:\n%s", c.lang, cn.Code, name, text)
			}
		}
	})
}

// listed reports whether the reply lists the service as a line of its own.
func listed(text string, s content.Service) bool {
	for _, end := range []string{" (", ":", "\n"} {
		if strings.Contains(text+"\n", "- "+s.Name+end) {
			return true
		}
	}
	return false
}

// Every urgent reply carries a number to call, in every language and
// country, with or without a default country, and in a group; it never
// offers a reporting line, or a line marked `urgent: no`, as someone to
// talk to.
func TestUrgentAlwaysHasANumberToCall(t *testing.T) {
	k := helpKnowledge(t)
	dir := k.Content.Helplines
	check := func(c *conv, cn *content.Country, what string) {
		t.Helper()
		call := c.urgentCall(cn)
		want := append(slices.Clone(cn.Emergency), MobileEmergency)
		if !slices.ContainsFunc(want, func(n string) bool { return strings.Contains(call, n) }) {
			t.Errorf("%s %s %s: the urgent reply gives no number to call: %q", c.lang, cn.Code, what, call)
		}
		for name, text := range map[string]string{"urgent": c.urgent("").Text, "group": c.urgentPublic()} {
			if !strings.HasPrefix(strings.TrimPrefix(text, c.t("urgent_lead")+"\n\n"), call) {
				t.Errorf("%s %s %s %s: the number to call does not come first:\n%s", c.lang, cn.Code, what, name, text)
			}
			for _, s := range slices.Concat(cn.Services, dir.Countries[content.International].Services) {
				if (!s.Talk() || !s.Urgent) && listed(text, s) && s.Kind != content.KindDirectory {
					t.Errorf("%s %s %s %s: lists %s (%s, urgent %v) as someone to talk to:\n%s", c.lang, cn.Code, what, name, s.ID, s.Kind, s.Urgent, text)
				}
			}
		}
	}
	each(t, func(c *conv, cn *content.Country) {
		check(c, cn, "")
		inline := c.helplineInline()
		for _, s := range slices.Concat(cn.Services, dir.Countries[content.International].Services) {
			if !s.Talk() && strings.HasPrefix(inline, s.Name+" (") {
				t.Errorf("%s %s: {helpline} is %s, a %s", c.lang, cn.Code, s.ID, s.Kind)
			}
		}
	})
	// with no country known, the deployment's default country speaks
	for _, lang := range k.langs {
		c := testConv(t, lang, content.International, Options{Country: "KE"})
		c.m = chat.Message{User: chat.User{Platform: chat.Console, ID: lang}, LangHint: lang}
		c.resolve()
		if c.country != "KE" || c.countryKnown {
			t.Fatalf("default country: country %q known %v", c.country, c.countryKnown)
		}
		check(c, dir.Countries["KE"], "default KE")
		if r := c.urgent(""); !strings.Contains(r.Text, "116") || !slices.ContainsFunc(r.Choices, func(ch chat.Choice) bool { return ch.Payload == pMenu+":country" }) {
			t.Errorf("%s: with a default country the urgent reply gives its helpline and still offers to change country: %q %v", lang, r.Text, r.Choices)
		}
	}
}

// Where the country is not known, the urgent reply offers the countries of
// the reader's language as one tap each.
func TestUrgentOffersTheLanguagesCountries(t *testing.T) {
	for lang, want := range map[string]string{"sw": "country:TZ", "fr": "country:SN", "ar": "country:EG", "am": "country:ET", "es": "country:MX"} {
		c := testConv(t, lang, content.International, Options{})
		r := c.urgent("")
		if !slices.ContainsFunc(r.Choices, func(ch chat.Choice) bool { return ch.Payload == want }) {
			t.Errorf("%s: urgent choices %v lack %s", lang, r.Choices, want)
		}
	}
}

// The US urgent reply includes the 988 line; Mexico's never lists 089,
// which is for reports when no one is in danger.
func TestUrgentLinesByCountry(t *testing.T) {
	for _, tc := range []struct {
		country   string
		want, not []string
	}{
		{"US", []string{"988", "911"}, []string{"1-800-422-4453"}},
		{"MX", []string{"911", "800 911 2000"}, []string{"089"}},
		{"KE", []string{"999", "116"}, nil},
		{"NE", []string{MobileEmergency}, nil},
		{"CD", []string{MobileEmergency, "122"}, nil},
	} {
		text := testConv(t, "en", tc.country, Options{}).urgent("").Text
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s urgent lacks %s:\n%s", tc.country, w, text)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(text, n) {
				t.Errorf("%s urgent lists %s:\n%s", tc.country, n, text)
			}
		}
	}
}

// Prevention lines are offered with where they work, so that nobody is
// handed another country's number as if it were theirs; the US line is
// shown only to readers in the US.
func TestDeterrenceSaysWhereEachLineWorks(t *testing.T) {
	each(t, func(c *conv, cn *content.Country) {
		text := c.deterrence().Text
		for _, s := range c.preventionServices() {
			if slices.Contains(s.Where, cn.Code) {
				continue
			}
			if w := c.whereText(s); w == "" || !strings.Contains(text, s.Name+" ("+w) && !strings.Contains(text, ", "+w+")") {
				t.Errorf("%s %s: %s is shown without where it works (%q):\n%s", c.lang, cn.Code, s.ID, w, text)
			}
		}
		if us := "1-888-773-8368"; cn.Code != "US" && strings.Contains(text, us) {
			t.Errorf("%s %s: the US prevention number is shown outside the US", c.lang, cn.Code)
		}
	})
}

// Every country the launch languages are read in resolves: by its code and
// by its name in each of the twelve languages, and each language has
// countries to offer.
func TestEveryLaunchCountryResolves(t *testing.T) {
	k := helpKnowledge(t)
	launch := strings.Fields(`KE TZ UG RW BI CD ET NG GH NE SN CI CM ML BF BJ TG GN MG FR BE CA
		EG MA TN DZ SD SA AE JO LB IQ YE PS AR PE CL EC GT VE ES US MX CO BR AO MZ PT
		IN BD NP PK ID MY PH GB ZA`)
	for _, lang := range k.langs {
		// a language still being translated (a new one) may have no
		// country yet: its readers get the international helplines, and
		// salama locales check warns
		if len(k.Content.Helplines.ByLanguage(lang)) == 0 && !k.partial[lang] {
			t.Errorf("%s: no country lists this language", lang)
		}
		launch = append(launch, k.Content.Helplines.ByLanguage(lang)...)
	}
	for _, code := range launch {
		if k.Content.Helplines.Countries[code] == nil {
			t.Errorf("%s is not in the directory", code)
			continue
		}
		for _, lang := range k.langs {
			name := k.countryName(lang, code)
			if got := k.countries[norm.Fold(name)]; got != code {
				t.Errorf("%s: the %s name %q does not resolve (got %q)", code, lang, name, got)
			}
		}
	}
	for name, code := range map[string]string{"مصر": "EG", "Misri": "EG", "भारत": "IN", "Brasil": "BR", "kenya": "KE", "Côte d’Ivoire": "CI", "RD Congo": ""} {
		if got := k.countries[norm.Fold(name)]; got != code {
			t.Errorf("country name %q = %q, want %q", name, got, code)
		}
	}
}

// Country names are shown in the reader's language.
func TestCountryNamesInTheReadersLanguage(t *testing.T) {
	k := helpKnowledge(t)
	for _, tc := range []struct{ lang, code, want string }{
		{"en", "CD", "DR Congo"}, {"ar", "EG", "مصر"}, {"sw", "EG", "Misri"}, {"ha", "EG", "Masar"},
		{"hi", "IN", "भारत"}, {"pt", "BR", "Brasil"}, {"fr", "DZ", "Algérie"},
	} {
		if got := k.countryName(tc.lang, tc.code); got != tc.want {
			t.Errorf("countryName(%s, %s) = %q, want %q", tc.lang, tc.code, got, tc.want)
		}
	}
}

// Opening hours are rendered from the record, in the reader's language.
func TestHoursText(t *testing.T) {
	c := testConv(t, "en", "IQ", Options{})
	h, err := content.ParseHours("09:00-22:00 Sun-Thu; 10:00-12:00 Sat")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.hoursText(h), "Sunday to Thursday, 09:00–22:00; Saturday, 10:00–12:00"; got != want {
		t.Errorf("hoursText = %q, want %q", got, want)
	}
	c.lang = "sw"
	if got, want := c.hoursText(content.Hours{Always: true}), "saa 24, kila siku"; got != want {
		t.Errorf("hoursText(24/7) in Swahili = %q, want %q", got, want)
	}
}
