package match

// Thresholds turn scores into a decision. Scores mean the same in every
// language closely enough for one set to serve them all.
type Thresholds struct {
	// Floor: below it nothing fits, and the caller falls back.
	Floor float64
	// Answer: the best entry is answered outright when it scores this much
	// and no runner-up is close.
	Answer float64
	// Close: a runner-up scoring at least Close times the best makes the
	// question ambiguous.
	Close float64
	// Sure: at this score the best entry is answered even with a close
	// runner-up.
	Sure float64
}

// DefaultThresholds were chosen by `salama eval match --choose` on all the
// held-out scores (docs/MATCHING.md says how and what they give).
var DefaultThresholds = Thresholds{Floor: 0.26, Answer: 0.36, Close: 0.90, Sure: 0.45}

// MaxChoices is the most entries a clarifying question offers.
const MaxChoices = 3

// Kind is what a decision does.
type Kind int

const (
	Fallback Kind = iota // nothing fits
	Answer               // answer Results[0]
	Clarify              // offer Results (two or three)
)

func (k Kind) String() string {
	switch k {
	case Answer:
		return "answer"
	case Clarify:
		return "clarify"
	}
	return "fallback"
}

// Decision is what to do with a question's ranked results.
type Decision struct {
	Kind    Kind
	Results []Result // the answer, or the choices
}

// Decide turns ranked results (best first, at least MaxChoices of them
// when there are so many) into an answer, a choice, or a fallback.
func Decide(rs []Result, t Thresholds) Decision {
	if len(rs) == 0 || rs[0].Score < t.Floor {
		return Decision{Kind: Fallback}
	}
	top := rs[0]
	n := 1 // results close to the best
	for _, r := range rs[1:min(len(rs), MaxChoices)] {
		if r.Score >= top.Score*t.Close {
			n++
		}
	}
	if top.Score >= t.Sure || top.Score >= t.Answer && n == 1 {
		return Decision{Kind: Answer, Results: rs[:1]}
	}
	if n == 1 { // unsure, though nothing is close: offer the next best too
		n = min(len(rs), 2)
	}
	return Decision{Kind: Clarify, Results: rs[:n]}
}
