package channel

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/salama-safety/salama/internal/chat"
)

// Config configures a [Dispatcher]. Platform and Engine are required; the
// zero value of every other field is a sensible default.
type Config struct {
	Platform chat.Platform
	Engine   chat.Engine
	// Observer receives delivery events for metrics (chat.NopObserver).
	Observer chat.Observer
	// Logger receives outcomes and job kinds, never content or ids
	// (slog.Default()).
	Logger *slog.Logger
	// Now is the clock (time.Now).
	Now func() time.Time

	// PerConversation bounds the jobs waiting in one conversation, to be
	// thought about or sent (16). Past it, Submit refuses with
	// ErrConversationFull.
	PerConversation int
	// Total bounds the jobs waiting in all conversations (4096). Past it,
	// Submit refuses with ErrBusy.
	Total int
	// Thinkers bounds the engine calls at once (64): they are quick, but
	// may wait for the store's disk (a batched write).
	Thinkers int
	// Senders bounds the replies being sent at once; an urgent reply gets
	// the next free sender before the others (64).
	Senders int
	// UserBurst and UserEvery are the per-user rate limit: a user's replies
	// are sent while they have a token; they hold UserBurst tokens at most
	// and gain one every UserEvery (5 and 1.5s: five at once, then one
	// every second and a half). Beyond it a reply is not sent (Throttled);
	// an urgent reply always is while the user has a token, and past them
	// one every UrgentEvery (10s) still is. Keeping a user's replies below
	// the platform's own per-chat rate (Telegram: about one a second) means
	// that a reply allowed is sent at once, not queued: a flood, even of
	// urgent messages, holds nothing up. Negative UserBurst turns the
	// limit off.
	UserBurst   int
	UserEvery   time.Duration
	UrgentEvery time.Duration
	// DedupWindow and DedupSize bound the memory of job ids, for
	// de-duplication (1 hour, 100,000 ids).
	DedupWindow time.Duration
	DedupSize   int
	// Shared, when set, remembers job ids across every process sharing a
	// store (PostgreSQL), so that a delivery the platform sends again to
	// another replica is answered once. It is asked after this process's
	// own memory, outside any lock; when it cannot answer, the job is
	// taken (a reply twice is better than none).
	Shared chat.Deduper
	// ReplyTimeout bounds one job from its receipt: the engine call, the
	// sends and their waits (2 minutes). Past it the job ends as Timeout.
	ReplyTimeout time.Duration
	// DrainTimeout bounds how long Close waits for the jobs taken (10s).
	DrainTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.Observer == nil {
		c.Observer = chat.NopObserver{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.PerConversation <= 0 {
		c.PerConversation = 16
	}
	if c.Total <= 0 {
		c.Total = 4096
	}
	if c.Thinkers <= 0 {
		c.Thinkers = 64
	}
	if c.Senders <= 0 {
		c.Senders = 64
	}
	if c.UserBurst == 0 {
		c.UserBurst = 5
	}
	if c.UserEvery <= 0 {
		c.UserEvery = 1500 * time.Millisecond
	}
	if c.UrgentEvery <= 0 {
		c.UrgentEvery = 10 * time.Second
	}
	if c.DedupWindow <= 0 {
		c.DedupWindow = time.Hour
	}
	if c.DedupSize <= 0 {
		c.DedupSize = 100_000
	}
	if c.ReplyTimeout <= 0 {
		c.ReplyTimeout = 2 * time.Minute
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 10 * time.Second
	}
	return c
}

// Job is one thing a user did, converted by an adapter, with what the
// adapter needs to answer it.
type Job struct {
	// Conv is the conversation: jobs of one Conv are thought about in the
	// order they were submitted, and their replies sent in that order
	// (urgent replies first). It is never logged.
	Conv string
	// ID identifies the platform's update for de-duplication; "" means
	// none. A second job with a live ID is refused with ErrDuplicate.
	ID string
	// Kind is a fixed word for logs ("text", "command", "button").
	Kind string
	// Msg is what goes to the engine.
	Msg chat.Message
	// Received is when the platform's update arrived; Submit sets it when
	// zero. Reply latency is measured from it.
	Received time.Time
	// Think makes the reply; nil means Engine.Respond(ctx, Msg).
	Think func(ctx context.Context) (chat.Reply, error)
	// Send delivers the reply, rendered for the platform, and returns a
	// classified error (*Error, a context error). Required unless OptOut.
	Send func(ctx context.Context, r chat.Reply) error
	// OptOut: the user blocked the bot. Engine.OptOut forgets them, in the
	// conversation's order, and nothing is sent.
	OptOut bool
	// OptOutOnBlocked: a Blocked outcome of Send means that the user
	// blocked the bot (a private conversation), so the engine forgets them.
	OptOutOnBlocked bool
}

// Errors Submit returns.
var (
	// ErrDuplicate: a job with this ID was submitted within the
	// de-duplication window. Submit returns that job's ticket with it.
	ErrDuplicate = errors.New("channel: duplicate update")
	// ErrConversationFull: the conversation has PerConversation jobs
	// waiting. Webhooks answer 429, so that the platform delivers later.
	ErrConversationFull = errors.New("channel: conversation queue full")
	// ErrBusy: Total jobs are waiting. Webhooks answer 503.
	ErrBusy = errors.New("channel: queues full")
	// ErrClosed: the dispatcher is draining or closed.
	ErrClosed = errors.New("channel: closed")
)

// Ticket follows a submitted job.
type Ticket struct {
	done    chan struct{}
	outcome Outcome
}

func newTicket() *Ticket { return &Ticket{done: make(chan struct{})} }

// Done is closed once the job has ended: its reply delivered, given up,
// throttled, or nothing to send.
func (t *Ticket) Done() <-chan struct{} { return t.done }

// Outcome is what became of the job's reply; valid once Done is closed.
// Ignored means there was nothing to send.
func (t *Ticket) Outcome() Outcome { return t.outcome }

// Ignored is the outcome of a job that had nothing to send (an opt-out, an
// empty reply).
const Ignored Outcome = "ignored"

// Dispatcher runs jobs: concurrently across conversations, in order within
// one; with bounded queues, de-duplication, a per-user rate limit, urgent
// replies first, and a drain on Close. Every outcome is logged (by fixed
// words) and reported to the Observer. It is safe for concurrent use.
//
// A job goes through two stages. Thinking (the engine, a few microseconds)
// runs as soon as the conversation's earlier jobs have been thought about;
// sending (the platform's API, spaced by its rate limits) runs in the
// conversation's order, urgent replies first. So a conversation whose
// replies wait for their turn still has its next messages read: an urgent
// message is seen at once, and a flood is throttled without holding up the
// rest.
type Dispatcher struct {
	cfg   Config
	log   *slog.Logger
	obs   chat.Observer
	base  context.Context
	abort context.CancelFunc

	mu      sync.Mutex
	convs   map[string]*conversation
	waiting int
	closed  bool
	pending sync.WaitGroup

	seen   *Cache[*Ticket]
	users  *userLimits
	quiet  logLimit
	think  chan struct{}
	sender *prioSem
}

type conversation struct {
	inbox, outbox     []*entry
	thinking, sending bool
	// n counts the jobs submitted and not ended, those being thought
	// about or sent included.
	n int
}

type entry struct {
	job      Job
	ticket   *Ticket
	deadline time.Time
	reply    chat.Reply
	urgent   bool
}

// NewDispatcher returns a dispatcher taking jobs at once.
func NewDispatcher(cfg Config) *Dispatcher {
	cfg = cfg.withDefaults()
	base, abort := context.WithCancel(context.Background())
	return &Dispatcher{
		cfg:    cfg,
		log:    cfg.Logger,
		obs:    cfg.Observer,
		base:   base,
		abort:  abort,
		convs:  map[string]*conversation{},
		seen:   NewCache[*Ticket](cfg.DedupSize, cfg.DedupWindow, cfg.Now),
		users:  newUserLimits(cfg.UserBurst, cfg.UserEvery, cfg.UrgentEvery),
		think:  make(chan struct{}, cfg.Thinkers),
		sender: newPrioSem(cfg.Senders),
	}
}

// Seen reports whether a job with this ID was submitted within the
// de-duplication window, without submitting anything.
func (d *Dispatcher) Seen(id string) bool {
	_, ok := d.seen.Get(id)
	return ok
}

// Submit queues a job and returns its ticket. It refuses a duplicate (with
// the first job's ticket), a job past the queues' bounds, and every job
// once Close has been called.
func (d *Dispatcher) Submit(j Job) (*Ticket, error) {
	if j.Received.IsZero() {
		j.Received = d.cfg.Now()
	}
	shared := j.ID != "" && d.cfg.Shared != nil && !d.Seen(j.ID)
	if shared {
		if d.takenElsewhere(j.ID) {
			d.obs.Dropped(d.cfg.Platform, "another_replica")
			return nil, ErrDuplicate
		}
	}
	t, err := d.submit(j)
	if shared && err != nil && !errors.Is(err, ErrDuplicate) {
		d.unsee(j.ID) // refused here: the platform's next try is taken again
	}
	return t, err
}

// sharedKey is a job id as the shared memory keeps it: ids of two
// platforms never meet.
func (d *Dispatcher) sharedKey(id string) string { return string(d.cfg.Platform) + ":" + id }

// takenElsewhere records id in the shared memory and reports whether
// another submit (in any process) recorded it first.
func (d *Dispatcher) takenElsewhere(id string) bool {
	ctx, cancel := context.WithTimeout(d.base, 2*time.Second)
	defer cancel()
	seen, err := d.cfg.Shared.Seen(ctx, d.sharedKey(id), d.cfg.DedupWindow)
	if err != nil {
		if d.quiet.allow("dedup", d.cfg.Now()) {
			d.log.Warn("shared de-duplication failed; the update is answered here", "err", err)
		}
		return false
	}
	return seen
}

func (d *Dispatcher) unsee(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := d.cfg.Shared.Unsee(ctx, d.sharedKey(id)); err != nil && d.quiet.allow("dedup", d.cfg.Now()) {
		d.log.Warn("shared de-duplication: could not forget a refused update", "err", err)
	}
}

func (d *Dispatcher) submit(j Job) (*Ticket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, ErrClosed
	}
	t := newTicket()
	if j.ID != "" {
		if first, fresh := d.seen.Add(j.ID, t); !fresh {
			return first, ErrDuplicate
		}
	}
	c := d.convs[j.Conv]
	if c == nil {
		c = &conversation{}
		d.convs[j.Conv] = c
	}
	var refused error
	switch {
	case c.n >= d.cfg.PerConversation:
		refused = ErrConversationFull
	case d.waiting >= d.cfg.Total:
		refused = ErrBusy
	}
	if refused != nil {
		if j.ID != "" {
			d.seen.Delete(j.ID) // the platform delivers it again later
		}
		d.forgetLocked(j.Conv, c)
		reason := "conversation_full"
		if refused == ErrBusy {
			reason = "busy"
		}
		d.obs.Dropped(d.cfg.Platform, reason)
		if d.quiet.allow(reason, d.cfg.Now()) {
			d.log.Warn("queue full; updates refused, the platform delivers them again later", "reason", reason)
		}
		return nil, refused
	}
	// The deadline is on the real clock (contexts use it), whatever Now is.
	c.inbox = append(c.inbox, &entry{job: j, ticket: t, deadline: time.Now().Add(d.cfg.ReplyTimeout)})
	c.n++
	d.waiting++
	d.pending.Add(1)
	d.obs.Queue(d.cfg.Platform, d.waiting)
	if !c.thinking {
		c.thinking = true
		go d.thinkAbout(j.Conv, c)
	}
	return t, nil
}

// Waiting is the number of jobs submitted and not yet ended.
func (d *Dispatcher) Waiting() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.waiting
}

