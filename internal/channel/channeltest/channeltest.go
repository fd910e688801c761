// Package channeltest is the conformance test of channel adapters, as
// testing/slogtest is for slog handlers: every adapter's tests call [Run]
// with a [Platform] that drives the adapter against its fake platform, and
// so prove that it keeps the contract of channel.Adapter.
package channeltest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

// Platform drives one adapter against its fake platform on loopback.
type Platform interface {
	// Name is the platform's name, the Platform of the messages the
	// engine must see.
	Name() chat.Platform
	// Users returns user ids the fake knows, at least one. The engine
	// must see them as Message.User.ID.
	Users() []string
	// Start builds the adapter with the engine, observer and logger, runs
	// it against the fake, and returns once it takes updates. stop cancels
	// Run, waits for it to return and returns its error.
	Start(t testing.TB, e chat.Engine, obs chat.Observer, log *slog.Logger) (stop func() error)
	// Send makes the fake deliver a text from user in a private
	// conversation. id names the update: the same id is the same update
	// delivered again. Send returns once the adapter has taken the update
	// (acknowledged it), whether or not it has been answered.
	Send(t testing.TB, user, id, text string)
	// Press makes the fake deliver a press of the choice with payload, on
	// the last reply to user, as update id.
	Press(t testing.TB, user, id, payload string)
	// Replies returns what the fake received for user so far, in order, one
	// Sent per message the platform would show.
	Replies(user string) []Sent
	// Block makes the fake refuse every later send to user as the platform
	// does when the user blocked the bot.
	Block(user string)
}

// Sent is a message as the platform shows it: its text and its choices.
// Choices with a payload can be pressed.
type Sent struct {
	Text    string
	Choices []chat.Choice
}

// Run runs the conformance tests.
func Run(t *testing.T, p Platform) {
	tests := []struct {
		name string
		fn   func(t *testing.T, p Platform)
	}{
		{"TextRoundTrip", testTextRoundTrip},
		{"OrderWithinConversation", testOrder},
		{"ChoicesPressed", testChoices},
		{"DuplicateAnsweredOnce", testDuplicate},
		{"LongTextKept", testLongText},
		{"Blocked", testBlocked},
		{"DrainOnStop", testDrain},
		{"Privacy", testPrivacy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why, ok := skips[string(p.Name())+"/"+tt.name]; ok {
				t.Skip(why)
			}
			tt.fn(t, p)
		})
	}
}

var skips = map[string]string{}

// Skip skips a conformance test for a platform that cannot have the
// behaviour it checks, and says why (the console cannot be blocked).
func Skip(platform chat.Platform, test, why string) { skips[string(platform)+"/"+test] = why }

// env is one adapter running under the conformance engine.
type env struct {
	eng  *Engine
	obs  *chattest.Observer
	logs *chattest.Buffer
	stop func() error
	once sync.Once
	err  error
}

func start(t *testing.T, p Platform) *env {
	t.Helper()
	e := &env{eng: NewEngine(), obs: &chattest.Observer{}, logs: &chattest.Buffer{}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.stop = p.Start(t, e.eng, e.obs, log)
	t.Cleanup(func() { e.halt(t) })
	return e
}

func (e *env) halt(t testing.TB) error {
	t.Helper()
	e.once.Do(func() {
		done := make(chan error, 1)
		go func() { done <- e.stop() }()
		select {
		case e.err = <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("Run did not return after stop")
		}
	})
	return e.err
}

// waitReplies waits until user has n replies and returns them.
func waitReplies(t testing.TB, p Platform, user string, n int) []Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := p.Replies(user)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("user %s: %d replies, want %d: %+v", user, len(got), n, got)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func texts(ss []Sent) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Text)
	}
	return out
}

