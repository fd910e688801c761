package engine

import (
	"slices"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
)

// The replies that show the helpline directory. Everything they say about a
// service comes from its record: a number only as the record writes it,
// "free" only for `free: yes`, "24/7" only for `hours: 24/7`. Someone in
// danger is only ever offered lines to talk to (content.TalkKinds) that
// are not marked `urgent: no`; reporting lines are listed as places to
// report, never as someone to talk to.

// MobileEmergency is the number every mobile phone built to the 3GPP
// standard treats as an emergency call (3GPP TS 22.101, 10.1.1: "112 and
// 911 shall always be available"). It is offered, as something to try,
// only where the directory has no confirmed emergency number.
const MobileEmergency = "112"

// maxCountryButtons is how many countries of the reader's language a reply
// offers as one-tap choices.
const maxCountryButtons = 14

// countryRecord is the country whose helplines the reply shows: the user's, else
// the deployment's default, else the international default.
func (c *conv) countryRecord() *content.Country {
	return c.k.Content.Helplines.Country(c.country)
}

// helplines lists the people the user can talk to in their country, its
// emergency numbers and where to report. When ask is set and the country
// is not known, it asks once, gently, for the country.
func (c *conv) helplines(ask bool) chat.Reply {
	cn := c.countryRecord()
	intl := cn.Code == content.International
	var b strings.Builder
	if intl {
		b.WriteString(c.t("helplines_title_international"))
	} else {
		b.WriteString(c.t("helplines_title", "Country", c.countryName(cn.Code)))
	}
	b.WriteString("\n")
	talk := cn.TalkLines(false)
	if !intl && len(cn.ServicesOf(content.KindChildHelpline)) == 0 && cn.NoChildLine != "" {
		b.WriteString(c.t("helpline_no_child_line") + "\n")
	}
	if intl {
		talk = cn.ServicesOf(content.KindDirectory)
	}
	for _, s := range talk {
		b.WriteString(c.serviceLine(s, lineFull))
	}
	if intl {
		b.WriteString("\n" + c.urgentCall(cn) + "\n")
	} else {
		b.WriteString(c.emergencyLines(cn))
	}
	report := cn.ServicesOf(content.KindReportHotline, content.KindTakedown)
	if len(report) > 0 {
		b.WriteString("\n" + c.t("helpline_report") + "\n")
		for _, s := range report {
			b.WriteString(c.serviceLine(s, lineFull))
		}
	}
	r := chat.Reply{Kind: chat.KindCommand, Text: strings.TrimRight(b.String(), "\n")}
	if ask && !c.countryKnown && !c.prefs.AskedCountry {
		r.Text += "\n\n" + c.t("country_ask")
		c.prefs.AskedCountry, c.dirty = true, true
	}
	r.Choices = []chat.Choice{c.countryButton(), c.topicsButton()}
	return r
}

// lineOpts say what a service line shows besides the name, the number,
// free and the hours.
type lineOpts struct {
	note  bool // the note, in the reader's language, when there is one
	where bool // where the service works
}

var (
	lineFull  = lineOpts{note: true, where: true}
	lineShort = lineOpts{where: true}
)