// Close stops taking jobs and waits up to DrainTimeout for the jobs taken
// to end; then it cancels the rest, which end as Shutdown, and waits at most
// one more second. It returns how many jobs had not ended by the drain
// timeout. Close may be called more than once.
func (d *Dispatcher) Close() int {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.pending.Wait()
		close(done)
	}()
	t := time.NewTimer(d.cfg.DrainTimeout)
	defer t.Stop()
	select {
	case <-done:
		d.abort()
		return 0
	case <-t.C:
	}
	left := d.Waiting()
	d.log.Warn("drain timed out; cancelling replies in flight", "jobs", left)
	d.abort()
	select {
	case <-done:
	case <-time.After(time.Second):
		d.log.Warn("replies still running after cancel")
	}
	return left
}

// thinkAbout runs the engine on the conversation's jobs, in order, and
// hands their replies to the sender.
func (d *Dispatcher) thinkAbout(key string, c *conversation) {
	for {
		e, ok := d.pop(key, c, &c.inbox, &c.thinking)
		if !ok {
			return
		}
		send, outcome := d.decide(e)
		d.mu.Lock()
		if !send {
			c.n--
			d.endLocked(e, outcome)
			d.mu.Unlock()
			continue
		}
		if e.urgent {
			// Ahead of the replies waiting in this conversation, behind
			// the urgent ones already there. One urgent reply waiting is
			// enough: the next, until it is sent, would say the same again
			// (and a flood of urgent messages, which the rate limit lets
			// through, would fill the conversation).
			i := 0
			for i < len(c.outbox) && c.outbox[i].urgent {
				i++
			}
			if i > 0 {
				c.n--
				d.obs.Dropped(d.cfg.Platform, string(Throttled))
				d.endLocked(e, Throttled)
				d.mu.Unlock()
				continue
			}
			c.outbox = append(c.outbox[:i], append([]*entry{e}, c.outbox[i:]...)...)
		} else {
			c.outbox = append(c.outbox, e)
		}
		if !c.sending {
			c.sending = true
			go d.sendAll(key, c)
		}
		d.mu.Unlock()
	}
}

