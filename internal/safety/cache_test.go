package safety

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/norm"
)

// A scorer read back from the cache scores exactly as the one trained, and
// a changed example trains a new one.
func TestTrainCached(t *testing.T) {
	dir := t.TempDir()
	examples := []content.Example{
		{Category: "self-harm", Related: "help.talk-now", Text: "i want to die", Lang: "en"},
		{Category: "self-harm", Related: "help.talk-now", Text: "kill myself tonight", Lang: "en"},
		{Category: "ordinary", Text: "what is grooming", Lang: "en"},
		{Category: "ordinary", Text: "how do i block someone", Lang: "en"},
		{Category: "seeking-material", Text: "where can i get cp", Lang: "en"},
	}
	rules := []content.Rule{{Category: "self-harm", Pattern: "kill* myself", Lang: "en"}}
	trained := TrainCached(dir, examples, rules)
	files, _ := filepath.Glob(filepath.Join(dir, "scorer-*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	data, _ := os.ReadFile(files[0])
	read, err := decodeScorer(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"i want to kill myself", "what is sextortion", "cp links"} {
		a, b := trained.Score(norm.Words(text), "en"), read.Score(norm.Words(text), "en")
		if !slices.Equal(a.Probs[:], b.Probs[:]) {
			t.Errorf("%q: cached scorer %v, trained %v", text, b.Probs, a.Probs)
		}
	}
	if again := TrainCached(dir, examples, rules); again != trained {
		t.Error("the same examples trained twice in one process")
	}
	examples[0].Text = "i want to end it"
	if changed := TrainCached(dir, examples, rules); changed == trained {
		t.Error("a changed example was served the old scorer")
	}
}
