package main

// Rendering a reply for the console: plain text wrapped to the terminal,
// without Markdown's ** markers.

import (
	"strconv"
	"strings"

	"github.com/confidant-bot/confidant/knowledge"
)

// terminalWidth is $COLUMNS when set, else 80.
func terminalWidth(getenv env) int {
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n >= 20 {
		return n
	}
	return 80
}

// consoleText is the reply as plain text wrapped to width columns.
func consoleText(rep knowledge.Reply, width int) string {
	return wrapText(strings.ReplaceAll(rep.Text(), "**", ""), width)
}

// wrapText wraps every line of text to width columns.
func wrapText(text string, width int) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, wrap(line, width)...)
	}
	return strings.Join(out, "\n")
}

// wrap breaks one line at spaces so no piece is longer than width (a
// single longer word stays whole); list items are indented under their text.
func wrap(line string, width int) []string {
	if len([]rune(line)) <= width {
		return []string{line}
	}
	indent := ""
	if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
		indent = strings.Repeat(" ", len(line)-len(t)+2)
	}
	var out []string
	cur := ""
	for _, w := range strings.Fields(line) {
		switch {
		case cur == "":
			cur = line[:len(line)-len(strings.TrimLeft(line, " "))] + w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = indent + w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