// serviceLine is "- Name (tags): call 116 (free, 24/7)", its first link,
// and with o.note its note.
func (c *conv) serviceLine(s content.Service, o lineOpts) string {
	var b strings.Builder
	b.WriteString("- " + s.Name)
	var tags []string
	switch s.Kind {
	case content.KindReportHotline:
		tags = append(tags, c.t("helpline_kind_report"))
	case content.KindTakedown:
		tags = append(tags, c.t("helpline_kind_takedown"))
	case content.KindCrisisLine:
		tags = append(tags, c.t("helpline_kind_crisis"))
	}
	if s.Talk() && !s.Urgent {
		tags = append(tags, c.t("helpline_not_emergency"))
	}
	if w := c.whereText(s); o.where && w != "" {
		tags = append(tags, w)
	}
	if len(tags) > 0 {
		b.WriteString(" (" + strings.Join(tags, c.t("helpline_sep")) + ")")
	}
	if s.Phone != "" {
		b.WriteString(": " + c.t("helpline_call", "Phone", s.Phone))
		var notes []string
		if s.Free == "yes" {
			notes = append(notes, c.t("helpline_free"))
		}
		if h := c.hoursText(s.Hours); h != "" {
			notes = append(notes, h)
		}
		if len(notes) > 0 {
			b.WriteString(" (" + strings.Join(notes, c.t("helpline_sep")) + ")")
		}
	}
	b.WriteString("\n")
	for _, link := range []string{s.Chat, s.WhatsApp, s.Web} {
		if link != "" {
			b.WriteString("  " + link + "\n")
			break
		}
	}
	if o.note {
		if note := c.note(content.NoteID(s.ID), s.Note); note != "" {
			b.WriteString("  " + note + "\n")
		}
	}
	return b.String()
}

// note is a directory note in the reader's language: the English data, or
// its translation among the messages (under id). A note not yet
// translated is left out rather than shown in English.
func (c *conv) note(id, english string) string {
	if c.lang == content.SourceLanguage || c.e.opts.UnreviewedSafetyInEnglish && !c.k.Texts.Reviewed(c.lang, id) {
		return english
	}
	return c.k.Texts.T(c.lang, id, nil) // "" when no language has it
}

// whereText names where a service works, when that is not simply the
// country whose helplines are shown.
func (c *conv) whereText(s content.Service) string {
	if len(s.Where) == 0 || len(s.Where) == 1 && s.Where[0] == c.country {
		return ""
	}
	var names []string
	for _, w := range s.Where {
		if w == content.Worldwide {
			return c.t("helpline_worldwide")
		}
		names = append(names, c.countryName(w))
	}
	return c.orList(names)
}

// hoursText renders opening hours in the reader's language; "" when they
// are not known.
func (c *conv) hoursText(h content.Hours) string {
	if h.Always {
		return c.t("helpline_24_7")
	}
	var parts []string
	for _, sp := range h.Spans {
		switch {
		case sp.Daily:
			parts = append(parts, c.t("helpline_hours_daily", "Open", sp.Open, "Close", sp.Close))
		case sp.From == sp.To:
			parts = append(parts, c.t("helpline_hours_day", "Day", c.dayName(sp.From), "Open", sp.Open, "Close", sp.Close))
		default:
			parts = append(parts, c.t("helpline_hours_days", "First", c.dayName(sp.From), "Last", c.dayName(sp.To), "Open", sp.Open, "Close", sp.Close))
		}
	}
	return strings.Join(parts, "; ")
}

func (c *conv) dayName(d int) string {
	return c.t("helpline_day_" + strings.ToLower(content.Weekdays[d]))
}

// orList joins items as "a, b or c" in the reader's language.
func (c *conv) orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return c.t("helpline_or", "List", strings.Join(items[:len(items)-1], c.t("helpline_sep")), "Last", items[len(items)-1])
}

// emergencyLines are the country's emergency numbers, the police and
// ambulance numbers where they differ, and the emergency note; or, where
// no number could be confirmed, a plain line saying so.
func (c *conv) emergencyLines(cn *content.Country) string {
	if len(cn.Emergency) == 0 {
		return c.t("helpline_emergency_unconfirmed", "Country", c.countryName(cn.Code), "Number", MobileEmergency) + "\n"
	}
	var b strings.Builder
	b.WriteString(c.t("helpline_emergency", "Number", c.orList(cn.Emergency)) + "\n")
	if len(cn.Police) > 0 && !slices.Equal(cn.Police, cn.Emergency) {
		b.WriteString(c.t("helpline_police", "Number", c.orList(cn.Police)) + "\n")
	}
	if len(cn.Ambulance) > 0 && !slices.Equal(cn.Ambulance, cn.Emergency) {
		b.WriteString(c.t("helpline_ambulance", "Number", c.orList(cn.Ambulance)) + "\n")
	}
	if note := c.note(content.CountryNoteID(cn.Code), cn.EmergencyNote); note != "" {
		b.WriteString(note + "\n")
	}
	return b.String()
}

