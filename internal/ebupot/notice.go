package ebupot

import (
	"context"
	"fmt"
	"strings"

	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/registration"
)

// The purposes of the notices to recipients (notify.Message.Purpose).
const (
	NoticePublished = "ebupot_published"
	NoticeCorrected = "ebupot_corrected"
	NoticeCancelled = "ebupot_cancelled"
)

// NoticeFunc returns the notices of a change to slips; the store calls it
// inside the change's transaction, after numbering the slips, and stores
// the messages in the outbox there.
type NoticeFunc func() []notify.Message

// noticeLines is how many slips a notice lists before "and N more".
const noticeLines = 20

// notices returns the messages that tell the recipients of ss what
// happened to them: a published slip is pushed to the recipient's account
// with a notification, and so are its correction and cancellation
// (ebupot.md, Coretaxpedia FAQ "Delivery"; "Correction after recipient
// used the slip"). One message per recipient for the whole call, so that a
// payroll batch of 500 slips sends each employee one notice, however many
// of its slips name them. Slips on a temporary TIN are not delivered
// (ebupot.md §7) and recipients without a registered e-mail address get
// no message; both still see their slips received once registered and
// signed in. The messages go by e-mail to the address of the recipient's
// profile, through the outbox, stored in the transaction of the change.
func (s *Service) notices(ctx context.Context, w withholder, purpose string, ss []*Slip, reason string) (NoticeFunc, error) {
	var order []int64
	by := map[int64][]*Slip{}
	for _, sl := range ss {
		r := sl.Recipient
		if r.ID == 0 || r.Temporary || r.ID == w.id() {
			continue
		}
		if _, seen := by[r.ID]; !seen {
			order = append(order, r.ID)
		}
		by[r.ID] = append(by[r.ID], sl)
	}
	// The addresses are read before the transaction; the messages are
	// written in it, once the slips have their numbers.
	to := map[int64]registration.Taxpayer{}
	for _, id := range order {
		p, err := s.register.Profile(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("recipient %d of a slip: %w", id, err)
		}
		to[id] = p.Taxpayer
	}
	now := s.now().UTC()
	return func() []notify.Message {
		var out []notify.Message
		for _, id := range order {
			t := to[id]
			if t.Email == "" {
				continue
			}
			subject, body := noticeText(w, purpose, by[id], string(t.NPWP), reason)
			out = append(out, notify.Message{Channel: notify.Email, To: t.Email, Subject: subject, Body: body,
				Purpose: purpose, TaxpayerID: id, CreatedAt: now})
		}
		return out
	}, nil
}

// noticeText writes a notice to the recipient npwp of slips.
func noticeText(w withholder, purpose string, slips []*Slip, npwp, reason string) (subject, body string) {
	who := w.Profile.Taxpayer.Name
	if who == "" {
		who = w.NPWP
	}
	n := len(slips)
	what := "a withholding slip"
	if n > 1 {
		what = fmt.Sprintf("%d withholding slips", n)
	}
	var b strings.Builder
	switch purpose {
	case NoticeCorrected:
		subject = fmt.Sprintf("Coretax: %s corrected %s", who, what)
		fmt.Fprintf(&b, "%s (NPWP %s) corrected %s (bukti potong) made out to you. The corrected version replaces the earlier one, which stays visible marked corrected; if you have already filed a return using the earlier slip, correct your return.\n\n", who, w.NPWP, what)
	case NoticeCancelled:
		subject = fmt.Sprintf("Coretax: %s cancelled %s", who, what)
		fmt.Fprintf(&b, "%s (NPWP %s) cancelled %s (bukti potong) made out to you", who, w.NPWP, what)
		if reason != "" {
			fmt.Fprintf(&b, ", saying: %q", reason)
		}
		b.WriteString(". The tax on it is no longer credited to you; if you have already filed a return using it, correct your return.\n\n")
	default:
		subject = fmt.Sprintf("Coretax: %s from %s", what, who)
		fmt.Fprintf(&b, "%s (NPWP %s) published %s (bukti potong) to you:\n\n", who, w.NPWP, what)
	}
	for i, sl := range slips {
		if i == noticeLines {
			fmt.Fprintf(&b, "… and %d more\n", n-noticeLines)
			break
		}
		fmt.Fprintf(&b, "- %s", sl.Number)
		if sl.Revision > 0 {
			fmt.Fprintf(&b, " (revision %d)", sl.Revision)
		}
		fmt.Fprintf(&b, ": %s %d-%02d, code %s, gross %s, tax withheld %s\n", sl.Type, sl.Period.Year, sl.Period.Month, sl.ObjectCode,
			sl.Gross.Display(), sl.Withheld.Display())
	}
	fmt.Fprintf(&b, "\nSign in to Coretax and open Slips received (/taxpayers/%s/ebupot/received) to see and download them.", npwp)
	return subject, b.String()
}

// correctionNoticed returns the slips whose recipients are told of a
// correction: the new revision, and the old one too when the correction
// moved the slip to another recipient, who must learn it is gone.
func correctionNoticed(old Slip, repl *Slip) []*Slip {
	if old.Recipient.ID != repl.Recipient.ID {
		return []*Slip{repl, &old}
	}
	return []*Slip{repl}
}
