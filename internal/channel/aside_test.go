package channel_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/salama-safety/salama/internal/channel"
)

// Aside runs at most its limit at once, Close waits for what it started,
// and nothing starts once Close has begun, even while calls are still
// being submitted (the race detector checks the last).
func TestAside(t *testing.T) {
	a := channel.NewAside(2)
	var running, most, ran atomic.Int32
	release := make(chan struct{})
	for range 5 {
		if !a.Go(func() {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			<-release
			running.Add(-1)
			ran.Add(1)
		}) {
			t.Fatal("Go refused before Close")
		}
	}
	var submitting sync.WaitGroup
	submitting.Go(func() {
		for range 100 {
			a.Go(func() { ran.Add(1) })
		}
	})
	close(release)
	a.Close()
	after := ran.Load()
	if most.Load() > 2 {
		t.Errorf("%d ran at once, limit 2", most.Load())
	}
	if after < 5 {
		t.Errorf("Close returned with %d of the first 5 done", after)
	}
	if a.Go(func() { ran.Add(1) }) {
		t.Error("Go ran after Close")
	}
	submitting.Wait()
	if ran.Load() != after {
		t.Errorf("%d calls ran after Close returned", ran.Load()-after)
	}
}
