// Command confidant-load is a load generator for "confidant serve --http":
// it sends signed interactions (/ask, clicks, /topics, /help, PING) from
// many clients at once to an endpoint on this machine's loopback interface
// and reports throughput, latency and errors. Run "confidant-load -h".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "confidant-load:", err)
		}
		os.Exit(exitCode(err))
	}
}