// pop takes the next entry of one of a conversation's queues; when the
// queue is empty it marks its worker stopped and reports false.
func (d *Dispatcher) pop(key string, c *conversation, q *[]*entry, running *bool) (*entry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(*q) == 0 {
		*running = false
		d.forgetLocked(key, c)
		return nil, false
	}
	e := (*q)[0]
	(*q)[0] = nil
	*q = (*q)[1:]
	return e, true
}

// decide makes a job's reply and reports whether to send it; when not, the
// outcome the job ends with.
func (d *Dispatcher) decide(e *entry) (bool, Outcome) {
	select {
	case d.think <- struct{}{}:
	case <-d.base.Done():
		return false, Shutdown
	}
	defer func() { <-d.think }()
	ctx, cancel := context.WithDeadline(d.base, e.deadline)
	defer cancel()
	j := e.job
	if j.OptOut {
		d.optOut(ctx, j)
		return false, Ignored
	}
	if ctx.Err() != nil {
		return false, OutcomeOf(ctx.Err())
	}
	var r chat.Reply
	var err error
	if j.Think != nil {
		r, err = j.Think(ctx)
	} else {
		r, err = d.cfg.Engine.Respond(ctx, j.Msg)
	}
	if ctx.Err() != nil {
		return false, OutcomeOf(ctx.Err())
	}
	if err != nil {
		// The reply is still usable (chat.Responder); the store failed.
		d.log.Error("engine error; replying anyway", "kind", j.Kind, "cause", Cause(err))
	}
	if r.Text == "" && len(r.Choices) == 0 {
		d.log.Debug("nothing to send", "kind", j.Kind)
		return false, Ignored
	}
	e.reply = r
	e.urgent = r.Kind == chat.KindUrgent
	if !d.users.allow(j.Msg.User, d.cfg.Now(), e.urgent) {
		d.obs.Dropped(d.cfg.Platform, string(Throttled))
		if d.quiet.allow(string(Throttled), d.cfg.Now()) {
			d.log.Warn("a user is over the rate limit; their replies are not sent (salama_dropped_total counts them)")
		}
		return false, Throttled
	}
	return true, ""
}

