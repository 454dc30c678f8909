package notify

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/calendar"
)

// Describe tells a user, in one sentence, what happened to a message:
// "sent by e-mail to m***@mail.example at 10:02 WIB", "not delivered by
// SMS to +62 812 **** 4411: gateway error 502; you can have the code sent
// by e-mail instead". The recipient is masked, so the sentence can be
// shown to whoever asked for the message. now decides whether a time
// needs its date.
func Describe(m Message, now time.Time) string {
	how := "by " + channelName(m.Channel) + " to " + MaskRecipient(m.Channel, m.To)
	reason := Reason(m.LastError)
	switch m.Status {
	case Sent:
		return "sent " + how + " at " + clock(m.SentAt, now)
	case Pending:
		if m.Attempts == 0 || reason == "" {
			return "waiting to be sent " + how
		}
		return "not yet delivered " + how + ": " + reason + "; trying again at " + clock(m.NextAt, now) +
			", or " + alternative(m)
	case Sending:
		return "being sent " + how
	case Failed:
		if reason == "" {
			reason = "delivery failed"
		}
		return "not delivered " + how + ": " + reason + "; " + alternative(m)
	case DevOutbox:
		return "not sent " + how + ": this server keeps messages in its development outbox instead of sending them"
	}
	return "to be sent " + how + " (status " + string(m.Status) + ")"
}

// alternative suggests the other channel.
func alternative(m Message) string {
	what := "it"
	if strings.Contains(m.Purpose, "code") {
		what = "the code"
	}
	if m.Channel == SMS {
		return "you can have " + what + " sent by e-mail instead"
	}
	return "you can have " + what + " sent by SMS instead"
}

func channelName(c Channel) string {
	switch c {
	case Email:
		return "e-mail"
	case SMS:
		return "SMS"
	}
	return string(c)
}

// clock shows t in WIB as "10:02 WIB", with the date when it is not the
// day of now: "10:02 WIB on 3 Mar 2025".
func clock(t, now time.Time) string {
	t, now = t.In(calendar.WIB), now.In(calendar.WIB)
	s := t.Format("15:04") + " WIB"
	if ty, tm, td := t.Date(); ty != now.Year() || tm != now.Month() || td != now.Day() {
		s += " on " + t.Format("2 Jan 2006")
	}
	return s
}

// MaskRecipient shows enough of an address or number for its owner to
// recognise it and not enough for anyone else to use it.
func MaskRecipient(c Channel, to string) string {
	if c == SMS {
		return MaskPhone(to)
	}
	return MaskEmail(to)
}

// MaskEmail keeps the first character of the local part and the domain:
// "made.wirawan@mail.example" becomes "m***@mail.example".
func MaskEmail(addr string) string {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(addr)
	return string(r) + "***" + addr[at:]
}

// MaskPhone keeps the country code, an Indonesian operator prefix and
// the last four digits: "+6281234564411" becomes "+62 812 **** 4411".
func MaskPhone(number string) string {
	plus := strings.HasPrefix(strings.TrimSpace(number), "+")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, number)
	switch {
	case len(digits) < 8:
		return "****" + digits[max(len(digits)-2, 0):]
	case plus && strings.HasPrefix(digits, "62"):
		return "+62 " + digits[2:5] + " **** " + digits[len(digits)-4:]
	case plus:
		return "+" + digits[:2] + " **** " + digits[len(digits)-4:]
	case strings.HasPrefix(digits, "0"):
		return digits[:4] + " **** " + digits[len(digits)-4:]
	}
	return "**** " + digits[len(digits)-4:]
}
