package channel

import (
	"context"
	"sync"
	"time"
)

// Spacer keeps sends within a platform's rate limits: one key (a chat) gets
// at most Burst sends at once and then one per interval, and all keys
// together at most Rate sends a second. An urgent send takes the next free slot of the whole bot ahead of
// the others (which move back by one slot). Pause holds every send, as a
// platform's "retry after" for the whole bot asks. The zero value, with
// Rate 0, spaces per key only.
//
// A Spacer is safe for concurrent use. Every wait goes through Sleep, so
// that tests can scale time.
type Spacer struct {
	// Rate is the most sends a second over all keys; 0 means no limit.
	Rate float64
	// Burst is how many sends a key may make at once before the interval
	// applies (1, strict spacing, when zero). A key whose sends keep within
	// the interval on average is never made to wait.
	Burst int
	// Now is the clock (time.Now).
	Now func() time.Time
	// Sleep waits (channel.Sleep).
	Sleep func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	next   map[string]time.Time // each key's next free slot
	global time.Time            // the next free slot of the whole bot
	urgent time.Time            // the next free urgent slot
	paused time.Time            // no send before this
}

// Wait blocks until key may send: interval after key's previous send, and
// within Rate. It returns ctx's error if ctx is done first.
func (s *Spacer) Wait(ctx context.Context, key string, interval time.Duration, urgent bool) error {
	if key != "" && interval > 0 {
		if err := s.sleep(ctx, s.reserveKey(key, interval)); err != nil {
			return err
		}
	}
	return s.sleep(ctx, s.reserveRate(urgent))
}

// Pause holds every send for d from now.
func (s *Spacer) Pause(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.now().Add(d); t.After(s.paused) {
		s.paused = t
	}
}

// reserveKey takes the key's next slot and returns how long to wait for it.
func (s *Spacer) reserveKey(key string, interval time.Duration) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.next == nil {
		s.next = map[string]time.Time{}
	}
	// next[key] is the key's theoretical next slot (GCRA): a send may go
	// up to Burst-1 intervals before it.
	tat := latest(now, s.next[key])
	s.next[key] = tat.Add(interval)
	t := latest(latest(now, s.paused), tat.Add(-time.Duration(max(s.Burst, 1)-1)*interval))
	if len(s.next) > 4096 {
		for k, v := range s.next {
			if v.Before(now) {
				delete(s.next, k)
			}
		}
	}
	return t.Sub(now)
}

// reserveRate takes the bot's next slot and returns how long to wait for
// it. An urgent send takes the next slot ahead of the sends already waiting
// for theirs; they move back by one slot.
func (s *Spacer) reserveRate(urgent bool) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	t := latest(now, s.paused)
	if s.Rate <= 0 {
		return t.Sub(now)
	}
	slot := time.Duration(float64(time.Second) / s.Rate)
	if urgent {
		t = latest(t, s.urgent)
		s.urgent = t.Add(slot)
		s.global = latest(s.global, t).Add(slot)
	} else {
		t = latest(t, s.global)
		s.global = t.Add(slot)
	}
	return t.Sub(now)
}

func (s *Spacer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Spacer) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