// sendAll sends the conversation's replies, in order.
func (d *Dispatcher) sendAll(key string, c *conversation) {
	for {
		e, ok := d.pop(key, c, &c.outbox, &c.sending)
		if !ok {
			return
		}
		o := d.send(e)
		d.mu.Lock()
		c.n--
		d.endLocked(e, o)
		d.mu.Unlock()
	}
}

func (d *Dispatcher) send(e *entry) Outcome {
	ctx, cancel := context.WithDeadline(d.base, e.deadline)
	defer cancel()
	if err := d.sender.acquire(ctx, e.urgent); err != nil {
		return d.report(ctx, e, err)
	}
	defer d.sender.release()
	return d.report(ctx, e, e.job.Send(ctx, e.reply))
}

// report logs and observes the outcome of a send.
func (d *Dispatcher) report(ctx context.Context, e *entry, err error) Outcome {
	j, r := e.job, e.reply
	o := OutcomeOf(err)
	if o == Delivered {
		d.obs.Replied(d.cfg.Platform, r.Kind, r.Lang, d.cfg.Now().Sub(j.Received))
		d.log.Debug("replied", "kind", j.Kind, "reply", string(r.Kind), "lang", r.Lang)
		return o
	}
	d.obs.SendError(d.cfg.Platform, string(o))
	d.log.Warn("send failed", "outcome", string(o), "code", CodeOf(err), "kind", j.Kind, "reply", string(r.Kind), "group", j.Msg.Group)
	if o == Blocked && j.OptOutOnBlocked {
		octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		d.optOut(octx, j)
	}
	return o
}

