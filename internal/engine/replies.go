package engine

import (
	"slices"
	"strconv"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/internal/norm"
)

// Payloads carried by choices: "verb:argument".
const (
	pFAQ     = "faq"     // show an entry's first screen
	pMore    = "more"    // show an entry's longer answer
	pYes     = "yes"     // the entry helped
	pNo      = "no"      // the entry did not help
	pTopic   = "topic"   // list a topic's entries
	pMenu    = "menu"    // topics, language, country, helplines
	pLang    = "lang"    // choose a language
	pRegion  = "region"  // list a region's countries (by index)
	pCountry = "country" // choose a country
)

// languageName is the language's name in itself (its `language_name`
// message).
func (k *Knowledge) languageName(lang string) string {
	return k.Texts.T(lang, "language_name", nil)
}

func (c *conv) payload(p string) chat.Reply {
	verb, arg, _ := strings.Cut(p, ":")
	k := c.k.Content
	switch verb {
	case pFAQ:
		if k.Entry(c.lang, arg) != nil {
			return c.answer(arg, 1)
		}
	case pMore:
		if k.Entry(c.lang, arg) != nil {
			return c.more(arg)
		}
	case pYes, pNo:
		if k.Entry(c.lang, arg) != nil {
			ev, text := chat.EventHelpful, c.t("helpful_thanks")
			// the thanks carries no FAQ id: the entry was counted when shown;
			// either way, the way on
			r := chat.Reply{Kind: chat.KindCommand, Text: text, Choices: []chat.Choice{c.topicsButton(), c.helplinesButton()}}
			if verb == pNo {
				ev = chat.EventUnhelpful
				r.Text = c.t("unhelpful_thanks")
			}
			_ = c.e.count(c.ctx, ev, chat.KindAnswer, c.lang, arg, c.m.User.Platform)
			return r
		}
	case pTopic:
		if slices.Contains(content.Topics, arg) {
			return c.topic(arg)
		}
	case pMenu:
		return c.command("/" + arg)
	case pLang:
		return c.setLanguage(arg)
	case pRegion:
		if i, err := strconv.Atoi(arg); err == nil && i >= 0 && i < len(content.Regions) {
			return c.region(content.Regions[i])
		}
	case pCountry:
		return c.setCountry(arg)
	}
	// an old button from before a content change: show the menu
	return c.topicMenu(nil)
}

func (c *conv) command(text string) chat.Reply {
	name, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name, _, _ = strings.Cut(name, "@") // /start@SalamaBot in groups
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(name) {
	case "start":
		return c.start(arg)
	case "help":
		return chat.Reply{Kind: chat.KindCommand, Text: c.t("help_text"), Choices: []chat.Choice{c.topicsButton(), c.helplinesButton()}}
	case "topics":
		return c.topicMenu(nil)
	case "language", "lang":
		if arg != "" {
			return c.setLanguage(arg)
		}
		return c.languageMenu()
	case "country":
		if arg != "" {
			return c.setCountry(arg)
		}
		return c.regionMenu()
	case "helplines", "helpline":
		return c.helplines(true)
	case "privacy":
		text := c.t("privacy", "Days", c.e.opts.RetentionDays)
		if c.e.opts.Gaps != nil {
			text += "\n\n" + c.t("privacy_gaps", "Days", c.e.opts.GapDays)
		}
		return chat.Reply{Kind: chat.KindCommand, Text: text, FAQID: "about.privacy"}
	case "forget":
		if c.m.Group {
			return chat.Reply{Kind: chat.KindCommand, Text: c.t("forget_group")}
		}
		if err := c.e.store.Forget(c.ctx, c.m.User); err != nil {
			return chat.Reply{Kind: chat.KindCommand, Text: c.t("fallback")}
		}
		c.forgotten, c.prefs = true, chat.Prefs{}
		c.lang = c.k.negotiate("", c.m.LangHint)
		return chat.Reply{Kind: chat.KindCommand, Text: c.t("forget_done")}
	}
	return chat.Reply{Kind: chat.KindCommand, Text: c.t("help_text"), Choices: []chat.Choice{c.topicsButton()}}
}

// start handles /start and its deep-link payloads: lang_sw, topic_sextortion,
// country_KE.
func (c *conv) start(arg string) chat.Reply {
	verb, val, _ := strings.Cut(arg, "_")
	switch verb {
	case "lang":
		c.setLanguage(val)
	case "country":
		// A poster's link for a country opens on its helplines.
		if c.countryCode(val) != "" {
			r := c.setCountry(val)
			r.Text = c.t("welcome") + "\n\n" + r.Text
			return r
		}
	case "topic":
		if slices.Contains(content.Topics, val) {
			r := c.topic(val)
			r.Text = c.t("welcome") + "\n\n" + r.Text
			return r
		}
	}
	r := c.topicMenu(nil)
	r.Text = c.t("welcome")
	r.Choices = append(r.Choices, c.languageButton())
	return r
}

