package engine_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var teen = chat.User{Platform: chat.Telegram, ID: "42"}

func respond(tb testing.TB, e chat.Responder, m chat.Message) chat.Reply {
	tb.Helper()
	if m.User == (chat.User{}) {
		m.User = teen
	}
	r, err := e.Respond(context.Background(), m)
	if err != nil {
		tb.Fatalf("Respond(%+v): %v", m, err)
	}
	return r
}

func choice(tb testing.TB, r chat.Reply, prefix string) string {
	tb.Helper()
	for _, c := range r.Choices {
		if strings.HasPrefix(c.Payload, prefix) {
			return c.Payload
		}
	}
	tb.Fatalf("no choice %q* in %+v", prefix, r.Choices)
	return ""
}

// The journey of the foundation issue: /start → topic → answer → "Tell me
// more" → "helpful" → /forget, checking the store after each step.
func TestJourney(t *testing.T) {
	eng, store := MustEngine(t)
	ctx := context.Background()
	// Telegram sends the user's language_code with every update
	respond := func(tb testing.TB, e chat.Responder, m chat.Message) chat.Reply {
		m.LangHint = "sw-KE"
		return respond(tb, e, m)
	}

	r := respond(t, eng, chat.Message{Text: "/start"})
	if r.Kind != chat.KindCommand || !strings.Contains(r.Text, "Salama") {
		t.Fatalf("/start = %s %q", r.Kind, r.Text)
	}
	if p, _ := store.Prefs(ctx, teen); p.LastSeen.IsZero() || p.Lang != "" {
		t.Errorf("after /start, prefs = %+v; want only the day seen", p)
	}
	r = respond(t, eng, chat.Message{Payload: choice(t, r, "topic:sextortion")})
	r = respond(t, eng, chat.Message{Payload: choice(t, r, "faq:sextortion.help-now")})
	if r.Kind != chat.KindAnswer || r.FAQID != "sextortion.help-now" {
		t.Fatalf("entry choice = %s %s", r.Kind, r.FAQID)
	}
	if !strings.Contains(r.Text, "Childline Kenya (116)") {
		t.Errorf("the sw-KE hint should fill {helpline} with Kenya's: %q", r.Text)
	}
	if n := len([]rune(r.Text)); n > 700 {
		t.Errorf("first screen is %d characters", n)
	}
	more := respond(t, eng, chat.Message{Payload: choice(t, r, "more:")})
	if more.FAQID != "sextortion.help-now" || len(more.Text) <= len(r.Text) {
		t.Errorf("Tell me more = %s, %d chars", more.FAQID, len(more.Text))
	}
	thanks := respond(t, eng, chat.Message{Payload: choice(t, more, "yes:")})
	choice(t, thanks, "menu:topics") // "thank you" for the vote, and the way on
	rows, _ := store.Counts(ctx, "")
	if !hasCount(rows, chat.EventHelpful, "sextortion.help-now") {
		t.Errorf("helpful not counted: %+v", rows)
	}
	respond(t, eng, chat.Message{Text: "/language fr"})
	if p, _ := store.Prefs(ctx, teen); p.Lang != "" && p.Lang != "fr" {
		t.Errorf("prefs after /language = %+v", p)
	}
	respond(t, eng, chat.Message{Text: "/country KE"})
	if p, _ := store.Prefs(ctx, teen); p.Country != "KE" {
		t.Errorf("prefs after /country KE = %+v", p)
	}
	r = respond(t, eng, chat.Message{Text: "/forget"})
	if len(store.Keys()) != 0 {
		t.Errorf("after /forget the store still has %d users", len(store.Keys()))
	}
	if want := knowledge.Texts.T(r.Lang, "forget_done", nil); r.Text != want {
		t.Errorf("/forget = %q, want %q", r.Text, want)
	}
	for _, row := range rows {
		if strings.Contains(fmt.Sprint(row), "42") {
			t.Errorf("a counter names the user: %+v", row)
		}
	}
}

func hasCount(rows []chat.CountRow, ev chat.Event, id string) bool {
	for _, r := range rows {
		if r.Event == ev && r.FAQID == id && r.N > 0 {
			return true
		}
	}
	return false
}

func TestRouting(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, tc := range []struct {
		name string
		m    chat.Message
		kind chat.Kind
		id   string
	}{
		{"greeting", chat.Message{Text: "hiii"}, chat.KindGreeting, ""},
		{"greeting then question", chat.Message{Text: "hi, what is sextortion"}, chat.KindAnswer, "sextortion.what"},
		{"misspelt", chat.Message{Text: "wat is sextorsion"}, chat.KindAnswer, "sextortion.what"},
		{"help keyword", chat.Message{Text: "HELP"}, chat.KindCommand, ""},
		{"urgent before matching", chat.Message{Text: "he is outside my house right now"}, chat.KindUrgent, "help.danger-now"},
		{"deterrence", chat.Message{Text: "cp links"}, chat.KindDeterrence, ""},
		{"own thoughts", chat.Message{Text: "i am worried about my own thoughts about kids"}, chat.KindAnswer, "prevention.own-thoughts"},
		{"victim is not an offender", chat.Message{Text: "he keeps asking me for nudes"}, chat.KindAnswer, "images.asked-for-nudes"},
		{"media", chat.Message{Media: chat.MediaPhoto}, chat.KindMedia, ""},
		{"off topic", chat.Message{Text: "how do i make pizza"}, chat.KindFallback, ""},
		{"stale button", chat.Message{Payload: "faq:no.such-entry"}, chat.KindCommand, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := respond(t, eng, tc.m)
			if r.Kind != tc.kind || r.FAQID != tc.id {
				t.Errorf("Respond(%+v) = %s %q, want %s %q", tc.m, r.Kind, r.FAQID, tc.kind, tc.id)
			}
			if strings.TrimSpace(r.Text) == "" {
				t.Error("empty reply text")
			}
		})
	}
}

