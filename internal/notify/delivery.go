package notify

import (
	"context"
	"errors"
	"strings"
)

// Sender delivers a message over one channel. Send returns nil when the
// SMTP server or SMS gateway has accepted the message; an error otherwise,
// ideally a *DeliveryError whose Reason the user can read.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// DeliveryError is why an attempt failed: a short reason that is shown to
// the user ("gateway error 502") and details for the operator (the
// gateway's answer). Permanent errors are not retried: another attempt
// would be refused the same way (an address the mail server rejects, a
// number the gateway calls invalid).
type DeliveryError struct {
	Reason    string
	Detail    string
	Permanent bool
}

func (e *DeliveryError) Error() string {
	if e.Detail == "" {
		return e.Reason
	}
	return e.Reason + ": " + e.Detail
}

// maxErrorLen bounds the error text kept with a message.
const maxErrorLen = 500

// errorText is the text stored as a message's LastError: the reason,
// then ": " and the details. Reason reads the reason back.
func errorText(err error) string {
	s := err.Error()
	var de *DeliveryError
	if !errors.As(err, &de) {
		s = "delivery error: " + s
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxErrorLen {
		s = strings.ToValidUTF8(s[:maxErrorLen], "") + "…"
	}
	return s
}

// Reason is the part of a stored LastError that is meant for the user:
// the text before the first ": ", where the operator's details begin.
func Reason(lastError string) string {
	r, _, _ := strings.Cut(lastError, ": ")
	return r
}

// The reasons of messages that could not be sent because the server has
// no sender for their channel.
const (
	NoSMTP = "no SMTP server is configured"
	NoSMS  = "no SMS gateway is configured"
)

// isPermanent reports whether err says another attempt is pointless.
func isPermanent(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Permanent
}
