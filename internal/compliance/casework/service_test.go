package casework_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

const rp = money.Rupiah

// The demo world with the compliance engine's feeds and run, and the
// case work on top: a case with its letter for the owner who declares the
// payout, and the villa owner's offshore stay.
func setup(t *testing.T) (*casework.Service, *compliance.Service, demo.World) {
	t.Helper()
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()).Merge(compliance.AccessRules()).Merge(casework.Rules()))
	props := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	decl := pbjt.NewDeclarations(props, db.PBJT(), db.PBJT())
	engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), policy, now, compliance.Config{})
	cases := casework.NewService(db.Cases(), engine, db.Registration(), props, policy, now, casework.Config{BaseURL: "https://coretax.example"}).
		WithSelfCheck(casework.EngineSelfCheck(engine), casework.PBJTDeclarations{D: decl}).WithDashboard(db.Cases())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg, PBJT: props,
		Bookings: pbjt.NewBookings(props, db.PBJT()), Compliance: engine, Declarations: decl, Cases: cases})
	if err != nil {
		t.Fatal(err)
	}
	if w.Case == nil {
		t.Fatal("the demo opened no case")
	}
	return cases, engine, w
}

func taxpayer(t registration.Taxpayer) context.Context {
	return actor.With(context.Background(), actor.Actor{Kind: actor.Taxpayer, ID: string(t.NPWP), TaxpayerID: t.ID})
}