func (c *conv) greeting() chat.Reply {
	r := c.topicMenu(nil)
	r.Kind = chat.KindGreeting
	r.Text = c.t("greeting")
	return r
}

// entryText is an entry's text with the country's helpline and emergency
// number filled in.
func (c *conv) entryText(s string) string {
	if strings.Contains(s, content.HelplineHolder) {
		s = strings.ReplaceAll(s, content.HelplineHolder, c.helplineInline())
	}
	if strings.Contains(s, content.EmergencyHolder) {
		s = strings.ReplaceAll(s, content.EmergencyHolder, c.emergencyInline())
	}
	return s
}

func (c *conv) answer(id string, score float64) chat.Reply {
	e := c.k.Content.Entry(c.lang, id)
	r := chat.Reply{Kind: chat.KindAnswer, FAQID: id, Score: score, Lang: c.entryLang(id)}
	r.Text = c.untranslated(id) + e.Title + "\n\n" + c.entryText(e.Short) + "\n\n" + c.t("helpful_question")
	r.Choices = append(r.Choices, chat.Choice{Label: c.t("button_more"), Payload: pMore + ":" + id})
	r.Choices = append(r.Choices, c.helpfulButtons(id)...)
	r.Choices = append(r.Choices, c.related(e)...)
	return r
}

func (c *conv) more(id string) chat.Reply {
	e := c.k.Content.Entry(c.lang, id)
	r := chat.Reply{Kind: chat.KindAnswer, FAQID: id, Score: 1, Lang: c.entryLang(id)}
	r.Text = c.untranslated(id) + e.Title + "\n\n" + c.entryText(e.Long) + "\n\n" + c.t("helpful_question")
	r.Choices = append(c.helpfulButtons(id), c.related(e)...)
	return r
}

// entryLang is the language the entry is served in (English when the
// user's language has no translation of it yet).
func (c *conv) entryLang(id string) string {
	if l := c.k.Content.Langs[c.lang]; l != nil && l.Entries[id] != nil && l.Entries[id].Translated {
		return c.lang
	}
	return content.SourceLanguage
}

// untranslated is the line that says, above an entry served in English,
// that it is not translated into the user's language yet.
func (c *conv) untranslated(id string) string {
	if c.lang == content.SourceLanguage || c.entryLang(id) == c.lang {
		return ""
	}
	return c.t("not_translated", "Language", c.k.languageName(c.lang)) + "\n\n"
}

func (c *conv) helpfulButtons(id string) []chat.Choice {
	return []chat.Choice{
		{Label: c.t("button_helpful"), Payload: pYes + ":" + id, Vote: true},
		{Label: c.t("button_unhelpful"), Payload: pNo + ":" + id, Vote: true},
	}
}

func (c *conv) related(e *content.Entry) []chat.Choice {
	var out []chat.Choice
	for _, id := range e.Related {
		out = append(out, c.entryButton(id))
	}
	return out
}

func (c *conv) entryButton(id string) chat.Choice {
	return chat.Choice{Label: c.k.Content.Entry(c.lang, id).Title, Payload: pFAQ + ":" + id}
}

func (c *conv) clarify(rs []match.Result) chat.Reply {
	r := chat.Reply{Kind: chat.KindClarify, Text: c.t("clarify_prompt"), Score: rs[0].Score}
	for _, res := range rs {
		r.Candidates = append(r.Candidates, res.ID)
		r.Choices = append(r.Choices, c.entryButton(res.ID))
	}
	r.Choices = append(r.Choices, c.topicsButton())
	return r
}

func (c *conv) fallback() chat.Reply {
	return chat.Reply{Kind: chat.KindFallback, Text: c.t("fallback"), Choices: []chat.Choice{c.topicsButton(), c.helplinesButton()}}
}

func (c *conv) topicsButton() chat.Choice {
	return chat.Choice{Label: c.t("button_topics"), Payload: pMenu + ":topics"}
}

func (c *conv) helplinesButton() chat.Choice {
	return chat.Choice{Label: c.t("button_helplines"), Payload: pMenu + ":helplines"}
}

func (c *conv) languageButton() chat.Choice {
	return chat.Choice{Label: c.t("button_language"), Payload: pMenu + ":language"}
}

