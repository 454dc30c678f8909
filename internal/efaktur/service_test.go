package efaktur_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/signing/signingtest"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

const pass = "Rahasia#2026"

type fixture struct {
	db     *storage.DB
	svc    *efaktur.Service
	w      demo.World
	seller context.Context // the director acting for the company
	buyer  context.Context // the villa owner, made PKP
	now    time.Time
}

// today is the fixed day of the tests: 24 November 2026, 10:00 WIB.
var today = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

func as(t registration.Taxpayer, actingFor *registration.Taxpayer) context.Context {
	a := actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID, AccountID: t.ID}
	if actingFor != nil {
		a.ActingForID, a.ActingFor = actingFor.ID, string(actingFor.NPWP)
	}
	return actor.With(context.Background(), a)
}

func setup(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return today }
	rs := registry.NewService(db.Registry(), now)
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: rs, Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := reg.Profile(ctx, string(w.VillaOwner.NPWP))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.SetPKP(ctx, string(w.VillaOwner.NPWP), prof.Taxpayer.Version, registration.PKPConfirmed, "2025-01-01", "test"); err != nil {
		t.Fatal(err)
	}
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(signing.Rules()).Merge(efaktur.Rules()))
	sig := signingtest.New(t, db.Signing(), db.TransLog(), policy, now)
	signingtest.Certify(t, sig, w.Director.ID, pass)
	svc := efaktur.NewService(db.EFaktur(), db.Registration(), sig, policy, now, efaktur.DefaultConfig())
	return &fixture{db: db, svc: svc, w: w, seller: as(w.Director, &w.Company), buyer: as(w.VillaOwner, nil), now: today}
}

// form is a faktur to the villa owner: one line of villa management
// services at Rp 100,000 × qty under code 04.
func (f *fixture) form(day string, qty int64) efaktur.Form {
	d, _ := time.Parse(time.DateOnly, day)
	return efaktur.Form{Date: d, TrxCode: efaktur.TrxOtherValue, RefDesc: "INV-" + day,
		Buyer: efaktur.Buyer{TIN: string(f.w.VillaOwner.NPWP), Document: efaktur.BuyerTIN, Name: f.w.VillaOwner.Name, Address: "Jl. Sawah Hijau 1, Ubud"},
		Lines: []efaktur.LineInput{{Kind: efaktur.Services, Code: "000000", Name: "Villa management", Unit: "UM.0030", Price: 100000_00, Qty: efaktur.Quantity(qty * 100)}}}
}

