package channel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/channel/channeltest"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
	"github.com/salama-safety/salama/internal/memstore"
)

// sink records what a dispatcher sends, per conversation.
type sink struct {
	mu    sync.Mutex
	sent  map[string][]string
	fail  map[string]error // conversation → the error every send returns
	hold  chan struct{}    // when set, sends wait for it
	order []string         // every send's text, in the order sent
	// entered receives each text whose send started, when hold is set.
	entered chan string
}

func newSink() *sink {
	return &sink{sent: map[string][]string{}, fail: map[string]error{}, entered: make(chan string, 16)}
}

func (s *sink) send(conv string) func(context.Context, chat.Reply) error {
	return func(ctx context.Context, r chat.Reply) error {
		s.mu.Lock()
		hold := s.hold
		s.mu.Unlock()
		if hold != nil {
			select {
			case s.entered <- r.Text:
			default:
			}
			select {
			case <-hold:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := s.fail[conv]; err != nil {
			return err
		}
		s.sent[conv] = append(s.sent[conv], r.Text)
		s.order = append(s.order, r.Text)
		return nil
	}
}

func (s *sink) texts(conv string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent[conv])
}

func newDispatcher(t testing.TB, edit func(*channel.Config)) (*channel.Dispatcher, *channeltest.Engine, *chattest.Observer) {
	t.Helper()
	eng := channeltest.NewEngine()
	obs := &chattest.Observer{}
	cfg := channel.Config{
		Platform: chat.Telegram, Engine: eng, Observer: obs,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		UserBurst: -1, // the tests of the limit set it
	}
	if edit != nil {
		edit(&cfg)
	}
	d := channel.NewDispatcher(cfg)
	t.Cleanup(func() { d.Close() })
	return d, eng, obs
}

func job(conv, id, text string, s *sink) channel.Job {
	return channel.Job{
		Conv: conv, ID: id, Kind: "text",
		Msg:  chat.Message{User: chat.User{Platform: chat.Telegram, ID: "u-" + conv}, Chat: conv, Text: text},
		Send: s.send(conv),
	}
}

func mustSubmit(t testing.TB, d *channel.Dispatcher, j channel.Job) *channel.Ticket {
	t.Helper()
	tk, err := d.Submit(j)
	if err != nil {
		t.Fatalf("Submit(%s %s): %v", j.Conv, j.ID, err)
	}
	return tk
}

func wait(t testing.TB, tk *channel.Ticket) channel.Outcome {
	t.Helper()
	select {
	case <-tk.Done():
		return tk.Outcome()
	case <-time.After(10 * time.Second):
		t.Fatal("job never ended")
	}
	return ""
}

func TestDispatcherOrderAndConcurrency(t *testing.T) {
	d, eng, obs := newDispatcher(t, nil)
	s := newSink()
	slow := mustSubmit(t, d, job("a", "", "slow", s))
	var a []*channel.Ticket
	for i := range 5 {
		a = append(a, mustSubmit(t, d, job("a", "", fmt.Sprint("after ", i), s)))
	}
	b := mustSubmit(t, d, job("b", "", "other", s))
	eng.WaitStarted(t)
	// b is answered while a waits for the engine.
	if o := wait(t, b); o != channel.Delivered {
		t.Fatalf("b: %s", o)
	}
	if got := s.texts("a"); len(got) != 0 {
		t.Fatalf("a got %q before its first reply was ready", got)
	}
	close(eng.Gate)
	wait(t, slow)
	for _, tk := range a {
		wait(t, tk)
	}
	want := []string{"echo: slow", "echo: after 0", "echo: after 1", "echo: after 2", "echo: after 3", "echo: after 4"}
	if got := s.texts("a"); !slices.Equal(got, want) {
		t.Errorf("a got %q, want %q", got, want)
	}
	if n := len(obs.Replies()); n != 7 {
		t.Errorf("Observer.Replied %d times, want 7", n)
	}
	if n := d.Waiting(); n != 0 {
		t.Errorf("Waiting = %d after every job ended", n)
	}
}

func TestDispatcherDuplicate(t *testing.T) {
	d, eng, _ := newDispatcher(t, nil)
	s := newSink()
	first := mustSubmit(t, d, job("a", "u:1", "hello", s))
	again, err := d.Submit(job("a", "u:1", "hello", s))
	if !errors.Is(err, channel.ErrDuplicate) || again != first {
		t.Fatalf("second Submit = %v, %v; want ErrDuplicate and the first ticket", again, err)
	}
	wait(t, first)
	if _, err := d.Submit(job("a", "u:1", "hello", s)); !errors.Is(err, channel.ErrDuplicate) {
		t.Errorf("Submit after the first ended = %v, want ErrDuplicate", err)
	}
	if !d.Seen("u:1") || d.Seen("u:2") {
		t.Error("Seen is wrong")
	}
	if n := len(eng.Messages()); n != 1 {
		t.Errorf("engine asked %d times, want 1", n)
	}
}

func TestDispatcherBounds(t *testing.T) {
	d, _, obs := newDispatcher(t, func(c *channel.Config) { c.PerConversation = 2; c.Total = 3 })
	s := newSink()
	s.hold = make(chan struct{}) // nothing ends until released
	mustSubmit(t, d, job("a", "a1", "one", s))
	mustSubmit(t, d, job("a", "a2", "two", s))
	if _, err := d.Submit(job("a", "a3", "three", s)); !errors.Is(err, channel.ErrConversationFull) {
		t.Errorf("third job in a = %v, want ErrConversationFull", err)
	}
	// Refused, so not remembered: the platform's redelivery is taken.
	if d.Seen("a3") {
		t.Error("a refused job's id was remembered")
	}
	mustSubmit(t, d, job("b", "b1", "one", s))
	if _, err := d.Submit(job("c", "c1", "one", s)); !errors.Is(err, channel.ErrBusy) {
		t.Errorf("fourth job in all = %v, want ErrBusy", err)
	}
	if got := obs.Drops(); !slices.Equal(got, []string{"conversation_full", "busy"}) {
		t.Errorf("Observer.Dropped = %v", got)
	}
	if obs.Waiting() != 3 {
		t.Errorf("Observer.Queue last = %d, want 3", obs.Waiting())
	}
	close(s.hold)
	for d.Waiting() > 0 {
		time.Sleep(time.Millisecond)
	}
	if obs.Waiting() != 0 {
		t.Errorf("Observer.Queue last = %d, want 0", obs.Waiting())
	}
	mustSubmit(t, d, job("a", "a3", "three", s))
}

func TestDispatcherThrottlesAFloodButNotUrgentReplies(t *testing.T) {
	now := time.Unix(1700000000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d, _, obs := newDispatcher(t, func(c *channel.Config) {
		c.UserBurst, c.UserEvery, c.UrgentEvery, c.Now = 3, time.Second, 10*time.Second, clock
		c.Engine = urgentEngine{channeltest.NewEngine()}
	})
	s := newSink()
	var tks []*channel.Ticket
	for i := range 6 {
		tks = append(tks, mustSubmit(t, d, job("a", fmt.Sprint(i), fmt.Sprint("flood ", i), s)))
	}
	tks = append(tks, mustSubmit(t, d, job("a", "u", "danger", s)))
	var outcomes []channel.Outcome
	for _, tk := range tks {
		outcomes = append(outcomes, wait(t, tk))
	}
	want := []channel.Outcome{channel.Delivered, channel.Delivered, channel.Delivered,
		channel.Throttled, channel.Throttled, channel.Throttled, channel.Delivered}
	if !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %v, want %v", outcomes, want)
	}
	// Past the tokens, one urgent reply every UrgentEvery: a flood of
	// urgent messages does not pass whole.
	if o := wait(t, mustSubmit(t, d, job("a", "u2", "danger", s))); o != channel.Throttled {
		t.Errorf("a second urgent message at once: %s, want throttled", o)
	}
	if got := obs.Drops(); !slices.Equal(got, []string{"throttled", "throttled", "throttled", "throttled"}) {
		t.Errorf("Observer.Dropped = %v, want four throttled", got)
	}

	// Two seconds later the user has two more tokens.
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if o := wait(t, mustSubmit(t, d, job("a", "later", "later", s))); o != channel.Delivered {
		t.Errorf("after the refill: %s", o)
	}
}

// urgentEngine answers "danger" with an urgent reply.
type urgentEngine struct{ *channeltest.Engine }

func (e urgentEngine) Respond(ctx context.Context, m chat.Message) (chat.Reply, error) {
	r, err := e.Engine.Respond(ctx, m)
	if m.Text == "danger" {
		return chat.Reply{Kind: chat.KindUrgent, Lang: "en", Text: "call 116"}, nil
	}
	return r, err
}

func TestDispatcherUrgentFirst(t *testing.T) {
	eng := channeltest.NewEngine()
	d, _, _ := newDispatcher(t, func(c *channel.Config) {
		c.Senders = 1
		c.Engine = urgentEngine{eng}
	})
	s := newSink()
	s.hold = make(chan struct{})
	// One sender, busy with a's first reply; then b, c and an urgent d wait.
	first := mustSubmit(t, d, job("a", "", "first", s))
	<-s.entered // "first" holds the one sender
	var tks []*channel.Ticket
	for _, c := range []string{"b", "c"} {
		tks = append(tks, mustSubmit(t, d, job(c, "", "normal", s)))
	}
	tks = append(tks, mustSubmit(t, d, job("d", "", "danger", s)))
	waitAsked(t, eng, 4)
	time.Sleep(20 * time.Millisecond) // b, c and d wait for the sender
	close(s.hold)
	wait(t, first)
	for _, tk := range tks {
		wait(t, tk)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.order[1] != "call 116" {
		t.Errorf("send order %q: the urgent reply should go right after the one in flight", s.order)
	}
}

func TestDispatcherUrgentFirstWithinAConversation(t *testing.T) {
	eng := channeltest.NewEngine()
	d, _, _ := newDispatcher(t, func(c *channel.Config) { c.Engine = urgentEngine{eng} })
	s := newSink()
	s.hold = make(chan struct{})
	tks := []*channel.Ticket{mustSubmit(t, d, job("a", "", "one", s))}
	<-s.entered // "one" is in flight
	for _, text := range []string{"two", "three", "danger"} {
		tks = append(tks, mustSubmit(t, d, job("a", "", text, s)))
	}
	waitAsked(t, eng, 4)
	time.Sleep(20 * time.Millisecond) // their replies reach the outbox
	close(s.hold)
	for _, tk := range tks {
		wait(t, tk)
	}
	if got, want := s.texts("a"), []string{"echo: one", "call 116", "echo: two", "echo: three"}; !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
}

func TestDispatcherBlockedOptsOut(t *testing.T) {
	d, eng, obs := newDispatcher(t, nil)
	s := newSink()
	s.fail["private"] = channel.Fail(channel.Blocked, "403")
	s.fail["group"] = channel.Fail(channel.Blocked, "403")
	j := job("private", "", "hi", s)
	j.OptOutOnBlocked = true
	if o := wait(t, mustSubmit(t, d, j)); o != channel.Blocked {
		t.Errorf("outcome %s, want blocked", o)
	}
	if o := wait(t, mustSubmit(t, d, job("group", "", "hi", s))); o != channel.Blocked {
		t.Errorf("outcome %s, want blocked", o)
	}
	if got, want := eng.OptOuts(), []chat.User{{Platform: chat.Telegram, ID: "u-private"}}; !slices.Equal(got, want) {
		t.Errorf("OptOut = %v, want %v (only where the job asked)", got, want)
	}
	if got := obs.SendErrors(); !slices.Equal(got, []string{"blocked", "blocked"}) {
		t.Errorf("SendError = %v", got)
	}
	// An opt-out job forgets the user and sends nothing.
	o := channel.Job{Conv: "x", OptOut: true, Msg: chat.Message{User: chat.User{Platform: chat.Telegram, ID: "x"}}}
	if out := wait(t, mustSubmit(t, d, o)); out != channel.Ignored || len(eng.OptOuts()) != 2 {
		t.Errorf("opt-out job: %s, opt-outs %v", out, eng.OptOuts())
	}
}

func TestDispatcherDrain(t *testing.T) {
	d, eng, _ := newDispatcher(t, func(c *channel.Config) { c.DrainTimeout = 5 * time.Second })
	s := newSink()
	tk := mustSubmit(t, d, job("a", "", "slow", s))
	eng.WaitStarted(t)
	closed := make(chan int)
	go func() { closed <- d.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned with a job in flight")
	case <-time.After(20 * time.Millisecond):
	}
	if _, err := d.Submit(job("b", "", "late", s)); !errors.Is(err, channel.ErrClosed) {
		t.Errorf("Submit while closing = %v, want ErrClosed", err)
	}
	close(eng.Gate)
	if left := <-closed; left != 0 {
		t.Errorf("Close = %d left", left)
	}
	if o := tk.Outcome(); o != channel.Delivered {
		t.Errorf("outcome %s", o)
	}
}

func TestDispatcherDrainTimeout(t *testing.T) {
	d, eng, _ := newDispatcher(t, func(c *channel.Config) { c.DrainTimeout = 10 * time.Millisecond })
	s := newSink()
	tk := mustSubmit(t, d, job("a", "", "slow", s))
	queued := mustSubmit(t, d, job("a", "", "behind", s))
	eng.WaitStarted(t)
	if left := d.Close(); left != 2 {
		t.Errorf("Close = %d left, want 2", left)
	}
	for _, tk := range []*channel.Ticket{tk, queued} {
		if o := wait(t, tk); o != channel.Shutdown {
			t.Errorf("outcome %s, want shutdown", o)
		}
	}
	if got := s.texts("a"); len(got) != 0 {
		t.Errorf("sent %q after the drain timed out", got)
	}
}

func TestDispatcherEmptyReplyAndTimeout(t *testing.T) {
	d, eng, obs := newDispatcher(t, func(c *channel.Config) { c.ReplyTimeout = 20 * time.Millisecond })
	s := newSink()
	j := job("a", "", "x", s)
	j.Think = func(context.Context) (chat.Reply, error) { return chat.Reply{}, nil }
	if o := wait(t, mustSubmit(t, d, j)); o != channel.Ignored {
		t.Errorf("empty reply: %s, want ignored", o)
	}
	tk := mustSubmit(t, d, job("b", "", "slow", s))
	eng.WaitStarted(t)
	if o := wait(t, tk); o != channel.Timeout {
		t.Errorf("engine past the reply timeout: %s", o)
	}
	if n := len(obs.Replies()); n != 0 {
		t.Errorf("Replied %d times", n)
	}
}

// waitAsked waits until the engine was asked n times.
func waitAsked(t testing.TB, e *channeltest.Engine, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(e.Messages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("engine asked %d times, want %d", len(e.Messages()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBodies(t *testing.T) {
	b := &channel.Bodies{Max: 10, Concurrent: 1, Wait: 10 * time.Millisecond}
	read := func(body io.Reader, length int64) (int, error) {
		r := httptest.NewRequest(http.MethodPost, "/", body)
		r.ContentLength = length
		w := httptest.NewRecorder()
		got, release, err := b.Read(w, r)
		if err == nil {
			if int64(len(got)) > b.Max {
				t.Errorf("body of %d bytes", len(got))
			}
			release()
		}
		return w.Code, err
	}
	if code, err := read(strings.NewReader("short"), 5); err != nil || code != http.StatusOK {
		t.Errorf("a short body: %d %v", code, err)
	}
	// Too long by its header: refused before a byte is read.
	wb := &watched{Reader: strings.NewReader("x")}
	if code, err := read(wb, 1<<20); !errors.Is(err, channel.ErrBodyTooLarge) || code != http.StatusRequestEntityTooLarge || wb.read {
		t.Errorf("a long body by its header: %d %v, read %v", code, err, wb.read)
	}
	// Too long without a header: cut at Max.
	if code, err := read(strings.NewReader(strings.Repeat("x", 100)), -1); !errors.Is(err, channel.ErrBodyTooLarge) || code != http.StatusRequestEntityTooLarge {
		t.Errorf("a long chunked body: %d %v", code, err)
	}
	// One body read at once: a second waits, then is refused.
	pr, pw := io.Pipe()
	first := make(chan int)
	go func() { code, _ := read(pr, -1); first <- code }()
	for i := 0; ; i++ { // until the slow body holds the turn
		code, err := read(strings.NewReader("x"), 1)
		if errors.Is(err, channel.ErrBodyBusy) {
			if code != http.StatusServiceUnavailable {
				t.Errorf("while another is read: %d, want 503", code)
			}
			break
		}
		if i == 1000 {
			t.Fatal("a second body was never refused while the first was read")
		}
	}
	pw.Write([]byte("ok"))
	pw.Close()
	if code := <-first; code != http.StatusOK {
		t.Errorf("the slow body: %d", code)
	}
}

type watched struct {
	io.Reader
	read bool
}

func (w *watched) Read(p []byte) (int, error) {
	w.read = true
	return w.Reader.Read(p)
}

func TestNewServerHasLimits(t *testing.T) {
	s := channel.NewServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Errorf("server without limits: %+v", s)
	}
}

// A store failure is logged at error with its cause, and the reply still
// goes out.
func TestDispatcherEngineErrorNamesTheCause(t *testing.T) {
	var logs chattest.Buffer
	d, _, _ := newDispatcher(t, func(c *channel.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	s := newSink()
	j := job("a", "", "x", s)
	j.Think = func(context.Context) (chat.Reply, error) {
		return chat.Reply{Kind: chat.KindAnswer, Text: "still here"},
			&os.PathError{Op: "write", Path: "/var/lib/salama/salama.db", Err: syscall.ENOSPC}
	}
	if o := wait(t, mustSubmit(t, d, j)); o != channel.Delivered {
		t.Errorf("outcome %s, want delivered", o)
	}
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, `cause="disk full"`) || strings.Contains(l, "salama.db") {
		t.Errorf("log:\n%s", l)
	}
}

// failingDeduper cannot reach its store.
type failingDeduper struct{}

func (failingDeduper) Seen(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("store down")
}
func (failingDeduper) Unsee(context.Context, string) error { return errors.New("store down") }

// Two processes sharing a store (two dispatchers, one memory): a delivery
// sent again to the other one is answered once; one refused or cut short by
// a shutdown is taken again by the other; a memory that cannot answer lets
// the job through.
func TestDispatcherSharedDedup(t *testing.T) {
	shared := memstore.New()
	withShared := func(c *channel.Config) {
		c.Shared = shared
		c.PerConversation = 1
		c.DrainTimeout = 50 * time.Millisecond
	}
	a, engA, obsA := newDispatcher(t, withShared)
	b, engB, _ := newDispatcher(t, withShared)
	s := newSink()

	wait(t, mustSubmit(t, a, job("x", "u:1", "hello", s)))
	if tk, err := b.Submit(job("x", "u:1", "hello", s)); !errors.Is(err, channel.ErrDuplicate) || tk != nil {
		t.Fatalf("the other replica's Submit = %v, %v; want ErrDuplicate and no ticket", tk, err)
	}
	if n := len(engA.Messages()) + len(engB.Messages()); n != 1 {
		t.Errorf("engines asked %d times, want 1", n)
	}
	// A platform id of another channel is another delivery.
	other, _, _ := newDispatcher(t, func(c *channel.Config) { withShared(c); c.Platform = chat.Slack })
	wait(t, mustSubmit(t, other, job("x", "u:1", "hello", s)))

	// Refused by a full conversation on a: b takes the next try.
	s.hold = make(chan struct{})
	mustSubmit(t, a, job("y", "u:2", "one", s))
	if _, err := a.Submit(job("y", "u:3", "two", s)); !errors.Is(err, channel.ErrConversationFull) {
		t.Fatalf("a's second job in y = %v, want ErrConversationFull", err)
	}
	if got := obsA.Drops(); !slices.Equal(got, []string{"conversation_full"}) {
		t.Errorf("a's drops %v", got)
	}
	tk := mustSubmit(t, b, job("y", "u:3", "two", s))

	close(s.hold)
	wait(t, tk)

	// Cut short by a's shutdown: forgotten, so b takes the next try.
	cut := mustSubmit(t, a, job("z", "u:4", "slow", s))
	engA.WaitStarted(t)
	a.Close()
	if o := wait(t, cut); o != channel.Shutdown {
		t.Fatalf("outcome %s, want shutdown", o)
	}
	wait(t, mustSubmit(t, b, job("z", "u:4", "three", s)))

	// The shared memory is down: the job is answered here.
	c, _, _ := newDispatcher(t, func(c *channel.Config) { c.Shared = failingDeduper{} })
	if o := wait(t, mustSubmit(t, c, job("w", "u:5", "hello", s))); o != channel.Delivered {
		t.Errorf("with the store down: %s, want delivered", o)
	}
}
