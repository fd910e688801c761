package channel

import (
	"context"
	"errors"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

func TestRetry(t *testing.T) {
	tests := []struct {
		name     string
		errs     []error // what each call returns, then success
		retries  int
		want     Outcome
		calls    int
		waits    []time.Duration // the Retry-After waits
		backoffs int
	}{
		{"success", nil, 3, Delivered, 1, nil, 0},
		{"rate limited then ok", []error{RateLimit(2*time.Second, "429")}, 3, Delivered, 2, []time.Duration{2 * time.Second}, 0},
		{"server then ok", []error{Fail(Server, "500"), Fail(Network, "")}, 3, Delivered, 3, nil, 2},
		{"blocked is final", []error{Fail(Blocked, "403")}, 3, Blocked, 1, nil, 0},
		{"bad request is final", []error{Fail(BadRequest, "400")}, 3, BadRequest, 1, nil, 0},
		{"unclassified is final", []error{errors.New("boom")}, 3, Other, 1, nil, 0},
		{"server until retries run out", []error{Fail(Server, ""), Fail(Server, ""), Fail(Server, "")}, 2, Server, 3, nil, 2},
		{"separate budgets", []error{Fail(Server, ""), RateLimit(time.Second, ""), Fail(Server, ""), RateLimit(time.Second, "")}, 2, Delivered, 5,
			[]time.Duration{time.Second, time.Second}, 2},
		{"too long a wait", []error{RateLimit(time.Hour, "429")}, 3, RateLimited, 1, nil, 0},
		{"never retry", []error{Fail(Server, "")}, -1, Server, 1, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits, sleeps []time.Duration
			var retried []Outcome
			r := Retry{
				MaxRetries:  tt.retries,
				Sleep:       func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
				OnRateLimit: func(d time.Duration) { waits = append(waits, d) },
				OnRetry:     func(o Outcome) { retried = append(retried, o) },
			}
			calls := 0
			err := r.Do(context.Background(), func(context.Context) error {
				calls++
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if o := OutcomeOf(err); o != tt.want {
				t.Errorf("outcome %s, want %s", o, tt.want)
			}
			if calls != tt.calls {
				t.Errorf("%d calls, want %d", calls, tt.calls)
			}
			if !slices.Equal(waits, tt.waits) {
				t.Errorf("Retry-After waits %v, want %v", waits, tt.waits)
			}
			if len(retried) != tt.backoffs || len(sleeps) != len(tt.waits)+tt.backoffs {
				t.Errorf("%d backoffs and %d sleeps, want %d and %d", len(retried), len(sleeps), tt.backoffs, len(tt.waits)+tt.backoffs)
			}
		})
	}
}

func TestRetryStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := Retry{}.Do(ctx, func(context.Context) error {
		calls++
		cancel()
		return Fail(Server, "")
	})
	if !errors.Is(err, context.Canceled) || OutcomeOf(err) != Shutdown || calls != 1 {
		t.Errorf("Do = %v (%s) after %d calls, want a shutdown after one", err, OutcomeOf(err), calls)
	}
}

func TestBackoff(t *testing.T) {
	r := Retry{Base: 100 * time.Millisecond, Cap: time.Second}
	for n, max := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		max *= time.Millisecond
		if max > time.Second {
			max = time.Second
		}
		for range 20 {
			if d := r.Backoff(n); d < max/2 || d > max {
				t.Errorf("Backoff(%d) = %v, want within [%v, %v]", n, d, max/2, max)
			}
		}
	}
}

func TestOutcomeOf(t *testing.T) {
	tests := []struct {
		err  error
		want Outcome
	}{
		{nil, Delivered},
		{Fail(Forbidden, "403"), Forbidden},
		{chat.ErrBlocked, Blocked},
		{context.Canceled, Shutdown},
		{context.DeadlineExceeded, Timeout},
		{errors.Join(errors.New("x"), RateLimit(time.Second, "")), RateLimited},
		{errors.New("x"), Other},
	}
	for _, tt := range tests {
		if got := OutcomeOf(tt.err); got != tt.want {
			t.Errorf("OutcomeOf(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
	if !errors.Is(Fail(Blocked, "403"), chat.ErrBlocked) || errors.Is(Fail(Forbidden, "403"), chat.ErrBlocked) {
		t.Error("only a Blocked error is chat.ErrBlocked")
	}
	if got := CodeOf(Fail(BadRequest, "invalid_blocks")); got != "invalid_blocks" {
		t.Errorf("CodeOf = %q", got)
	}
}

func TestCause(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&osPathError, "disk full"},
		{&os.PathError{Op: "open", Path: "/x", Err: syscall.EMFILE}, "open: too many open files"},
		{errors.New("odd"), "*errors.errorString"},
		{context.DeadlineExceeded, "timeout"},
	}
	for _, tt := range tests {
		if got := Cause(tt.err); got != tt.want {
			t.Errorf("Cause(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
