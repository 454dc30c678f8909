package ebupot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/taxid"
)

// profiles is a register of a few recipients.
type profiles map[int64]registration.Taxpayer

func (p profiles) TaxpayerByNPWP(context.Context, taxid.NPWP) (registration.Taxpayer, error) {
	return registration.Taxpayer{}, fmt.Errorf("not used")
}

func (p profiles) Profile(_ context.Context, id int64) (registration.Profile, error) {
	return registration.Profile{Taxpayer: p[id]}, nil
}

func (p profiles) PartiesOf(context.Context, int64) ([]registration.Representation, error) {
	return nil, nil
}

// TestNoticesGroupPerRecipient: a batch of 500 slips, 497 of them to one
// employee, sends that employee one notice, which lists the first slips
// and counts the rest; the recipient without an e-mail address, the one
// on a temporary TIN and the withholder itself get none.
func TestNoticesGroupPerRecipient(t *testing.T) {
	reg := profiles{
		2: {ID: 2, NPWP: "5171031204900003", Email: "made.wirawan@mail.example"},
		3: {ID: 3, NPWP: "5171016308950002"},
	}
	s := &Service{register: reg, now: func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }}
	w := withholder{NPWP: "0010000016000000"}
	w.Profile.Taxpayer = registration.Taxpayer{ID: 1, Name: "PT SURYA KENCANA VILLAS"}
	var ss []*Slip
	for i := range 497 {
		ss = append(ss, &Slip{Number: fmt.Sprintf("BPMP26%08d", i+1), Type: objectcode.BPMP, Period: Period{2026, 1 + i%11},
			ObjectCode: "21-100-01", Recipient: Recipient{ID: 2}})
	}
	ss = append(ss, &Slip{Number: "BP2126000001", Recipient: Recipient{ID: 3}}, &Slip{Number: "BP2126000002", Recipient: Recipient{TIN: "5103014107950005", Temporary: true}},
		&Slip{Number: "BP2126000003", Recipient: Recipient{ID: 1}})
	fn, err := s.notices(context.Background(), w, NoticePublished, ss, "")
	if err != nil {
		t.Fatal(err)
	}
	ms := fn()
	if len(ms) != 1 {
		t.Fatalf("%d notices, want 1: %+v", len(ms), ms)
	}
	m := ms[0]
	if m.To != "made.wirawan@mail.example" || m.TaxpayerID != 2 || m.Purpose != NoticePublished ||
		m.Subject != "Coretax: 497 withholding slips from PT SURYA KENCANA VILLAS" {
		t.Errorf("notice %+v", m)
	}
	if n := strings.Count(m.Body, "\n- BPMP26"); n != noticeLines {
		t.Errorf("the notice lists %d slips, want %d", n, noticeLines)
	}
	if !strings.Contains(m.Body, "… and 477 more") || !strings.Contains(m.Body, "/taxpayers/5171031204900003/ebupot/received") {
		t.Errorf("body:\n%s", m.Body)
	}
}