// helplineInline fills {helpline} in entries: the country's first line to
// talk to, "Childline Kenya (116)"; where there is none, a child helpline
// found through the international directory. Never a reporting line.
func (c *conv) helplineInline() string {
	cn := c.countryRecord()
	for _, s := range cn.TalkLines(false) {
		switch {
		case s.Phone != "":
			return s.Name + " (" + s.Phone + ")"
		case s.Web != "":
			return s.Name + " (" + s.Web + ")"
		}
	}
	if dirs := c.k.Content.Helplines.Country(content.International).ServicesOf(content.KindDirectory); len(dirs) > 0 {
		return c.t("helpline_inline_directory", "Link", dirs[0].Web)
	}
	return c.t("helpline_inline_none")
}

// emergencyInline fills {emergency} in entries: the country's emergency
// numbers, else "your local emergency number".
func (c *conv) emergencyInline() string {
	if cn := c.countryRecord(); len(cn.Emergency) > 0 {
		return c.orList(cn.Emergency)
	}
	return c.t("helpline_emergency_inline")
}

// urgentCall is the first thing an urgent reply says: the number to call
// in danger. There is always one: the country's emergency number, else a
// plain line to call the local emergency number, with 112 to try from a
// mobile phone.
func (c *conv) urgentCall(cn *content.Country) string {
	switch {
	case cn.Code == content.International:
		return c.t("urgent_no_country", "Number", MobileEmergency)
	case len(cn.Emergency) == 0:
		return c.t("helpline_emergency_unconfirmed", "Country", c.countryName(cn.Code), "Number", MobileEmergency)
	}
	text := c.t("urgent_now", "Number", c.orList(cn.Emergency))
	if note := c.note(content.CountryNoteID(cn.Code), cn.EmergencyNote); note != "" {
		text += " " + note
	}
	return text
}

// urgent leads with calm words and a number to call, then the lines the
// person can talk to now, then offers the related entry. It never asks
// what happened.
func (c *conv) urgent(related string) chat.Reply {
	cn := c.countryRecord()
	var b strings.Builder
	b.WriteString(c.t("urgent_lead") + "\n\n")
	b.WriteString(c.urgentCall(cn) + "\n\n")
	c.talkNow(&b, cn, false)
	r := chat.Reply{Kind: chat.KindUrgent, FAQID: related, Private: true, Text: strings.TrimRight(b.String(), "\n")}
	if related != "" && c.k.Content.Entry(c.lang, related) != nil {
		r.Text += "\n\n" + c.t("urgent_more")
		r.Choices = append(r.Choices, c.entryButton(related))
	}
	if !c.countryKnown {
		r.Choices = append(r.Choices, c.languageCountryButtons()...)
		r.Choices = append(r.Choices, c.countryButton())
	}
	return r
}

// urgentPublic is what an urgent reply shows where others can read it (a
// group): the number to call and the first line to talk to, with no word
// about what was written, and the invitation to a private chat.
func (c *conv) urgentPublic() string {
	cn := c.countryRecord()
	var b strings.Builder
	b.WriteString(c.urgentCall(cn) + "\n")
	for _, s := range cn.TalkLines(true) {
		if s.Phone != "" {
			b.WriteString(c.serviceLine(s, lineOpts{}))
			break
		}
	}
	b.WriteString("\n" + c.t("private_invite"))
	return b.String()
}

