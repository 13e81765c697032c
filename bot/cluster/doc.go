// Package cluster lets several serve processes act as one bot on one
// PostgreSQL database: the corpus kept in the database, changed by
// moderators in one transaction and followed by every process (corpus.go,
// follow.go).
//
// It knows no database driver: package postgres does the SQL, and this
// package adds what the bot needs on top of it, reusing the corpus
// folder's own code (knowledge.Dir) for every check and change.
package cluster
