// Command salama runs the Salama safety-education chatbot.
//
//	salama chat                 talk to the bot in this terminal
//	salama ask [QUESTION]       answer questions, for scripts and evaluations
//	salama content check        validate the content and locale files
//	salama serve                run the configured channels (Telegram, Slack)
//
// Run `salama help` for the flags of each.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
