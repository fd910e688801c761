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
// zero after a few epochs (the early stop is the regularisation). The same
// examples always give the same weights.
package learn

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Buckets is the number of hash buckets features fall into. 2^19 keeps a
// model's bucket table in the processor's caches better than 2^20 (the
// safety router's answers were a third faster) at the cost of about half a
// point of held-out recall from the extra collisions; 2^18 cost a point.
const Buckets = 1 << 19

// Options shape the features and the training. The zero value is usable.
type Options struct {
	// MinN and MaxN bound the character n-grams (default 3 and 5).
	MinN, MaxN int
	// Epochs over the examples (default 8).
	Epochs int
	// Rate is the starting learning rate (default 0.2).
	Rate float64
	// Decay shrinks every weight by this fraction after each epoch (L2
	// regularisation, applied in bulk; default 0: none).
	Decay float64
	// Norm scales a message's features by 1/sqrt(count) when set, so a long
	// message's score is not the sum of all its words.
	Norm bool
	// MinCount drops the features fewer than this many examples have: a
	// feature of a single example can only memorise it (default 1: keep
	// all).
	MinCount int
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
		o.Epochs = 5
	}
	if o.Rate == 0 {
		o.Rate = 0.2
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
	for i, w := range words {
		if i > 0 {
			dst = append(dst, f.Pair(words[i-1], w))
		}
		dst = f.Word(w, dst)
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// Pair returns the feature of two neighbouring folded words.
func (f Featurizer) Pair(a, b string) uint32 {
	return bucket(hashString(hashString(kindPair, a), b))
}

// Word appends the features of one folded word on its own (the word, and
// its character n-grams) to dst, unsorted, and returns it. Features of a
// message are those of its words and of its neighbouring pairs.
func (f Featurizer) Word(w string, dst []uint32) []uint32 {
	dst = append(dst, bucket(hashString(kindWord, w)))
	// the n-grams of "<w>": rune boundaries of w, the markers around it
	var starts [64]int
	bounds := starts[:0]
	for j := range w {
		if len(bounds) == cap(bounds)-1 {
			break // a 60-letter "word" has n-grams enough
		}
		bounds = append(bounds, j)
	}
	end := len(w)
	if len(bounds) == cap(bounds)-1 {
		end = bounds[len(bounds)-1]
		bounds = bounds[:len(bounds)-1]
	}
	bounds = append(bounds, end)
	letters := len(bounds) - 1 // runes in w (up to the cap)
	// position p in "<w>" is the marker for p == 0 and p == letters+1
	for n := f.minN; n <= f.maxN; n++ {
		if n >= letters+2 { // the whole "<w>" is the word feature
			break
		}
		for p := 0; p+n <= letters+2; p++ {
			h := uint64(kindGram) ^ 14695981039346656037
			from, to := p, p+n // in "<w>" positions
			if from == 0 {
				h = (h ^ '<') * 1099511628211
				from = 1
			}
			closing := to == letters+2
			if closing {
				to--
			}
			for _, c := range []byte(w[bounds[from-1]:bounds[to-1]]) {
				h = (h ^ uint64(c)) * 1099511628211
			}
			if closing {
				h = (h ^ '>') * 1099511628211
			}
			dst = append(dst, bucket(h))
		}
	}
	return dst
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
	weights []float32 // row-major: rows used × stride
	stride  int       // len(Classes) rounded up to a multiple of 16
	bias    []float32
	norm    bool
}

// Train fits a model to the examples. Classes names the classes that
// Example.Class indexes.
//
// Training runs on one goroutine and touches only memory it allocated, so
// the race detector has nothing to check in it; without it, the race
// detector slows the test suite's trainings tenfold.
//
//go:norace
func Train(classes []string, examples []Example, o Options) *Model {
	o = o.withDefaults()
	k := len(classes)
	m := &Model{Classes: classes, feat: NewFeaturizer(o), rows: make([]int32, Buckets), bias: make([]float32, k), norm: o.Norm}
	for i := range m.rows {
		m.rows[i] = -1
	}
	// each example as the rows of its features, in one flat slice; rows
	// counts examples per feature first (as -1 - count)
	for _, ex := range examples {
		for _, f := range ex.Features {
			m.rows[f]--
		}
	}
	var flat []int32
	spans := make([][2]int32, len(examples))
	nrows := int32(0)
	for i, ex := range examples {
		spans[i][0] = int32(len(flat))
		for _, f := range ex.Features {
			switch r := m.rows[f]; {
			case r >= 0:
				flat = append(flat, r)
			case int(-1-r) >= max(o.MinCount, 1):
				m.rows[f] = nrows
				flat = append(flat, nrows)
				nrows++
			}
		}
		spans[i][1] = int32(len(flat))
	}
	for f, r := range m.rows {
		if r < 0 {
			m.rows[f] = -1
		}
	}
	m.stride = (k + 15) / 16 * 16 // rows of whole 64-byte lines
	m.weights = make([]float32, int(nrows)*m.stride)
	w, stride := m.weights, m.stride

	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5A1A4A))
	total := float64(o.Epochs * len(examples))
	logits := make([]float32, stride)
	grad := make([]float32, stride)
	step := 0
	for range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, idx := range order {
			rate := float32(o.Rate * (1 - float64(step)/total))
			step++
			rows := flat[spans[idx][0]:spans[idx][1]]
			// the scale counts every feature of the example, as Probs
			// will count a message's unknown features
			scale := m.scale(len(examples[idx].Features))
			clear(logits)
			for _, r := range rows {
				base := int(r) * stride
				for j := 0; j < stride; j += 16 {
					add16((*[16]float32)(logits[j:j+16]), (*[16]float32)(w[base+j:base+j+16]))
				}
			}
			for c := range k {
				logits[c] = logits[c]*scale + m.bias[c]
			}
			softmax32(logits[:k])
			any := false
			for c, p := range logits[:k] {
				g := p
				if c == examples[idx].Class {
					g -= 1
				}
				if g > 1e-4 || g < -1e-4 {
					m.bias[c] -= rate * g
					grad[c] = -rate * g * scale
					any = true
				} else {
					grad[c] = 0
				}
			}
			if !any {
				continue
			}
			for _, r := range rows {
				base := int(r) * stride
				for j := 0; j < stride; j += 16 {
					add16((*[16]float32)(w[base+j:base+j+16]), (*[16]float32)(grad[j:j+16]))
				}
			}
		}
		if o.Decay > 0 {
			keep := float32(1 - o.Decay)
			for i := range w {
				w[i] *= keep
			}
		}
	}
	return m
}

