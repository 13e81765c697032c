// Package store defines Confidant's moderation data kept between restarts:
// the unanswered questions people chose to share ("gaps"), daily counters of
// replies and feedback, and the moderators' audit log. It holds the Store
// interface and what every implementation shares (scrubbing, grouping,
// argument checks, the stats chart); package sqlite keeps the data in one
// file, package postgres in a database that many processes share.
//
// Askers stay anonymous: nothing here stores a Discord user, channel or
// message ID, and only dates, never times of day, are kept with what they
// did. Shared text is scrubbed of addresses, numbers and mentions before it
// is written. Moderators are not anonymous: the audit log names them and
// keeps the time of each action.
//
// The package imports neither discordgo nor bleve, nor any database driver.
package store
