package channel

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

var osPathError = os.PathError{Op: "write", Path: "/var/lib/salama/salama.db", Err: syscall.ENOSPC}

// fakeClock is a clock that moves only when a Spacer sleeps on it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

func TestSpacerPerKeyAndRate(t *testing.T) {
	c := &fakeClock{now: time.Unix(1700000000, 0)}
	s := &Spacer{Rate: 10, Now: c.Now, Sleep: c.Sleep}
	start := c.Now()
	ctx := context.Background()
	// One chat: a second apart.
	for range 3 {
		if err := s.Wait(ctx, "a", time.Second, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Now().Sub(start); got != 2*time.Second {
		t.Errorf("three sends to one chat took %v, want 2s", got)
	}
	// Many chats: ten a second.
	start = c.Now()
	for i := range 10 {
		if err := s.Wait(ctx, string(rune('b'+i)), time.Second, false); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Now().Sub(start); got < 900*time.Millisecond || got > time.Second {
		t.Errorf("ten sends to ten chats took %v, want about 1s at 10/s", got)
	}
}

func TestSpacerUrgentAndPause(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := &Spacer{Rate: 1, Now: func() time.Time { return now }}
	// Three normal sends reserve the next three slots of the bot.
	var normal []time.Duration
	for range 3 {
		normal = append(normal, s.reserveRate(false))
	}
	if normal[2] != 2*time.Second {
		t.Fatalf("normal waits %v", normal)
	}
	if d := s.reserveRate(true); d != 0 {
		t.Errorf("an urgent send waits %v, want the next slot (now)", d)
	}
	if d := s.reserveRate(false); d != 4*time.Second {
		t.Errorf("the next normal send waits %v, want 4s (pushed back one slot)", d)
	}
	s.Pause(10 * time.Second)
	if d := s.reserveKey("x", time.Second); d != 10*time.Second {
		t.Errorf("after Pause(10s) a send waits %v", d)
	}
}

func TestSpacerBurst(t *testing.T) {
	c := &fakeClock{now: time.Unix(1700000000, 0)}
	s := &Spacer{Burst: 3, Now: c.Now, Sleep: c.Sleep}
	start := c.Now()
	ctx := context.Background()
	for range 3 {
		s.Wait(ctx, "a", time.Second, false)
	}
	if got := c.Now().Sub(start); got != 0 {
		t.Errorf("a burst of three waited %v, want none", got)
	}
	s.Wait(ctx, "a", time.Second, false)
	if got := c.Now().Sub(start); got != time.Second {
		t.Errorf("the fourth send waited until %v, want 1s", got)
	}
	// A key that keeps to one send per interval never waits.
	c.Sleep(ctx, 10*time.Second)
	for range 5 {
		before := c.Now()
		s.Wait(ctx, "a", time.Second, false)
		if got := c.Now().Sub(before); got != 0 {
			t.Errorf("a send on time waited %v", got)
		}
		c.Sleep(ctx, time.Second)
	}
}
