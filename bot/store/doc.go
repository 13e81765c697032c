// Package store keeps Confidant's moderation data between restarts: the
// unanswered questions people chose to share ("gaps"), daily counters of
// replies and feedback, and the moderators' audit log, in one SQLite file.
//
// Askers stay anonymous: nothing here stores a Discord user, channel or
// message ID, and only dates, never times of day, are kept with what they
// did. Shared text is scrubbed of addresses, numbers and mentions before it
// is written. Moderators are not anonymous: the audit log names them and
// keeps the time of each action.
//
// The package imports neither discordgo nor bleve.
package store