func TestCaseLifecycle(t *testing.T) {
	cases, engine, w := setup(t)
	sys := actor.With(context.Background(), actor.SystemActor("test"))
	darma, owner := w.Compliance.NetOwner, w.VillaOwner
	c := *w.Case
	if c.Status != casework.LetterSent || c.AssignedTo != "budi" || c.Letter == nil || c.Letter.Number != "SP2DK-000001/5103/2026" ||
		c.Letter.OutboxID == 0 || c.Letter.ResponseDays != 14 || c.Letter.DueOn.Format(time.DateOnly) != "2026-12-08" {
		t.Fatalf("demo case = %+v, letter %+v", c, c.Letter)
	}
	// 90 % of the shortfall Rp 2.175.000 and the after-audit sanction.
	want, err := casework.Expected([]compliance.Flag{{Status: compliance.StatusOpen, Confidence: 90, Shortfall: c.Shortfall, PenaltyAudit: c.PenaltyAudit}})
	if err != nil || c.ExpectedRecovery != want || c.Shortfall != 2_175_000*rp {
		t.Errorf("case figures: shortfall %s, expected %s, want %s", c.Shortfall.Display(), c.ExpectedRecovery.Display(), want.Display())
	}

	// The risk list: largest first, Darma's subject with its case.
	page, err := cases.Risks(sys, casework.RiskQuery{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, r := range page.Risks {
		if i > 0 && r.ExpectedRecovery > page.Risks[i-1].ExpectedRecovery {
			t.Errorf("risk %d (%s) is larger than the one before", i, r.ExpectedRecovery.Display())
		}
		if r.Key == casework.TaxpayerKey(darma.ID) {
			found = r.CaseID == c.ID && r.ExpectedRecovery == c.ExpectedRecovery
		}
	}
	if !found {
		t.Errorf("risks %+v do not list Darma's subject with case %d", page.Risks, c.ID)
	}
	if _, err := cases.Open(sys, casework.OpenInput{Subject: casework.TaxpayerKey(darma.ID)}); !errs.Is(errs.Conflict, err) {
		t.Errorf("a second case of the subject: %v, want a Conflict", err)
	}
	for _, q := range []casework.RiskQuery{{Regency: "3171"}, {Rule: "nope"}, {Limit: 500}, {Offset: -1}} {
		if _, err := cases.Risks(sys, q); !errs.Is(errs.Invalid, err) {
			t.Errorf("risks %+v: %v, want Invalid", q, err)
		}
	}
	if _, err := cases.Cases(sys, casework.CaseQuery{Status: "lost"}); !errs.Is(errs.Invalid, err) {
		t.Errorf("cases with status lost: %v, want Invalid", err)
	}
	if _, err := cases.Open(sys, casework.OpenInput{Subject: "listing:nobody:1"}); !errs.Is(errs.Invalid, err) {
		t.Errorf("a subject without flags: %v, want Invalid", err)
	}

	// Access: a taxpayer works no case and reads only its own letters.
	if _, err := cases.Cases(taxpayer(owner), casework.CaseQuery{}); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the villa owner lists cases: %v, want Forbidden", err)
	}
	if _, err := cases.Respond(taxpayer(owner), string(darma.NPWP), c.ID, casework.RespondInput{Explanation: "not mine"}); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the villa owner answers Darma's letter: %v, want Forbidden", err)
	}
	if _, err := cases.TaxpayerCase(taxpayer(owner), string(owner.NPWP), c.ID); !errs.Is(errs.NotFound, err) {
		t.Errorf("Darma's case under the villa owner's NPWP: %v, want NotFound", err)
	}
	letters, err := cases.Letters(taxpayer(darma), string(darma.NPWP))
	if err != nil || len(letters) != 1 || letters[0].ID != c.ID {
		t.Fatalf("Darma's letters = %+v, %v", letters, err)
	}

	// The response.
	if _, err := cases.Respond(taxpayer(darma), string(darma.NPWP), c.ID, casework.RespondInput{Explanation: "  "}); !errs.Is(errs.Invalid, err) {
		t.Errorf("an empty response: %v, want Invalid", err)
	}
	c, err = cases.Respond(taxpayer(darma), string(darma.NPWP), c.ID, casework.RespondInput{Explanation: "I declared the Airbnb payouts; I correct.", Correction: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != casework.ResponseReceived || c.Response == nil || c.Response.Channel != casework.Online || !c.Response.Correction {
		t.Errorf("after the response: %+v, %+v", c, c.Response)
	}
	if _, err := cases.RecordReply(sys, c.ID, c.Version, casework.RespondInput{Explanation: "again"}); !errs.Is(errs.Conflict, err) {
		t.Errorf("a second response: %v, want a Conflict", err)
	}
	if _, err := cases.Close(sys, c.ID, c.Version-1, casework.CorrectedVoluntarily, ""); !errs.Is(errs.Conflict, err) {
		t.Errorf("closing a stale version: %v, want a Conflict", err)
	}
	c, err = cases.Close(sys, c.ID, c.Version, casework.CorrectedVoluntarily, "amendments filed")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != casework.Closed || c.Outcome != casework.CorrectedVoluntarily || len(c.Events) != 4 {
		t.Errorf("closed case = %+v", c)
	}
	for _, id := range c.FlagIDs {
		if f, err := engine.Flag(sys, id); err != nil || f.Status != compliance.StatusClosed {
			t.Errorf("flag %d after closing: %s, %v", id, f.Status, err)
		}
	}
	page, err = cases.Risks(sys, casework.RiskQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Risks {
		if r.Key == casework.TaxpayerKey(darma.ID) {
			t.Errorf("Darma is still on the risk list: %+v", r)
		}
	}
}

func TestSelfCheckCorrection(t *testing.T) {
	cases, _, w := setup(t)
	ctx := taxpayer(w.VillaOwner)
	npwp := string(w.VillaOwner.NPWP)
	r, err := cases.SelfCheck(ctx, npwp)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Flags) != 1 || r.Flags[0].Rule != compliance.OffshorePayout || len(r.Corrections) != 1 || !r.CanCorrect {
		t.Fatalf("self-check = %+v", r)
	}
	cr := r.Corrections[0]
	if cr.Period != "2026-09" || cr.Declared != 0 || cr.Base != 21_000_000*rp || r.Saving != r.PenaltyAudit-r.PenaltyVoluntary || r.Saving <= 0 {
		t.Errorf("correction = %+v, saving %s", cr, r.Saving.Display())
	}
	if _, err := cases.FileCorrection(taxpayer(w.Compliance.NetOwner), npwp, []casework.Chosen{{PropertyID: cr.PropertyID, Period: cr.Period, Base: cr.Base}}); !errs.Is(errs.Forbidden, err) {
		t.Errorf("another taxpayer files the villa owner's correction: %v, want Forbidden", err)
	}
	if _, err := cases.FileCorrection(ctx, npwp, []casework.Chosen{{PropertyID: cr.PropertyID, Period: cr.Period, Base: cr.Base - 1}}); !errs.Is(errs.Invalid, err) {
		t.Errorf("a base other than the one shown: %v, want Invalid", err)
	}
	filed, err := cases.FileCorrection(ctx, npwp, []casework.Chosen{{PropertyID: cr.PropertyID, Period: cr.Period, Base: cr.Base}})
	if err != nil {
		t.Fatal(err)
	}
	if len(filed) != 1 || filed[0].Revision != 1 || filed[0].Base != 21_000_000*rp || filed[0].Tax != 2_100_000*rp {
		t.Errorf("filed = %+v", filed)
	}
	if r, err := cases.SelfCheck(ctx, npwp); err != nil || len(r.Flags) != 0 {
		t.Errorf("self-check after the correction = %+v, %v; want nothing", r.Flags, err)
	}

	// The dashboard sees the correction: Gianyar's September is declared
	// at the third-party gross.
	d, err := cases.Dashboard(actor.With(context.Background(), actor.SystemActor("test")), "2026-08", "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Regions) != len(pbjt.Regions) {
		t.Fatalf("dashboard has %d regions", len(d.Regions))
	}
	for _, rs := range d.Regions {
		if len(rs.Cells) != 3 {
			t.Errorf("%s has %d months, want 3", rs.Regency, len(rs.Cells))
		}
		if rs.Regency == "5104" && (rs.Cells[1].ThirdParty != 21_000_000*rp || rs.Cells[1].Declared != 21_000_000*rp) {
			t.Errorf("Gianyar 2026-09 = %+v", rs.Cells[1])
		}
		if rs.Regency == "5103" && rs.Gap() == 0 {
			t.Errorf("Badung shows no gap: %+v", rs)
		}
	}
	if _, err := cases.Dashboard(ctx, "2026-08", "2026-10"); !errs.Is(errs.Forbidden, err) {
		t.Errorf("the villa owner reads the dashboard: %v, want Forbidden", err)
	}
	if _, err := cases.Dashboard(actor.With(context.Background(), actor.SystemActor("test")), "2026-10", "2026-08"); !errs.Is(errs.Invalid, err) {
		t.Errorf("a range backwards: %v, want Invalid", err)
	}
}
