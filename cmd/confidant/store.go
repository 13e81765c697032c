package main

import (
	"context"
	"strings"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
)

// connectTimeout bounds how long openStore waits for PostgreSQL to answer
// and migrate, so that a wrong address fails the start instead of hanging.
const connectTimeout = 30 * time.Second

// openStore opens the store that setting (CONFIDANT_DATA) names: a
// postgres:// or postgresql:// URL is a PostgreSQL database that many
// processes may share, anything else the path of an SQLite file.
func openStore(setting string) (store.Store, error) {
	if !isPostgresURL(setting) {
		return sqlite.Open(setting)
	}
	db, err := openPostgres(setting)
	if err != nil {
		return nil, err // not a nil *postgres.DB in a non-nil Store
	}
	return db, nil
}

// openPostgres opens the PostgreSQL database of the URL setting.
func openPostgres(setting string) (*postgres.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	return postgres.Open(ctx, setting)
}

func isPostgresURL(setting string) bool {
	s := strings.ToLower(setting)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
