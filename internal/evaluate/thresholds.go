package evaluate

import (
	"github.com/salama-safety/salama/internal/match"
)

// Scored is a question's label ("" for off-topic) and its ranked entries.
type Scored struct {
	ID     string
	Ranked []match.Result
}

// What each outcome is worth when choosing thresholds. These were fixed
// before any threshold was chosen with them, and say what the bot is for:
// a right answer is the goal; the right entry among two or three choices
// costs the reader a tap; a fallback costs them the menu; a wrong answer
// costs as much as a right one gains. Off-topic messages should get the
// fallback: choices cost half a wrong answer, an answer a whole one, and
// at most maxOffAnswered of them may be answered. Off-topic messages are
// weighed as offTopicShare of all messages, whatever their number in the
// data (few languages have an off-topic set yet).
const (
	gainRight      = 1.0
	gainChoice     = 0.5
	lossWrong      = -1.0
	lossOffAnswer  = -1.0
	lossOffChoice  = -0.5
	maxOffAnswered = 0.05
	offTopicShare  = 0.25
)

// utility is what thresholds are worth on scored questions, and whether
// they answer few enough off-topic messages.
func utility(qs []Scored, t match.Thresholds) (float64, bool) {
	var on, offU float64
	n, off, offAnswered := 0, 0, 0
	for _, q := range qs {
		d := match.Decide(q.Ranked, t)
		if q.ID == "" {
			off++
			switch d.Kind {
			case match.Answer:
				offAnswered++
				offU += lossOffAnswer
			case match.Clarify:
				offU += lossOffChoice
			}
			continue
		}
		n++
		switch d.Kind {
		case match.Answer:
			if d.Results[0].ID == q.ID {
				on += gainRight
			} else {
				on += lossWrong
			}
		case match.Clarify:
			for _, r := range d.Results {
				if r.ID == q.ID {
					on += gainChoice
				}
			}
		}
	}
	u := 0.0
	if n > 0 {
		u += (1 - offTopicShare) * on / float64(n)
	}
	if off > 0 {
		u += offTopicShare * offU / float64(off)
	}
	return u, float64(offAnswered) <= maxOffAnswered*float64(off)
}

// ChooseThresholds returns the thresholds worth most on the scored
// questions among those that answer few enough off-topic messages: a
// coordinate search from match.DefaultThresholds, each threshold in turn
// over its range in steps of 0.01, until nothing improves. It is
// deterministic.
func ChooseThresholds(qs []Scored) match.Thresholds {
	best := match.DefaultThresholds
	bestU, ok := utility(qs, best)
	if !ok {
		bestU = -1e18 // any setting that keeps off-topic answers down is better
	}
	fields := []struct {
		get      func(*match.Thresholds) *float64
		from, to float64
	}{
		{func(t *match.Thresholds) *float64 { return &t.Floor }, 0.05, 0.8},
		{func(t *match.Thresholds) *float64 { return &t.Answer }, 0.05, 0.95},
		{func(t *match.Thresholds) *float64 { return &t.Close }, 0.5, 1.0},
		{func(t *match.Thresholds) *float64 { return &t.Sure }, 0.1, 1.01},
	}
	for round := 0; round < 10; round++ {
		improved := false
		for _, f := range fields {
			for step := 0; ; step++ {
				v := f.from + 0.01*float64(step)
				if v > f.to+1e-9 {
					break
				}
				t := best
				*f.get(&t) = round2(v)
				u, ok := utility(qs, t)
				if ok && u > bestU+1e-9 {
					best, bestU, improved = t, u, true
				}
			}
		}
		if !improved {
			break
		}
	}
	return best
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }
