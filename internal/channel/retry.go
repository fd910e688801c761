package channel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry is the retry policy of requests to a platform: a rate limit is
// waited out for as long as the platform asked (RetryAfter), a server or
// network failure is retried after an exponential backoff with jitter, and
// every other failure is final. The zero value is a usable default.
type Retry struct {
	// Base is the first backoff after a server or network failure; it
	// doubles on each retry, up to Cap, with jitter so that conversations
	// that failed together do not retry together. Default 500ms.
	Base time.Duration
	// Cap is the longest backoff. Default 30s.
	Cap time.Duration
	// MaxRetries bounds the retries after server or network failures, and
	// separately the retries after rate limits. Default 5; negative means
	// never retry.
	MaxRetries int
	// MaxWait is the longest RetryAfter waited out; a longer one ends the
	// request with its RateLimited error. Default 1 minute.
	MaxWait time.Duration
	// Sleep waits for d or until ctx is done. Default: a timer. Tests
	// inject one that scales time.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnRateLimit is called before a rate limit is waited out: for
	// metrics, and to hold the adapter's other sends (Spacer.Pause).
	OnRateLimit func(wait time.Duration)
	// OnRetry is called before a server or network failure is retried,
	// with the failure's outcome; for debug logs.
	OnRetry func(o Outcome)
}

func (r Retry) withDefaults() Retry {
	if r.Base <= 0 {
		r.Base = 500 * time.Millisecond
	}
	if r.Cap <= 0 {
		r.Cap = 30 * time.Second
	}
	if r.MaxRetries == 0 {
		r.MaxRetries = 5
	}
	if r.MaxWait <= 0 {
		r.MaxWait = time.Minute
	}
	if r.Sleep == nil {
		r.Sleep = Sleep
	}
	return r
}

// Do calls fn until it succeeds, fails for good, or the retries are spent,
// and returns fn's last error. fn must return errors classified as *Error
// (or context errors); an unclassified error is final.
func (r Retry) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	r = r.withDefaults()
	var limited, failed int
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o := OutcomeOf(err)
		var wait time.Duration
		switch {
		case o == RateLimited:
			wait = retryAfter(err)
			if wait <= 0 {
				wait = time.Second
			}
			if limited >= r.MaxRetries || wait > r.MaxWait {
				return err
			}
			limited++
			if r.OnRateLimit != nil {
				r.OnRateLimit(wait)
			}
		case o.Retryable():
			if failed >= r.MaxRetries {
				return err
			}
			wait = r.Backoff(failed)
			failed++
			if r.OnRetry != nil {
				r.OnRetry(o)
			}
		default:
			return err
		}
		if serr := r.Sleep(ctx, wait); serr != nil {
			return serr
		}
	}
}

// Backoff is the wait before retry n (from 0): Base·2ⁿ, capped at Cap, with
// jitter (between half and all of it).
func (r Retry) Backoff(n int) time.Duration {
	r = r.withDefaults()
	d := r.Base << min(n, 16)
	if d <= 0 || d > r.Cap {
		d = r.Cap
	}
	return d/2 + rand.N(d/2+1)
}

// Sleep waits for d or until ctx is done, and returns ctx's error if it is
// done first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