// languageCountryButtons offer, as one tap each, the countries where the
// reader's language is widely read (the directory's `languages`).
func (c *conv) languageCountryButtons() []chat.Choice {
	var out []chat.Choice
	for _, code := range c.k.Content.Helplines.ByLanguage(c.lang) {
		if len(out) == maxCountryButtons {
			break
		}
		out = append(out, chat.Choice{Label: c.countryName(code), Payload: pCountry + ":" + code})
	}
	return out
}

func (c *conv) countryButton() chat.Choice {
	return chat.Choice{Label: c.t("button_country"), Payload: pMenu + ":country"}
}

// deterrence offers no FAQ content: it says plainly that this harms children
// and is a crime, and points to confidential help.
func (c *conv) deterrence() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("deterrence") + "\n")
	for _, s := range c.preventionServices() {
		b.WriteString(c.serviceLine(s, lineShort))
	}
	return chat.Reply{Kind: chat.KindDeterrence, Text: strings.TrimRight(b.String(), "\n")}
}

// preventionServices are the confidential services for people worried
// about their own thoughts: the country's, then the international ones,
// those that work anywhere first. Each line says where it works, so that
// nobody is handed another country's number as if it were theirs.
func (c *conv) preventionServices() []content.Service {
	dir := c.k.Content.Helplines
	var services []content.Service
	if c.country != content.International {
		services = dir.Country(c.country).ServicesOf(content.KindPrevention)
	}
	intl := dir.Country(content.International).ServicesOf(content.KindPrevention)
	local := func(s content.Service) int {
		if slices.Contains(s.Where, content.Worldwide) {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(intl, func(a, b content.Service) int { return local(a) - local(b) })
	return append(services, intl...)
}

// reportServices are the country's reporting hotlines, else the
// international ones.
func (c *conv) reportServices() []content.Service {
	dir := c.k.Content.Helplines
	if report := dir.Country(c.country).ServicesOf(content.KindReportHotline); len(report) > 0 {
		return report
	}
	return dir.Country(content.International).ServicesOf(content.KindReportHotline)
}

// mixed answers a message with signals of both seeking abuse material and
// asking for help (a victim or a witness may be using an offender's words):
// no FAQ content, and words for both readers, never a rebuke.
func (c *conv) mixed() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("deterrence_mixed") + "\n")
	for _, s := range c.reportServices() {
		b.WriteString(c.serviceLine(s, lineShort))
	}
	b.WriteString("\n" + c.t("deterrence_mixed_help") + "\n")
	for _, s := range c.preventionServices() {
		b.WriteString(c.serviceLine(s, lineShort))
	}
	return chat.Reply{Kind: chat.KindDeterrence, Private: true, Text: strings.TrimRight(b.String(), "\n"),
		Choices: []chat.Choice{c.helplinesButton()}}
}

// media answers a file the bot will not open, by its kind. A sticker, a
// GIF, a voice note, a location or a contact card gets a plain "I can only
// read text" and the topics.
// A photo, a video or a file gets the warning about sexual images of
// children, with where to report in the user's country; when the country
// is not known, the reporting lines that work from any country and a
// question: which country?
func (c *conv) media() chat.Reply {
	switch c.m.Media {
	case chat.MediaSticker, chat.MediaGIF, chat.MediaVoice, chat.MediaOther:
		r := c.topicMenu(nil)
		r.Kind, r.Text = chat.KindMedia, c.t("media_text_only")
		return r
	}
	var b strings.Builder
	b.WriteString(c.t("media") + "\n")
	for _, s := range c.reportServices() {
		b.WriteString(c.serviceLine(s, lineShort))
	}
	r := chat.Reply{
		Kind: chat.KindMedia, Private: true, Text: strings.TrimRight(b.String(), "\n"),
		Choices: []chat.Choice{c.entryButton("images.found-csam"), c.entryButton("report.how"), c.helplinesButton()},
	}
	if !c.countryKnown {
		r.Text += "\n\n" + c.t("media_country_ask")
		r.Choices = append(r.Choices, c.countryButton()) // its menu offers the countries of the reader's language first
	}
	return r
}
