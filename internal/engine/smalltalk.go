package engine

import (
	"slices"
	"strings"
	"unicode"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
)

// Small talk: a message made only of greetings, thanks, OK words or
// farewells of the languages' data (faq/<lang>/language.txt) and of emoji.
// Each kind gets a short, warm reply that keeps the way on: the topics and
// the helplines.
//
// Such a message is answered before the safety router: it holds no other
// word for the router to read, and the learned scorer, which reads letter
// groups, took some of them for danger ("bye", Hausa "na gode"). A message
// with any other word goes to the router first. The words of finality that
// can end a farewell ("goodbye forever") are not small talk, and a filler
// ("bot", "everyone") may only follow a greeting, thanks or an OK word, in
// a message with no farewell and no sad emoji: "bye everyone" and "thanks
// everyone, bye" go to the router.

// social is what a small-talk phrase or emoji says, in the order in which
// one wins over another in a message that says several things: "ok thanks
// bye" is a farewell; a crying face with anything else is sadness.
type social uint8

const (
	socialNone social = iota
	socialGreeting
	socialOK
	socialThanks
	socialBye
	socialSad
)

// maxSmallTalkWords bounds a small-talk message: a long one is read as a
// message, whatever its words.
const maxSmallTalkWords = 8

// maxSmallTalkPhrase is the most words a small-talk phrase of the data has
// ("thank you very much").
const maxSmallTalkPhrase = 5

// socialUse is one language's use of a small-talk phrase.
type socialUse struct {
	lang string
	kind social
}

// learnSmallTalk indexes the languages' small-talk phrases (folded) with
// the languages that have them.
func (k *Knowledge) learnSmallTalk() {
	k.smallTalk, k.smallTalkFirst = map[string][]socialUse{}, map[string]bool{}
	for _, code := range k.langs {
		l := k.Content.Langs[code]
		for _, set := range []struct {
			items []string
			kind  social
		}{{l.Greetings, socialGreeting}, {l.OK, socialOK}, {l.Thanks, socialThanks}, {l.Bye, socialBye}} {
			for f := range foldSet(set.items) {
				k.smallTalk[f] = append(k.smallTalk[f], socialUse{code, set.kind})
				first, _, _ := strings.Cut(f, " ")
				k.smallTalkFirst[first] = true
			}
		}
	}
}

// emojiMoods are the emoji a small-talk message may be made of, by what
// they say. Emoji are the same in every language, so they are listed here
// and not in a language's data. An emoji not listed makes a message no
// small talk: it goes on to the safety router and the FAQ like any other.
var emojiMoods = func() map[rune]social {
	m := map[rune]social{}
	for kind, list := range map[social]string{
		// crying, sad, worried and broken-hearted faces
		socialSad: "😭😢😞😔😟😥😓😩😫😪😿💔🥺😰😨😖😣😕🙁☹",
		// praying hands (thanks, or please) and hearts
		socialThanks: "🙏❤♥💛💙💚💜🧡🖤🤍🤎🩷🩵🩶💕💖💗💓💞💝💘🥰😍😘🤗",
		// thumbs up, OK, smiles, laughter
		socialOK: "👍👌✅🆗🤝👏💯🙂😊☺😀😃😄😁😆😅😂🤣😎😉🤔😐😶",
		// waving hand: hello (and goodbye)
		socialGreeting: "👋",
	} {
		for _, r := range list {
			m[r] = kind
		}
	}
	return m
}()

// emojiTrim are the characters that shape an emoji without changing what
// it says: variation selectors, the zero-width joiner and skin tones.
func emojiTrim(r rune) bool {
	return r == '\uFE0E' || r == '\uFE0F' || r == '\u200D' || r >= 0x1F3FB && r <= 0x1F3FF
}

