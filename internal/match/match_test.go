package match

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// testIndex is three entries, a synonym and a stop word, and two off-topic
// messages.
func testIndex(t testing.TB) *Index {
	t.Helper()
	docs := []Doc{
		{ID: "sextortion.what", Text: "What is sextortion?"},
		{ID: "sextortion.what", Text: "sextortion meaning"},
		{ID: "sextortion.what", Text: "what does sextortion mean"},
		{ID: "sextortion.help-now", Text: "Someone is threatening to share my nudes"},
		{ID: "sextortion.help-now", Text: "he says he will post my pics unless i pay"},
		{ID: "sextortion.help-now", Text: "blackmail with my photos what do i do"},
		{ID: "safety.block", Text: "How do I block someone?"},
		{ID: "safety.block", Text: "how to block a creep on instagram"},
		{ID: "safety.block", Text: "stop someone messaging me"},
		{Text: "who won the football match"},
		{Text: "help me with my maths homework"},
	}
	return New(Lang{
		Stopwords: []string{"the", "a", "is", "i", "my", "me", "do", "to", "what", "how"},
		Synonyms:  map[string]string{"naked pictures": "nudes", "pics": "nudes", "photos": "nudes"},
		Stem:      StemEnglish,
	}, docs)
}

func TestMatch(t *testing.T) {
	ix := testIndex(t)
	for _, tc := range []struct {
		question, want string
	}{
		{"what is sextortion", "sextortion.what"},
		{"wat is sextorsion", "sextortion.what"},                                  // misspelt: letter trigrams
		{"sextortion definition", "sextortion.what"},                              // an unknown word
		{"a guy is threatening to leak my naked pictures", "sextortion.help-now"}, // synonym
		{"he threatened to post my photos", "sextortion.help-now"},                // stem
		{"how can i block him", "safety.block"},
		{"BLOCKING someone on tiktok??", "safety.block"},
	} {
		rs := ix.Match(tc.question, MaxChoices)
		if len(rs) == 0 || rs[0].ID != tc.want {
			t.Errorf("Match(%q) = %v, want %s first", tc.question, rs, tc.want)
		}
		for i, r := range rs {
			if r.Score <= 0 || r.Score > 1 || i > 0 && r.Score > rs[i-1].Score {
				t.Errorf("Match(%q) = %v: scores out of (0, 1] or order", tc.question, rs)
			}
		}
	}
}

func TestOffTopicDocsHideWhatDoesNotBeatThem(t *testing.T) {
	ix := testIndex(t)
	if rs := ix.Match("who won the football match yesterday", MaxChoices); len(rs) != 0 {
		t.Errorf("an off-topic question matched %v", rs)
	}
	// (hashed features can collide: "zzzz" folds to "z", whose hash shares a
	// bucket with a word of this index at 2^19 buckets; these do not)
	if rs := ix.Match("xq jqv", 0); len(rs) != 0 {
		t.Errorf("a question sharing nothing matched %v", rs)
	}
}

func TestMatchLimit(t *testing.T) {
	ix := testIndex(t)
	all := ix.Match("block someone sharing my nudes", 0)
	if len(all) < 2 {
		t.Fatalf("want at least two results, got %v", all)
	}
	for limit := 1; limit <= len(all); limit++ {
		if got := ix.Match("block someone sharing my nudes", limit); !slices.Equal(got, all[:limit]) {
			t.Errorf("limit %d = %v, want %v", limit, got, all[:limit])
		}
	}
}

// A question's sums must not leak into the next one's, whichever
// goroutine asks.
func TestMatchConcurrent(t *testing.T) {
	ix := testIndex(t)
	questions := []string{"what is sextortion", "he will post my pics", "block a creep", "football", "sextortion block"}
	want := make([][]Result, len(questions))
	for i, q := range questions {
		want[i] = ix.Match(q, 0)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				q := (g + i) % len(questions)
				if got := ix.Match(questions[q], 0); !slices.Equal(got, want[q]) {
					t.Errorf("Match(%q) = %v, want %v", questions[q], got, want[q])
					return
				}
			}
		})
	}
	wg.Wait()
}

// Beyond 65,536 entries postings take four bytes an entry; scores do not
// change.
func TestWidePostings(t *testing.T) {
	emit := func(emit func(key, entry int32, weight float64)) {
		emit(0, 3, 0.5)
		emit(1, 3, 0.25)
		emit(0, 70000, 1)
	}
	narrow, wide := buildPostings(2, 1<<16, emit), buildPostings(2, 70001, emit)
	if narrow.e16 == nil || wide.e32 == nil {
		t.Fatalf("narrow uses e16: %v, wide uses e32: %v", narrow.e16 != nil, wide.e32 != nil)
	}
	sc := new(scratch)
	sc.begin(70001)
	wide.add(0, 2, sc.gram, sc)
	if sc.gram[3] != 2*dequantized[quantize(0.5)] || sc.gram[70000] != 2 || !slices.Equal(sc.entries, []int32{3, 70000}) {
		t.Errorf("wide postings add: gram[3] = %v, gram[70000] = %v, entries %v", sc.gram[3], sc.gram[70000], sc.entries)
	}
}

func TestQuantize(t *testing.T) {
	for _, w := range []float64{0, 1e-6, 0.001, 0.01, 0.1, 0.5, 1} {
		got := dequantized[quantize(w)]
		// the square-root scale keeps small weights within a few percent
		if w > 0.001 && (got < w*0.9 || got > w*1.1) || w <= 1e-6 && got != 0 {
			t.Errorf("quantize(%v) comes back as %v", w, got)
		}
	}
	if quantize(2) != 255 || quantize(-1) != 0 {
		t.Errorf("quantize does not clamp: %d %d", quantize(2), quantize(-1))
	}
}

func TestDecide(t *testing.T) {
	th := Thresholds{Floor: 0.2, Answer: 0.3, Close: 0.8, Sure: 0.5}
	r := func(scores ...float64) []Result {
		var out []Result
		for i, s := range scores {
			out = append(out, Result{ID: fmt.Sprint("e", i), Score: s})
		}
		return out
	}
	for _, tc := range []struct {
		rs    []Result
		kind  Kind
		shown int
	}{
		{nil, Fallback, 0},
		{r(0.19), Fallback, 0},
		{r(0.25), Clarify, 1},                   // unsure, and nothing else to offer
		{r(0.25, 0.1), Clarify, 2},              // unsure: the next best too
		{r(0.35, 0.1), Answer, 1},               // sure enough, nothing close
		{r(0.35, 0.3, 0.29), Clarify, 3},        // close runners-up
		{r(0.55, 0.5), Answer, 1},               // sure despite a close one
		{r(0.45, 0.37, 0.1), Clarify, 2},        // one close runner-up
		{r(0.45, 0.40, 0.39, 0.38), Clarify, 3}, // at most MaxChoices
	} {
		d := Decide(tc.rs, th)
		if d.Kind != tc.kind || len(d.Results) != tc.shown {
			t.Errorf("Decide(%v) = %s %d, want %s %d", tc.rs, d.Kind, len(d.Results), tc.kind, tc.shown)
		}
	}
}
