package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

// TestLockOneHolder: of two processes, one holds a lock; the other gets it
// once the first gives it up; locks of other names are apart.
func TestLockOneHolder(t *testing.T) {
	var s schemas
	u := s.url(t)
	ctx := context.Background()
	a, b := mustOpen(t, u).NewLock("gateway"), mustOpen(t, u).NewLock("gateway")
	defer a.Release()
	defer b.Release()
	if held, err := a.Try(ctx); !held || err != nil {
		t.Fatalf("first Try = %v, %v; want held", held, err)
	}
	if held, err := a.Try(ctx); !held || err != nil {
		t.Fatalf("Try again by the holder = %v, %v; want held", held, err)
	}
	if held, err := b.Try(ctx); held || err != nil {
		t.Fatalf("Try by another process = %v, %v; want not held, no error", held, err)
	}
	if err := a.Check(ctx); err != nil {
		t.Errorf("Check by the holder: %v", err)
	}
	if err := b.Check(ctx); !errors.Is(err, postgres.ErrNotHeld) {
		t.Errorf("Check by a process that does not hold it: %v, want ErrNotHeld", err)
	}
	other := mustOpen(t, u).NewLock("gateway shard 1")
	defer other.Release()
	if held, err := other.Try(ctx); !held || err != nil {
		t.Errorf("Try of another lock = %v, %v; want held", held, err)
	}
	a.Release()
	if held, err := b.Try(ctx); !held || err != nil {
		t.Errorf("Try once the holder released it = %v, %v; want held", held, err)
	}
}

// TestLockReleasedWhenHolderDies: when the holder's connection ends (its
// process died), the lock is free at once and the holder's Check fails.
func TestLockReleasedWhenHolderDies(t *testing.T) {
	var s schemas
	u := s.url(t)
	ctx := context.Background()
	proxy := pgtest.NewProxy(t, u)
	a, b := mustOpen(t, proxy.URL(u)).NewLock("gateway"), mustOpen(t, u).NewLock("gateway")
	defer a.Release()
	defer b.Release()
	if held, err := a.Try(ctx); !held || err != nil {
		t.Fatalf("Try = %v, %v; want held", held, err)
	}
	proxy.Down()
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := a.Check(cctx); err == nil {
		t.Error("Check of a lock whose connection was cut succeeded")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		held, err := b.Try(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock of a dead holder was not released")
		}
		time.Sleep(50 * time.Millisecond)
	}
	proxy.Up()
	if held, err := a.Try(ctx); held || err != nil {
		t.Errorf("Try by the old holder once it is back = %v, %v; want not held (another took it)", held, err)
	}
}