// In a group the urgent reply says nothing about what was written, but it
// shows a number to call publicly, with the invitation to a private chat.
func TestGroupUrgentShowsANumberPublicly(t *testing.T) {
	eng, _ := MustEngine(t)
	r := respond(t, eng, chat.Message{Text: "i want to die", Group: true, LangHint: "en-KE"})
	invite := knowledge.Texts.T("en", "private_invite", nil)
	if r.Kind != chat.KindUrgent || !r.Private || !strings.Contains(r.Text, "999") || !strings.Contains(r.Text, "116") || !strings.Contains(r.Text, invite) {
		t.Errorf("urgent in a group = %+v; want Kenya's emergency number and child helpline, and the private invitation", r)
	}
	if lead := knowledge.Texts.T("en", "urgent_lead", nil); strings.Contains(r.Text, lead) || len(r.Choices) != 0 {
		t.Errorf("urgent in a group shows the private reply: %q %v", r.Text, r.Choices)
	}
}

func TestCountryFromLanguageRegion(t *testing.T) {
	eng, _ := MustEngine(t)
	for hint, want := range map[string]string{"pt-BR": "Disque 100", "en-GB": "Childline", "en": "Child Helpline International"} {
		r := respond(t, eng, chat.Message{Text: "/helplines", LangHint: hint, User: chat.User{Platform: chat.Slack, ID: hint}})
		if !strings.Contains(r.Text, want) {
			t.Errorf("/helplines with hint %s = %q, want it to name %q", hint, r.Text, want)
		}
	}
}

func TestAskedForCountryOnce(t *testing.T) {
	eng, _ := MustEngine(t)
	first := respond(t, eng, chat.Message{Text: "/helplines"})
	second := respond(t, eng, chat.Message{Text: "/helplines"})
	ask := "Tell me your country"
	if !strings.Contains(first.Text, ask) || strings.Contains(second.Text, ask) {
		t.Errorf("the country question should come once: first %v, second %v", strings.Contains(first.Text, ask), strings.Contains(second.Text, ask))
	}
}

func TestOptOutKeepsOnlyTheMark(t *testing.T) {
	eng, store := MustEngine(t)
	respond(t, eng, chat.Message{Text: "/country KE"})
	if err := eng.OptOut(context.Background(), teen); err != nil {
		t.Fatal(err)
	}
	p, _ := store.Prefs(context.Background(), teen)
	if !p.OptedOut || p.Country != "" {
		t.Errorf("after OptOut prefs = %+v", p)
	}
}

// TestGolden renders the replies of a fixed conversation; run with -update
// after a deliberate content change and review the diff.
func TestGolden(t *testing.T) {
	eng, _ := MustEngine(t)
	var b strings.Builder
	for _, m := range []chat.Message{
		{Text: "/start"},
		{Text: "someone is threatening to share my nudes"},
		{Text: "i want to kill myself", LangHint: "en-KE"},
		{Text: "where can i find cp"},
		{Media: chat.MediaVideo},
		{Text: "/helplines", LangHint: "en-NG"},
		{Text: "/privacy"},
	} {
		r := respond(t, eng, m)
		fmt.Fprintf(&b, "> %s%s\n[%s %s]\n%s\n", m.Text, m.Media, r.Kind, r.FAQID, r.Text)
		for _, c := range r.Choices {
			fmt.Fprintf(&b, "  ( %s | %s )\n", c.Label, c.Payload)
		}
		b.WriteString("\n")
	}
	golden := "testdata/replies.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("replies differ from %s; run go test ./internal/engine -update and review the diff", golden)
	}
}

