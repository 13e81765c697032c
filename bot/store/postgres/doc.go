// Package postgres is the store.Store that many processes share: the same
// tables as package sqlite in a PostgreSQL database, through pgx. It is used
// when CONFIDANT_DATA is a postgres:// URL; a search_path parameter in that
// URL puts the tables in a schema other than the user's default.
//
// It keeps what package sqlite keeps and nothing more: scrubbed shared
// questions with their dates, counters per date, and the moderators' audit
// log. Every write is one statement, so writers in other processes never
// see half of it, and the schema is migrated under an advisory lock, so
// processes starting together migrate it once.
package postgres