func (f *fixture) approved(t *testing.T, day string, qty int64) efaktur.Faktur {
	t.Helper()
	d, err := f.svc.CreateDraft(f.seller, string(f.w.Company.NPWP), f.form(day, qty))
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.svc.Approve(f.seller, string(f.w.Company.NPWP), []efaktur.Ref{{ID: d.ID, Version: d.Version}}, pass)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func fields(err error) string {
	var s []string
	for _, f := range errs.FieldsOf(err) {
		s = append(s, f.Field+": "+f.Message)
	}
	return strings.Join(s, "\n")
}

func TestLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		d, err := f.svc.CreateDraft(f.seller, co, f.form("2026-11-20", 1))
		if err != nil {
			t.Fatalf("draft: %v\n%s", err, fields(err))
		}
		l := d.Invoice.Lines[0]
		// The golden vector of the domain notes (Odoo sample.xml).
		if l.TaxBase != 100000_00 || l.OtherTaxBase != 91666_67 || l.VAT != 11000_00 || d.Totals.VAT != 11000_00 {
			t.Errorf("computed %v / %v / %v, want 100000 / 91666.67 / 11000", l.TaxBase.XML(), l.OtherTaxBase.XML(), l.VAT.XML())
		}
		if d.Status != efaktur.Draft || d.Number != "" || d.BuyerID != f.w.VillaOwner.ID {
			t.Errorf("draft = %s %q buyer %d", d.Status, d.Number, d.BuyerID)
		}
		if d.Invoice.SellerIDTKU != co+"000000" || d.Invoice.Buyer.IDTKU != string(f.w.VillaOwner.NPWP)+"000000" {
			t.Errorf("NITKUs %s / %s", d.Invoice.SellerIDTKU, d.Invoice.Buyer.IDTKU)
		}

		// A wrong passphrase approves nothing and takes no number.
		if _, err := f.svc.Approve(f.seller, co, []efaktur.Ref{{ID: d.ID, Version: d.Version}}, "wrong"); !errs.Is(errs.Invalid, err) {
			t.Fatalf("wrong passphrase: %v", err)
		}
		out, err := f.svc.Approve(f.seller, co, []efaktur.Ref{{ID: d.ID, Version: d.Version}}, pass)
		if err != nil {
			t.Fatalf("approve: %v\n%s", err, fields(err))
		}
		a := out[0]
		if a.Number != "04002600000000001" || a.Status != efaktur.Approved || a.PublicID == "" || a.SignatureID == 0 || a.ApprovedBy != f.w.Director.Name {
			t.Errorf("approved = %+v", a)
		}
		if _, err := f.svc.Approve(f.seller, co, []efaktur.Ref{{ID: d.ID, Version: a.Version}}, pass); !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "only drafts") {
			t.Errorf("approving twice: %v %s", err, fields(err))
		}
		// The signature covers the canonical document.
		doc, err := efaktur.Document(&a)
		if err != nil || !strings.Contains(string(doc), "<Number>04002600000000001</Number>") {
			t.Errorf("document: %v\n%s", err, doc)
		}

		// The buyer sees it as input VAT and credits it.
		in, err := f.svc.List(f.buyer, string(f.w.VillaOwner.NPWP), efaktur.Filter{Side: efaktur.Input})
		if err != nil || len(in) != 1 || in[0].ID != a.ID {
			t.Fatalf("input list: %v %d", err, len(in))
		}
		if _, err := f.svc.Credit(f.buyer, string(f.w.VillaOwner.NPWP), a.ID, a.Version, efaktur.Period{Year: 2027, Month: 1}); !errs.Is(errs.Invalid, err) {
			t.Errorf("credit in a future period: %v", err)
		}
		c, err := f.svc.Credit(f.buyer, string(f.w.VillaOwner.NPWP), a.ID, a.Version, efaktur.Period{Year: 2026, Month: 11})
		if err != nil || c.Credit != efaktur.Credited || c.CreditPeriod.String() != "2026-11" {
			t.Fatalf("credit: %v %+v", err, c)
		}
		// Credited: the seller can neither cancel nor amend.
		if _, err := f.svc.Cancel(f.seller, co, a.ID, c.Version, "wrong price"); !errs.Is(errs.Conflict, err) {
			t.Errorf("cancel credited: %v", err)
		}
		u, err := f.svc.Uncredit(f.buyer, string(f.w.VillaOwner.NPWP), a.ID, c.Version)
		if err != nil {
			t.Fatal(err)
		}

		// Amend: the pengganti keeps the NSFP and counts the status.
		repl, err := f.svc.Amend(f.seller, co, a.ID, u.Version, f.form("2026-11-20", 2), pass)
		if err != nil {
			t.Fatalf("amend: %v\n%s", err, fields(err))
		}
		if repl.Number != "04012600000000001" || repl.ReplacesNumber != a.Number || repl.Totals.VAT != 22000_00 {
			t.Errorf("pengganti %s replaces %s, VAT %s", repl.Number, repl.ReplacesNumber, repl.Totals.VAT.XML())
		}
		old, err := f.svc.Faktur(f.seller, co, a.ID)
		if err != nil || old.Status != efaktur.Amended || old.ReplacedBy != repl.ID {
			t.Errorf("amended original: %v %s by %d", err, old.Status, old.ReplacedBy)
		}
		other := f.form("2026-11-20", 1)
		other.Buyer = efaktur.Buyer{TIN: string(f.w.Employee.NPWP), Document: efaktur.BuyerTIN, Name: "x", Address: "y"}
		if _, err := f.svc.Amend(f.seller, co, repl.ID, repl.Version, other, pass); !errs.Is(errs.Invalid, err) {
			t.Errorf("amend to another buyer: %v", err)
		}

		// Cancel the pengganti.
		if _, err := f.svc.Cancel(f.seller, co, repl.ID, repl.Version, " "); !errs.Is(errs.Invalid, err) {
			t.Errorf("cancel without reason: %v", err)
		}
		x, err := f.svc.Cancel(f.seller, co, repl.ID, repl.Version, "the transaction was cancelled")
		if err != nil || x.Status != efaktur.Cancelled {
			t.Fatalf("cancel: %v %s", err, x.Status)
		}
		if _, err := f.svc.Credit(f.buyer, string(f.w.VillaOwner.NPWP), repl.ID, x.Version, efaktur.Period{Year: 2026, Month: 11}); !errs.Is(errs.Conflict, err) {
			t.Errorf("credit a cancelled faktur: %v", err)
		}

		// The next approval takes the next serial: nothing was lost.
		b := f.approved(t, "2026-11-21", 1)
		if b.Number != "04002600000000002" {
			t.Errorf("second number %s", b.Number)
		}

		// Lists filter and page.
		all, err := f.svc.List(f.seller, co, efaktur.Filter{Limit: 2})
		if err != nil || len(all) != 2 || all[0].ID != b.ID {
			t.Fatalf("page 1: %v %d", err, len(all))
		}
		rest, err := f.svc.List(f.seller, co, efaktur.Filter{Limit: 2, After: all[1].ID})
		if err != nil || len(rest) != 1 || rest[0].ID != a.ID {
			t.Errorf("page 2: %v %d", err, len(rest))
		}
		cancelled, _ := f.svc.List(f.seller, co, efaktur.Filter{Status: efaktur.Cancelled})
		byNumber, _ := f.svc.List(f.seller, co, efaktur.Filter{Number: "0401"})
		if len(cancelled) != 1 || len(byNumber) != 1 || byNumber[0].ID != repl.ID {
			t.Errorf("filters: %d cancelled, %d by number", len(cancelled), len(byNumber))
		}
		n := 0
		if err := f.svc.Each(f.seller, co, efaktur.Filter{Period: efaktur.Period{Year: 2026, Month: 11}}, func(*efaktur.Faktur) error { n++; return nil }); err != nil || n != 3 {
			t.Errorf("each: %v %d", err, n)
		}

		// Strangers see nothing.
		if _, err := f.svc.List(as(f.w.Designer, nil), co, efaktur.Filter{}); !errs.Is(errs.Forbidden, err) {
			t.Errorf("stranger lists: %v", err)
		}
		if _, err := f.svc.Faktur(f.buyer, string(f.w.VillaOwner.NPWP), d.ID+1000); !errs.Is(errs.NotFound, err) {
			t.Errorf("missing faktur: %v", err)
		}
		// The employee holds no faktur role for the company.
		if _, err := f.svc.CreateDraft(as(f.w.Employee, &f.w.Company), co, f.form("2026-11-20", 1)); !errs.Is(errs.Forbidden, err) {
			t.Errorf("employee drafts: %v", err)
		}
	})
}

