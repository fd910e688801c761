package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
)

// A poster's deep link for a country (t.me/bot?start=country_KE) opens on
// that country's helplines, after the welcome, and remembers the country.
func TestStartCountryDeepLink(t *testing.T) {
	eng, store := MustEngine(t)
	r := respond(t, eng, chat.Message{Text: "/start country_KE"})
	welcome := strings.SplitN(knowledge.Texts.T("en", "welcome", nil), "\n", 2)[0]
	if !strings.HasPrefix(r.Text, welcome) || !strings.Contains(r.Text, "116") {
		t.Errorf("/start country_KE = %q, want the welcome, then Kenya's helplines", r.Text)
	}
	if p, _ := store.Prefs(context.Background(), teen); p.Country != "KE" {
		t.Errorf("country = %q, want KE", p.Country)
	}
	// An unknown country: the plain welcome and the topics.
	r = respond(t, eng, chat.Message{User: chat.User{Platform: chat.Telegram, ID: "43"}, Text: "/start country_XX"})
	if !strings.HasPrefix(r.Text, welcome) || len(r.Choices) == 0 {
		t.Errorf("/start country_XX = %q with %d choices, want the welcome and the topics", r.Text, len(r.Choices))
	}
}

// The helpful and unhelpful buttons are votes (chat.Choice.Vote), so that
// adapters count one vote per message; no other choice is.
func TestVoteChoices(t *testing.T) {
	eng, _ := MustEngine(t)
	r := respond(t, eng, chat.Message{Payload: "faq:sextortion.what"})
	votes := 0
	for _, c := range r.Choices {
		isVote := strings.HasPrefix(c.Payload, "yes:") || strings.HasPrefix(c.Payload, "no:")
		if c.Vote != isVote {
			t.Errorf("choice %q: Vote = %v", c.Payload, c.Vote)
		}
		if c.Vote {
			votes++
		}
	}
	if votes != 2 {
		t.Errorf("%d votes among %+v, want 2", votes, r.Choices)
	}
}
