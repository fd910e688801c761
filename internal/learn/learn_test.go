package learn

import (
	"maps"
	"slices"
	"testing"

	"github.com/salama-safety/salama/internal/norm"
)

// Named lists exactly the features Features hashes, so explanations name
// what the model really read.
func TestNamedMatchesFeatures(t *testing.T) {
	f := NewFeaturizer(Options{})
	for _, s := range []string{"i want to die", "a", "ab", "ሰላም ነው", "मुझे मदद चाहिए", "kms 😭 rn", "supercalifragilisticexpialidocioussupercalifragilisticexpialidocious x"} {
		words := norm.Words(s)
		want := f.Features(words, nil)
		var got []uint32
		for _, n := range f.Named(words) {
			got = append(got, n.ID)
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if !slices.Equal(got, want) {
			t.Errorf("Named(%q) has %d features, Features has %d", s, len(got), len(want))
		}
	}
}

// Training is deterministic and learns a separable toy problem.
func TestTrain(t *testing.T) {
	f := NewFeaturizer(Options{})
	texts := map[string]int{
		"i want to die": 0, "kill myself tonight": 0, "end my life": 0, "i will kill myself": 0,
		"what is grooming": 1, "how do i block someone": 1, "what is sextortion": 1, "how to report": 1,
	}
	var ex []Example
	for _, k := range slices.Sorted(maps.Keys(texts)) {
		ex = append(ex, Example{Features: f.Features(norm.Words(k), nil), Class: texts[k]})
	}
	a := Train([]string{"danger", "question"}, ex, Options{Epochs: 20})
	b := Train([]string{"danger", "question"}, ex, Options{Epochs: 20})
	if !slices.Equal(a.weights, b.weights) {
		t.Fatal("two trainings on the same examples differ")
	}
	probs := make([]float64, 2)
	for text, want := range map[string]int{"i want to kill myself": 0, "how do i report grooming": 1} {
		a.Probs(a.Features(norm.Words(text), nil), probs)
		if probs[want] < 0.5 {
			t.Errorf("Probs(%q) = %v, want class %d first", text, probs, want)
		}
	}
}

// A decoded model scores exactly as the one encoded.
func TestEncodeRoundTrip(t *testing.T) {
	f := NewFeaturizer(Options{})
	var ex []Example
	for i, s := range []string{"i want to die", "what is grooming", "how do i block", "kill myself tonight"} {
		ex = append(ex, Example{Features: f.Features(norm.Words(s), nil), Class: i % 2})
	}
	m := Train([]string{"a", "b"}, ex, Options{Norm: true})
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	d, err := UnmarshalModel(data)
	if err != nil {
		t.Fatal(err)
	}
	p, q := make([]float64, 2), make([]float64, 2)
	for _, s := range []string{"i want to kill myself", "grooming what", "nothing known"} {
		m.Probs(m.Features(norm.Words(s), nil), p)
		d.Probs(d.Features(norm.Words(s), nil), q)
		if !slices.Equal(p, q) {
			t.Errorf("%q: decoded model gives %v, want %v", s, q, p)
		}
	}
	for _, bad := range [][]byte{nil, []byte("SALAMA-LEARN\x00\x01"), data[:len(data)/2]} {
		if _, err := UnmarshalModel(bad); err == nil {
			t.Errorf("UnmarshalModel(%d bytes) accepted a broken model", len(bad))
		}
	}
}
