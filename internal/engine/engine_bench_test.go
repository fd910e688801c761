package engine_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/memstore"
	"github.com/salama-safety/salama/locales"
)

// Benchmarks of the whole engine on the embedded content, as measured in
// docs/PERFORMANCE.md. Each runs once per language with content, over that
// language's questions (faq/<lang>/questions.tsv) in turn; a language
// without questions is skipped:
//
//	go test -run '^$' -bench . -benchmem ./internal/engine

// benchUsers is how many distinct users the questions come from, so that
// the store holds a realistic number of preferences.
const benchUsers = 1000

// benchMessages returns the questions of lang as messages from benchUsers
// Telegram users, skipping the benchmark when lang has none.
func benchMessages(b *testing.B, lang string) []chat.Message {
	b.Helper()
	var msgs []chat.Message
	for i, q := range knowledge.Content.Langs[lang].Questions {
		msgs = append(msgs, chat.Message{
			User:     chat.User{Platform: chat.Telegram, ID: strconv.Itoa(i % benchUsers)},
			Text:     q.Text,
			LangHint: lang,
		})
	}
	if len(msgs) == 0 {
		b.Skipf("no questions for %s", lang)
	}
	return msgs
}

// benchLanguages runs f once per language with content.
func benchLanguages(b *testing.B, f func(b *testing.B, eng *engine.Engine, msgs []chat.Message)) {
	for _, lang := range engine.New(knowledge, memstore.New(), engine.Options{}).Languages() {
		b.Run(lang, func(b *testing.B) {
			eng := engine.New(knowledge, memstore.New(), engine.Options{})
			f(b, eng, benchMessages(b, lang))
		})
	}
}

// BenchmarkRespond is the cost of one answer: safety check, matching,
// rendering, the store's read and counter. Run it with -cpu 1 for the
// answers per second of one core (1e9 / ns/op).
func BenchmarkRespond(b *testing.B) {
	benchLanguages(b, respondEach)
}

// respondEach answers msgs in turn, one per iteration.
func respondEach(b *testing.B, eng *engine.Engine, msgs []chat.Message) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := eng.Respond(ctx, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRespondParallel answers on every core (GOMAXPROCS goroutines)
// against one shared engine and store.
func BenchmarkRespondParallel(b *testing.B) {
	benchLanguages(b, func(b *testing.B, eng *engine.Engine, msgs []chat.Message) {
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := eng.Respond(ctx, msgs[i%len(msgs)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkRespondLatency times every call and reports the median and the
// 99th percentile in nanoseconds (p50-ns, p99-ns).
func BenchmarkRespondLatency(b *testing.B) {
	benchLanguages(b, timeEach)
}

// timeEach answers msgs in turn and reports the median and 99th percentile
// time of an answer (p50-ns, p99-ns). No ReportAllocs: the growth of its
// record of times would count; respondEach reports the allocations.
func timeEach(b *testing.B, eng *engine.Engine, msgs []chat.Message) {
	ctx := context.Background()
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := eng.Respond(ctx, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(percentile(took, 50)), "p50-ns")
	b.ReportMetric(float64(percentile(took, 99)), "p99-ns")
}

// percentile returns the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

// mixedMessages interleaves every language's questions, one language after
// another, as a deployment serving all of them sees them: the caches and
// branch predictors of one language do not help the next message.
func mixedMessages(b *testing.B) []chat.Message {
	b.Helper()
	var per [][]chat.Message
	for _, lang := range engine.New(knowledge, memstore.New(), engine.Options{}).Languages() {
		if msgs := benchMessages(b, lang); len(msgs) > 0 {
			per = append(per, msgs)
		}
	}
	var out []chat.Message
	for i := 0; ; i++ {
		added := false
		for l, msgs := range per {
			if i < len(msgs) {
				m := msgs[i]
				m.User.ID = strconv.Itoa(l*benchUsers + i%benchUsers)
				out = append(out, m)
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// BenchmarkRespondMixed answers a stream mixing all the languages.
func BenchmarkRespondMixed(b *testing.B) {
	respondEach(b, engine.New(knowledge, memstore.New(), engine.Options{}), mixedMessages(b))
}

// BenchmarkRespondMixedLatency times every answer of the mixed stream.
func BenchmarkRespondMixedLatency(b *testing.B) {
	timeEach(b, engine.New(knowledge, memstore.New(), engine.Options{}), mixedMessages(b))
}

// BenchmarkLoad is start-up: reading and checking the embedded content and
// locales and building every language's index and safety router.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Load(faq.FS, locales.FS); err != nil {
			b.Fatal(err)
		}
	}
}
