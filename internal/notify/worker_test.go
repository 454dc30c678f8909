package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

var t0 = time.Date(2026, 3, 2, 3, 2, 0, 0, time.UTC) // 10:02 WIB

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeSender records what it was sent and answers with the errors of
// its script in turn (nil once the script is used up).
type fakeSender struct {
	mu     sync.Mutex
	script []error
	sent   []notify.Message
	// notify, when set, receives every message sent.
	notify chan notify.Message
	// block, when set, makes Send wait for the end of its context.
	block   bool
	started chan struct{}
}

func (s *fakeSender) Send(ctx context.Context, m notify.Message) error {
	if s.block {
		s.started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	s.mu.Lock()
	var err error
	if len(s.script) > 0 {
		err, s.script = s.script[0], s.script[1:]
	}
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	if s.notify != nil {
		// A test that has stopped listening must not leave the worker
		// blocked here: the send ends with the worker's context.
		select {
		case s.notify <- m:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (s *fakeSender) Sent() []notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.Message(nil), s.sent...)
}

func enqueue(t *testing.T, db *storage.DB, c notify.Channel, to string, at time.Time) int64 {
	t.Helper()
	id, err := db.Outbox().Enqueue(context.Background(), notify.Message{Channel: c, To: to, Subject: "Kode aktivasi",
		Body: "Kode aktivasi Anda: 482913", Purpose: "activation_code", AccountID: 1, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func message(t *testing.T, db *storage.DB, id int64) notify.Message {
	t.Helper()
	m, err := db.Outbox().Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func deliver(t *testing.T, w *notify.Worker) int {
	t.Helper()
	n, err := w.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWorkerSends(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &fakeClock{now: t0}
		email, sms := &fakeSender{}, &fakeSender{}
		w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, SMS: sms, Now: clock.Now})
		e := enqueue(t, db, notify.Email, "made@mail.example", t0)
		s := enqueue(t, db, notify.SMS, "+6281234564411", t0)
		later := enqueue(t, db, notify.Email, "later@mail.example", t0.Add(time.Second))
		if n := deliver(t, w); n != 2 {
			t.Errorf("Deliver attempted %d messages, want 2", n)
		}
		if got := email.Sent(); len(got) != 1 || got[0].ID != e || got[0].To != "made@mail.example" {
			t.Errorf("e-mail sender got %+v, want message %d", got, e)
		}
		if got := sms.Sent(); len(got) != 1 || got[0].ID != s || got[0].Body != "Kode aktivasi Anda: 482913" {
			t.Errorf("SMS sender got %+v, want message %d", got, s)
		}
		for _, id := range []int64{e, s} {
			if m := message(t, db, id); m.Status != notify.Sent || !m.SentAt.Equal(t0) || m.Attempts != 1 {
				t.Errorf("message %d: status %s, sent at %v, attempts %d; want sent at %v on attempt 1", id, m.Status, m.SentAt, m.Attempts, t0)
			}
		}
		if m := message(t, db, later); m.Status != notify.Pending {
			t.Errorf("message not yet due: status %s, want pending", m.Status)
		}
		// Nothing is sent twice.
		clock.Advance(time.Hour)
		deliver(t, w)
		if n := len(email.Sent()) + len(sms.Sent()); n != 3 {
			t.Errorf("after a second pass %d messages sent, want 3", n)
		}
	})
}

func TestWorkerRetriesThenFails(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &fakeClock{now: t0}
		gateway := &notify.DeliveryError{Reason: "gateway error 502", Detail: "Bad Gateway"}
		sms := &fakeSender{script: []error{gateway, gateway, gateway}}
		w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{SMS: sms, Now: clock.Now, MaxAttempts: 3,
			Backoff: []time.Duration{30 * time.Second, 2 * time.Minute}})
		id := enqueue(t, db, notify.SMS, "+6281234564411", t0)

		steps := []struct {
			advance  time.Duration
			sends    int
			status   notify.Status
			attempts int
			next     time.Time
		}{
			{0, 1, notify.Pending, 1, t0.Add(30 * time.Second)},
			{29 * time.Second, 1, notify.Pending, 1, t0.Add(30 * time.Second)}, // not yet due
			{time.Second, 2, notify.Pending, 2, t0.Add(30*time.Second + 2*time.Minute)},
			{2 * time.Minute, 3, notify.Failed, 3, time.Time{}},
			{time.Hour, 3, notify.Failed, 3, time.Time{}}, // given up for good
		}
		for i, st := range steps {
			clock.Advance(st.advance)
			deliver(t, w)
			m := message(t, db, id)
			if got := len(sms.Sent()); got != st.sends {
				t.Errorf("step %d: %d sends, want %d", i, got, st.sends)
			}
			if m.Status != st.status || m.Attempts != st.attempts || (!st.next.IsZero() && !m.NextAt.Equal(st.next)) {
				t.Errorf("step %d: status %s, attempts %d, next %v; want %s, %d, %v", i, m.Status, m.Attempts, m.NextAt, st.status, st.attempts, st.next)
			}
			if m.LastError != "gateway error 502: Bad Gateway" {
				t.Errorf("step %d: last error %q, want the gateway's", i, m.LastError)
			}
		}
	})
}