func TestApprovalChecks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		co := string(f.w.Company.NPWP)
		// Dated before the window: October's deadline was 20 November.
		late, err := f.svc.CreateDraft(f.seller, co, f.form("2026-10-31", 1))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Approve(f.seller, co, []efaktur.Ref{{ID: late.ID, Version: late.Version}}, pass)
		if !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "fakturs[0].date: the invoice date is outside the allowed window 2026-11-01 to 2026-11-24") {
			t.Errorf("late: %v\n%s", err, fields(err))
		}
		// A buyer NPWP nobody holds.
		bad := f.form("2026-11-20", 1)
		bad.Buyer.TIN = "0990000000000009"
		if _, err := f.svc.CreateDraft(f.seller, co, bad); !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "buyer.tin: no taxpayer is registered with NPWP") {
			t.Errorf("unregistered buyer: %v\n%s", err, fields(err))
		}
		// A seller place that is not registered.
		bad = f.form("2026-11-20", 1)
		bad.SellerIDTKU = co + "000099"
		if _, err := f.svc.CreateDraft(f.seller, co, bad); !strings.Contains(fields(err), "seller_nitku: SellerIDTKU is not a registered place") {
			t.Errorf("unknown place: %v\n%s", err, fields(err))
		}
		// A line the engine refuses names its index.
		bad = f.form("2026-11-20", 1)
		bad.Lines[0].Discount = money.Amount(200000_00)
		if _, err := f.svc.CreateDraft(f.seller, co, bad); !strings.Contains(fields(err), "lines[0]") {
			t.Errorf("bad line: %v\n%s", err, fields(err))
		}
		// A buyer by NIK is not a registered buyer: no input VAT.
		nik := f.form("2026-11-20", 1)
		nik.Buyer = efaktur.Buyer{Document: efaktur.BuyerNationalID, DocumentNumber: "5171031204900003", Name: "I Made Wirawan", Address: "Denpasar"}
		d, err := f.svc.CreateDraft(f.seller, co, nik)
		if err != nil || d.BuyerID != 0 || d.Invoice.Buyer.TIN != efaktur.NoTIN {
			t.Errorf("NIK buyer: %v %d %s\n%s", err, d.BuyerID, d.Invoice.Buyer.TIN, fields(err))
		}
		// Edit with a stale version.
		if _, err := f.svc.UpdateDraft(f.seller, co, d.ID, d.Version+1, nik); !errs.Is(errs.Conflict, err) {
			t.Errorf("stale edit: %v", err)
		}
		if err := f.svc.DeleteDraft(f.seller, co, d.ID, d.Version); err != nil {
			t.Errorf("delete: %v", err)
		}
	})
}

