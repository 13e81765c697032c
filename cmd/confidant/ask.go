package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/knowledge"
)

const askUsage = `Usage: confidant ask [--json] [--conversation] [--corpus DIR] [QUESTION...]

Answer the question given as arguments, or, with no arguments, each line of
standard input as a separate question. With --conversation the lines are one
person's conversation: follow-ups, a number after "did you mean" and "more"
are understood as in a direct message.

`

// askJSON is the public contract of "ask --json": one object per line.
type askJSON struct {
	Kind         knowledge.Kind          `json:"kind"`
	ID           string                  `json:"id"`
	Title        string                  `json:"title"`
	Score        float64                 `json:"score"`
	Alternatives []knowledge.Alternative `json:"alternatives"`
	Sources      []askSource             `json:"sources"`
	Referral     string                  `json:"referral"`
	// Concern is the middle tier: a crisis category whose line of help
	// tops an ordinary reply; on a crisis reply, a second crisis category
	// whose line of help tops it; omitted when there is none.
	Concern string `json:"concern,omitempty"`
	// Lang is the language of a crisis reply given in another language.
	Lang string `json:"lang,omitempty"`
	Text string `json:"text"`
}

type askSource struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

func toJSON(r knowledge.Reply) askJSON {
	out := askJSON{
		Kind:         r.Kind,
		ID:           r.ID(),
		Title:        r.Title(),
		Score:        r.Score,
		Alternatives: r.Alternatives,
		Sources:      []askSource{},
		Referral:     r.Referral.Text,
		Concern:      r.Concern,
		Lang:         r.Lang,
		Text:         r.Text(),
	}
	if out.Alternatives == nil {
		out.Alternatives = []knowledge.Alternative{}
	}
	for _, s := range r.Sources() {
		out.Sources = append(out.Sources, askSource{Title: s.Title, URL: s.URL})
	}
	return out
}

func runAsk(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("ask", askUsage, s)
	asJSON := fs.Bool("json", false, "print each reply as one line of JSON")
	conversation := fs.Bool("conversation", false, "read stdin lines as one person's conversation: follow-ups, numbers after \"did you mean\" and \"more\" are understood")
	dir := corpusFlag(fs, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := newResponder(*dir, nil)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(s.out)
	enc.SetEscapeHTML(false)
	var conv bot.Conversation
	write := func(rep knowledge.Reply) error {
		if *asJSON {
			return enc.Encode(toJSON(rep))
		}
		_, err := fmt.Fprintf(s.out, "%s\n\n", rep.Text())
		return err
	}
	answer := func(q string) error {
		if *conversation {
			return write(r.Converse(ctx, &conv, q))
		}
		return write(r.Respond(ctx, q))
	}
	if fs.NArg() > 0 {
		return answer(joinArgs(fs.Args()))
	}
	// Lines of any length: one too long to read whole gets the kind reply
	// and the lines after it are still answered.
	lines := newLineReader(s.in)
	for {
		line, tooLong, err := lines.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if tooLong {
			err = write(bot.TooLongReply())
		} else {
			err = answer(line)
		}
		if err != nil {
			return err
		}
	}
}
