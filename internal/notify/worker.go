package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// WorkerConfig configures a Worker. Zero values take the defaults noted.
type WorkerConfig struct {
	// Email and SMS deliver the messages of their channel; nil means the
	// server has none for that channel.
	Email, SMS Sender
	// DevOutbox keeps messages of a channel without a sender for the
	// development outbox page instead of failing them.
	DevOutbox bool
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// After waits between polls; time.After by default. Tests pass a
	// channel they control.
	After func(time.Duration) <-chan time.Time
	// Poll is the time between looks for due messages when nothing
	// kicks the worker: the fallback for messages committed by another
	// process, and for retries falling due; 5 s by default.
	Poll time.Duration
	// Lease is how long a claimed message belongs to the worker that
	// claimed it; when it expires unfinished, another worker takes the
	// message again. A send is given half the lease. 2 min by default.
	Lease time.Duration
	// Backoff is the wait after the n-th failed attempt (the last entry
	// repeats); 30 s, 2 min, 10 min, 30 min by default.
	Backoff []time.Duration
	// MaxAttempts is the number of attempts before a message fails; 5
	// by default.
	MaxAttempts int
	// Batch is the number of messages claimed at a time; 20 by default.
	Batch int
	// Logger receives one line per outcome; slog.Default() by default.
	Logger *slog.Logger
}

// DefaultBackoff is the wait after each failed attempt.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute}

// Worker delivers the due messages of the outbox. Any number of workers,
// in one process or several, may run against the same Store: a message is
// claimed by one of them at a time under a lease.
type Worker struct {
	store Store
	cfg   WorkerConfig
	kick  chan struct{}
}

// NewWorker returns a worker delivering the messages of store.
func NewWorker(store Store, cfg WorkerConfig) *Worker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if len(cfg.Backoff) == 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Worker{store: store, cfg: cfg, kick: make(chan struct{}, 1)}
}

// Kick wakes the worker to deliver due messages now rather than at the
// next poll. The outbox store calls it after every commit that stored
// messages (storage.OutboxStore.WakeOnCommit), so that a message goes
// out as soon as the change that caused it is committed; the poll remains
// for messages committed by other processes. It never blocks: kicks that
// arrive while the worker is busy or already kicked are merged into one
// more pass over the outbox.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx ends, waking on Kick and every Poll.
// It returns nil when ctx ends; store errors are logged and retried at
// the next wake-up.
func (w *Worker) Run(ctx context.Context) error {
	for {
		if _, err := w.Deliver(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.Error("outbox: deliver messages", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.kick:
		case <-w.cfg.After(w.cfg.Poll):
		}
	}
}

// Deliver makes one pass over the outbox: it claims and delivers due
// messages, a batch at a time, until none is due. It returns the number
// of messages it attempted.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		msgs, err := w.store.Claim(ctx, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
		if err != nil {
			return n, fmt.Errorf("claim due messages: %w", err)
		}
		if len(msgs) == 0 {
			return n, nil
		}
		for _, m := range msgs {
			if err := w.deliver(ctx, m); err != nil {
				// The message stays claimed until its lease expires and is
				// then taken again.
				w.cfg.Logger.Error("outbox: record delivery outcome", "id", m.ID, "err", err)
			}
			n++
		}
	}
	return n, nil
}

// sender returns the sender of a channel, nil when none is configured,
// and the reason to give when none is.
func (w *Worker) sender(c Channel) (Sender, string) {
	switch c {
	case Email:
		return w.cfg.Email, NoSMTP
	case SMS:
		return w.cfg.SMS, NoSMS
	}
	return nil, fmt.Sprintf("the channel %q is not known", c)
}

// deliver makes one attempt at m, which the worker has just claimed, and
// records its outcome.
func (w *Worker) deliver(ctx context.Context, m Message) error {
	log := w.cfg.Logger.With("id", m.ID, "channel", string(m.Channel), "purpose", m.Purpose, "attempt", m.Attempts)
	if m.Attempts > w.cfg.MaxAttempts {
		// Taken again after the lease of the last allowed attempt ran out.
		reason := "the last delivery attempt did not finish"
		if m.LastError != "" {
			reason = m.LastError
		}
		log.Warn("outbox: message failed", "err", reason)
		return w.store.MarkFailed(ctx, m.ID, m.Attempts, reason)
	}
	sender, missing := w.sender(m.Channel)
	if sender == nil {
		if w.cfg.DevOutbox && (m.Channel == Email || m.Channel == SMS) {
			log.Info("outbox: message kept for the development outbox")
			return w.store.MarkDevOutbox(ctx, m.ID, m.Attempts)
		}
		log.Warn("outbox: message failed", "err", missing)
		return w.store.MarkFailed(ctx, m.ID, m.Attempts, missing)
	}

	sendCtx, cancel := context.WithTimeout(ctx, w.cfg.Lease/2)
	err := sender.Send(sendCtx, m)
	cancel()
	if ctx.Err() != nil {
		// Shutting down mid-send: hand the message back, due at once, so
		// that the next worker does not wait for the lease to expire. The
		// interrupted attempt still counts.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		text := "the delivery attempt was interrupted by a server shutdown"
		if err == nil {
			return w.store.MarkSent(rctx, m.ID, m.Attempts, w.cfg.Now())
		}
		return w.store.MarkRetry(rctx, m.ID, m.Attempts, text, w.cfg.Now())
	}
	if err == nil {
		log.Info("outbox: message sent")
		return w.store.MarkSent(ctx, m.ID, m.Attempts, w.cfg.Now())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = &DeliveryError{Reason: "no answer in time", Detail: err.Error()}
	}
	text := errorText(err)
	if isPermanent(err) || m.Attempts >= w.cfg.MaxAttempts {
		log.Warn("outbox: message failed", "err", text)
		return w.store.MarkFailed(ctx, m.ID, m.Attempts, text)
	}
	next := w.cfg.Now().Add(w.backoff(m.Attempts))
	log.Warn("outbox: attempt failed; will retry", "err", text, "next", next)
	return w.store.MarkRetry(ctx, m.ID, m.Attempts, text, next)
}

// backoff is the wait after the attempt-th failed attempt.
func (w *Worker) backoff(attempt int) time.Duration {
	b := w.cfg.Backoff
	return b[min(max(attempt, 1), len(b))-1]
}
