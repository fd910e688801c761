package telegram

import (
	"context"
	"sync"
	"sync/atomic"
)

// dispatcher runs jobs concurrently across keys and in submission order
// within one key: each key with work has one goroutine draining its queue,
// which exits when the queue is empty. A semaphore bounds how many jobs run
// at once.
type dispatcher struct {
	sem chan struct{}

	mu     sync.Mutex
	ctx    context.Context
	queues map[string][]func(context.Context)
	closed bool
	// pending counts submitted jobs not yet finished.
	pending sync.WaitGroup
	// dropped counts jobs skipped because ctx was done.
	dropped atomic.Int64
}

func newDispatcher(concurrency int) *dispatcher {
	return &dispatcher{
		sem:    make(chan struct{}, concurrency),
		queues: make(map[string][]func(context.Context)),
	}
}

// start opens the dispatcher; jobs run with ctx, and are skipped once it is
// done.
func (d *dispatcher) start(ctx context.Context) {
	d.mu.Lock()
	d.ctx = ctx
	d.mu.Unlock()
}

// submit queues job under key. It reports false when the dispatcher is not
// started or already closed.
func (d *dispatcher) submit(key string, job func(context.Context)) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.ctx == nil {
		return false
	}
	d.pending.Add(1)
	q, running := d.queues[key]
	d.queues[key] = append(q, job)
	if !running {
		go d.drain(key)
	}
	return true
}

func (d *dispatcher) drain(key string) {
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		job := q[0]
		q[0] = nil
		d.queues[key] = q[1:]
		ctx := d.ctx
		d.mu.Unlock()

		d.sem <- struct{}{}
		if ctx.Err() == nil {
			job(ctx)
		} else {
			d.dropped.Add(1)
		}
		<-d.sem
		d.pending.Done()
	}
}

// close refuses new jobs and returns a channel closed once every submitted
// job has finished.
func (d *dispatcher) close() <-chan struct{} {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.pending.Wait()
		close(done)
	}()
	return done
}
