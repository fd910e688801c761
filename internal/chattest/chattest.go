// Package chattest holds test doubles shared by the adapters' tests: an
// Observer that records delivery events, a buffer that logs can be written
// to from several goroutines, and an HTTP client that reaches only
// loopback.
package chattest

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
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
	events  []string
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

func (o *Observer) Event(_ chat.Platform, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, name)
}

// Events returns the platform events counted, in order.
func (o *Observer) Events() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.events)
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

// LoopbackClient returns an HTTP client that fails the test on any request
// that would leave the machine: tests reach only their fakes on loopback.
func LoopbackClient(tb testing.TB) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: loopbackOnly{tb: tb}}
}

type loopbackOnly struct{ tb testing.TB }

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if host := r.URL.Hostname(); host != "localhost" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			l.tb.Errorf("request to non-loopback host %q", host)
			return nil, errors.New("chattest: non-loopback request refused")
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// WaitUntil waits until cond holds, failing the test after five seconds.
func WaitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