// add16 adds b to a, sixteen lanes at a time.
//
//go:norace
func add16(a, b *[16]float32) {
	for i := range a {
		a[i] += b[i]
	}
}

// scale is the factor a message's summed feature weights are multiplied by.
func (m *Model) scale(n int) float32 {
	if !m.norm || n == 0 {
		return 1
	}
	return float32(1 / math.Sqrt(float64(n)))
}

func softmax32(v []float32) {
	mx := v[0]
	for _, x := range v {
		mx = max(mx, x)
	}
	sum := float32(0)
	for i, x := range v {
		v[i] = float32(math.Exp(float64(x - mx)))
		sum += v[i]
	}
	for i := range v {
		v[i] /= sum
	}
}

// scores writes the raw class scores (logits) of the features into out.
func (m *Model) scores(features []uint32, out []float64) {
	k := len(m.Classes)
	var sum [64]float32
	acc := sum[:m.stride]
	if m.stride > len(sum) {
		acc = make([]float32, m.stride)
	}
	for _, f := range features {
		r := m.rows[f]
		if r < 0 {
			continue
		}
		base := int(r) * m.stride
		for j := 0; j < m.stride; j += 16 {
			add16((*[16]float32)(acc[j:j+16]), (*[16]float32)(m.weights[base+j:base+j+16]))
		}
	}
	for c := range k {
		out[c] = float64(acc[c])
	}
	scale := float64(m.scale(len(features)))
	for c := range k {
		out[c] = out[c]*scale + float64(m.bias[c])
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
	return float64(m.weights[int(r)*m.stride+class]), true
}

// Named is a feature and what it is made of, for explanations.
type Named struct {
	ID   uint32
	Text string // "kill", "kill myself", "<kil"
}

// Named returns the features of folded words with their texts, in the order
// they occur (a feature may appear more than once).
func (f Featurizer) Named(words []string) []Named {
	var out []Named
	for i, w := range words {
		out = append(out, Named{bucket(hashString(kindWord, w)), w})
		if i > 0 {
			out = append(out, Named{bucket(hashString(hashString(kindPair, words[i-1]), w)), words[i-1] + " " + w})
		}
		padded := []rune("<" + w + ">")
		if len(padded) > 64 {
			padded = append(padded[:63], '>') // Features reads 62 letters of a longer word
		}
		for n := f.minN; n <= f.maxN && n < len(padded); n++ {
			for s := 0; s+n <= len(padded); s++ {
				gram := string(padded[s : s+n])
				out = append(out, Named{gramID(gram), gram})
			}
		}
	}
	return out
}

// gramID is the feature id of an n-gram of "<word>" (markers included): the
// hash Features computes, over the same bytes.
func gramID(gram string) uint32 {
	h := uint64(kindGram) ^ 14695981039346656037
	for i := 0; i < len(gram); i++ {
		h = (h ^ uint64(gram[i])) * 1099511628211
	}
	return bucket(h)
}

// NamedFeatures is Featurizer.Named with the model's featurizer.
func (m *Model) NamedFeatures(words []string) []Named { return m.feat.Named(words) }

// Token is the feature id of a named feature that is not text (for
// example, "the message has a word of this lexicon"). Its name cannot
// collide with a word's.
func Token(name string) uint32 { return bucket(hashString(kindWord, "\x00"+name)) }

// Featurizer returns the featurizer the model reads messages with.
func (m *Model) Featurizer() Featurizer { return m.feat }
