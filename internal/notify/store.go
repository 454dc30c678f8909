package notify

import (
	"context"
	"errors"
	"time"
)

// Store is what the Worker needs from the outbox. Every Mark method names
// the attempt it records (the Attempts of the claimed message): when the
// lease of that attempt has expired and another worker has claimed the
// message again, the record is refused with ErrLeaseLost.
type Store interface {
	// Claim takes up to limit due messages: pending with NextAt <= now,
	// or sending with an expired lease. Each is set to Sending with
	// NextAt = now+lease and one more attempt, in a statement that
	// succeeds for exactly one claimant.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// MarkSent records that the attempt delivered the message at at.
	MarkSent(ctx context.Context, id int64, attempt int, at time.Time) error
	// MarkRetry puts the message back to Pending, due at next.
	MarkRetry(ctx context.Context, id int64, attempt int, lastError string, next time.Time) error
	// MarkFailed gives the message up.
	MarkFailed(ctx context.Context, id int64, attempt int, lastError string) error
	// MarkDevOutbox keeps the message for the development outbox.
	MarkDevOutbox(ctx context.Context, id int64, attempt int) error
}

// ErrLeaseLost is returned by a Store's Mark methods when the attempt no
// longer holds the message.
var ErrLeaseLost = errors.New("the delivery lease has expired and the message was claimed again")

// Filter selects messages for a list, newest first.
type Filter struct {
	AccountID  int64 // 0 for any
	TaxpayerID int64 // 0 for any
	Before     int64 // list messages with an ID below this; 0 for the newest
	Limit      int   // at most this many; 0 for DefaultPage
}

// DefaultPage and MaxPage bound a list of messages.
const (
	DefaultPage = 50
	MaxPage     = 200
)
