package main

import (
	"fmt"
	"strings"

	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
)

// openStore opens the store that setting (CONFIDANT_DATA) names: a
// postgres:// or postgresql:// URL is a PostgreSQL database, anything else
// the path of an SQLite file.
func openStore(setting string) (store.Store, error) {
	if isPostgresURL(setting) {
		return nil, fmt.Errorf("open store: %w: PostgreSQL is not supported yet", store.ErrInvalid)
	}
	return sqlite.Open(setting)
}

func isPostgresURL(setting string) bool {
	s := strings.ToLower(setting)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
