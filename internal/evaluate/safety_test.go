package evaluate_test

import (
	"fmt"
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/evaluate"
	"github.com/salama-safety/salama/locales"
)

// floor is what a language's held-out figures must not fall below. They are
// the figures of 2026-12-07 (after the fourth round of examples, whose
// ordinary messages use scary words harmlessly and raised the measured
// false alarms) less a margin: a change to the examples, rules or scorer
// that loses recall or raises false alarms fails here. They are below the
// safety issue's targets (docs/SAFETY.md says by how much).
type floor struct {
	urgent, deterrence float64 // recall
	falseAlarms        float64 // urgent, deterrence or prevention on ordinary messages
}

// victimCeiling is how many victims or witnesses of a language may get the
// deterrence reply or the prevention answer (2026-12-07's count).
var victimCeiling = map[string]int{"en": 6, "am": 1, "bn": 1, "pt": 1}

var floors = map[string]floor{
	"en": {0.93, 0.86, 0.20},
	"":   {0.88, 0.66, 0.33}, // every other language
}

// TestSafetyHeldOut checks the safety router on examples it was not trained
// on (5-fold cross-validation): recall of danger and of abuse-seeking per
// language, false alarms on ordinary messages, and no victim or witness
// ever given the deterrence reply or the prevention answer.
func TestSafetyHeldOut(t *testing.T) {
	k := engine.MustLoad(faq.FS, locales.FS)
	rep, err := evaluate.Safety(k.Content, evaluate.Combined, 5, evaluate.All, k.KnownQuestion)
	if err != nil {
		t.Fatal(err)
	}
	rate := func(h, n int) float64 { return float64(h) / float64(max(n, 1)) }
	for _, lang := range rep.Langs {
		f, ok := floors[lang]
		if !ok {
			f = floors[""]
		}
		uh, un := rep.Rate(lang, content.ReplyUrgent)
		dh, dn := rep.Rate(lang, content.ReplyDeterrence)
		oh, on := rep.Rate(lang, content.CategoryOrdinary)
		if un+dn+on == 0 {
			continue // a new language with no labelled examples yet: locales check warns
		}
		if r := rate(uh, un); r < f.urgent {
			t.Errorf("%s: urgent recall %.3f (%d/%d), floor %.2f", lang, r, uh, un, f.urgent)
		}
		if r := rate(dh, dn); r < f.deterrence {
			t.Errorf("%s: deterrence recall %.3f (%d/%d), floor %.2f", lang, r, dh, dn, f.deterrence)
		}
		if r := 1 - rate(oh, on); r > f.falseAlarms {
			t.Errorf("%s: false alarms on ordinary messages %.3f (%d/%d), ceiling %.2f", lang, r, on-oh, on, f.falseAlarms)
		}
		// the issue asks for none; 7 of 2,422 remain (docs/SAFETY.md), and
		// no language may have more than today
		if v := rep.Tallies[lang][content.CategoryVictim]; v != nil && v.Deterrence+v.OwnThoughts > victimCeiling[lang] {
			t.Errorf("%s: %d victims or witnesses given the deterrence reply or the prevention answer: %s", lang, v.Deterrence+v.OwnThoughts, misses(v))
		}
	}
}

func misses(t *evaluate.Tally) string {
	s := ""
	for _, m := range t.Misses {
		if m.Verdict == "deterrence" || m.Verdict == "own-thoughts" {
			s += fmt.Sprintf("\n  %s:%d: %s", m.File, m.Line, m.Text)
		}
	}
	return s
}
