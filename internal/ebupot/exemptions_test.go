package ebupot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

const skbNumber = "KET-00031/SKB/WPJ.17/KP.0303/2026"

// withSKB records an SKB PPh 21 for the designer covering 21-100-07 in
// 2026 and gives the service the register.
func withSKB(t *testing.T, f *fixture) exemption.Certificate {
	t.Helper()
	c := exemption.Certificate{TaxpayerID: f.w.Designer.ID, Kind: exemption.SKB21, Number: skbNumber,
		TaxTypes: []exemption.TaxType{exemption.PPh21}, ObjectCodes: []string{"21-100-07"}, ValidFrom: day("2026-01-01"),
		ValidUntil: day("2026-12-31"), Office: "KPP Pratama Denpasar Timur", RecordedBy: "budi", CreatedAt: today, UpdatedAt: today}
	if err := f.db.Exemptions().CreateCertificate(context.Background(), &c, audit.Entry{At: today, Actor: "officer:budi", Action: "exemption.record"}); err != nil {
		t.Fatal(err)
	}
	f.svc.UseExemptions(exemption.NewService(f.db.Exemptions(), f.db.Registration(), nil, func() time.Time { return today }))
	return c
}

func (f *fixture) freelance(month int) ebupot.Input {
	return ebupot.Input{Type: objectcode.BP21, Year: 2026, Month: month, ObjectCode: "21-100-07", Gross: 10_000_000_00,
		Recipient: ebupot.Recipient{TIN: string(f.w.Designer.NPWP), Kind: objectcode.NonEmployee}, Document: "PaymentProof",
		DocumentNumber: "58/EKS/2026", WithholdingDate: time.Date(2026, time.Month(month), 28, 0, 0, 0, 0, time.UTC)}
}

func TestSKBNeedsAnActiveExemption(t *testing.T) {
	f := setup(t, storagetest.SQLite(t))
	skb := f.freelance(6)
	skb.Facility, skb.FacilityRef = ebupot.SKB21, skbNumber
	if _, err := f.svc.Calculate(f.hr, f.co, skb); !strings.Contains(fields(err), "this server has no register of exemption certificates") {
		t.Errorf("SKB without a register: %v\n%s", err, fields(err))
	}
	c := withSKB(t, f)
	check := func(name string, in ebupot.Input, want string) {
		t.Helper()
		sl, err := f.svc.Calculate(f.hr, f.co, in)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v\n%s", name, err, fields(err))
			} else if sl.FacilityRef != skbNumber {
				t.Errorf("%s: facility ref %q, want %q", name, sl.FacilityRef, skbNumber)
			} else if sl.Tax != 0 || sl.Withheld != 0 {
				t.Errorf("%s: tax %s, withheld %s under the SKB, want nothing withheld", name, sl.Tax, sl.Withheld)
			}
			return
		}
		if got := fields(err); err == nil || !strings.Contains(got, want) {
			t.Errorf("%s: got %v\n%s\nwant %q", name, err, got, want)
		}
	}
	check("the designer's SKB", skb, "")
	lower := skb
	lower.FacilityRef = strings.ToLower(skbNumber)
	check("the number as typed in lower case", lower, "")
	offered := skb
	offered.FacilityRef = ""
	check("the number offered from the register", offered, "")
	wrong := skb
	wrong.FacilityRef = "KET-99999/SKB/2026"
	check("another number", wrong, "facility_ref: is not an active certificate of "+string(f.w.Designer.NPWP)+" covering 21-100-07 on 2026-06-28; it holds "+skbNumber)
	code := skb
	code.ObjectCode = "21-100-18"
	check("a code the SKB does not cover", code, "needs an active exemption of the recipient: "+string(f.w.Designer.NPWP)+" holds none covering 21-100-18 on 2026-06-28; the recipient can ask its KPP for one, or withhold at the normal rate")
	late := f.freelance(1)
	late.Year, late.WithholdingDate = 2027, day("2027-01-28")
	late.Facility, late.FacilityRef = ebupot.SKB21, skbNumber
	check("after the SKB ends", late, "holds none covering 21-100-07 on 2027-01-28")
	other := skb
	other.Recipient.TIN = string(f.w.VillaOwner.NPWP)
	check("a recipient without an SKB", other, string(f.w.VillaOwner.NPWP)+" holds none covering 21-100-07")

	// A draft made while the SKB holds is refused at signing once it is
	// revoked from before the withholding date.
	d, err := f.svc.Create(f.hr, f.co, skb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exemptions().RevokeCertificate(context.Background(), c.ID, 1, day("2026-06-01"), "issued in error", "budi", today,
		audit.Entry{At: today, Actor: "officer:budi", Action: "exemption.revoke"}); err != nil {
		t.Fatal(err)
	}
	check("after the revocation", skb, "holds none covering 21-100-07 on 2026-06-28")
	if _, err := f.svc.Sign(f.hr, f.co, []ebupot.Ref{{ID: d.ID, Version: d.Version}}, pass); !strings.Contains(fields(err), "holds none covering 21-100-07") {
		t.Errorf("signing after the revocation: %v\n%s", err, fields(err))
	}
}

