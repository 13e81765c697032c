package discord

// What a moderator is told when the corpus folder or the database cannot be
// written: what happened and what to do, never a path on the server (the
// detail goes to the log, for whoever runs the bot).

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/store"
)

const askOperator = " Please tell whoever runs the bot: the details are in its log."

// problemText logs err in full and returns what the moderator may read
// about it: a plain description for an error of the file system or the
// database, otherwise the error's own text with any server path taken out.
func (m *Moderation) problemText(op string, err error) string {
	m.log().Error(op+" failed", slog.String(bot.LogEvent, op), slog.String(bot.LogError, err.Error()))
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	var sysErr *os.SyscallError
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the server's disk is full, so nothing could be written." + askOperator
	case errors.Is(err, syscall.EROFS):
		return "the server's disk is read-only, so nothing could be written." + askOperator
	case errors.Is(err, fs.ErrPermission):
		return "the server is not allowed to write the answers' folder." + askOperator
	case errors.Is(err, store.ErrLocked):
		return "the database is busy. Please try again in a moment."
	case errors.As(err, &pathErr), errors.As(err, &linkErr), errors.As(err, &sysErr):
		return "the server could not read or write the answers' files." + askOperator
	}
	return m.withoutPaths(err.Error())
}

// absPath is an absolute path in an error text: a slash (or a drive
// letter) at the start of a word, then anything up to a space, quote,
// colon or bracket. URLs are left alone ("https://" follows a letter).
var absPath = regexp.MustCompile(`(^|[\s"'(=])(/|[A-Za-z]:\\)[^\s"':()]*`)

// withoutPaths replaces the corpus folder's path and any other absolute
// path in s.
func (m *Moderation) withoutPaths(s string) string {
	if m.Dir != nil && m.Dir.Path() != "" {
		s = strings.ReplaceAll(s, m.Dir.Path(), "the answers' folder")
	}
	return absPath.ReplaceAllString(s, "${1}(a file on the server)")
}
