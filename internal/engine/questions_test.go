package engine_test

import (
	"context"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
)

// The matcher's accuracy is measured held out, by `salama eval match`
// (internal/evaluate, whose tests hold the floors, off-topic answers
// included). Here: greetings get the welcome, before or after matching. A
// message the safety router takes is its business (its false alarms are
// measured by `salama eval safety`): logged, not failed.
func TestGreetingQuestions(t *testing.T) {
	for _, lang := range engine.New(knowledge, memstore.New(), engine.Options{}).Languages() {
		t.Run(lang, func(t *testing.T) {
			eng, _ := MustEngine(t)
			for _, q := range knowledge.Content.Langs[lang].Questions {
				if q.ID != content.QuestionGreeting {
					continue
				}
				r := ask(t, eng, lang, q.Text)
				switch {
				case r.Category != "":
					t.Logf("%s:%d: %q = %s %s (%s): the safety router's", q.File, q.Line, q.Text, r.Kind, r.FAQID, r.Category)
				case r.Kind != chat.KindGreeting:
					t.Errorf("%s:%d: %q = %s %s, want a greeting", q.File, q.Line, q.Text, r.Kind, r.FAQID)
				}
			}
		})
	}
}

func ask(tb testing.TB, eng chat.Responder, lang, text string) chat.Reply {
	tb.Helper()
	r, err := eng.Respond(context.Background(), chat.Message{User: chat.User{Platform: chat.Console, ID: "dev"}, Text: text, LangHint: lang})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}
