package engine_test

import (
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/locales"
)

// scaledContent returns the embedded content with every FAQ entry copied n
// times in every language, each copy under an id of its own, and each
// language's questions copied with them: n times the entries, phrasings
// and questions to index, and the same lexicons, safety examples and
// helplines. It is how start-up and memory are measured at scale
// (docs/PERFORMANCE.md).
func scaledContent(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	out := fstest.MapFS{}
	idLine := regexp.MustCompile(`(?m)^id: (\S+)`)
	err := fs.WalkDir(faq.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(faq.FS, p)
		if err != nil {
			return err
		}
		dir, name := path.Split(p)
		switch {
		case name == "questions.tsv":
			var b strings.Builder
			for _, line := range strings.Split(string(data), "\n") {
				id, q, ok := strings.Cut(line, "\t")
				if !ok || strings.HasPrefix(line, "#") || !strings.Contains(id, ".") {
					b.WriteString(line + "\n")
					continue
				}
				for k := range n {
					b.WriteString(copyID(id, k) + "\t" + q + "\n")
				}
			}
			out[p] = &fstest.MapFile{Data: []byte(b.String())}
		case strings.Count(p, "/") == 1 && idLine.Match(data) && !strings.HasPrefix(p, "helplines/"):
			id := idLine.FindSubmatch(data)[1]
			for k := range n {
				c := copyID(string(id), k)
				out[dir+c+".txt"] = &fstest.MapFile{Data: idLine.ReplaceAll(data, []byte("id: "+c))}
			}
		default:
			out[p] = &fstest.MapFile{Data: data}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// copyID names the k-th copy of an entry: the id itself, then the id with
// a suffix of letters (ids allow no digits).
func copyID(id string, k int) string {
	if k == 0 {
		return id
	}
	return id + "-copy" + string(rune('a'+k/26)) + string(rune('a'+k%26))
}

// BenchmarkLoadScaled is start-up with the content copied 1, 10 and 100
// times (scaledContent), with the trained safety scorer in its cache as
// salama keeps it between starts (the first start trains it); heap-MB is
// the heap in use once loaded.
func BenchmarkLoadScaled(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(strconv.Itoa(n)+"x", func(b *testing.B) {
			content := scaledContent(b, n)
			opts := engine.LoadOptions{ScorerCache: b.TempDir()}
			if _, err := engine.LoadWith(content, locales.FS, opts); err != nil { // warms the cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			var k *engine.Knowledge
			for b.Loop() {
				var err error
				if k, err = engine.LoadWith(content, locales.FS, opts); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
			runtime.KeepAlive(k)
		})
	}
}

var scaledDir = flag.String("scaled-dir", "", "TestWriteScaledContent writes the content copied -scaled times here")
var scaled = flag.Int("scaled", 100, "how many times TestWriteScaledContent copies the content")

// TestWriteScaledContent writes scaledContent to a folder, for measuring
// the built binary at scale (salama ask --content DIR):
//
//	go test ./internal/engine -run WriteScaled -scaled 100 -scaled-dir /tmp/faq100
func TestWriteScaledContent(t *testing.T) {
	if *scaledDir == "" {
		t.Skip("no -scaled-dir")
	}
	for p, f := range scaledContent(t, *scaled) {
		file := filepath.Join(*scaledDir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
