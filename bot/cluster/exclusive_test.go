package cluster_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

// gateways are processes that each run the gateway under the lock, each
// through a proxy of its own so that its database connection can be cut.
type gateways struct {
	t       *testing.T
	active  atomic.Int32 // gateways connected now
	most    atomic.Int32 // the most ever connected at once
	mu      sync.Mutex
	running map[int]bool
	procs   []*gatewayProc
}

type gatewayProc struct {
	proxy  *pgtest.Proxy
	cancel context.CancelFunc
	done   chan error
}

func newGateways(t *testing.T, n int) *gateways {
	u := pgtest.SchemaURL(t)
	g := &gateways{t: t, running: map[int]bool{}}
	for i := range n {
		proxy := pgtest.NewProxy(t, u)
		lock := mustOpen(t, proxy.URL(u)).NewLock("gateway")
		ctx, cancel := context.WithCancel(context.Background())
		p := &gatewayProc{proxy: proxy, cancel: cancel, done: make(chan error, 1)}
		g.procs = append(g.procs, p)
		go func() {
			p.done <- cluster.RunExclusive(ctx, lock, func(ctx context.Context) error { return g.connect(ctx, i) }, nil)
		}()
		t.Cleanup(func() { cancel(); <-p.done })
	}
	return g
}

// connect stands for a gateway connection: it counts itself connected
// until ctx ends.
func (g *gateways) connect(ctx context.Context, i int) error {
	n := g.active.Add(1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
	g.mu.Lock()
	g.running[i] = true
	g.mu.Unlock()
	<-ctx.Done()
	g.mu.Lock()
	delete(g.running, i)
	g.mu.Unlock()
	g.active.Add(-1)
	return nil
}

// holder waits until exactly one gateway runs and returns it.
func (g *gateways) holder(what string) int {
	g.t.Helper()
	who := -1
	bottest.WaitFor(g.t, what, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.running) != 1 {
			return false
		}
		for i := range g.running {
			who = i
		}
		return true
	})
	return who
}

// TestOneGatewayTakesOver: of three processes one runs the gateway; when it
// stops another takes over within seconds, and never are two connected.
func TestOneGatewayTakesOver(t *testing.T) {
	g := newGateways(t, 3)
	first := g.holder("one gateway to connect")
	time.Sleep(3 * cluster.CheckEvery) // the others keep waiting
	if got := g.holder("one gateway"); got != first {
		t.Fatalf("the gateway moved from %d to %d with nobody stopping", first, got)
	}
	start := time.Now()
	g.procs[first].cancel() // SIGTERM
	if err := <-g.procs[first].done; err != nil {
		t.Fatalf("RunExclusive: %v", err)
	}
	g.procs[first].done <- nil // for the cleanup
	second := g.holder("another process to take over")
	t.Logf("process %d took over %v after process %d stopped", second, time.Since(start), first)
	if second == first {
		t.Fatal("the stopped process still runs the gateway")
	}
	if most := g.most.Load(); most != 1 {
		t.Errorf("%d gateways were connected at once, want 1", most)
	}
}

// TestGatewayHolderCutFromDatabase: when the holder's connection to the
// database dies (as when its machine does), another process takes over
// within seconds; the cut holder, still running, disconnects as soon as it
// reaches the database again and finds the lock taken.
func TestGatewayHolderCutFromDatabase(t *testing.T) {
	g := newGateways(t, 2)
	first := g.holder("one gateway to connect")
	start := time.Now()
	g.procs[first].proxy.Down()
	bottest.WaitFor(t, "the other process to take over", func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.running[1-first]
	})
	t.Logf("process %d took over %v after process %d was cut from the database", 1-first, time.Since(start), first)
	g.procs[first].proxy.Up()
	if got := g.holder("the cut process to disconnect once it is back"); got != 1-first {
		t.Fatalf("gateway runs in process %d, want %d", got, 1-first)
	}
}
