package evaluate_test

import (
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/evaluate"
	"github.com/salama-safety/salama/internal/match"
)

// matchFloors are the held-out top-1 floors per language (5-fold
// cross-validation over the phrasings and questions; `salama eval match`
// and docs/MATCHING.md). Raise them as matching improves; never lower one
// to make a change pass.
var matchFloors = map[string]float64{
	evaluate.AllLangs: 0.76,
	"am":              0.84, "ar": 0.83, "bn": 0.72, "en": 0.74, "es": 0.77, "fil": 0.70,
	"fr": 0.74, "ha": 0.71, "hi": 0.79, "id": 0.72, "pt": 0.72, "sw": 0.77,
}

func TestMatchHeldOut(t *testing.T) {
	c, err := content.Load(faq.FS)
	if err != nil {
		t.Fatal(err)
	}
	qs := evaluate.MatchData(c)
	// the engine's thresholds, to spare the nested choice: top-1 does not
	// depend on them, and off-topic answers are checked against them
	rep := evaluate.Match(c, qs, evaluate.MatchOptions{Thresholds: &match.DefaultThresholds})
	for _, lang := range append(rep.Langs, evaluate.AllLangs) {
		s, b := rep.Tallies[evaluate.Salama][lang], rep.Tallies[evaluate.BM25][lang]
		top1 := float64(s.Top1) / float64(s.N)
		t.Logf("%s: top-1 %.1f%% (%d/%d), BM25 %.1f%%", lang, 100*top1, s.Top1, s.N, 100*float64(b.Top1)/float64(b.N))
		floor, ok := matchFloors[lang]
		if !ok {
			t.Errorf("%s: no floor set in matchFloors", lang)
		}
		if top1 < floor {
			t.Errorf("%s: held-out top-1 %.3f is under the floor %.2f", lang, top1, floor)
		}
		if s.Top1 <= b.Top1 {
			t.Errorf("%s: held-out top-1 %d/%d is not ahead of BM25's %d", lang, s.Top1, s.N, b.Top1)
		}
		// off-topic messages answered: at most 5% where there are enough
		// of them to say
		if s.OffTopic >= 50 && float64(s.OffAnswered) > 0.05*float64(s.OffTopic) {
			t.Errorf("%s: %d of %d off-topic messages answered with an entry, more than 5%%", lang, s.OffAnswered, s.OffTopic)
		}
	}
}

func TestChooseThresholdsKeepsOffTopicDown(t *testing.T) {
	// two questions answered right above 0.5; an off-topic message scoring
	// 0.6 must not be answered, whatever that costs
	var qs []evaluate.Scored
	for range 10 {
		qs = append(qs, evaluate.Scored{ID: "a", Ranked: []match.Result{{ID: "a", Score: 0.7}, {ID: "b", Score: 0.1}}})
	}
	qs = append(qs, evaluate.Scored{ID: "", Ranked: []match.Result{{ID: "a", Score: 0.6}}})
	th := evaluate.ChooseThresholds(qs)
	for _, q := range qs {
		d := match.Decide(q.Ranked, th)
		if q.ID == "" && d.Kind == match.Answer {
			t.Errorf("ChooseThresholds = %+v answers the off-topic message", th)
		}
		if q.ID != "" && d.Kind != match.Answer {
			t.Errorf("ChooseThresholds = %+v does not answer %v", th, q.Ranked)
		}
	}
}
