package match_test

import (
	"testing"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/match"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/locales"
)

// The matcher on the embedded content, one sub-benchmark per language with
// content, over that language's questions (faq/<lang>/questions.tsv) in
// turn.
//
//	go test -run '^$' -bench Match -benchmem ./internal/match
func BenchmarkMatch(b *testing.B) {
	k := engine.MustLoad(faq.FS, locales.FS)
	for _, lang := range engine.New(k, memstore.New(), engine.Options{}).Languages() {
		b.Run(lang, func(b *testing.B) {
			ix := k.Index[lang]
			questions := k.Content.Langs[lang].Questions
			if len(questions) == 0 {
				b.Skipf("no questions for %s", lang)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ix.Match(questions[i%len(questions)].Text, match.MaxChoices)
				i++
			}
		})
	}
}

// BenchmarkNew builds every language's index in turn, one after the
// other: the matcher's share of start-up, in CPU time.
func BenchmarkNew(b *testing.B) {
	k := engine.MustLoad(faq.FS, locales.FS)
	langs := engine.New(k, memstore.New(), engine.Options{}).Languages()
	docs := make([][]match.Doc, len(langs))
	for i, lang := range langs {
		docs[i] = engine.MatchDocs(k.Content, lang, nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, lang := range langs {
			match.New(engine.MatchLang(lang, k.Content.Langs[lang]), docs[i])
		}
	}
}
