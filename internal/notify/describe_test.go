package notify_test

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/notify"
)

func TestDescribe(t *testing.T) {
	now := t0.Add(5 * time.Minute) // 10:07 WIB on 2 March 2026
	email := notify.Message{Channel: notify.Email, To: "made.wirawan@mail.example", Purpose: "activation_code"}
	sms := notify.Message{Channel: notify.SMS, To: "+6281234564411", Purpose: "activation_code"}
	with := func(m notify.Message, f func(*notify.Message)) notify.Message { f(&m); return m }
	tests := []struct {
		m    notify.Message
		want string
	}{
		{with(email, func(m *notify.Message) { m.Status, m.SentAt, m.Attempts = notify.Sent, t0, 1 }),
			"sent by e-mail to m***@mail.example at 10:02 WIB"},
		{with(email, func(m *notify.Message) { m.Status, m.SentAt = notify.Sent, t0.Add(-24*time.Hour) }),
			"sent by e-mail to m***@mail.example at 10:02 WIB on 1 Mar 2026"},
		{with(sms, func(m *notify.Message) {
			m.Status, m.Attempts, m.LastError = notify.Failed, 5, "gateway error 502: <html>Bad Gateway</html>"
		}), "not delivered by SMS to +62 812 **** 4411: gateway error 502; you can have the code sent by e-mail instead"},
		{with(email, func(m *notify.Message) { m.Status, m.LastError = notify.Failed, notify.NoSMTP }),
			"not delivered by e-mail to m***@mail.example: no SMTP server is configured; you can have the code sent by SMS instead"},
		{with(sms, func(m *notify.Message) {
			m.Status, m.Attempts, m.LastError, m.NextAt = notify.Pending, 1, "gateway error 503: busy", t0.Add(30*time.Second)
		}), "not yet delivered by SMS to +62 812 **** 4411: gateway error 503; trying again at 10:02 WIB, or you can have the code sent by e-mail instead"},
		{with(sms, func(m *notify.Message) { m.Status, m.Purpose = notify.Pending, "notice" }),
			"waiting to be sent by SMS to +62 812 **** 4411"},
		{with(email, func(m *notify.Message) { m.Status, m.Attempts = notify.Sending, 1 }),
			"being sent by e-mail to m***@mail.example"},
		{with(email, func(m *notify.Message) { m.Status, m.Purpose, m.LastError = notify.Failed, "notice", "" }),
			"not delivered by e-mail to m***@mail.example: delivery failed; you can have it sent by SMS instead"},
		{with(email, func(m *notify.Message) { m.Status = notify.DevOutbox }),
			"not sent by e-mail to m***@mail.example: this server keeps messages in its development outbox instead of sending them"},
	}
	for _, tt := range tests {
		if got := notify.Describe(tt.m, now); got != tt.want {
			t.Errorf("Describe(%s %s %q)\n got %q\nwant %q", tt.m.Channel, tt.m.Status, tt.m.LastError, got, tt.want)
		}
	}
}

func TestMaskRecipient(t *testing.T) {
	tests := []struct {
		c        notify.Channel
		to, want string
	}{
		{notify.Email, "made.wirawan@mail.example", "m***@mail.example"},
		{notify.Email, "ñoño@correo.example", "ñ***@correo.example"},
		{notify.Email, "not-an-address", "***"},
		{notify.Email, "@mail.example", "***"},
		{notify.SMS, "+6281234564411", "+62 812 **** 4411"},
		{notify.SMS, "+62 812-3456-4411", "+62 812 **** 4411"},
		{notify.SMS, "081234564411", "0812 **** 4411"},
		{notify.SMS, "+436641234567", "+43 **** 4567"},
		{notify.SMS, "12345", "****45"},
		{notify.SMS, "", "****"},
	}
	for _, tt := range tests {
		if got := notify.MaskRecipient(tt.c, tt.to); got != tt.want {
			t.Errorf("MaskRecipient(%s, %q) = %q, want %q", tt.c, tt.to, got, tt.want)
		}
	}
}
