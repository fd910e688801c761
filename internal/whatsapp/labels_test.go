package whatsapp

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/locales"
)

// Every reply with choices the real engine gives, in every language — the
// welcome, the topic menu, each topic, each entry, the language, region and
// country menus — fits WhatsApp's limits once rendered, and a shortened
// label is cut at a word, never in the middle of one.
func TestEveryLabelFitsInEveryLanguage(t *testing.T) {
	k, err := engine.Load(faq.FS, locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(k, memstore.New(), engine.Options{})
	ctx := context.Background()
	for _, lang := range eng.Languages() {
		t.Run(lang, func(t *testing.T) {
			u := chat.User{Platform: chat.WhatsApp, ID: "lang-" + lang}
			ask := func(m chat.Message) chat.Reply {
				m.User, m.Chat = u, u.ID
				r, err := eng.Respond(ctx, m)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			replies := []chat.Reply{ask(chat.Message{Text: "/start lang_" + lang}), ask(chat.Message{Text: "/topics"}),
				ask(chat.Message{Text: "/language"}), ask(chat.Message{Text: "/country"}), ask(chat.Message{Text: "/help"})}
			for _, topic := range content.Topics {
				replies = append(replies, ask(chat.Message{Payload: "topic:" + topic}))
			}
			for i := range content.Regions {
				replies = append(replies, ask(chat.Message{Payload: "region:" + strconv.Itoa(i)}))
			}
			for _, id := range k.Content.IDs {
				replies = append(replies, ask(chat.Message{Payload: "faq:" + id}), ask(chat.Message{Payload: "more:" + id}))
			}
			listButton := k.Texts.T(lang, "button_choose", nil)
			shortened := 0
			for _, r := range replies {
				out := render(u.ID, r, listButton)
				for _, m := range out.messages {
					checkLimits(t, m)
					if m.Interactive == nil {
						continue
					}
					for _, s := range m.Interactive.Action.Sections {
						for _, row := range s.Rows {
							if row.Description != "" {
								shortened++
								checkCut(t, row.Title, labelOf(r, row.ID))
							}
						}
					}
				}
			}
			t.Logf("%d replies, %d labels shortened", len(replies), shortened)
		})
	}
}

func labelOf(r chat.Reply, payload string) string {
	for _, c := range r.Choices {
		if c.Payload == payload {
			return strings.Join(strings.Fields(c.Label), " ")
		}
	}
	return ""
}

// checkCut fails when a shortened title is not the label's beginning cut at
// a word (or, for a label whose first half has no space at all, at the
// limit), with an ellipsis.
func checkCut(t *testing.T, title, label string) {
	t.Helper()
	kept, ok := strings.CutSuffix(title, "…")
	if !ok || !strings.HasPrefix(label, kept) {
		t.Errorf("title %q is not a shortened %q", title, label)
		return
	}
	rest := []rune(strings.TrimPrefix(label, kept))
	atWord := len(rest) == 0 || rest[0] == ' ' || strings.ContainsAny(string(rest[:1]), ",.;:-–")
	noSpace := !strings.Contains(string([]rune(label)[channel.Runes.Len(kept)/2:channel.Runes.Len(kept)]), " ")
	if !atWord && !noSpace {
		t.Errorf("title %q cuts %q inside a word", title, label)
	}
}
