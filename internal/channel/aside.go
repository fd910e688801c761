package channel

import "sync"

// Aside runs an adapter's small platform calls beside the conversations'
// queues (a button's acknowledgement, a read receipt): at most a limit of
// them at once, none started once Close has begun, and Close waits for
// those started. It is safe for concurrent use.
type Aside struct {
	mu   sync.Mutex
	shut bool
	wg   sync.WaitGroup
	sem  chan struct{}
}

// NewAside returns an Aside running at most limit calls at once.
func NewAside(limit int) *Aside {
	return &Aside{sem: make(chan struct{}, max(limit, 1))}
}

// Go runs f on its own goroutine, after a free slot, unless Close has
// begun; it reports whether f will run.
func (a *Aside) Go(f func()) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.shut {
		return false
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.sem <- struct{}{}
		defer func() { <-a.sem }()
		f()
	}()
	return true
}

// Close starts no more calls and waits for those started.
func (a *Aside) Close() {
	a.mu.Lock()
	a.shut = true
	a.mu.Unlock()
	a.wg.Wait()
}