// smallTalkOf reads a message as small talk: what it says and the
// languages whose words it is made of (those that have every phrase; nil
// when it is only emoji or no one language has them all). ok is false
// when the message holds anything else: another word, an emoji not listed,
// or more than a few words.
func (k *Knowledge) smallTalkOf(text string, words []string, lang string) (kind social, langs []string, ok bool) {
	for _, r := range text {
		switch {
		case emojiTrim(r):
		case unicode.Is(unicode.So, r):
			mood, known := emojiMoods[r]
			if !known {
				return socialNone, nil, false
			}
			kind = max(kind, mood)
		}
	}
	// a "word" with no letter or digit (what folding may leave of an emoji,
	// a combining mark on nothing) is no word
	noWord := func(w string) bool {
		return !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	}
	if slices.ContainsFunc(words, noWord) {
		words = slices.DeleteFunc(slices.Clone(words), noWord)
	}
	if len(words) > maxSmallTalkWords || len(words) > 0 && !k.smallTalkFirst[words[0]] {
		return socialNone, nil, false // most messages: their first word starts no phrase
	}
	first, filler := true, false
	prev := socialNone
	for i := 0; i < len(words); {
		n := min(len(words)-i, maxSmallTalkPhrase)
		for ; n > 0; n-- {
			if k.smallTalk[strings.Join(words[i:i+n], " ")] != nil {
				break
			}
		}
		if n == 0 {
			if k.fillers[words[i]] && (prev == socialGreeting || prev == socialOK || prev == socialThanks) {
				i, filler = i+1, true // "hi bot", "thanks salama"
				continue
			}
			return socialNone, nil, false
		}
		uses := k.smallTalk[strings.Join(words[i:i+n], " ")]
		prev = phraseKind(uses, lang)
		kind = max(kind, prev)
		var these []string
		for _, u := range uses {
			if !slices.Contains(these, u.lang) {
				these = append(these, u.lang)
			}
		}
		if first {
			langs, first = these, false
		} else {
			langs = slices.DeleteFunc(langs, func(l string) bool { return !slices.Contains(these, l) })
		}
		i += n
	}
	if filler && kind >= socialBye {
		return socialNone, nil, false // "thanks everyone, bye": for the router
	}
	return kind, langs, kind != socialNone
}

// phraseKind is what a phrase says in the conversation's language, else
// in the first language that has it (English first).
func phraseKind(uses []socialUse, lang string) social {
	for _, u := range uses {
		if u.lang == lang {
			return u.kind
		}
	}
	return uses[0].kind
}

// smallTalk answers a message of small talk.
func (c *conv) smallTalk(kind social) chat.Reply {
	ways := []chat.Choice{c.topicsButton(), c.helplinesButton()}
	switch kind {
	case socialSad:
		return c.sad()
	case socialBye:
		return chat.Reply{Kind: chat.KindSmallTalk, Text: c.t("smalltalk_bye", "Helpline", c.helplineInline()), Choices: ways}
	case socialThanks:
		return chat.Reply{Kind: chat.KindSmallTalk, Text: c.t("smalltalk_thanks"), Choices: ways}
	case socialOK:
		return chat.Reply{Kind: chat.KindSmallTalk, Text: c.t("smalltalk_ok"), Choices: ways}
	}
	return c.greeting()
}

// sad answers a sad or crying emoji sent alone: gently, whether they want
// to talk to someone, and the lines they can reach now. It asks nothing
// about what happened.
func (c *conv) sad() chat.Reply {
	var b strings.Builder
	b.WriteString(c.t("smalltalk_sad") + "\n\n")
	c.talkNow(&b, c.countryRecord(), true)
	r := chat.Reply{Kind: chat.KindSmallTalk, Private: true, Text: strings.TrimRight(b.String(), "\n"),
		Choices: []chat.Choice{c.helplinesButton(), c.topicsButton()}}
	if !c.countryKnown {
		r.Choices = append(r.Choices, c.countryButton())
	}
	return r
}

// talkNow writes the lines someone can talk to now in a country (not
// those marked `urgent: no`); where there are none, for the international
// default (and with orDirectory for any country), where to find a child
// helpline.
func (c *conv) talkNow(b *strings.Builder, cn *content.Country, orDirectory bool) {
	if talk := cn.TalkLines(true); len(talk) > 0 {
		b.WriteString(c.t("urgent_talk") + "\n")
		for _, s := range talk {
			b.WriteString(c.serviceLine(s, lineShort))
		}
		return
	}
	if cn.Code != content.International && !orDirectory {
		return
	}
	// not someone to talk to: where to find them
	if dirs := c.k.Content.Helplines.Country(content.International).ServicesOf(content.KindDirectory); len(dirs) > 0 {
		b.WriteString(c.t("urgent_find") + "\n")
		b.WriteString(c.serviceLine(dirs[0], lineOpts{}))
	}
}

// choiceNumber reports whether folded words are only a number of at most
// digits digits, typed to press a choice ("2", "٢", "99"). A channel that
// numbers choices turns a number it shows into the choice's payload, so a
// number that reaches the engine presses nothing.
func choiceNumber(words []string, digits int) (string, bool) {
	if len(words) != 1 || len([]rune(words[0])) > digits {
		return "", false
	}
	for _, r := range words[0] {
		if !unicode.IsDigit(r) {
			return "", false
		}
	}
	return words[0], true
}

// noChoice answers a number that presses no choice: there is no such
// choice; here are the topics, and the helplines.
func (c *conv) noChoice(n string) chat.Reply {
	r := c.topicMenu(nil)
	r.Text = c.t("number_unknown", "Number", n)
	r.Choices = append(r.Choices, c.helplinesButton())
	return r
}