func (d *Dispatcher) optOut(ctx context.Context, j Job) {
	if err := d.cfg.Engine.OptOut(ctx, j.Msg.User); err != nil {
		d.log.Error("engine opt-out failed", "cause", Cause(err))
	}
}

// endLocked ends a job. d.mu is held.
func (d *Dispatcher) endLocked(e *entry, o Outcome) {
	e.ticket.outcome = o
	close(e.ticket.done)
	if o == Shutdown && e.job.ID != "" && d.cfg.Shared != nil {
		// Not answered: another replica takes the platform's next try.
		d.pending.Add(1)
		go func() {
			defer d.pending.Done()
			d.unsee(e.job.ID)
		}()
	}
	d.waiting--
	d.obs.Queue(d.cfg.Platform, d.waiting)
	d.pending.Done()
}

// forgetLocked drops an idle conversation. d.mu is held.
func (d *Dispatcher) forgetLocked(key string, c *conversation) {
	if !c.thinking && !c.sending && c.n == 0 {
		delete(d.convs, key)
	}
}

// prioSem is a semaphore whose urgent waiters go before the others.
type prioSem struct {
	mu             sync.Mutex
	free           int
	urgent, normal []chan struct{}
}

func newPrioSem(n int) *prioSem { return &prioSem{free: n} }

func (s *prioSem) acquire(ctx context.Context, urgent bool) error {
	s.mu.Lock()
	if s.free > 0 && (urgent || len(s.urgent) == 0) {
		s.free--
		s.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if urgent {
		s.urgent = append(s.urgent, ch)
	} else {
		s.normal = append(s.normal, ch)
	}
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		granted := !remove(&s.urgent, ch) && !remove(&s.normal, ch)
		s.mu.Unlock()
		if granted {
			s.release()
		}
		return ctx.Err()
	}
}

func (s *prioSem) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range []*[]chan struct{}{&s.urgent, &s.normal} {
		if len(*q) > 0 {
			close((*q)[0])
			*q = (*q)[1:]
			return
		}
	}
	s.free++
}

func remove(q *[]chan struct{}, ch chan struct{}) bool {
	for i, c := range *q {
		if c == ch {
			*q = append((*q)[:i], (*q)[i+1:]...)
			return true
		}
	}
	return false
}

// userLimits is the per-user token bucket, in memory only.
type userLimits struct {
	burst        int
	every, other time.Duration // a token; an urgent reply past the tokens
	mu           sync.Mutex
	users        map[chat.User]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
	urgent time.Time // the last urgent reply sent past the tokens
}

func newUserLimits(burst int, every, urgentEvery time.Duration) *userLimits {
	return &userLimits{burst: burst, every: every, other: urgentEvery, users: map[chat.User]*bucket{}}
}

// allow reports whether the user's reply may be sent, and takes a token if
// so. An urgent reply is allowed without a token once every urgentEvery.
func (l *userLimits) allow(u chat.User, now time.Time, urgent bool) bool {
	if l.burst < 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.users[u]
	if b == nil {
		if len(l.users) >= 100_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.burst), at: now}
		l.users[u] = b
	}
	b.tokens = min(float64(l.burst), b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	switch {
	case b.tokens >= 1:
		b.tokens--
		return true
	case urgent && now.Sub(b.urgent) >= l.other:
		b.urgent = now
		return true
	}
	return false
}

// sweep forgets users whose bucket is full again.
func (l *userLimits) sweep(now time.Time) {
	full := time.Duration(l.burst) * l.every
	for u, b := range l.users {
		if now.Sub(b.at) >= full {
			delete(l.users, u)
		}
	}
}

// logLimit lets a repeated warning through once a minute per key, so that a
// flood does not become a flood of log lines (the metrics count them all).
type logLimit struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (l *logLimit) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last[key]) < time.Minute {
		return false
	}
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	l.last[key] = now
	return true
}
