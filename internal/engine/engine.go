// Package engine is Salama's conversation core: a chat.Message goes in, a
// chat.Reply comes out, the same for every channel.
//
// # Order of checks
//
// A choice's payload or a command is handled first (a command copied from
// right-to-left text, invisible marks and all, too). Then, for typed text:
// a help word shows the helplines whatever the state; a message made only
// of small talk (greetings, thanks, OK words, farewells, emoji; see
// smalltalk.go) or of a one- or two-digit number gets its short reply;
// anything else goes to the safety router first: an urgent message gets
// help at once and a request for abuse material gets the deterrence
// reply, before any FAQ matching (package safety). Everything left goes to
// the matcher (package match), which answers, offers two or three choices,
// or falls back to the topic menu and the helplines.
//
// # Language
//
// A reply is in the user's chosen language, else the platform's; a
// message clearly written in another language is answered in that one
// (langdetect.go): a script only it uses, or several of its words. One
// letter, markup or a word many languages share switch nothing.
//
// # State
//
// The engine keeps no conversation state: a choice's payload carries what it
// needs ("more:grooming.what"). Per user it stores only chat.Prefs, through a
// chat.Store, and it counts replies anonymously.
package engine

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/text/language"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/internal/norm"
	"github.com/salama-safety/salama/internal/safety"
	"github.com/salama-safety/salama/internal/scrub"
)

// Options configure an Engine. The zero value is usable.
type Options struct {
	// Now returns the time; tests inject it.
	Now func() time.Time
	// RetentionDays is how long preferences are kept without use (shown by
	// /privacy); default 180.
	RetentionDays int
	// Gaps, when set, receives questions nothing fitted, scrubbed of
	// personal details and with no link to the user (the operator's opt-in
	// content-gap log). A message in which the safety router saw any sign
	// of danger (safety.Router.Signal) is never logged.
	Gaps chat.GapLog
	// GapDays is how long the gap log keeps a question (shown by /privacy).
	GapDays int
	// UnreviewedSafetyInEnglish shows the safety-critical messages (urgent,
	// deterrence, media and helpline texts) in English unless a native
	// speaker reviewed their translation. Off by default: a draft in the
	// child's language is usually better than English.
	UnreviewedSafetyInEnglish bool
	// Country is the deployment's default country (an ISO code in the
	// helpline directory, such as "KE"): its helplines and emergency
	// numbers are shown to users whose country is not known. Empty means
	// none: such users get the international services and, when in
	// danger, a plain line to call their local emergency number. The
	// caller checks the code (see KnowsCountry); an unknown one is ignored.
	Country string
}

// safetyCritical reports the messages UnreviewedSafetyInEnglish governs.
func safetyCritical(id string) bool {
	for _, p := range []string{"urgent_", "deterrence", "media", "helpline", "private_invite"} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// Engine answers messages. It is safe for concurrent use.
type Engine struct {
	k     atomic.Pointer[Knowledge]
	store chat.Store
	opts  Options
}

var _ chat.Engine = (*Engine)(nil)

// New returns an engine serving k.
func New(k *Knowledge, store chat.Store, opts Options) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RetentionDays == 0 {
		opts.RetentionDays = 180
	}
	e := &Engine{store: store, opts: opts}
	e.k.Store(k)
	return e
}

// Swap replaces the knowledge atomically (content reload).
func (e *Engine) Swap(k *Knowledge) { e.k.Store(k) }

// Knowledge returns what the engine serves now.
func (e *Engine) Knowledge() *Knowledge { return e.k.Load() }

// Languages lists the languages with content, English first.
func (e *Engine) Languages() []string { return e.k.Load().langs }

// conv is one message being answered.
type conv struct {
	e       *Engine
	k       *Knowledge
	ctx     context.Context
	m       chat.Message
	prefs   chat.Prefs
	lang    string
	country string
	// countryKnown is false when the country is the international default
	// because nothing said otherwise.
	countryKnown bool
	// dirty means prefs changed and must be saved; forgotten means the user
	// asked to be forgotten, so nothing may be saved.
	dirty     bool
	forgotten bool
	// signal is true when the safety router saw any sign of danger in the
	// message, even too weak for a safety reply (safety.Router.Signal).
	signal bool
	// the last ranking of entries (see matches)
	ranked      []match.Result
	rankedLang  string
	rankedWords []string
}

