package console

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/salama-safety/salama/internal/channel/channeltest"
	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/chattest"
)

func TestConformance(t *testing.T) { channeltest.Run(t, &platform{}) }

// platform drives the console for channeltest through pipes.
type platform struct {
	in   *io.PipeWriter
	out  *chattest.Buffer
	mu   sync.Mutex
	sent map[string]bool
}

func (p *platform) Name() chat.Platform { return chat.Console }
func (p *platform) Users() []string     { return []string{"local-user"} }

func (p *platform) Start(t testing.TB, e chat.Engine, obs chat.Observer, log *slog.Logger) func() error {
	r, w := io.Pipe()
	p.in, p.out, p.sent = w, &chattest.Buffer{}, map[string]bool{}
	a := New(Config{In: r, Out: p.out, User: "local-user", Quiet: true, Logger: log, Observer: obs}, e)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	return func() error {
		cancel()
		err := <-done
		w.Close()
		return err
	}
}

// Send types a line. A terminal never delivers a line twice, so a second
// Send with the same id types nothing; and it cannot block the bot, so the
// conformance test of blocking has nothing to test (Block does nothing,
// and the test is skipped below).
func (p *platform) Send(t testing.TB, _, id, text string) {
	p.mu.Lock()
	seen := p.sent[id]
	p.sent[id] = true
	p.mu.Unlock()
	if !seen {
		io.WriteString(p.in, text+"\n")
	}
}

func (p *platform) Press(t testing.TB, user, id, payload string) {
	replies := p.Replies(user)
	last := replies[len(replies)-1]
	i := slices.IndexFunc(last.Choices, func(c chat.Choice) bool { return c.Payload == payload })
	if i < 0 {
		t.Fatalf("no choice %q in %+v", payload, last)
	}
	p.Send(t, user, id, string(rune('1'+i)))
}

// Replies reads the output back: replies are separated by the prompt,
// and their choices are their numbered lines.
func (p *platform) Replies(string) []channeltest.Sent {
	var out []channeltest.Sent
	for _, c := range strings.Split(p.out.String(), "\n> ") {
		if strings.TrimSpace(c) == "" {
			continue // the prompt, not yet answered
		}
		var s channeltest.Sent
		var text []string
		for _, line := range strings.Split(strings.Trim(c, "\n"), "\n") {
			label, ok := numbered(line)
			if !ok {
				text = append(text, line)
				continue
			}
			ch := chat.Choice{Label: label, Payload: "?"}
			if l, u, ok := strings.Cut(label, " – "); ok {
				ch = chat.Choice{Label: l, URL: u}
			}
			s.Choices = append(s.Choices, ch)
		}
		s.Text = strings.Join(text, "\n")
		out = append(out, s)
	}
	// The payloads are the engine's: the console shows numbers.
	for i := range out {
		for j, c := range out[i].Choices {
			if c.Payload == "?" {
				out[i].Choices[j].Payload = payloadOf(c.Label)
			}
		}
	}
	return out
}

func numbered(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "  ")
	if !ok {
		return "", false
	}
	n, label, ok := strings.Cut(rest, ". ")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return label, true
}

// payloadOf maps the conformance engine's labels back to their payloads.
func payloadOf(label string) string {
	for _, c := range channeltest.MenuChoices {
		if c.Label == label {
			return c.Payload
		}
	}
	return ""
}

func (p *platform) Block(string) {}

func TestMain(m *testing.M) {
	channeltest.Skip("console", "Blocked", "a terminal cannot block the bot")
	m.Run()
}

// A line of any length is read: a paste longer than MaxLine is cut there,
// and the conversation goes on with the next line.
func TestLongLineDoesNotEndTheConversation(t *testing.T) {
	e := channeltest.NewEngine()
	long := strings.Repeat("é", 20*MaxLine) // 2.6 MB; two bytes a letter, so the cut may fall inside one
	in := strings.NewReader(long + "\nstill here\nlast line, no ending")
	out := &chattest.Buffer{}
	if err := New(Config{In: in, Out: out, Quiet: true}, e).Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	msgs := e.Messages()
	if len(msgs) != 3 {
		t.Fatalf("the engine was asked %d messages, want 3", len(msgs))
	}
	if got := msgs[0].Text; len(got) > MaxLine || len(got) < MaxLine-4 || !utf8.ValidString(got) {
		t.Errorf("the long line reached the engine as %d bytes (valid UTF-8: %v), want it cut near %d", len(got), utf8.ValidString(got), MaxLine)
	}
	if msgs[1].Text != "still here" || msgs[2].Text != "last line, no ending" {
		t.Errorf("the lines after it = %q, %q", msgs[1].Text, msgs[2].Text)
	}
	if !strings.Contains(out.String(), "echo: still here") {
		t.Errorf("no reply to the line after the long one")
	}
}

func TestReadLine(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  []string
	}{
		{"a\nb\r\n\nc", 10, []string{"a", "b", "", "c"}},
		{"abcdef\ng\n", 3, []string{"abc", "g"}},
		{"aé\n", 2, []string{"a"}}, // é cut in two is dropped
		{"", 10, nil},
	} {
		r := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
		var got []string
		for {
			line, err := readLine(r, tc.limit)
			if err == nil || line != "" {
				got = append(got, line)
			}
			if err != nil {
				break
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("readLine(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}
