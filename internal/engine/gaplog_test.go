package engine_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
)

// offTopic reads the off-topic messages of every language
// (faq/<lang>/offtopic.txt): messages nothing in the FAQ answers, the gap log's
// material.
func offTopic(tb testing.TB) map[string][]string {
	tb.Helper()
	files, err := filepath.Glob("../../faq/*/offtopic.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no off-topic sets: %v", err)
	}
	out := map[string][]string{}
	for _, f := range files {
		lang := filepath.Base(filepath.Dir(f))
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				out[lang] = append(out[lang], l)
			}
		}
		fh.Close()
	}
	return out
}

// The gap log keeps a question only when it fell to the fallback and the
// safety router saw no sign of danger in it at all, not even one too weak
// to change the reply. Checked over every off-topic message in every
// language, whatever the scorer's state: the invariant holds message by
// message.
func TestGapLogNeverKeepsAMessageWithASafetySignal(t *testing.T) {
	ctx := context.Background()
	logged, signalled := 0, 0
	for lang, msgs := range offTopic(t) {
		for _, text := range msgs {
			store := memstore.New()
			eng := engine.New(knowledge, store, engine.Options{Gaps: store, GapDays: 30})
			m := chat.Message{User: teen, Text: text, LangHint: lang}
			_, ex := eng.Explain(ctx, m)
			signal := knowledge.Safety.Signal(ex.Result)
			r := respond(t, eng, m)
			gaps, _ := store.Gaps(ctx, "")
			switch {
			case signal && len(gaps) > 0:
				t.Errorf("%s: %q had a safety signal (%s, scores %+v) and was logged", lang, text, ex.Result.Verdict, ex.Result.Scores)
			case !signal && r.Kind == chat.KindFallback && len(gaps) != 1:
				t.Errorf("%s: %q fell to the fallback with no signal and was not logged", lang, text)
			case r.Kind != chat.KindFallback && len(gaps) > 0:
				t.Errorf("%s: %q got %s and was logged", lang, text, r.Kind)
			}
			if len(gaps) > 0 {
				logged++
			} else if signal && r.Kind == chat.KindFallback {
				signalled++
			}
		}
	}
	t.Logf("logged %d off-topic messages; kept out %d that fell to the fallback with a weak safety signal", logged, signalled)
}

// Messages of danger, in several languages and phrasings, are never kept,
// whatever reply they get (the issue found a suicidal message that fell to
// the fallback in the log).
func TestGapLogKeepsNoDanger(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ lang, text string }{
		{"en", "everyone would be better off without me"},
		{"en", "i dont see the point of anything anymore"},
		{"en", "i just want it all to stop forever"},
		{"en", "he says he will come to my house tonight"},
		{"en", "where can i find pics of young kids"},
		{"fr", "je veux en finir"},
		{"es", "ya no quiero vivir"},
		{"pt", "eu quero morrer"},
		{"sw", "nataka kujiua"},
		{"hi", "main marna chahta hoon"},
		{"id", "aku ingin mati saja"},
		{"fil", "gusto ko nang mamatay"},
		{"ar", "بدي موت"},
	} {
		store := memstore.New()
		eng := engine.New(knowledge, store, engine.Options{Gaps: store, GapDays: 30})
		r := respond(t, eng, chat.Message{User: teen, Text: tc.text, LangHint: tc.lang})
		if gaps, _ := store.Gaps(ctx, ""); len(gaps) > 0 {
			t.Errorf("%s: %q (%s) was kept in the gap log: %+v", tc.lang, tc.text, r.Kind, gaps)
		}
	}
}