func TestWorkerPermanentError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &fakeClock{now: t0}
		email := &fakeSender{script: []error{&notify.DeliveryError{Reason: "the mail server refused the address", Detail: "550 no such user", Permanent: true}}}
		w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, Now: clock.Now})
		id := enqueue(t, db, notify.Email, "nobody@mail.example", t0)
		deliver(t, w)
		m := message(t, db, id)
		if m.Status != notify.Failed || m.Attempts != 1 || m.LastError != "the mail server refused the address: 550 no such user" {
			t.Errorf("after a permanent error: %s after %d attempts, %q; want failed after 1", m.Status, m.Attempts, m.LastError)
		}
		// An error that is not a DeliveryError is kept with a prefix that
		// makes a reason of it.
		email.script = []error{errors.New("boom: details")}
		id = enqueue(t, db, notify.Email, "x@mail.example", t0)
		deliver(t, w)
		if m := message(t, db, id); m.Status != notify.Pending || notify.Reason(m.LastError) != "delivery error" {
			t.Errorf("after an unclassified error: %s, %q; want pending with reason \"delivery error\"", m.Status, m.LastError)
		}
	})
}

func TestWorkerWithoutSender(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &fakeClock{now: t0}
		e := enqueue(t, db, notify.Email, "made@mail.example", t0)
		s := enqueue(t, db, notify.SMS, "+6281234564411", t0)
		deliver(t, notify.NewWorker(db.Outbox(), notify.WorkerConfig{Now: clock.Now}))
		for id, want := range map[int64]string{e: notify.NoSMTP, s: notify.NoSMS} {
			if m := message(t, db, id); m.Status != notify.Failed || m.LastError != want {
				t.Errorf("message %d without a sender: %s, %q; want failed, %q", id, m.Status, m.LastError, want)
			}
		}

		e = enqueue(t, db, notify.Email, "made@mail.example", t0)
		s = enqueue(t, db, notify.SMS, "+6281234564411", t0)
		sms := &fakeSender{}
		deliver(t, notify.NewWorker(db.Outbox(), notify.WorkerConfig{SMS: sms, DevOutbox: true, Now: clock.Now}))
		if m := message(t, db, e); m.Status != notify.DevOutbox {
			t.Errorf("e-mail in dev-outbox mode without SMTP: status %s, want dev_outbox", m.Status)
		}
		if m := message(t, db, s); m.Status != notify.Sent || len(sms.Sent()) != 1 {
			t.Errorf("SMS in dev-outbox mode with a gateway: status %s, %d sends; want sent once", m.Status, len(sms.Sent()))
		}
	})
}

