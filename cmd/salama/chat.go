package main

import (
	"context"
	"io"

	"github.com/salama-safety/salama/internal/console"
	"github.com/salama-safety/salama/internal/engine"
)

// runChat is a console conversation that behaves as the messaging channels
// do: choices are numbered and typing a number presses one.
func runChat(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fset := newFlags("chat", "[--lang TAG] [--country CC] [--data DIR] [--content DIR] [--locales DIR]", stdout)
	var cf contentFlags
	cf.register(fset.FlagSet)
	lang := fset.String("lang", "", "start in this language (e.g. sw); /language changes it")
	data := fset.String("data", "", "data directory (default $SALAMA_DATA, else the OS state directory)")
	var country countryFlag
	country.register(fset.FlagSet)
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
	if err := checkLang(eng, *lang); err != nil {
		return err
	}
	start := "/start"
	if *lang != "" {
		start = "/start lang_" + *lang
	}
	err = console.New(console.Config{In: stdin, Out: stdout, Start: start}, eng).Run(ctx)
	if err == nil && ctx.Err() != nil {
		return errInterrupted // Ctrl-C or SIGTERM: exit 130, at once
	}
	return err
}