func TestReturnOfGoods(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		owner := string(f.w.VillaOwner.NPWP)
		a := f.approved(t, "2026-11-20", 3)
		day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		if _, err := f.svc.Return(f.buyer, owner, a.ID, day, []efaktur.ReturnLine{{Line: 1, Qty: 100}}); !errs.Is(errs.Conflict, err) {
			t.Errorf("return against an uncredited faktur: %v", err)
		}
		c, err := f.svc.Credit(f.buyer, owner, a.ID, a.Version, efaktur.Period{Year: 2026, Month: 11})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Return(f.buyer, owner, c.ID, day, []efaktur.ReturnLine{{Line: 1, Qty: 100}})
		if err != nil {
			t.Fatalf("return: %v\n%s", err, fields(err))
		}
		// One of three: DPP 100000, DPP Nilai Lain 91666.67, PPN 11000.
		if r.Totals.TaxBase != 100000_00 || r.Totals.OtherTaxBase != 91666_67 || r.Totals.VAT != 11000_00 || !strings.HasPrefix(r.Number, "RET-"+owner+"-2026-") {
			t.Errorf("retur %s: %s / %s / %s", r.Number, r.Totals.TaxBase.XML(), r.Totals.OtherTaxBase.XML(), r.Totals.VAT.XML())
		}
		_, err = f.svc.Return(f.buyer, owner, c.ID, day, []efaktur.ReturnLine{{Line: 1, Qty: 250}})
		if !errs.Is(errs.Invalid, err) || !strings.Contains(fields(err), "at most 2 can still be returned") {
			t.Errorf("over-return: %v\n%s", err, fields(err))
		}
		if _, err := f.svc.Return(f.buyer, owner, c.ID, day, []efaktur.ReturnLine{{Line: 2, Qty: 100}}); !strings.Contains(fields(err), "is not a line") {
			t.Errorf("line 2: %v", err)
		}
		rs, err := f.svc.Returs(f.seller, string(f.w.Company.NPWP), c.ID)
		if err != nil || len(rs) != 1 {
			t.Errorf("returs seen by the seller: %v %d", err, len(rs))
		}
		// With a return against it the faktur stays credited.
		cur, _ := f.svc.Faktur(f.buyer, owner, c.ID)
		if _, err := f.svc.Uncredit(f.buyer, owner, c.ID, cur.Version); !errs.Is(errs.Conflict, err) {
			t.Errorf("uncredit with a return: %v", err)
		}
	})
}

func TestNumberAndWindow(t *testing.T) {
	n, err := efaktur.Number("04", 0, 2026, 123)
	if err != nil || n != "04002600000000123" {
		t.Errorf("Number = %s, %v", n, err)
	}
	if r, err := efaktur.Replacement(n, "01"); err != nil || r != "01012600000000123" {
		t.Errorf("Replacement = %s, %v", r, err)
	}
	if _, err := efaktur.Number("04", 0, 2026, efaktur.SerialLimit); err == nil {
		t.Error("serial beyond 11 digits accepted")
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct{ today, from string }{
		{"2026-11-20", "2026-10-01"}, // October's deadline is today
		{"2026-11-21", "2026-11-01"},
		{"2026-01-05", "2025-12-01"},
	} {
		from, to := efaktur.Window(day(c.today), 20)
		if from.Format(time.DateOnly) != c.from || to.Format(time.DateOnly) != c.today {
			t.Errorf("Window(%s) = %s..%s, want %s..%s", c.today, from.Format(time.DateOnly), to.Format(time.DateOnly), c.from, c.today)
		}
	}
}
