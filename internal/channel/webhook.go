package channel

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Refuse answers a webhook request the dispatcher did not take, so that
// the platform delivers it again later: 429 when the conversation's queue
// is full, 503 when all queues are full or the adapter is not running.
// Both carry Retry-After.
func Refuse(w http.ResponseWriter, err error) {
	w.Header().Set("Retry-After", "1")
	if errors.Is(err, ErrConversationFull) {
		http.Error(w, "too many messages in this conversation", http.StatusTooManyRequests)
		return
	}
	http.Error(w, "not taking updates now", http.StatusServiceUnavailable)
}

// Await waits until the ticket's job has ended, at most max (0: no bound),
// or until ctx is done; it reports whether the job ended. Webhooks of
// platforms that wait for their answer (Telegram) wait for the reply
// before acknowledging; those that want an answer within seconds (Slack,
// WhatsApp) wait a bounded time.
func Await(ctx context.Context, t *Ticket, max time.Duration) bool {
	if t == nil {
		return true
	}
	var timeout <-chan time.Time
	if max > 0 {
		tm := time.NewTimer(max)
		defer tm.Stop()
		timeout = tm.C
	}
	select {
	case <-t.Done():
		return true
	case <-timeout:
	case <-ctx.Done():
	}
	return false
}
