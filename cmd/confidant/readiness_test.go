package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/store"
)

// probedStore answers the readiness probes, failing them with the errors set.
type probedStore struct {
	store.Store // the other methods are not used
	ping, write error
}

func (s probedStore) Ping(context.Context) error     { return s.ping }
func (s probedStore) Writable(context.Context) error { return s.write }

// TestReadinessNoticesAStoreThatCannotWrite: /readyz is not ready while the
// database can be read but not written (a full or read-only disk).
func TestReadinessNoticesAStoreThatCannotWrite(t *testing.T) {
	r := bottest.MustResponder(t)
	ctx := context.Background()
	if err := readiness(ctx, r, probedStore{}); err != nil {
		t.Fatalf("readiness with a working store = %v, want nil", err)
	}
	full := errors.New("store not writable: write probe: database or disk is full (13)")
	err := readiness(ctx, r, probedStore{write: full})
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("readiness on a full disk = %v, want the write probe's error", err)
	}
	if err := readiness(ctx, r, probedStore{ping: errors.New("ping store: closed")}); err == nil {
		t.Error("readiness with a store that cannot be read = nil")
	}
}
