// Package sqlite is the store.Store of a single process: everything in one
// SQLite file in WAL mode, through the pure-Go driver modernc.org/sqlite, so
// the bot builds without cgo. It is the default when CONFIDANT_DATA names a
// file.
package sqlite
