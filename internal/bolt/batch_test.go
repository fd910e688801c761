package bolt_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/chat"
)

// Many users writing at once (a burst of new users) are all saved: their
// writes share transactions.
func TestConcurrentSavesAllKept(t *testing.T) {
	s, err := bolt.Open(t.TempDir(), bolt.Options{CommitDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			u := chat.User{Platform: chat.Telegram, ID: fmt.Sprint(i)}
			if err := s.SavePrefs(ctx, u, chat.Prefs{Lang: "sw", Country: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
			if i%2 == 0 {
				if err := s.Forget(ctx, u); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for i := range 200 {
		p, err := s.Prefs(ctx, chat.User{Platform: chat.Telegram, ID: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint(i); i%2 == 1 && p.Country != want || i%2 == 0 && p.Country != "" {
			t.Errorf("user %d: prefs %+v", i, p)
		}
	}
}

// BenchmarkSavePrefsParallel is a burst of new users on a disk whose
// commits take 5 ms (-commit-delay in salama-load): batched, the writes
// share commits, so the time per write is far below 5 ms.
func BenchmarkSavePrefsParallel(b *testing.B) {
	s, err := bolt.Open(b.TempDir(), bolt.Options{CommitDelay: 5 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n atomic.Int64
	b.SetParallelism(64)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			u := chat.User{Platform: chat.Telegram, ID: fmt.Sprint(n.Add(1))}
			if err := s.SavePrefs(ctx, u, chat.Prefs{Lang: "en"}); err != nil {
				b.Error(err)
			}
		}
	})
}
