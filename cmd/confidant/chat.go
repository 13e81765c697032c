package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/knowledge"
)

const chatUsage = `Usage: confidant chat [--corpus DIR]

Talk to Confidant on the console: type a question, get a sourced answer.
A number picks one of the offered answers, "more" shows the whole answer,
and /help, /topics and /privacy work as on Discord. Type /quit (or end the
input) to leave. Nothing you type is stored.

`

const chatGreeting = `Confidant: private answers about sex, intimacy and sexual health.
Ask in your own words. Nothing you type here is stored. /help, /topics, /privacy, /quit.
If you are in danger or thinking about suicide, call or text 988 (US), or your local emergency number.
`

// maxLine is the longest line read whole; longer lines are skipped with a
// kind reply, and the conversation goes on.
const maxLine = 64 << 10

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
	width := terminalWidth(getenv)
	var conv bot.Conversation
	lines := newLineReader(s.in)
	for {
		if interactive {
			fmt.Fprint(s.out, "\n> ")
		}
		line, tooLong, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		line = strings.TrimSpace(line)
		var rep knowledge.Reply
		switch {
		case tooLong:
			rep = bot.TooLongReply()
		case line == "/quit" || line == "/exit":
			return nil
		case line == "/help":
			rep = r.Respond(ctx, "help")
		case line == "/privacy":
			rep, _ = r.Show("bot-privacy")
			rep.Full = true
		case line == "/topics":
			fmt.Fprintln(s.out, wrapText(topicsText(r.Library().Corpus), width))
			continue
		default:
			rep = r.Converse(ctx, &conv, line)
		}
		fmt.Fprintln(s.out, consoleText(rep, width))
		if !interactive {
			fmt.Fprintln(s.out)
		}
	}
}

// topicsText lists the themes and their entries, numbered so that a number
// can be typed to read one.
func topicsText(c *knowledge.Corpus) string {
	var b strings.Builder
	b.WriteString("Topics (type a question, or the title of one):\n")
	for _, th := range c.Themes {
		fmt.Fprintf(&b, "\n%s\n", th.Name)
		for _, id := range th.Entries {
			if e, ok := c.Entry(id); ok {
				fmt.Fprintf(&b, "  - %s\n", e.Title)
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// lineReader reads lines of any length: a line longer than maxLine is
// read to its end and reported as too long instead of ending the session.
type lineReader struct{ r *bufio.Reader }

func newLineReader(r io.Reader) *lineReader { return &lineReader{bufio.NewReaderSize(r, 64<<10)} }

func (l *lineReader) next() (line string, tooLong bool, err error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := l.r.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), tooLong, nil
			}
			return "", false, err
		}
		if !tooLong {
			if b.Len()+len(chunk) > maxLine {
				tooLong = true
				b.Reset()
			} else {
				b.Write(chunk)
			}
		}
		if !isPrefix {
			return b.String(), tooLong, nil
		}
	}
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
