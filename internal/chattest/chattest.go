// Package chattest holds test doubles shared by the adapters' tests: an
// Observer that records delivery events and a buffer that logs can be
// written to from several goroutines.
package chattest

import (
	"bytes"
	"slices"
	"sync"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Observer records what a chat.Observer is told. It is safe for concurrent
// use; read it through its methods.
type Observer struct {
	mu      sync.Mutex
	replied []chat.Kind
	errors  []string
	waits   []time.Duration
	dropped []string
	queue   int
}

var _ chat.Observer = (*Observer)(nil)

func (o *Observer) Replied(_ chat.Platform, k chat.Kind, _ string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.replied = append(o.replied, k)
}

func (o *Observer) SendError(_ chat.Platform, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.errors = append(o.errors, reason)
}

func (o *Observer) RateLimitWait(_ chat.Platform, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.waits = append(o.waits, d)
}

func (o *Observer) Queue(_ chat.Platform, waiting int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.queue = waiting
}

func (o *Observer) Dropped(_ chat.Platform, reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropped = append(o.dropped, reason)
}

// Drops returns the reasons of the messages dropped on purpose, in order.
func (o *Observer) Drops() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.dropped)
}

// Waiting returns the last queue length reported.
func (o *Observer) Waiting() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.queue
}

// Replies returns the kinds of the replies delivered, in order.
func (o *Observer) Replies() []chat.Kind {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.replied)
}

// SendErrors returns the reasons of the sends given up, in order.
func (o *Observer) SendErrors() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.errors)
}

// RateLimitWaits returns the rate-limit waits, in order.
func (o *Observer) RateLimitWaits() []time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.waits)
}

// Buffer is a bytes.Buffer safe for concurrent writes, for logs in tests.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