// notices returns the outbox messages of a purpose, oldest first.
func notices(t *testing.T, db *storage.DB, purpose string) []notify.Message {
	t.Helper()
	all, err := db.Outbox().List(context.Background(), notify.Filter{Limit: notify.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Message
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Purpose == purpose {
			out = append(out, all[i])
		}
	}
	return out
}

func TestPublicationNotices(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		// Three slips of the designer and two of the employee in one
		// signing: one notice to each.
		ins := []ebupot.Input{f.freelance(6), f.freelance(7), f.freelance(8), f.bpmp(1, 12_000_000_00), f.bpmp(2, 12_000_000_00)}
		var refs []ebupot.Ref
		for _, in := range ins {
			d, err := f.svc.Create(f.hr, f.co, in)
			if err != nil {
				t.Fatalf("%v\n%s", err, fields(err))
			}
			refs = append(refs, ebupot.Ref{ID: d.ID, Version: d.Version})
		}
		signed, err := f.svc.Sign(f.hr, f.co, refs, pass)
		if err != nil {
			t.Fatal(err)
		}
		got := notices(t, db, ebupot.NoticePublished)
		type sent struct {
			To         string
			TaxpayerID int64
			Slips      int
		}
		var gotSent []sent
		for _, m := range got {
			n := 0
			for _, sl := range signed {
				if strings.Contains(m.Body, sl.Number) {
					n++
				}
			}
			gotSent = append(gotSent, sent{m.To, m.TaxpayerID, n})
			if m.Channel != notify.Email || !strings.Contains(m.Body, "/taxpayers/") {
				t.Errorf("notice %+v", m)
			}
		}
		want := []sent{{"ayu.lestari@studio.example", f.w.Designer.ID, 3}, {"made.wirawan@mail.example", f.w.Employee.ID, 2}}
		if diff := cmp.Diff(want, gotSent); diff != "" {
			t.Errorf("notices (-want +got):\n%s", diff)
		}
		if len(got) > 0 && !strings.Contains(got[0].Subject, "3 withholding slips from") {
			t.Errorf("subject %q", got[0].Subject)
		}

		// A correction and a cancellation tell the recipient too.
		c, err := f.svc.Correct(f.hr, f.co, signed[0].ID, signed[0].Version, f.freelance(6), pass)
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		if ms := notices(t, db, ebupot.NoticeCorrected); len(ms) != 1 || ms[0].TaxpayerID != f.w.Designer.ID || !strings.Contains(ms[0].Body, c.Number+" (revision 1)") {
			t.Errorf("correction notices = %+v", ms)
		}
		if _, err := f.svc.Cancel(f.hr, f.co, signed[3].ID, signed[3].Version, "paid twice by mistake"); err != nil {
			t.Fatal(err)
		}
		if ms := notices(t, db, ebupot.NoticeCancelled); len(ms) != 1 || ms[0].TaxpayerID != f.w.Employee.ID || !strings.Contains(ms[0].Body, `"paid twice by mistake"`) {
			t.Errorf("cancellation notices = %+v", ms)
		}
	})
}

func TestNoticesShareTheTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		ctx := context.Background()
		d, err := f.svc.Create(f.hr, f.co, f.freelance(6))
		if err != nil {
			t.Fatal(err)
		}
		notice := func() []notify.Message {
			return []notify.Message{{Channel: notify.Email, To: "ayu.lestari@studio.example", Subject: "s", Body: "b", Purpose: ebupot.NoticePublished, CreatedAt: today}}
		}
		// A signing that fails leaves no notice and the draft a draft.
		failing := func(*ebupot.Slip) (signing.Prepared, error) {
			return signing.Prepared{}, errors.New("the key store is unreachable")
		}
		sl := d
		if err := db.EBupot().Sign(ctx, []*ebupot.Slip{&sl}, failing, notice, audit.Entry{At: today, Action: "ebupot.sign"}); err == nil {
			t.Fatal("signing with a failing key succeeded")
		}
		if got := notices(t, db, ebupot.NoticePublished); len(got) != 0 {
			t.Errorf("a failed signing left notices: %+v", got)
		}
		if back, err := f.svc.Slip(f.hr, f.co, d.ID); err != nil || back.Status != ebupot.Draft || back.Number != "" {
			t.Errorf("after the failed signing: %s %q, %v; want a draft without number", back.Status, back.Number, err)
		}
		signed, err := f.svc.Sign(f.hr, f.co, []ebupot.Ref{{ID: d.ID, Version: d.Version}}, pass)
		if err != nil {
			t.Fatal(err)
		}
		// A notice that cannot be stored fails the change it tells of.
		bad := []notify.Message{{Channel: "pigeon", To: "x", Purpose: ebupot.NoticeCancelled, CreatedAt: today}}
		if _, err := db.EBupot().Cancel(ctx, signed[0].ID, signed[0].Version, today, "test", bad, audit.Entry{At: today, Action: "ebupot.cancel"}); err == nil {
			t.Fatal("a cancellation with a notice the outbox refuses succeeded")
		}
		if back, err := f.svc.Slip(f.hr, f.co, d.ID); err != nil || back.Status != ebupot.Signed {
			t.Errorf("after the failed cancellation: %s, %v; want signed", back.Status, err)
		}
		if got := notices(t, db, ebupot.NoticeCancelled); len(got) != 0 {
			t.Errorf("a failed cancellation left notices: %+v", got)
		}
	})
}
