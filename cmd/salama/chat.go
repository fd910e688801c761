package main

import (
	"context"
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
	fset := newFlags("chat", "[--lang TAG] [--data DIR] [--content DIR] [--locales DIR]", stdout)
	var cf contentFlags
	cf.register(fset.FlagSet)
	lang := fset.String("lang", "", "start in this language (e.g. sw); /language changes it")
	data := fset.String("data", "", "data directory (default $SALAMA_DATA, else the OS state directory)")
	rest, err := fset.parse(args)
	if err != nil {
		return err
	}
	if err := fset.noArgs(rest); err != nil {
		return err
	}
	k, err := cf.loadCtx(ctx)
	if err != nil {
		return err
	}
	store, err := openStore(*data)
	if err != nil {
		return err
	}
	defer store.Close()
	eng := engine.New(k, store, engine.Options{})
	if err := checkLang(eng, *lang); err != nil {
		return err
	}
	user := chat.User{Platform: chat.Console, ID: "console"}
	var choices []chat.Choice
	send := func(m chat.Message) error {
		m.User, m.Chat = user, "console"
		r, err := eng.Respond(ctx, m)
		if err != nil {
			return err
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
		choices = r.Choices
		return nil
	}
	start := "/start"
	if *lang != "" {
		start = "/start lang_" + *lang
	}
	fmt.Fprintln(stdout, "Salama console. Type a question, a number to pick a choice, /help for commands, Ctrl-D to leave.")
	if err := send(chat.Message{Text: start}); err != nil {
		return err
	}
	err = eachLine(ctx, stdin, func(line string) error {
		line = strings.TrimSpace(line)
		m := chat.Message{Text: line}
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(choices) && choices[n-1].Payload != "" {
			m = chat.Message{Payload: choices[n-1].Payload}
		}
		return send(m)
	})
	if err == nil {
		fmt.Fprintln(stdout)
	}
	return err
}
