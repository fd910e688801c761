// Command salama runs the Salama safety-education chatbot.
//
//	salama chat                 talk to the bot in this terminal
//	salama ask [QUESTION]       answer questions, for scripts and evaluations
//	salama content check        validate the content and locale files
//	salama serve                run the configured channels (Telegram, Slack)
//	salama version              the release, commit and Go version
//
// Run `salama help` for the others, and `salama COMMAND --help` for the flags
// of each.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// after the first signal, a second one ends the process the default way,
	// should anything hang
	context.AfterFunc(ctx, stop)
	os.Exit(Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
