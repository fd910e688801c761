// Package learn trains small linear text classifiers in pure Go: a
// multinomial logistic regression over hashed word unigrams, word pairs and
// character n-grams of the words (the fastText idea without the embedding
// layer). Training is deterministic, needs no network and no downloaded
// weights, and takes tens of milliseconds on a few thousand examples, so a
// classifier is retrained from its labelled examples whenever the content
// loads: adding an example is all it takes to teach it.
//
// # Features
//
// Text is folded first (package norm); a feature is one of
//
//   - a word ("kill"), and a pair of neighbouring words ("kill myself");
//   - a character n-gram of a word with its boundaries ("<ki", "kil", "ill>"),
//     for misspellings, inflections and scripts without spaces;
//
// each hashed into one of [Buckets] buckets. A message is the set of its
// features: a feature present twice counts once, so a long message is not
// scored as if its words were shouting.
//
// # Training
//
// Stochastic gradient descent on the softmax cross-entropy, examples visited
// in an order drawn from a fixed seed, the learning rate falling linearly to
// zero, with L2 shrinkage applied lazily. The same examples always give the
// same weights.
package learn

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Buckets is the number of hash buckets features fall into.
const Buckets = 1 << 20

// Options shape the features and the training. The zero value is usable.
type Options struct {
	// MinN and MaxN bound the character n-grams (default 3 and 5).
	MinN, MaxN int
	// Epochs over the examples (default 8).
	Epochs int
	// Rate is the starting learning rate (default 0.5).
	Rate float64
	// L2 is the strength of the weight shrinkage (default 1e-5).
	L2 float64
	// Seed orders the examples (default 1).
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.MinN == 0 {
		o.MinN = 3
	}
	if o.MaxN == 0 {
		o.MaxN = 5
	}
	if o.Epochs == 0 {
		o.Epochs = 8
	}
	if o.Rate == 0 {
		o.Rate = 0.5
	}
	if o.L2 == 0 {
		o.L2 = 1e-5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Featurizer turns folded words into feature ids. It is safe for concurrent
// use.
type Featurizer struct{ minN, maxN int }

// NewFeaturizer returns the featurizer of the options.
func NewFeaturizer(o Options) Featurizer {
	o = o.withDefaults()
	return Featurizer{minN: o.MinN, maxN: o.MaxN}
}

// Feature kinds, mixed into the hash so that a word and an n-gram with the
// same letters stay apart.
const (
	kindWord = 0x9E3779B97F4A7C15
	kindPair = 0xC2B2AE3D27D4EB4F
	kindGram = 0x165667B19E3779F9
)

// Features appends the sorted, de-duplicated feature ids of the folded words
// to dst[:0] and returns it.
func (f Featurizer) Features(words []string, dst []uint32) []uint32 {
	dst = dst[:0]
	var runes []rune
	for i, w := range words {
		dst = append(dst, bucket(hashString(kindWord, w)))
		if i > 0 {
			dst = append(dst, bucket(hashString(hashString(kindPair, words[i-1]), w)))
		}
		runes = append(runes[:0], '<')
		runes = append(runes, []rune(w)...)
		runes = append(runes, '>')
		for n := f.minN; n <= f.maxN; n++ {
			for s := 0; s+n <= len(runes); s++ {
				if n == len(runes) { // the whole word with its boundaries is the word feature
					continue
				}
				dst = append(dst, bucket(hashRunes(kindGram, runes[s:s+n])))
			}
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

func bucket(h uint64) uint32 { return uint32(h>>32) & (Buckets - 1) }

// FNV-1a, seeded by the feature kind.
func hashString(seed uint64, s string) uint64 {
	h := seed ^ 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= 0xff // word boundary, so that ("ab","c") and ("a","bc") differ
	h *= 1099511628211
	return h
}

func hashRunes(seed uint64, rs []rune) uint64 {
	h := seed ^ 14695981039346656037
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

// Example is one labelled text, as feature ids.
type Example struct {
	Features []uint32
	Class    int
}

// Model is a trained classifier. It is immutable and safe for concurrent
// use.
type Model struct {
	Classes []string
	feat    Featurizer
	// rows maps a feature bucket to its row of weights, -1 for a feature no
	// training example had (it cannot move a score)
	rows    []int32
	weights []float32 // row-major: len(rows used) × len(Classes)
	bias    []float32
}

// Train fits a model to the examples. Classes names the classes that
// Example.Class indexes.
func Train(classes []string, examples []Example, o Options) *Model {
	o = o.withDefaults()
	k := len(classes)
	m := &Model{Classes: classes, feat: NewFeaturizer(o), rows: make([]int32, Buckets), bias: make([]float32, k)}
	for i := range m.rows {
		m.rows[i] = -1
	}
	nrows := int32(0)
	for _, ex := range examples {
		for _, f := range ex.Features {
			if m.rows[f] < 0 {
				m.rows[f] = nrows
				nrows++
			}
		}
	}
	m.weights = make([]float32, int(nrows)*k)
	// lazy L2: a row's weights are shrunk by the steps it missed when it is
	// next touched (scale is the running product of the shrink factors)
	last := make([]int32, nrows)
	scale := []float64{1}

	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5A1A4A))
	total := o.Epochs * len(examples)
	probs := make([]float64, k)
	step := int32(0)
	for epoch := 0; epoch < o.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			ex := examples[idx]
			rate := o.Rate * (1 - float64(int(step))/float64(total))
			step++
			scale = append(scale, scale[len(scale)-1]*(1-rate*o.L2))
			cur := scale[len(scale)-1]
			for _, f := range ex.Features { // bring the rows up to date
				r := m.rows[f]
				if s := scale[last[r]] / cur; s != 1 {
					row := m.weights[int(r)*k : int(r)*k+k]
					shrink := float32(cur / scale[last[r]])
					for c := range row {
						row[c] *= shrink
					}
				}
				last[r] = int32(len(scale) - 1)
			}
			m.scores(ex.Features, probs)
			softmax(probs)
			for c := range k {
				g := probs[c]
				if c == ex.Class {
					g -= 1
				}
				if g > -1e-4 && g < 1e-4 {
					continue
				}
				d := float32(rate * g)
				m.bias[c] -= d
				for _, f := range ex.Features {
					m.weights[int(m.rows[f])*k+c] -= d
				}
			}
		}
	}
	final := scale[len(scale)-1]
	for r := range nrows {
		shrink := float32(final / scale[last[r]])
		row := m.weights[int(r)*k : int(r)*k+k]
		for c := range row {
			row[c] *= shrink
		}
	}
	return m
}

// scores writes the raw class scores (logits) of the features into out.
func (m *Model) scores(features []uint32, out []float64) {
	k := len(m.Classes)
	for c := range k {
		out[c] = float64(m.bias[c])
	}
	for _, f := range features {
		r := m.rows[f]
		if r < 0 {
			continue
		}
		row := m.weights[int(r)*k : int(r)*k+k]
		for c, w := range row {
			out[c] += float64(w)
		}
	}
}

func softmax(v []float64) {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = max(mx, x)
	}
	sum := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - mx)
		sum += v[i]
	}
	for i := range v {
		v[i] /= sum
	}
}

// Features returns the feature ids of folded words, as the model reads them.
func (m *Model) Features(words []string, dst []uint32) []uint32 {
	return m.feat.Features(words, dst)
}

// Probs writes the probability of each class given the features into out
// (len(out) == len(m.Classes)).
func (m *Model) Probs(features []uint32, out []float64) {
	m.scores(features, out)
	softmax(out)
}

// Weight returns a feature's weight for a class, and whether any training
// example had the feature (for explanations).
func (m *Model) Weight(feature uint32, class int) (float64, bool) {
	r := m.rows[feature]
	if r < 0 {
		return 0, false
	}
	return float64(m.weights[int(r)*len(m.Classes)+class]), true
}
