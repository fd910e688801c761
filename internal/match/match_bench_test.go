package match_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/locales"
)

// The matcher on the embedded content, one sub-benchmark per language with
// content, over that language's dev-set questions in turn. Only English has
// content so far; a new language is benchmarked once it has a dev set.
//
//	go test -run '^$' -bench Match -benchmem ./internal/match
func BenchmarkMatch(b *testing.B) {
	k := engine.MustLoad(faq.FS, locales.FS)
	for _, lang := range engine.New(k, memstore.New(), engine.Options{}).Languages() {
		b.Run(lang, func(b *testing.B) {
			ix := k.Index[lang]
			questions := devQuestions(b, lang)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ix.Match(questions[i%len(questions)], 4)
				i++
			}
		})
	}
}

// devQuestions returns the questions of testdata/devset/<lang>.tsv, skipping
// the benchmark when the language has none yet.
func devQuestions(tb testing.TB, lang string) []string {
	tb.Helper()
	f, err := os.Open("../../testdata/devset/" + lang + ".tsv")
	if os.IsNotExist(err) {
		tb.Skipf("no dev set for %s", lang)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, q, ok := strings.Cut(line, "\t"); ok {
			out = append(out, q)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Skipf("dev set for %s is empty", lang)
	}
	return out
}