func testTextRoundTrip(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "rt-1", "hello there")
	got := waitReplies(t, p, user, 1)
	if !strings.Contains(got[0].Text, "echo: hello there") {
		t.Errorf("reply = %q, want it to carry %q", got[0].Text, "echo: hello there")
	}
	msgs := e.eng.Messages()
	if len(msgs) != 1 {
		t.Fatalf("engine got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.User.Platform != p.Name() || m.User.ID != user || m.Text != "hello there" || m.Group {
		t.Errorf("engine got %+v, want user %s/%s, text %q, not a group", m, p.Name(), user, "hello there")
	}
	if err := e.halt(t); err != nil {
		t.Errorf("Run = %v, want nil after stop", err)
	}
	if got := e.obs.Replies(); !slices.Equal(got, []chat.Kind{chat.KindAnswer}) {
		t.Errorf("Observer.Replied = %v, want [answer]", got)
	}
}

func testOrder(t *testing.T, p Platform) {
	start(t, p)
	users := p.Users()
	var want []string
	for i := range 5 {
		text := fmt.Sprintf("message %d", i)
		want = append(want, "echo: "+text)
		for _, u := range users {
			p.Send(t, u, fmt.Sprintf("ord-%s-%d", u, i), text)
		}
	}
	for _, u := range users {
		got := texts(waitReplies(t, p, u, len(want)))
		if len(got) != len(want) {
			t.Fatalf("user %s: replies %q, want %q", u, got, want)
		}
		for i := range want {
			if !strings.Contains(got[i], want[i]) {
				t.Errorf("user %s: reply %d = %q, want %q (in order)", u, i, got[i], want[i])
			}
		}
	}
}

func testChoices(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "ch-1", "menu")
	got := waitReplies(t, p, user, 1)
	var labels []string
	for _, s := range got {
		for _, c := range s.Choices {
			labels = append(labels, c.Label)
		}
	}
	for _, c := range MenuChoices {
		if !slices.ContainsFunc(labels, func(l string) bool { return strings.Contains(l, c.Label) }) {
			t.Errorf("choice %q not shown; shown %q", c.Label, labels)
		}
	}
	p.Press(t, user, "ch-2", MenuChoices[1].Payload)
	got = waitReplies(t, p, user, 2)
	if want := "pressed " + MenuChoices[1].Payload; !strings.Contains(got[len(got)-1].Text, want) {
		t.Errorf("reply to the press = %q, want %q", got[len(got)-1].Text, want)
	}
	msgs := e.eng.Messages()
	if len(msgs) != 2 || msgs[1].Payload != MenuChoices[1].Payload {
		t.Errorf("engine got %+v, want the payload %q second", msgs, MenuChoices[1].Payload)
	}
}

func testDuplicate(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "dup-1", "once only")
	p.Send(t, user, "dup-1", "once only")
	p.Send(t, user, "dup-2", "marker")
	waitReplies(t, p, user, 2)
	e.halt(t)
	if got := p.Replies(user); len(got) != 2 {
		t.Errorf("replies %q, want the first and the marker", texts(got))
	}
	if n := len(e.eng.Messages()); n != 2 {
		t.Errorf("engine asked %d times, want 2", n)
	}
}

func testLongText(t *testing.T, p Platform) {
	start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "long-1", "long")
	want := strings.Fields(LongText)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var words []string
		for _, s := range p.Replies(user) {
			words = append(words, strings.Fields(s.Text)...)
		}
		if slices.Equal(words, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("long reply arrived as %d words, want %d, all in order", len(words), len(want))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func testBlocked(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Block(user)
	p.Send(t, user, "blk-1", "hello")
	deadline := time.Now().Add(10 * time.Second)
	for len(e.eng.OptOuts()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no opt-out after a send to a user who blocked the bot; send errors %v", e.obs.SendErrors())
		}
		time.Sleep(2 * time.Millisecond)
	}
	e.halt(t)
	if got, want := e.eng.OptOuts(), []chat.User{{Platform: p.Name(), ID: user}}; !slices.Equal(got, want) {
		t.Errorf("OptOut = %v, want %v", got, want)
	}
	if got := e.obs.SendErrors(); !slices.Equal(got, []string{"blocked"}) {
		t.Errorf("SendError = %v, want [blocked]", got)
	}
}

