package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// wakeSender is a sender that passes on every message it is given.
type wakeSender chan notify.Message

func (s wakeSender) Send(ctx context.Context, m notify.Message) error {
	select {
	case s <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// idleWorker starts a worker on db's outbox that polls once an hour, so
// that only a wake-up can deliver within a test, and waits until it has
// made its first pass. wake is what WakeOnCommit is given: the worker's
// Kick, counted in wakes. idle receives whenever the worker goes back to
// waiting.
func idleWorker(t *testing.T, db *storage.DB) (sent wakeSender, wakes *atomic.Int64, idle chan struct{}) {
	t.Helper()
	sent, wakes, idle = make(wakeSender, 10), new(atomic.Int64), make(chan struct{}, 1)
	w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{
		Email:  sent,
		Now:    func() time.Time { return outboxT0 },
		Poll:   time.Hour,
		Logger: slog.New(slog.DiscardHandler),
		After: func(d time.Duration) <-chan time.Time {
			select {
			case idle <- struct{}{}:
			default:
			}
			return time.After(d)
		},
	})
	db.Outbox().WakeOnCommit(func() { wakes.Add(1); w.Kick() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitIdle(t, idle)
	return sent, wakes, idle
}

func waitIdle(t *testing.T, idle <-chan struct{}) {
	t.Helper()
	select {
	case <-idle:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not go back to waiting")
	}
}

// receive returns the next message the worker sends, failing the test
// when none comes within a generous timeout, far below the hour between
// polls.
func receive(t *testing.T, sent wakeSender, what string) notify.Message {
	t.Helper()
	select {
	case m := <-sent:
		return m
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: nothing was delivered, though the worker polls only once an hour", what)
	}
	return notify.Message{}
}

// TestOutboxCommitWakesWorker commits messages the way a Store method
// stores the notices of its change: the commit wakes the worker, which
// delivers them without waiting for its poll.
func TestOutboxCommitWakesWorker(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		sent, wakes, idle := idleWorker(t, db)

		notices := []notify.Message{code("made@mail.example", 1), code("ayu@mail.example", 2)}
		if err := storage.EnqueueInTx(ctx, db, notices, nil); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for range notices {
			got[receive(t, sent, "after a commit with two notices").To] = true
		}
		if !got["made@mail.example"] || !got["ayu@mail.example"] {
			t.Errorf("delivered to %v, want made@ and ayu@mail.example", got)
		}
		if n := wakes.Load(); n != 1 {
			t.Errorf("one commit of two messages woke the worker %d times, want 1", n)
		}

		// Enqueue commits a message of its own and wakes the worker too.
		waitIdle(t, idle)
		id, err := db.Outbox().Enqueue(ctx, code("budi@mail.example", 3))
		if err != nil {
			t.Fatal(err)
		}
		if m := receive(t, sent, "after Enqueue"); m.ID != id {
			t.Errorf("after Enqueue delivered message %d, want %d", m.ID, id)
		}
		if n := storage.MarkedTransactions(); n != 0 {
			t.Errorf("%d committed transactions are still marked as having stored messages, want 0", n)
		}
	})
}

// TestOutboxRollbackDoesNotWake rolls back a transaction after it stored
// a message: the message is gone, nothing is woken, and the next
// committed message is the only one delivered.
func TestOutboxRollbackDoesNotWake(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := db.Outbox()
		sent, wakes, _ := idleWorker(t, db)

		errSigning := errors.New("the signature was refused")
		err := storage.EnqueueInTx(ctx, db, []notify.Message{code("made@mail.example", 1)}, errSigning)
		if !errors.Is(err, errSigning) {
			t.Fatalf("rolled-back transaction = %v, want %v", err, errSigning)
		}
		// A message the database refuses leaves no mark either.
		bad := code("ayu@mail.example", 2)
		bad.Channel = "fax"
		if _, err := s.Enqueue(ctx, bad); err == nil {
			t.Fatal("Enqueue(channel fax) succeeded, want an error")
		}
		// A commit that stores no message wakes nothing.
		if err := storage.InTx(ctx, db, func(tx *sql.Tx) error {
			var one int
			return tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
		}); err != nil {
			t.Fatal(err)
		}
		if n := wakes.Load(); n != 0 {
			t.Errorf("a rollback, a refused message and a commit without messages woke the worker %d times, want 0", n)
		}
		if n := storage.MarkedTransactions(); n != 0 {
			t.Errorf("%d ended transactions are still marked as having stored messages, want 0", n)
		}
		if ms, err := s.List(ctx, notify.Filter{}); err != nil || len(ms) != 0 {
			t.Fatalf("outbox after the rollback = %d messages, %v; want none", len(ms), err)
		}

		id, err := s.Enqueue(ctx, code("budi@mail.example", 3))
		if err != nil {
			t.Fatal(err)
		}
		if m := receive(t, sent, "after a commit following the rollback"); m.ID != id {
			t.Errorf("delivered message %d to %s, want %d to budi@mail.example", m.ID, m.To, id)
		}
		if n := wakes.Load(); n != 1 {
			t.Errorf("the commit after the rollback woke the worker %d times, want 1", n)
		}
		select {
		case m := <-sent:
			t.Errorf("also delivered message %d to %s, want only %d", m.ID, m.To, id)
		default:
		}
	})
}
