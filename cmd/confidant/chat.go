package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
)

const chatUsage = `Usage: confidant chat [--corpus DIR]

Talk to Confidant on the console: type a question, get a sourced answer.
Type /quit (or end the input) to leave. Nothing you type is stored.

`

const chatGreeting = `Confidant: private answers about sex, intimacy and sexual health.
Ask in your own words. Nothing you type here is stored. /quit to leave.
If you are in danger or thinking about suicide, call or text 988 (US), or your local emergency number.
`

func runChat(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("chat", chatUsage, s)
	dir := corpusFlag(fs, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"chat takes no arguments; use ask to answer one question"}
	}
	r, err := newResponder(*dir, nil)
	if err != nil {
		return err
	}
	interactive := isTerminal(s.in)
	if interactive {
		fmt.Fprint(s.out, chatGreeting)
	}
	sc := bufio.NewScanner(s.in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for {
		if interactive {
			fmt.Fprint(s.out, "\n> ")
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "/quit" || line == "/exit" {
			break
		}
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintln(s.out, r.Respond(ctx, line).Text())
		if !interactive {
			fmt.Fprintln(s.out)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	return nil
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
