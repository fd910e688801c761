// Package memstore is an in-memory chat.Store for tests and for `salama ask`,
// which keeps no state. It files users under the same keyed hash as the bbolt
// store, with a secret made at start.
package memstore

import (
	"context"
	"crypto/rand"
	"sort"
	"sync"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Store is a chat.Store in memory.
type Store struct {
	// Now is the clock of Seen (time.Now when nil). Set it before first use.
	Now func() time.Time

	mu      sync.Mutex
	secret  []byte
	prefs   map[string]chat.Prefs
	counts  map[chat.Count]int64
	gaps    []chat.Gap
	seen    map[string]time.Time // delivery key → expiry
	sweepAt int                  // sweep seen when it reaches this size
}

var (
	_ chat.Store   = (*Store)(nil)
	_ chat.GapLog  = (*Store)(nil)
	_ chat.Deduper = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &Store{secret: secret, prefs: map[string]chat.Prefs{}, counts: map[chat.Count]int64{}, seen: map[string]time.Time{}}
}

// Keys returns the keys users are filed under, for tests.
func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.prefs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Store) Prefs(_ context.Context, u chat.User) (chat.Prefs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.prefs[chat.UserKey(s.secret, u)], nil
}

func (s *Store) SavePrefs(_ context.Context, u chat.User, p chat.Prefs) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefs[chat.UserKey(s.secret, u)] = p
	return nil
}

func (s *Store) Forget(_ context.Context, u chat.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.prefs, chat.UserKey(s.secret, u))
	return nil
}

func (s *Store) Add(_ context.Context, c chat.Count, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[c] += n
	return nil
}

func (s *Store) Counts(_ context.Context, since string) ([]chat.CountRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []chat.CountRow
	for c, n := range s.counts {
		if c.Day >= since {
			out = append(out, chat.CountRow{Count: c, N: n})
		}
	}
	chat.SortCounts(out)
	return out, nil
}

func (s *Store) Expire(_ context.Context, cutoff time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, p := range s.prefs {
		if p.LastSeen.Before(cutoff) {
			delete(s.prefs, k)
			n++
		}
	}
	return n, nil
}

func (s *Store) Close() error { return nil }

func (s *Store) AddGap(_ context.Context, g chat.Gap) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps = append(s.gaps, g)
	sort.SliceStable(s.gaps, func(i, j int) bool { return s.gaps[i].Day < s.gaps[j].Day })
	return nil
}

func (s *Store) Gaps(_ context.Context, since string) ([]chat.Gap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []chat.Gap
	for _, g := range s.gaps {
		if g.Day >= since {
			out = append(out, g)
		}
	}
	return out, nil
}

func (s *Store) ExpireGaps(_ context.Context, day string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.gaps[:0]
	for _, g := range s.gaps {
		if g.Day >= day {
			kept = append(kept, g)
		}
	}
	n := len(s.gaps) - len(kept)
	s.gaps = kept
	return n, nil
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) Seen(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if exp, ok := s.seen[key]; ok && now.Before(exp) {
		return true, nil
	}
	if len(s.seen) >= s.sweepAt { // drop the expired keys now and then
		for k, exp := range s.seen {
			if !now.Before(exp) {
				delete(s.seen, k)
			}
		}
		s.sweepAt = 2*len(s.seen) + 1024
	}
	s.seen[key] = now.Add(ttl)
	return false, nil
}

func (s *Store) Unsee(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, key)
	return nil
}
