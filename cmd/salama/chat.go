package main

import (
	"context"
	"flag"
	"io"

	"github.com/salama-safety/salama/internal/console"
	"github.com/salama-safety/salama/internal/engine"
)

// runChat is a console conversation that behaves as the messaging channels
// do: choices are numbered and typing a number presses one.
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
	start := "/start"
	if *lang != "" {
		start = "/start lang_" + *lang
	}
	c := console.New(console.Config{In: stdin, Out: stdout, Start: start}, engine.New(k, store, engine.Options{Country: code}))
	return c.Run(ctx)
}