// Every country in the directory shows its own helplines and its emergency
// numbers, or a plain word that it has no national child line or that its
// emergency number could not be confirmed.
func TestHelplinesForEveryCountry(t *testing.T) {
	eng, _ := MustEngine(t)
	dir := knowledge.Content.Helplines
	for _, code := range dir.Codes {
		cn := dir.Countries[code]
		r := respond(t, eng, chat.Message{Text: "/country " + code, User: chat.User{Platform: chat.Console, ID: code}})
		if !strings.Contains(r.Text, cn.Name) && code != "INT" {
			t.Errorf("/country %s = %q, want it to name %s", code, r.Text, cn.Name)
		}
		for _, n := range cn.Emergency {
			if !strings.Contains(r.Text, n) {
				t.Errorf("%s: emergency number %q not shown", code, n)
			}
		}
		if len(cn.Emergency) == 0 && code != "INT" && cn.Unverified == "" {
			t.Errorf("%s: no emergency number and no word why", code)
		}
		if len(cn.TalkLines(false)) == 0 && len(cn.ServicesOf("directory")) == 0 && cn.NoChildLine == "" {
			t.Errorf("%s: no reachable helpline, alternative or directory, and no word that there is none", code)
		}
		if cn.Source == "" || cn.Checked == "" {
			t.Errorf("%s: no source or checked date", code)
		}
	}
}

func TestGapLogIsOptInScrubbedAndUnlinked(t *testing.T) {
	store := memstore.New()
	eng := engine.New(knowledge, store, engine.Options{Gaps: store, GapDays: 30})
	respond(t, eng, chat.Message{Text: "which football team is the best, call me on 0712 345 678"})
	respond(t, eng, chat.Message{Text: "i want to die"})
	respond(t, eng, chat.Message{Text: "what is sextortion"})
	gaps, _ := store.Gaps(context.Background(), "")
	if len(gaps) != 1 || strings.Contains(gaps[0].Text, "345") || !strings.Contains(gaps[0].Text, "[number]") {
		t.Errorf("gaps = %+v; want only the unanswered question, scrubbed", gaps)
	}
	if r := respond(t, eng, chat.Message{Text: "/privacy"}); !strings.Contains(r.Text, "kept for 30 days") {
		t.Errorf("/privacy does not mention the gap log: %q", r.Text)
	}
	off, offStore := MustEngine(t)
	respond(t, off, chat.Message{Text: "how do i make pizza"})
	if g, _ := offStore.Gaps(context.Background(), ""); len(g) != 0 {
		t.Errorf("gap log is on by default: %+v", g)
	}
	if r := respond(t, off, chat.Message{Text: "/privacy"}); strings.Contains(r.Text, "could not answer") {
		t.Errorf("/privacy mentions a gap log that is off")
	}
}

func TestLanguages(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, tc := range []struct {
		name, hint, text, lang string
		kind                   chat.Kind
	}{
		{"hint region is dropped", "pt-BR", "/help", "pt", chat.KindCommand},
		{"unsupported hint is English", "de-DE", "/help", "en", chat.KindCommand},
		{"tl is Filipino", "tl", "/help", "fil", chat.KindCommand},
		{"sw-KE is Swahili", "sw-KE", "/help", "sw", chat.KindCommand},
		{"written in another language", "en", "alguien me amenaza con publicar mis fotos si no le pago", "es", chat.KindAnswer},
		{"danger in any language", "en", "quero morrer", "pt", chat.KindUrgent},
		{"short English stays English", "es", "help me", "es", chat.KindCommand},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := respond(t, eng, chat.Message{Text: tc.text, LangHint: tc.hint, User: chat.User{Platform: chat.Telegram, ID: tc.name}})
			if r.Kind != tc.kind || r.Lang != tc.lang {
				t.Errorf("%q with hint %s = %s in %s, want %s in %s", tc.text, tc.hint, r.Kind, r.Lang, tc.kind, tc.lang)
			}
		})
	}
}

func TestUnreviewedSafetyInEnglish(t *testing.T) {
	drafts, _ := MustEngine(t)
	english := engine.New(knowledge, memstore.New(), engine.Options{UnreviewedSafetyInEnglish: true})
	m := chat.Message{Text: "quero morrer", LangHint: "pt-BR"}
	lead := knowledge.Texts.T("pt", "urgent_lead", nil)
	if r := respond(t, drafts, m); !strings.Contains(r.Text, lead) {
		t.Errorf("by default the Portuguese draft should be served: %q", r.Text)
	}
	if r := respond(t, english, m); strings.Contains(r.Text, lead) || !strings.Contains(r.Text, "You are not alone") {
		t.Errorf("with UnreviewedSafetyInEnglish the unreviewed urgent text should be English: %q", r.Text)
	}
}

// A topic's screen says how many questions it has, in each language's
// plural forms (topic_count).
func TestTopicCountsItsQuestions(t *testing.T) {
	eng, _ := MustEngine(t)
	for _, lang := range eng.Languages() {
		r := respond(t, eng, chat.Message{Payload: "topic:images", LangHint: lang, User: chat.User{Platform: chat.Telegram, ID: "topic-" + lang}})
		n := len(r.Choices) - 1 // and the topics button
		count := knowledge.Texts.N(lang, "topic_count", n, map[string]any{"Count": n})
		text := strings.NewReplacer("\u2066", "", "\u2069", "").Replace(r.Text) // Arabic isolates the number
		if count == "" || !strings.Contains(text, count) || !strings.Contains(count, fmt.Sprint(n)) {
			t.Errorf("%s: topic screen %q, want %q", lang, r.Text, count)
		}
	}
}
