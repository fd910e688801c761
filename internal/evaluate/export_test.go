package evaluate

import "github.com/salama-safety/salama/internal/match"

// DecideReduced is the threshold search's decision on one scored question.
func DecideReduced(q Scored, t match.Thresholds) (match.Kind, int8) {
	d := reduce([]Scored{q})[0]
	return d.decide(t)
}