func (c *conv) t(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[kv[i].(string)] = kv[i+1]
		}
	}
	lang := c.lang
	if c.e.opts.UnreviewedSafetyInEnglish && safetyCritical(id) && !c.k.Texts.Reviewed(lang, id) {
		lang = content.SourceLanguage
	}
	return c.k.Texts.T(lang, id, data)
}

// Respond answers one message.
func (e *Engine) Respond(ctx context.Context, m chat.Message) (chat.Reply, error) {
	c := &conv{e: e, k: e.k.Load(), ctx: ctx, m: m}
	prefs, err := e.store.Prefs(ctx, m.User)
	c.prefs = prefs
	if c.prefs.OptedOut { // they came back
		c.prefs.OptedOut = false
		c.dirty = true
	}
	if today := e.today(); !c.prefs.LastSeen.Equal(today) {
		c.prefs.LastSeen = today
		c.dirty = true
	}
	c.resolve()
	r := c.respond()
	if m.Group && r.Private {
		// where others read along: nothing personal, but someone in danger
		// still sees a number to call
		text := c.t("private_invite")
		if r.Kind == chat.KindUrgent {
			text = c.urgentPublic()
		}
		r = chat.Reply{Kind: r.Kind, Lang: c.lang, FAQID: r.FAQID, Category: r.Category, Text: text, Private: true}
	}
	if r.Lang == "" {
		r.Lang = c.lang
	}
	if r.Lang != c.defaultLang() {
		// the conversation is in another language than the user's saved
		// one: the buttons carry it, so "Tell me more" answers in it too
		for i := range r.Choices {
			if p := r.Choices[i].Payload; p != "" && !strings.Contains(p, langSep) {
				r.Choices[i].Payload = p + langSep + c.lang
			}
		}
	}
	r = c.k.bidi(r)
	if c.dirty && !c.forgotten {
		if serr := e.store.SavePrefs(ctx, m.User, c.prefs); serr != nil && err == nil {
			err = serr
		}
	}
	if aerr := e.count(ctx, chat.EventReply, r.Kind, r.Lang, r.FAQID, m.User.Platform); aerr != nil && err == nil {
		err = aerr
	}
	return r, err
}

