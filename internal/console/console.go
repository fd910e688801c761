// Package console is the terminal channel of `salama chat`: a conversation
// on standard input and output that behaves as the messaging channels do.
// Choices are numbered and typing a number presses one
// (channel.Numbered); everything goes through the shared delivery layer
// (package channel), like Telegram, Slack and WhatsApp, so the console is a
// faithful way to try the bot and a model for any text-only channel.
package console

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salama-safety/salama/internal/channel"
	"github.com/salama-safety/salama/internal/chat"
)

// Config configures an [Adapter]. Its zero value reads nothing and writes
// nowhere; set In and Out.
type Config struct {
	// In is what the user types, one message a line.
	In io.Reader
	// Out is where replies go.
	Out io.Writer
	// User is the console user's id ("console"), under which the store
	// keeps their language and country.
	User string
	// Start is the first message, sent before anything is read ("/start";
	// "/start lang_sw" to begin in Swahili).
	Start string
	// Quiet leaves out the banner and the first message.
	Quiet bool
	// Logger and Observer, as for every channel (silent by default).
	Logger   *slog.Logger
	Observer chat.Observer
}

// Adapter is the console channel.
type Adapter struct {
	cfg    Config
	work   *channel.Dispatcher
	menus  *channel.Menus
	status channel.Status
}

var _ channel.Adapter = (*Adapter)(nil)

// conv is the console's one conversation.
const conv = "console"

// New returns a console adapter for engine.
func New(cfg Config, engine chat.Engine) *Adapter {
	if cfg.In == nil {
		cfg.In = strings.NewReader("")
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.User == "" {
		cfg.User = "console"
	}
	if cfg.Start == "" {
		cfg.Start = "/start"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Adapter{
		cfg:   cfg,
		menus: channel.NewMenus(1, 24*time.Hour, nil),
		work: channel.NewDispatcher(channel.Config{
			Platform: chat.Console,
			Engine:   engine,
			Observer: cfg.Observer,
			Logger:   cfg.Logger,
			// One person at a keyboard is not a flood.
			UserBurst: -1,
		}),
	}
}

// Routes: the console has no HTTP endpoint.
func (a *Adapter) Routes() []channel.Route { return nil }

// Health is the console's state.
func (a *Adapter) Health() channel.Health { return a.status.Health() }

// Run greets the user, then answers each line of input until the input
// ends or ctx is done, and returns once the last reply is written. It
// returns the input's read error, if any.
func (a *Adapter) Run(ctx context.Context) error {
	a.status.Set(channel.Ready, "")
	defer a.status.Set(channel.Stopped, "")
	defer a.work.Close()
	if !a.cfg.Quiet {
		fmt.Fprintln(a.cfg.Out, "Salama console. Type a question, a number to pick a choice, /help for commands, Ctrl-D to leave.")
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		in := bufio.NewReader(a.cfg.In)
		for {
			line, err := readLine(in, MaxLine)
			if err != nil && err != io.EOF {
				readErr <- err
				close(lines)
				return
			}
			if err == nil || line != "" { // the last line may have no ending
				select {
				case lines <- line:
				case <-ctx.Done():
					return
				}
			}
			if err == io.EOF {
				readErr <- nil
				close(lines)
				return
			}
		}
	}()
	if !a.cfg.Quiet {
		if err := a.say(ctx, chat.Message{Text: a.cfg.Start}); err != nil {
			return nil
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(a.cfg.Out)
				return <-readErr
			}
			line = strings.TrimSpace(line)
			m := chat.Message{Text: line}
			if p, ok := a.menus.Press(conv, line); ok {
				m = chat.Message{Payload: p}
			}
			if err := a.say(ctx, m); err != nil {
				return nil
			}
		}
	}
}

// say submits a message and waits for its reply to be written, then shows
// the prompt.
func (a *Adapter) say(ctx context.Context, m chat.Message) error {
	m.User = chat.User{Platform: chat.Console, ID: a.cfg.User}
	m.Chat = conv
	t, err := a.work.Submit(channel.Job{Conv: conv, Kind: "line", Msg: m, Send: a.write})
	if err != nil {
		return err
	}
	select {
	case <-t.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	fmt.Fprint(a.cfg.Out, "\n> ")
	return nil
}

// MaxLine is how much of a typed line is read as the message: a longer
// line (a paste of a whole document) is cut there, and the conversation
// goes on with the next line. Every messaging platform limits a message
// to a few thousand characters; this is far above them.
const MaxLine = 64 * 1024

// readLine returns the next line of r without its line ending, at most
// limit bytes of it (cut at a character boundary); the rest of a longer
// line is read and dropped, so that no line, however long, ends the
// conversation. At the end of the input it returns the last line, if any,
// with io.EOF.
func readLine(r *bufio.Reader, limit int) (string, error) {
	var b []byte
	cut := false
	for {
		chunk, err := r.ReadSlice('\n')
		room := limit - len(b)
		if len(chunk) > room {
			chunk, cut = chunk[:room], true
		}
		b = append(b, chunk...)
		if err == bufio.ErrBufferFull {
			continue // longer than the reader's buffer: read on
		}
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
		for cut && len(b) > 0 { // a character cut in two at the limit
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size > 1 {
				break
			}
			b = b[:len(b)-1]
		}
		return string(b), err
	}
}

// write shows a reply with numbered choices.
func (a *Adapter) write(_ context.Context, r chat.Reply) error {
	a.menus.Shown(conv, r.Choices)
	if _, err := fmt.Fprintf(a.cfg.Out, "\n%s\n", channel.Numbered(r)); err != nil {
		return errors.Join(channel.Fail(channel.Other, "write"), err)
	}
	return nil
}
