// Command salama-load measures Salama under load, faults and hostile input.
// Everything runs on 127.0.0.1 against fakes of the platforms; nothing
// leaves the machine.
//
//	salama-load [throughput] [flags]   the Telegram adapter, 1,000 updates/s over 5,000 chats: in this process, or
//	                                   as -replicas N salama serve processes (-serve BINARY) on a -store postgres://…
//	salama-load flood [flags]          salama serve as a child process: a 1,000 updates/s flood from one user plus 20
//	                                   normal users, Telegram's real limits, optionally kill -9 and restart mid-flood
//	salama-load slowbodies [flags]     salama serve as a child process: 300 slow 1 MiB unauthenticated bodies on the
//	                                   Slack endpoint, resident memory before, during and after
//	salama-load whatsapp [flags]       the WhatsApp adapter in this process: 1,000 signed deliveries/s from 5,000 users
//
// `salama-load <scenario> -h` lists a scenario's flags. Each scenario
// reports what it measured and exits 1 when an expectation failed: a reply
// lost or duplicated (throughput), an acknowledged update never answered
// (flood), the process killed or its memory past the bound (slowbodies).
// docs/PERFORMANCE.md has the figures and the commands that produced them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	scenario := "throughput"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		scenario, args = args[0], args[1:]
	}
	switch scenario {
	case "throughput":
		return runThroughput(ctx, args, stdout, stderr)
	case "flood":
		return runFlood(ctx, args, stdout, stderr)
	case "slowbodies":
		return runSlowBodies(ctx, args, stdout, stderr)
	case "whatsapp":
		return runWhatsApp(ctx, args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "salama-load: unknown scenario %q: throughput, flood, slowbodies or whatsapp\n", scenario)
	return 2
}