func TestWorkerLeaseExpiry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := &fakeClock{now: t0}
		email := &fakeSender{}
		const lease = 2 * time.Minute
		w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, Now: clock.Now, Lease: lease, MaxAttempts: 2})
		id := enqueue(t, db, notify.Email, "made@mail.example", t0)
		// Another worker claims the message and dies before finishing.
		if ms, err := db.Outbox().Claim(ctx, t0, lease, 10); err != nil || len(ms) != 1 {
			t.Fatalf("Claim = %v, %v", ms, err)
		}
		clock.Advance(lease - time.Second)
		if n := deliver(t, w); n != 0 || len(email.Sent()) != 0 {
			t.Fatalf("within the lease the worker attempted %d messages, sent %d; want none", n, len(email.Sent()))
		}
		clock.Advance(time.Second)
		deliver(t, w)
		if m := message(t, db, id); m.Status != notify.Sent || m.Attempts != 2 || len(email.Sent()) != 1 {
			t.Errorf("after the lease: %s after %d attempts, %d sends; want sent on attempt 2", m.Status, m.Attempts, len(email.Sent()))
		}

		// A message whose last allowed attempt never finished fails
		// without another send.
		id = enqueue(t, db, notify.Email, "stuck@mail.example", clock.Now())
		for range 2 {
			if _, err := db.Outbox().Claim(ctx, clock.Now(), lease, 10); err != nil {
				t.Fatal(err)
			}
			clock.Advance(lease)
		}
		deliver(t, w)
		if m := message(t, db, id); m.Status != notify.Failed || m.LastError != "the last delivery attempt did not finish" || len(email.Sent()) != 1 {
			t.Errorf("after the last lease expired: %s, %q, %d sends; want failed without sending", m.Status, m.LastError, len(email.Sent()))
		}
	})
}

// TestWorkerSendsOnce runs two workers on the same outbox at once: every
// message is sent exactly once.
func TestWorkerSendsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		clock := &fakeClock{now: t0}
		email := &fakeSender{}
		const n = 40
		for i := range n {
			enqueue(t, db, notify.Email, fmt.Sprintf("p%d@mail.example", i), t0)
		}
		var wg sync.WaitGroup
		for range 2 {
			w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, Now: clock.Now, Batch: 3})
			wg.Go(func() {
				if _, err := w.Deliver(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		count := map[int64]int{}
		for _, m := range email.Sent() {
			count[m.ID]++
		}
		if len(count) != n {
			t.Errorf("%d messages sent, want %d", len(count), n)
		}
		for id, c := range count {
			if c != 1 {
				t.Errorf("message %d sent %d times", id, c)
			}
		}
	})
}

func TestWorkerRunKickAndPoll(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := &fakeClock{now: t0}
	email := &fakeSender{notify: make(chan notify.Message)}
	ticks := make(chan time.Time)
	// waiting says that the worker is about to wait for a kick or a poll.
	waiting := make(chan struct{}, 1)
	w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, Now: clock.Now,
		After: func(time.Duration) <-chan time.Time {
			select {
			case waiting <- struct{}{}:
			default:
			}
			return ticks
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	within := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the worker did not get there", what)
		}
	}
	receive := func(what string) notify.Message {
		t.Helper()
		select {
		case m := <-email.notify:
			return m
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: nothing was sent", what)
		}
		return notify.Message{}
	}
	// A kick delivers at once; the poll timer never fires here.
	within("start", waiting)
	id := enqueue(t, db, notify.Email, "made@mail.example", t0)
	w.Kick()
	if m := receive("after Kick"); m.ID != id {
		t.Errorf("after Kick sent message %d, want %d", m.ID, id)
	}
	// Without a kick, the next poll delivers.
	within("after the first message", waiting)
	id = enqueue(t, db, notify.Email, "ayu@mail.example", t0)
	select {
	case ticks <- t0:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker is not waiting for the poll timer")
	}
	if m := receive("after a poll"); m.ID != id {
		t.Errorf("after a poll sent message %d, want %d", m.ID, id)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after the context ends", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the context ended")
	}
}

// TestWorkerShutdownMidSend stops the worker while a send is under way:
// the message goes back to pending, due at once, for the next worker.
func TestWorkerShutdownMidSend(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := &fakeClock{now: t0}
	email := &fakeSender{block: true, started: make(chan struct{})}
	w := notify.NewWorker(db.Outbox(), notify.WorkerConfig{Email: email, Now: clock.Now,
		After: func(time.Duration) <-chan time.Time { return nil }})
	id := enqueue(t, db, notify.Email, "made@mail.example", t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	<-email.started
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	m := message(t, db, id)
	if m.Status != notify.Pending || !m.NextAt.Equal(t0) || m.Attempts != 1 || m.LastError == "" {
		t.Errorf("after shutdown mid-send: %s, next %v, attempts %d, %q; want pending, due at %v, 1 attempt, a reason", m.Status, m.NextAt, m.Attempts, m.LastError, t0)
	}
}
