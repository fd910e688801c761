package safety_test

import (
	"testing"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/safety"
)

func TestSignal(t *testing.T) {
	examples := []content.Example{
		{Category: content.CategoryOrdinary, Text: "what is grooming", Lang: "en"},
		{Category: content.CategoryVictim, Text: "my friend was sent bad pictures", Lang: "en"},
	}
	r, err := safety.New(nil, examples)
	if err != nil {
		t.Fatal(err)
	}
	th := safety.DefaultThresholds
	for _, tc := range []struct {
		name string
		res  safety.Result
		want bool
	}{
		{"nothing", safety.Result{}, false},
		{"a verdict", safety.Result{Verdict: safety.OwnThoughts}, true},
		{"urgent below the threshold", safety.Result{Scores: safety.Scores{Urgent: th.Urgent * 0.6}}, true},
		{"deterrence below the threshold", safety.Result{Scores: safety.Scores{Deterrence: th.Deterrence * 0.5}}, true},
		{"own thoughts below the threshold", safety.Result{Scores: safety.Scores{OwnThoughts: th.OwnThoughts * 0.7}}, true},
		{"a victim", safety.Result{Scores: safety.Scores{Victim: th.Victim * 0.9}}, true},
		{"trivial scores", safety.Result{Scores: safety.Scores{Urgent: th.Urgent * 0.3, Deterrence: th.Deterrence * 0.3, Victim: th.Victim * 0.3, Ordinary: 0.8}}, false},
	} {
		if got := r.Signal(tc.res); got != tc.want {
			t.Errorf("%s: Signal = %v, want %v", tc.name, got, tc.want)
		}
	}
}