// topicMenu lists the topics that have entries; first come first.
func (c *conv) topicMenu(first []string) chat.Reply {
	r := chat.Reply{Kind: chat.KindCommand, Text: c.t("topics_prompt")}
	topics := append(slices.Clone(first), content.Topics...)
	seen := map[string]bool{}
	en := c.k.Content.Langs[content.SourceLanguage]
	for _, t := range topics {
		if seen[t] {
			continue
		}
		seen[t] = true
		for _, id := range c.k.Content.IDs {
			if en.Entries[id].Topic == t {
				r.Choices = append(r.Choices, chat.Choice{Label: c.t("topic_" + t), Payload: pTopic + ":" + t})
				break
			}
		}
	}
	return r
}

// topic lists a topic's questions, under its name and how many there are.
func (c *conv) topic(t string) chat.Reply {
	r := chat.Reply{Kind: chat.KindCommand}
	for _, id := range c.k.Content.IDs {
		if c.k.Content.Langs[content.SourceLanguage].Entries[id].Topic == t {
			r.Choices = append(r.Choices, c.entryButton(id))
		}
	}
	n := len(r.Choices)
	r.Text = c.t("topic_"+t) + " (" + c.k.Texts.N(c.lang, "topic_count", n, map[string]any{"Count": n}) + ")\n\n" + c.t("topic_prompt")
	r.Choices = append(r.Choices, c.topicsButton())
	return r
}

func (c *conv) languageMenu() chat.Reply {
	r := chat.Reply{Kind: chat.KindCommand, Text: c.t("language_prompt")}
	for _, l := range c.k.langs {
		r.Choices = append(r.Choices, chat.Choice{Label: c.k.languageName(l), Payload: pLang + ":" + l})
	}
	return r
}

func (c *conv) setLanguage(arg string) chat.Reply {
	code := ""
	folded := norm.Fold(arg)
	for _, l := range c.k.langs {
		if strings.EqualFold(l, arg) || norm.Fold(c.k.languageName(l)) == folded || c.k.englishNames[l] == folded {
			code = l
		}
	}
	if code == "" {
		if n := c.k.negotiate(arg, ""); n != content.SourceLanguage || strings.HasPrefix(strings.ToLower(arg), "en") {
			code = n
		}
	}
	if code == "" {
		return c.languageMenu()
	}
	c.lang, c.prefs.Lang, c.dirty = code, code, true
	r := c.topicMenu(nil)
	r.Text = c.t("language_set")
	if c.k.partial[code] {
		r.Text = c.t("language_set_partial", "Language", c.k.languageName(code))
	}
	return r
}

// regionMenu offers the countries where the reader's language is widely
// read, one tap each, then every region of the directory.
func (c *conv) regionMenu() chat.Reply {
	r := chat.Reply{Kind: chat.KindCommand, Text: c.t("country_prompt")}
	r.Choices = c.languageCountryButtons()
	dir := c.k.Content.Helplines
	for i, reg := range content.Regions {
		for _, code := range dir.Codes {
			if dir.Countries[code].Region == reg {
				label := c.regionName(reg)
				if code == content.International {
					label = "🌐 " + label
				}
				r.Choices = append(r.Choices, chat.Choice{Label: label, Payload: pRegion + ":" + strconv.Itoa(i)})
				break
			}
		}
	}
	return r
}

// regionName is a region of the menu in the reader's language.
func (c *conv) regionName(reg string) string {
	return c.t("region_" + strings.ReplaceAll(strings.ToLower(reg), " ", "_"))
}

// countryName is a country's name in the reader's language.
func (c *conv) countryName(code string) string {
	if code == content.International {
		return c.t("country_international")
	}
	return c.k.countryName(c.lang, code)
}

func (c *conv) region(reg string) chat.Reply {
	r := chat.Reply{Kind: chat.KindCommand, Text: c.t("country_pick")}
	dir := c.k.Content.Helplines
	for _, code := range dir.Codes {
		if cn := dir.Countries[code]; cn.Region == reg {
			r.Choices = append(r.Choices, chat.Choice{Label: c.countryName(code), Payload: pCountry + ":" + code})
		}
	}
	return r
}

// countryCode is the code of a country given by its code or its name in
// any language, or "" when the helpline directory has no such country.
func (c *conv) countryCode(arg string) string {
	code := strings.ToUpper(strings.TrimSpace(arg))
	if c.k.Content.Helplines.Countries[code] == nil {
		code = c.countryByName(norm.Fold(arg))
	}
	return code
}

// setCountry takes a code, or a country's name in any language.
func (c *conv) setCountry(arg string) chat.Reply {
	code := c.countryCode(arg)
	if code == "" {
		r := c.regionMenu()
		r.Text = c.t("country_unknown")
		return r
	}
	c.prefs.Country, c.prefs.AskedCountry, c.dirty = code, true, true
	c.country, c.countryKnown = code, true
	h := c.helplines(false)
	h.Text = c.t("country_set", "Country", c.countryName(code)) + "\n\n" + h.Text
	return h
}
