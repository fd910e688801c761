package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/salama-safety/salama/internal/chat"
	"github.com/salama-safety/salama/internal/engine"
)

// runChat is a console conversation that behaves as Telegram will: choices
// are numbered and typing a number presses one.
func runChat(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fset := flag.NewFlagSet("chat", flag.ContinueOnError)
	var cf contentFlags
	cf.register(fset)
	lang := fset.String("lang", "", "start in this language (e.g. sw); /language changes it")
	data := fset.String("data", "", "data directory (default $SALAMA_DATA, else the OS state directory)")
	var country countryFlag
	country.register(fset)
	if err := fset.Parse(args); err != nil {
		return usageError{err}
	}
	k, err := cf.load()
	if err != nil {
		return err
	}
	code, err := country.check(k)
	if err != nil {
		return err
	}
	store, err := openStore(*data)
	if err != nil {
		return err
	}
	defer store.Close()
	eng := engine.New(k, store, engine.Options{Country: code})
	user := chat.User{Platform: chat.Console, ID: "console"}
	send := func(m chat.Message) ([]chat.Choice, error) {
		m.User, m.Chat = user, "console"
		r, err := eng.Respond(ctx, m)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, r.Text)
		for i, c := range r.Choices {
			if c.URL != "" {
				fmt.Fprintf(stdout, "  %d. %s – %s\n", i+1, c.Label, c.URL)
				continue
			}
			fmt.Fprintf(stdout, "  %d. %s\n", i+1, c.Label)
		}
		fmt.Fprint(stdout, "\n> ")
		return r.Choices, nil
	}
	start := "/start"
	if *lang != "" {
		start = "/start lang_" + *lang
	}
	fmt.Fprintln(stdout, "Salama console. Type a question, a number to pick a choice, /help for commands, Ctrl-D to leave.")
	choices, err := send(chat.Message{Text: start})
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		m := chat.Message{Text: line}
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(choices) && choices[n-1].Payload != "" {
			m = chat.Message{Payload: choices[n-1].Payload}
		}
		if choices, err = send(m); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout)
	return sc.Err()
}
