package engine

import (
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
)

// helplines lists the people the user can talk to in their country, its
// emergency number and where to report. When ask is set and the country is
// not known, it asks once, gently, for the country.
func (c *conv) helplines(ask bool) chat.Reply {
	dir := c.k.Content.Helplines
	cn := dir.Country(c.country)
	var b strings.Builder
	if cn.Code == content.International {
		b.WriteString(c.t("helplines_title_international"))
	} else {
		b.WriteString(c.t("helplines_title", "Country", c.countryName(cn.Code)))
	}
	b.WriteString("\n")
	talk := cn.ServicesOf("child-helpline")
	if len(talk) == 0 {
		if cn.NoChildLine != "" {
			b.WriteString(c.t("helpline_no_child_line") + "\n")
		}
		talk = cn.ServicesOf("alternative")
	}
	if cn.Code == content.International {
		talk = cn.ServicesOf("directory")
	}
	for _, s := range talk {
		b.WriteString(c.serviceLine(s))
	}
	if cn.Emergency != "" {
		b.WriteString(c.t("helpline_emergency", "Number", c.emergency(cn)) + "\n")
	}
	report := cn.ServicesOf("report-hotline")
	if cn.Code == content.International {
		report = append(report, cn.ServicesOf("takedown")...)
	}
	if len(report) > 0 {
		b.WriteString("\n" + c.t("helpline_report") + "\n")
		for _, s := range report {
			b.WriteString(c.serviceLine(s))
		}
	}
	r := chat.Reply{Kind: chat.KindCommand, Text: strings.TrimRight(b.String(), "\n")}
	if ask && !c.countryKnown && !c.prefs.AskedCountry {
		r.Text += "\n\n" + c.t("country_ask")
		c.prefs.AskedCountry, c.dirty = true, true
	}
	r.Choices = []chat.Choice{{Label: c.t("button_country"), Payload: pMenu + ":country"}, c.topicsButton()}
	return r
}

// serviceLine is "- Name: call 116 (free, 24/7)" and its link.
func (c *conv) serviceLine(s content.Service) string {
	var b strings.Builder
	b.WriteString("- " + s.Name)
	if s.Phone != "" {
		b.WriteString(": " + c.t("helpline_call", "Phone", s.Phone))
		var notes []string
		if s.Free == "yes" {
			notes = append(notes, c.t("helpline_free"))
		}
		if s.Hours != "" {
			notes = append(notes, s.Hours)
		}
		if len(notes) > 0 {
			b.WriteString(" (" + strings.Join(notes, ", ") + ")")
		}
	}
	b.WriteString("\n")
	for _, link := range []string{s.Chat, s.WhatsApp, s.Web} {
		if link != "" {
			b.WriteString("  " + link + "\n")
			break
		}
	}
	return b.String()
}

// helplineInline is the country's first helpline in a sentence:
// "Childline Kenya (116)". It fills {helpline} in entries.
func (c *conv) helplineInline() string {
	cn := c.k.Content.Helplines.Country(c.country)
	for _, kind := range []string{"child-helpline", "alternative", "directory"} {
		for _, s := range cn.ServicesOf(kind) {
			switch {
			case s.Phone != "":
				return s.Name + " (" + s.Phone + ")"
			case s.Web != "":
				return s.Name + " (" + s.Web + ")"
			}
		}
	}
	intl := c.k.Content.Helplines.Country(content.International).ServicesOf("directory")
	if len(intl) > 0 && cn.Code != content.International {
		return intl[0].Name + " (" + intl[0].Web + ")"
	}
	return c.t("helpline_fallback")
}

// urgent leads with calm words, the helpline and the emergency number, then
// offers the related entry. It never asks what happened.
func (c *conv) urgent(related string) chat.Reply {
	cn := c.k.Content.Helplines.Country(c.country)
	var b strings.Builder
	b.WriteString(c.t("urgent_lead") + "\n\n")
	if cn.Emergency != "" {
		b.WriteString(c.t("urgent_now", "Number", c.emergency(cn)) + "\n\n")
	}
	b.WriteString(c.t("urgent_talk") + "\n")
	talk := cn.ServicesOf("child-helpline")
	if len(talk) == 0 {
		talk = cn.ServicesOf("alternative")
	}
	if len(talk) == 0 {
		talk = c.k.Content.Helplines.Country(content.International).ServicesOf("directory")
	}
	for _, s := range talk {
		b.WriteString(c.serviceLine(s))
	}
	r := chat.Reply{Kind: chat.KindUrgent, FAQID: related, Private: true, Text: strings.TrimRight(b.String(), "\n")}
	if related != "" && c.k.Content.Entry(c.lang, related) != nil {
		r.Text += "\n\n" + c.t("urgent_more")
		r.Choices = append(r.Choices, c.entryButton(related))
	}
	if !c.countryKnown {
		r.Choices = append(r.Choices, chat.Choice{Label: c.t("button_country"), Payload: pMenu + ":country"})
	}
	return r
}

// deterrence offers no FAQ content: it says plainly that this harms children
// and is a crime, and points to confidential help.
func (c *conv) deterrence() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("deterrence") + "\n")
	for _, s := range c.preventionServices() {
		b.WriteString(c.serviceLine(s))
	}
	return chat.Reply{Kind: chat.KindDeterrence, Text: strings.TrimRight(b.String(), "\n")}
}

// preventionServices are the confidential services for people worried
// about their own thoughts: the country's, then the international ones.
func (c *conv) preventionServices() []content.Service {
	dir := c.k.Content.Helplines
	services := dir.Country(c.country).ServicesOf("prevention")
	if c.country != content.International {
		services = append(services, dir.Country(content.International).ServicesOf("prevention")...)
	}
	return services
}

// mixed answers a message with signals of both seeking abuse material and
// asking for help (a victim or a witness may be using an offender's words):
// no FAQ content, and words for both readers, never a rebuke.
func (c *conv) mixed() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("deterrence_mixed") + "\n")
	dir := c.k.Content.Helplines
	report := dir.Country(c.country).ServicesOf("report-hotline")
	if len(report) == 0 {
		report = dir.Country(content.International).ServicesOf("report-hotline")
	}
	for _, s := range report {
		b.WriteString(c.serviceLine(s))
	}
	b.WriteString("\n" + c.t("deterrence_mixed_help") + "\n")
	for _, s := range c.preventionServices() {
		b.WriteString(c.serviceLine(s))
	}
	return chat.Reply{Kind: chat.KindDeterrence, Private: true, Text: strings.TrimRight(b.String(), "\n"),
		Choices: []chat.Choice{c.helplinesButton()}}
}

// media answers a file the bot will not open.
func (c *conv) media() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("media") + "\n")
	dir := c.k.Content.Helplines
	report := dir.Country(c.country).ServicesOf("report-hotline")
	if len(report) == 0 {
		report = dir.Country(content.International).ServicesOf("report-hotline")
	}
	for _, s := range report {
		b.WriteString(c.serviceLine(s))
	}
	return chat.Reply{
		Kind: chat.KindMedia, Private: true, Text: strings.TrimRight(b.String(), "\n"),
		Choices: []chat.Choice{c.entryButton("images.found-csam"), c.entryButton("report.how"), c.helplinesButton()},
	}
}
