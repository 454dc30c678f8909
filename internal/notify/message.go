// Package notify delivers messages to taxpayers (one-time codes, reset
// links, notices) through a durable outbox: a message is stored in the same
// transaction as the event that caused it, so that nothing acknowledged is
// ever lost, and a worker delivers it by e-mail (SMTP) or SMS (an HTTP
// gateway), recording every attempt so that the user can see what happened
// to it.
package notify

import "time"

// Channel is how a message travels.
type Channel string

// The channels.
const (
	Email Channel = "email"
	SMS   Channel = "sms"
)

// Status is where a message is in its delivery.
type Status string

// The statuses of a message.
const (
	Pending   Status = "pending"    // waiting for (another) delivery attempt
	Sending   Status = "sending"    // claimed by a worker
	Sent      Status = "sent"       // accepted by the SMTP server or SMS gateway
	Failed    Status = "failed"     // given up after the last attempt; LastError says why
	DevOutbox Status = "dev_outbox" // kept for the development outbox page instead of being sent
)

// Message is one message in the outbox.
type Message struct {
	ID         int64
	Channel    Channel
	To         string // an e-mail address or an E.164 mobile number
	Subject    string // e-mail only
	Body       string
	Purpose    string // e.g. "activation_code", "password_reset"; shown to the user
	TaxpayerID int64  // the taxpayer it concerns, 0 for none
	AccountID  int64  // the account it concerns, 0 for none
	Status     Status
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	NextAt     time.Time // when the next attempt is due
	SentAt     time.Time // zero until sent
}
