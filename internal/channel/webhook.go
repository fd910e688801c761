package channel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
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

// NewServer returns the HTTP server for the webhooks and the operator's
// endpoints, with the limits an endpoint open to the internet needs: 5 s to
// send the headers (16 KiB at most), 15 s to send the whole request, 30 s to
// take the answer (a handler that waits longer for a reply extends its own
// deadline: WaitWriting), and idle keep-alive connections closed after a
// minute.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

// WaitWriting extends the deadline for writing the answer to r by d: for a
// webhook that answers once the reply is sent, which may take longer than
// the server's WriteTimeout.
func WaitWriting(w http.ResponseWriter, d time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}

// Bodies bounds the request bodies an endpoint reads before it can tell
// whether the request is genuine (a signature over the body, as Slack's and
// WhatsApp's): each at most Max bytes, and at most Concurrent of them being
// read at once, so that strangers sending slow or large bodies cannot
// exhaust memory. A request that finds no free turn within Wait is refused
// with 503; one over Max with 413. The zero value of a field is its
// default: 64 KiB, 32 bodies, 1 second. A Bodies is safe for concurrent
// use.
type Bodies struct {
	Max        int64
	Concurrent int
	Wait       time.Duration

	once sync.Once
	sem  chan struct{}
	pool sync.Pool // of *[]byte, Max+1 bytes
}

// ErrBodyTooLarge and ErrBodyBusy are Read's refusals.
var (
	ErrBodyTooLarge = errors.New("channel: request body too large")
	ErrBodyBusy     = errors.New("channel: too many requests being read")
)

// Read reads r's body within the bounds, into a buffer of its own that
// release hands back (the body must not be used after it). On a refusal it
// has already answered w (413, 503 or 400) and returns the error. Reusing
// the buffers keeps a stream of strangers' bodies from churning memory.
func (b *Bodies) Read(w http.ResponseWriter, r *http.Request) (body []byte, release func(), err error) {
	b.once.Do(func() {
		if b.Max <= 0 {
			b.Max = 64 << 10
		}
		if b.Concurrent <= 0 {
			b.Concurrent = 32
		}
		if b.Wait <= 0 {
			b.Wait = time.Second
		}
		b.sem = make(chan struct{}, b.Concurrent)
		b.pool.New = func() any { buf := make([]byte, b.Max+1); return &buf }
	})
	if r.ContentLength > b.Max {
		CloseAfter(w)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, nil, ErrBodyTooLarge
	}
	t := time.NewTimer(b.Wait)
	defer t.Stop()
	select {
	case b.sem <- struct{}{}:
	case <-t.C:
		CloseAfter(w)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return nil, nil, ErrBodyBusy
	case <-r.Context().Done():
		return nil, nil, r.Context().Err()
	}
	defer func() { <-b.sem }()
	bufp := b.pool.Get().(*[]byte)
	buf := *bufp
	n, err := io.ReadFull(r.Body, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf[:n], func() { b.pool.Put(bufp) }, nil
	case err == nil: // Max+1 bytes: one too many
		b.pool.Put(bufp)
		CloseAfter(w)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, nil, ErrBodyTooLarge
	}
	b.pool.Put(bufp)
	CloseAfter(w)
	http.Error(w, "could not read the request", http.StatusBadRequest)
	return nil, nil, err
}

// CloseAfter makes the server close the connection after this answer,
// rather than read the rest of a body nobody wants to keep it open: for
// refusals of requests that may come from strangers.
func CloseAfter(w http.ResponseWriter) { w.Header().Set("Connection", "close") }