func (e *Engine) today() time.Time {
	y, mo, d := e.opts.Now().UTC().Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

func (e *Engine) count(ctx context.Context, ev chat.Event, kind chat.Kind, lang, id string, p chat.Platform) error {
	return e.store.Add(ctx, chat.Count{Day: e.today().Format(time.DateOnly), Platform: p, Event: ev, Kind: kind, Lang: lang, FAQID: id}, 1)
}

// OptOut forgets the user and keeps only the mark that they opted out.
func (e *Engine) OptOut(ctx context.Context, u chat.User) error {
	if err := e.store.Forget(ctx, u); err != nil {
		return err
	}
	return e.store.SavePrefs(ctx, u, chat.Prefs{OptedOut: true, LastSeen: e.today()})
}

// Commands lists the menu commands in a language.
func (e *Engine) Commands(lang string) []chat.Command {
	k := e.k.Load()
	var out []chat.Command
	for _, name := range []string{"start", "topics", "helplines", "language", "country", "privacy", "forget", "help"} {
		out = append(out, chat.Command{Name: name, Description: k.Texts.T(lang, "cmd_"+name, nil)})
	}
	return out
}

// Home is the home screen: topics with educator entries first, and the
// helplines of the user's country.
func (e *Engine) Home(ctx context.Context, u chat.User, langHint string) (chat.Reply, error) {
	c := &conv{e: e, k: e.k.Load(), ctx: ctx, m: chat.Message{User: u, LangHint: langHint}}
	var err error
	c.prefs, err = e.store.Prefs(ctx, u)
	c.resolve()
	r := c.topicMenu([]string{"educator", "parent"})
	h := c.helplines(false)
	r.Text = h.Text + "\n\n" + r.Text
	return r, err
}

// defaultLang is the language of a conversation nothing else decided:
// the user's choice, else the platform's hint.
func (c *conv) defaultLang() string {
	return c.k.negotiate(c.prefs.Lang, c.m.LangHint)
}

// resolve picks the language and the country: the user's choice, then the
// platform's hint, then English; for the country, then the deployment's
// default, then the international default. Only the user's choice and the
// platform's hint make the country known; with a default country the
// replies still offer to change it.
func (c *conv) resolve() {
	c.lang = c.k.negotiate(c.prefs.Lang, c.m.LangHint)
	c.country = content.International
	dir := c.k.Content.Helplines
	if c.prefs.Country != "" && dir.Countries[c.prefs.Country] != nil {
		c.country, c.countryKnown = c.prefs.Country, true
		return
	}
	if tag, err := language.Parse(c.m.LangHint); err == nil {
		if reg, conf := tag.Region(); conf == language.Exact && dir.Countries[reg.String()] != nil {
			c.country, c.countryKnown = reg.String(), true
			return
		}
	}
	if def := strings.ToUpper(c.e.opts.Country); def != "" && dir.Countries[def] != nil {
		c.country = def
	}
}

// KnowsCountry reports whether code is a country of the helpline
// directory, for checking a default country (Options.Country).
func (k *Knowledge) KnowsCountry(code string) bool {
	return code != "" && k.Content.Helplines.Countries[strings.ToUpper(code)] != nil
}

// negotiate returns the supported language for a saved choice or a hint:
// its code or one of its aliases (tl for fil), else the closest supported
// language (pt-BR finds pt; pt-AO finds pt-PT where there is one).
func (k *Knowledge) negotiate(saved, hint string) string {
	for _, s := range []string{saved, hint} {
		if s == "" {
			continue
		}
		if code, ok := k.tags[strings.ToLower(s)]; ok {
			return code
		}
		tag, err := language.Parse(s)
		if err != nil {
			continue
		}
		base, _ := tag.Base()
		if code, ok := k.tags[base.String()]; ok && len(k.variants(code)) == 1 {
			return code
		}
		if _, i, conf := k.matcher.Match(tag); conf >= language.High {
			return k.langs[i]
		}
		if code, ok := k.tags[base.String()]; ok {
			return code
		}
	}
	return content.SourceLanguage
}

// variants lists the supported languages that share a language's base
// (pt and pt-PT).
func (k *Knowledge) variants(code string) []string {
	base, _ := language.Make(code).Base()
	var out []string
	for _, l := range k.langs {
		if b, _ := language.Make(l).Base(); b == base {
			out = append(out, l)
		}
	}
	return out
}

// langSep separates a payload from the language of the conversation it
// was offered in: "more:grooming.what~fr". The language travels with the
// button because the engine keeps no conversation state.
const langSep = "~"

func (c *conv) respond() chat.Reply {
	m := c.m
	if m.Payload != "" {
		p, lang, ok := strings.Cut(m.Payload, langSep)
		if ok && c.k.Index[lang] != nil {
			c.lang = lang
		}
		return c.payload(p)
	}
	text := strings.TrimSpace(m.Text)
	if cmd := strings.TrimSpace(norm.Visible(text)); strings.HasPrefix(cmd, "/") {
		text = cmd // a command copied from right-to-left text, marks and all
	}
	if m.Media != chat.MediaNone {
		// a caption is read like a message, and safety comes first
		if text != "" && !strings.HasPrefix(text, "/") {
			if r, ok := c.safetyReply(norm.Words(text), text); ok {
				return r
			}
		}
		return c.media()
	}
	if strings.HasPrefix(text, "/") {
		return c.command(text)
	}
	return c.text(text)
}

func (c *conv) text(text string) chat.Reply {
	if text == "" {
		return c.greeting()
	}
	words := norm.Words(text) // folded once, for every check below
	folded := strings.Join(words, " ")
	if langs := c.k.helpLangs[folded]; len(langs) > 0 { // nothing but "help": the helplines at once
		c.settle(text, words, langs)
		return c.helplines(true)
	}
	// only greetings, thanks, OK words, farewells and emoji: nothing for
	// the safety router to read (smalltalk.go)
	if kind, langs, ok := c.k.smallTalkOf(text, words, c.lang); ok {
		c.settle(text, words, langs)
		return c.smallTalk(kind)
	}
	// a number of one or two digits presses a choice, or none: there is
	// nothing else in it to read. A longer one may be an emergency
	// number ("911"): the safety router reads it first.
	if n, ok := choiceNumber(words, 2); ok {
		return c.noChoice(n)
	}
	if r, ok := c.safetyReply(words, text); ok {
		return r
	}
	if n, ok := choiceNumber(words, 3); ok {
		return c.noChoice(n)
	}
	if code := c.countryByName(folded); code != "" {
		return c.setCountry(code)
	}
	rest, greeted := c.stripGreeting(folded)
	if rest == "" {
		return c.greeting()
	}
	results := c.matches(strings.Fields(rest))
	r := c.decide(results)
	if r.Kind == chat.KindFallback && c.lang != content.SourceLanguage {
		// a language still being translated has few phrasings of its own,
		// and its people mix in English: look in the English index too
		if en := c.decide(c.k.Index[content.SourceLanguage].MatchWords(strings.Fields(rest), match.MaxChoices)); en.Kind != chat.KindFallback {
			r = en
		}
	}
	if greeted && r.Kind != chat.KindAnswer {
		// "hi, how are you": the welcome offers the topics anyway
		return c.greeting()
	}
	if r.Kind == chat.KindFallback && c.e.opts.Gaps != nil && !c.signal {
		// a failure to log a gap must not cost the user their reply
		_ = c.e.opts.Gaps.AddGap(c.ctx, chat.Gap{Day: c.e.today().Format(time.DateOnly), Lang: c.lang, Text: scrub.Text(text)})
	}
	return r
}

// Explain says how the safety router decided on a message (for `salama ask
// --explain`): the language the engine would answer in, and the router's
// reasons. It stores and counts nothing.
func (e *Engine) Explain(ctx context.Context, m chat.Message) (lang string, ex safety.Explanation) {
	c := &conv{e: e, k: e.k.Load(), ctx: ctx, m: m}
	c.prefs, _ = e.store.Prefs(ctx, m.User)
	c.resolve()
	words := norm.Words(m.Text)
	if d := c.k.detect(m.Text, words, c.lang); d != "" {
		c.lang = d
	}
	return c.lang, c.k.Safety.Explain(c.safetyMessage(words))
}

// safetyMessage is what the safety router reads of a message: its words,
// its language, and whether the matcher is sure it is one of the FAQ's
// everyday questions.
func (c *conv) safetyMessage(words []string) safety.Message {
	m := safety.Message{Words: words, Lang: c.lang}
	m.Known = known(c.matches(words))
	return m
}

// KnownQuestion reports whether the matcher is sure folded words written in
// lang are one of the FAQ's everyday questions (safety.Message.Known), as
// the engine decides it; for evaluations.
func (k *Knowledge) KnownQuestion(words []string, lang string) bool {
	ix := k.Index[lang]
	if ix == nil {
		ix = k.Index[content.SourceLanguage]
	}
	return known(ix.MatchWords(words, match.MaxChoices))
}

// known reports whether the matcher is sure of ranked results: it would
// answer them outright (match.Decide), with an entry that is not about
// danger.
func known(ranked []match.Result) bool {
	d := match.Decide(ranked, match.DefaultThresholds)
	return d.Kind == match.Answer && !safety.DangerEntry(d.Results[0].ID)
}

// matches ranks the entries for words in the conversation's language; the
// ranking is kept, since the safety check and the answer usually read the
// same words.
func (c *conv) matches(words []string) []match.Result {
	if c.ranked != nil && c.rankedLang == c.lang && slices.Equal(c.rankedWords, words) {
		return c.ranked
	}
	c.ranked, c.rankedLang, c.rankedWords = c.k.Index[c.lang].MatchWords(words, match.MaxChoices), c.lang, words
	return c.ranked
}

// safetyReply runs the safety check (package safety) on a message's folded
// words; ok is false when the message goes on to the FAQ. It also settles
// the language of the reply: the language the message is written in.
func (c *conv) safetyReply(words []string, text string) (chat.Reply, bool) {
	detected := c.k.detect(text, words, c.lang)
	if detected != "" {
		c.lang = detected // answer in the language the message is written in
	}
	v := c.k.Safety.CheckMessage(c.safetyMessage(words))
	c.signal = c.signal || c.k.Safety.Signal(v)
	if l := v.Lang(); v.Verdict == safety.Urgent && detected == "" && l != "" && l != content.SourceLanguage {
		c.lang = l // too short to tell the language, but its words did
	}
	var r chat.Reply
	switch v.Verdict {
	case safety.Urgent:
		related := v.Related
		if v.Rule == nil {
			// the scorer's doubt: offer the answer to what was asked, if
			// the FAQ has one, so that a false alarm costs one tap
			if rs := c.matches(words); len(rs) > 0 && rs[0].Score >= match.DefaultThresholds.Answer {
				related = rs[0].ID
			}
		}
		r = c.urgent(related)
	case safety.Deterrence:
		r = c.deterrence()
	case safety.Mixed:
		r = c.mixed()
	case safety.OwnThoughts:
		r = c.answer("prevention.own-thoughts", 1)
	default:
		return chat.Reply{}, false
	}
	r.Category = v.Category
	return r, true
}

// decide turns ranked results into an answer, a clarify or a fallback.
func (c *conv) decide(rs []match.Result) chat.Reply {
	d := match.Decide(rs, match.DefaultThresholds)
	switch d.Kind {
	case match.Answer:
		return c.answer(d.Results[0].ID, d.Results[0].Score)
	case match.Clarify:
		return c.clarify(d.Results)
	}
	return c.fallback()
}

// stripGreeting removes a leading greeting or thanks of the conversation's
// language or English ("hi, what is…", "thanks, and if…"), and the words
// that may follow one ("hi bot"); it reports whether there was a greeting.
// A message that is only a greeting is recognised in any language ("hola",
// "sannu"), and settles the language of a first message. OK words and
// farewells are left in place: "no one believes me" is not "one believes
// me".
func (c *conv) stripGreeting(folded string) (string, bool) {
	if langs := c.k.greetingLangs[folded]; len(langs) > 0 {
		c.firstWords(folded, langs)
		return "", true
	}
	words := strings.Fields(folded)
	stripped, greeted := false, false
	for n := min(len(words), maxSmallTalkPhrase); n > 0 && !stripped; n-- {
		for _, u := range c.k.smallTalk[strings.Join(words[:n], " ")] {
			if (u.kind == socialGreeting || u.kind == socialThanks) && (u.lang == c.lang || u.lang == content.SourceLanguage) {
				words, stripped, greeted = words[n:], true, u.kind == socialGreeting
				break
			}
		}
	}
	for stripped && len(words) > 0 && c.k.fillers[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " "), greeted
}

// settle answers a help word or small talk in the language it is written
// in: a script only one language uses, or else, for a first message, the
// one language its phrases belong to (firstWords).
func (c *conv) settle(text string, words, langs []string) {
	if d := c.k.detect(text, words, c.lang); d != "" {
		c.lang = d
	}
	c.firstWords(text, langs)
}

// firstWords settles the language from a greeting or a help word ("hola",
// "msaada") when nothing else did: no language chosen, and the platform
// says English or nothing. A user whose phone is in Spanish and who types
// "help me" mixes in English, as people do, and stays in Spanish. The
// words must point to one language: of the languages that have them,
// those written in the script the words are typed in ("merci" is French,
// though Arabic's words have it too, in Latin letters), and then only
// one. A word several languages share ("salam", "ok") is no evidence.
func (c *conv) firstWords(text string, langs []string) {
	if c.prefs.Lang != "" || c.lang != content.SourceLanguage || slices.Contains(langs, c.lang) || len(evidenceWords(strings.Fields(text))) == 0 {
		return // a lone letter ("p", Indonesian for "hey") is no evidence
	}
	if typed := c.k.script(text); typed != nil {
		var in []string
		for _, l := range langs {
			if slices.Contains(typed, l) {
				in = append(in, l)
			}
		}
		if len(in) > 0 {
			langs = in
		}
	}
	if len(langs) == 1 {
		c.lang = langs[0]
	}
}

func (c *conv) countryByName(folded string) string {
	return c.k.countries[folded]
}