func testDrain(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "drain-1", "slow")
	e.eng.WaitStarted(t)
	stopped := make(chan error, 1)
	go func() { stopped <- e.halt(t) }()
	select {
	case <-stopped:
		t.Fatal("Run returned with a reply in flight")
	case <-time.After(20 * time.Millisecond):
	}
	close(e.eng.Gate)
	if err := <-stopped; err != nil {
		t.Errorf("Run = %v", err)
	}
	if got := p.Replies(user); len(got) != 1 || !strings.Contains(got[0].Text, "echo: slow") {
		t.Errorf("replies %q, want the slow one, sent before Run returned", texts(got))
	}
}

func testPrivacy(t *testing.T, p Platform) {
	e := start(t, p)
	user := p.Users()[0]
	p.Send(t, user, "priv-1", "my secret words")
	p.Send(t, user, "priv-2", "menu")
	waitReplies(t, p, user, 2)
	p.Press(t, user, "priv-3", MenuChoices[0].Payload)
	waitReplies(t, p, user, 3)
	e.halt(t)
	logs := e.logs.String()
	for _, secret := range []string{user, "secret words", MenuChoices[0].Payload, "echo:", "pressed"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
}

// The conformance engine's replies.
var (
	// MenuChoices are offered by the reply to "menu": two payloads and a
	// link.
	MenuChoices = []chat.Choice{
		{Label: "Yes please", Payload: "pick:yes"},
		{Label: "No thanks", Payload: "pick:no"},
		{Label: "Helpline website", URL: "https://example.org/help?a=1&b=2"},
	}
	// LongText is the reply to "long": longer than any platform's limit
	// for one message.
	LongText = strings.TrimSpace(strings.Repeat(strings.Repeat("word ", 400)+"\n\n", 12))
)

// Engine is the conformance engine: "menu" offers MenuChoices, "long"
// answers LongText, "slow" waits for Gate to close, a payload is answered
// "pressed <payload>", anything else "echo: <text>". It records what it is
// asked. It is safe for concurrent use.
type Engine struct {
	Gate    chan struct{}
	started chan struct{}

	mu      sync.Mutex
	msgs    []chat.Message
	optOuts []chat.User
}

var _ chat.Engine = (*Engine)(nil)

// NewEngine returns a conformance engine.
func NewEngine() *Engine {
	return &Engine{Gate: make(chan struct{}), started: make(chan struct{}, 16)}
}

func (e *Engine) Respond(ctx context.Context, m chat.Message) (chat.Reply, error) {
	e.mu.Lock()
	e.msgs = append(e.msgs, m)
	e.mu.Unlock()
	switch {
	case m.Payload != "":
		return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "pressed " + m.Payload}, nil
	case m.Text == "menu":
		return chat.Reply{Kind: chat.KindClarify, Lang: "en", Text: "Pick one", Choices: MenuChoices}, nil
	case m.Text == "long":
		return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: LongText}, nil
	case m.Text == "slow":
		e.started <- struct{}{}
		select {
		case <-e.Gate:
		case <-ctx.Done():
			return chat.Reply{}, ctx.Err()
		}
	}
	return chat.Reply{Kind: chat.KindAnswer, Lang: "en", Text: "echo: " + m.Text}, nil
}

// WaitStarted waits until a "slow" message reached the engine.
func (e *Engine) WaitStarted(t testing.TB) {
	t.Helper()
	select {
	case <-e.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow message never reached the engine")
	}
}

func (e *Engine) OptOut(_ context.Context, u chat.User) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.optOuts = append(e.optOuts, u)
	return nil
}

func (e *Engine) Commands(lang string) []chat.Command {
	return []chat.Command{{Name: "start", Description: "Start"}, {Name: "forget", Description: "Forget me"}, {Name: "help", Description: "Help"}}
}

func (e *Engine) Home(context.Context, chat.User, string) (chat.Reply, error) {
	return chat.Reply{Kind: chat.KindCommand, Lang: "en", Text: "Home"}, nil
}

func (e *Engine) Languages() []string { return []string{"en"} }

// Messages returns what the engine was asked, in order.
func (e *Engine) Messages() []chat.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.msgs)
}

// OptOuts returns the users forgotten, in order.
func (e *Engine) OptOuts() []chat.User {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.optOuts)
}

// Discard is a logger that drops everything, for a Platform's own helpers.
var Discard = slog.New(slog.NewTextHandler(io.Discard, nil))
