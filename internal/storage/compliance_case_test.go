package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

// insertFlag stores a flag of run 1 as the engine would.
func insertFlag(t *testing.T, db *storage.DB, rule compliance.Rule, taxpayerID int64, npwp, subject, regency string, confidence int, shortfall, vol, aud money.Amount) int64 {
	t.Helper()
	var tp any
	if taxpayerID != 0 {
		tp = taxpayerID
	}
	var id int64
	err := db.SQL().QueryRowContext(context.Background(), `INSERT INTO compliance_flags (run_id, rule, taxpayer_id, property_id, npwp, subject,
		regency_code, period_from, period_to, confidence, shortfall_sen, penalty_voluntary_sen, penalty_audit_sen, evidence, periods,
		explanation, status, created_at) VALUES (1, $1, $2, NULL, $3, $4, $5, '2026-07', '2026-09', $6, $7, $8, $9, '[]', '[]', 'test', 'open', $10)
		RETURNING id`, string(rule), tp, npwp, subject, regency, confidence, shortfall.Sen(), vol.Sen(), aud.Sen(), t1).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestComplianceCases(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
		w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
		if err != nil {
			t.Fatal(err)
		}
		owner := w.VillaOwner
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO compliance_runs (status, started_by, created_at) VALUES ('finished', 'system:test', $1)`, t1); err != nil {
			t.Fatal(err)
		}
		rp := money.Rupiah
		f1 := insertFlag(t, db, compliance.NetInsteadOfGross, owner.ID, string(owner.NPWP), "property:1", "5104", 90, 3_000_000*rp, 3_000_000*rp, 4_000_000*rp)
		f2 := insertFlag(t, db, compliance.OffshorePayout, owner.ID, string(owner.NPWP), "property:1", "5104", 50, 1_000_000*rp, 0, 2_000_000*rp)
		f3 := insertFlag(t, db, compliance.UndeclaredProperty, 0, "", "listing:airbnb:77", "5103", 80, 20_000_000*rp, 0, 30_000_000*rp)
		s := db.Cases()

		// Risks: the listing (0.8 × 50m = 40m) before the owner
		// (0.9 × 7m + 0.5 × 3m = 7.8m).
		rs, more, err := s.Risks(ctx, casework.RiskQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		want := []casework.Risk{
			{Key: "listing:airbnb:77", Regency: "5103", Flags: 1, MaxConfidence: 80, Rules: []compliance.Rule{compliance.UndeclaredProperty},
				Shortfall: 20_000_000 * rp, PenaltyAudit: 30_000_000 * rp, ExpectedRecovery: 40_000_000 * rp},
			{Key: casework.TaxpayerKey(owner.ID), TaxpayerID: owner.ID, NPWP: string(owner.NPWP), Regency: "5104", Flags: 2, MaxConfidence: 90,
				Rules: []compliance.Rule{compliance.NetInsteadOfGross, compliance.OffshorePayout}, Shortfall: 4_000_000 * rp,
				PenaltyVoluntary: 3_000_000 * rp, PenaltyAudit: 6_000_000 * rp, ExpectedRecovery: 7_800_000 * rp},
		}
		if diff := cmp.Diff(want, rs); diff != "" || more {
			t.Errorf("risks (-want +got), more %v:\n%s", more, diff)
		}
		if rs, more, err := s.Risks(ctx, casework.RiskQuery{Regency: "5104", Rule: compliance.OffshorePayout, Limit: 1}); err != nil || more || len(rs) != 1 || rs[0].Flags != 1 {
			t.Errorf("filtered risks = %+v, %v, %v; want the owner with one flag", rs, more, err)
		}
		if ids, err := s.OpenFlagIDs(ctx, casework.TaxpayerKey(owner.ID)); err != nil || !cmp.Equal(ids, []int64{f1, f2}) {
			t.Errorf("open flags = %v, %v; want [%d %d]", ids, err, f1, f2)
		}

		entry := audit.Entry{At: t1, Actor: "officer:budi", Action: "compliance.case.open"}
		ev := casework.Event{At: t1, Actor: "officer:budi", Action: "open", Detail: "opened"}
		c := casework.Case{Key: casework.TaxpayerKey(owner.ID), TaxpayerID: owner.ID, NPWP: string(owner.NPWP), Name: owner.Name, Regency: "5104",
			AssignedTo: "budi", FlagIDs: []int64{f1, f2}, Rules: []compliance.Rule{compliance.NetInsteadOfGross, compliance.OffshorePayout},
			Shortfall: 4_000_000 * rp, PenaltyVoluntary: 3_000_000 * rp, PenaltyAudit: 6_000_000 * rp, ExpectedRecovery: 7_800_000 * rp,
			OpenedBy: "officer:budi", OpenedAt: t1, UpdatedAt: t1}
		if err := s.CreateCase(ctx, &c, ev, entry); err != nil {
			t.Fatal(err)
		}
		again := c
		if err := s.CreateCase(ctx, &again, ev, entry); !errs.Is(errs.Conflict, err) {
			t.Errorf("second case of the subject: %v, want a Conflict", err)
		}
		l := casework.Case{Key: "listing:airbnb:77", Name: "listing:airbnb:77", Regency: "5103", FlagIDs: []int64{f3},
			ExpectedRecovery: 40_000_000 * rp, OpenedBy: "officer:budi", OpenedAt: t1, UpdatedAt: t1}
		if err := s.CreateCase(ctx, &l, ev, entry); err != nil {
			t.Fatal(err)
		}
		page, more, err := s.Cases(ctx, casework.CaseQuery{Limit: 1})
		if err != nil || !more || len(page) != 1 || page[0].ID != l.ID {
			t.Fatalf("first page = %+v, more %v, %v; want the listing's case first", page, more, err)
		}
		page, _, err = s.Cases(ctx, casework.CaseQuery{Rule: compliance.OffshorePayout})
		if err != nil || len(page) != 1 || page[0].ID != c.ID || !cmp.Equal(page[0].FlagIDs, []int64{f1, f2}) {
			t.Fatalf("cases with offshore flags = %+v, %v", page, err)
		}

		// Assign against a stale version is a Conflict.
		at := t1.Add(time.Hour)
		if err := s.Assign(ctx, c.ID, 7, "wayan", casework.Event{At: at}, audit.Entry{At: at, Action: "compliance.case.assign"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("stale assign: %v, want a Conflict", err)
		}
		if err := s.Assign(ctx, c.ID, 1, "wayan", casework.Event{At: at, Action: "assign"}, audit.Entry{At: at, Action: "compliance.case.assign"}); err != nil {
			t.Fatal(err)
		}

		// The letter takes its number from the region's counter and
		// queues its notification.
		letter := casework.Letter{CaseID: c.ID, Office: "Bapenda Gianyar", Regency: "5104", TaxpayerID: owner.ID, TaxpayerName: owner.Name,
			NPWP: string(owner.NPWP), IssuedAt: at, ResponseDays: 14, DueOn: casework.DueOn(at, 14),
			Findings: []casework.Finding{{FlagID: f1, Rule: compliance.NetInsteadOfGross, Periods: "2026-07 to 2026-09", Evidence: []string{"record 1"}, Shortfall: 3_000_000 * rp}}}
		m := &notify.Message{Channel: notify.Email, To: "owner@example.id", Purpose: "compliance_letter", TaxpayerID: owner.ID, CreatedAt: at}
		text := func(l *casework.Letter) (string, string) { return "Letter " + l.Number, "see " + l.Number }
		if err := s.SendLetter(ctx, 2, &letter, m, text, casework.Event{At: at, Action: "letter"}, audit.Entry{At: at, Action: "compliance.case.letter"}); err != nil {
			t.Fatal(err)
		}
		if letter.Number != "SP2DK-000001/5104/2026" || letter.OutboxID == 0 || m.Subject != "Letter SP2DK-000001/5104/2026" {
			t.Errorf("letter %q, outbox %d, subject %q", letter.Number, letter.OutboxID, m.Subject)
		}
		again2 := letter
		if err := s.SendLetter(ctx, 3, &again2, nil, text, casework.Event{At: at}, audit.Entry{At: at, Action: "compliance.case.letter"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("second letter: %v, want a Conflict", err)
		}
		r := casework.Response{CaseID: c.ID, Channel: casework.Online, Explanation: "I declared the payout; I will correct.", Correction: true, ReceivedAt: at, RecordedBy: "taxpayer:x"}
		if err := s.Respond(ctx, 0, &r, casework.Event{At: at, Action: "response"}, audit.Entry{At: at, Action: "compliance.case.response"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Respond(ctx, 0, &r, casework.Event{At: at}, audit.Entry{At: at, Action: "compliance.case.response"}); !errs.Is(errs.Conflict, err) {
			t.Errorf("second response: %v, want a Conflict", err)
		}
		if err := s.Close(ctx, c.ID, 4, casework.CorrectedVoluntarily, at, casework.Event{At: at, Action: "close"}, audit.Entry{At: at, Action: "compliance.case.close"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != casework.Closed || got.Outcome != casework.CorrectedVoluntarily || got.AssignedTo != "wayan" || got.Version != 5 ||
			!got.ClosedAt.Equal(at) || len(got.Events) != 5 {
			t.Errorf("closed case = %+v", got)
		}
		if got.Letter == nil || got.Letter.Number != letter.Number || len(got.Letter.Findings) != 1 || !got.Letter.DueOn.Equal(letter.DueOn) ||
			got.Letter.Findings[0].Shortfall != 3_000_000*rp {
			t.Errorf("stored letter = %+v", got.Letter)
		}
		if got.Response == nil || got.Response.Explanation != r.Explanation || !got.Response.Correction {
			t.Errorf("stored response = %+v", got.Response)
		}
		// Closing closed the case's flags: the owner leaves the risk list.
		rs, _, err = s.Risks(ctx, casework.RiskQuery{})
		if err != nil || len(rs) != 1 || rs[0].Key != "listing:airbnb:77" || rs[0].CaseID != l.ID {
			t.Errorf("risks after closing = %+v, %v", rs, err)
		}
		if id, err := s.ActiveCase(ctx, "listing:airbnb:77"); err != nil || id != l.ID {
			t.Errorf("active case of the listing = %d, %v; want %d", id, err, l.ID)
		}
		if id, err := s.ActiveCase(ctx, casework.TaxpayerKey(owner.ID)); err != nil || id != 0 {
			t.Errorf("active case of the owner after closing = %d, %v; want none", id, err)
		}
		mine, err := s.CasesOf(ctx, owner.ID)
		if err != nil || len(mine) != 1 || mine[0].ID != c.ID || mine[0].Letter == nil {
			t.Errorf("owner's cases = %+v, %v", mine, err)
		}
		if _, err := s.Case(ctx, 999); !errs.Is(errs.NotFound, err) {
			t.Errorf("case 999: %v, want NotFound", err)
		}
	})
}

func TestComplianceDashboardTotals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := actor.With(context.Background(), actor.SystemActor("test"))
		engine := compliance.NewService(db.Compliance(), db.PBJT(), db.Registration(), registration.OpenPolicy(), func() time.Time { return t1 }, compliance.Config{})
		stay := func(id, in, out, gross string) compliance.RecordInput {
			return compliance.RecordInput{FeedID: id, ListingID: "L-1", ListingName: "Villa Satu", Street: "Jl. Pantai Berawa 34", DistrictCode: "510302",
				HostName: "Host", CheckIn: in, CheckOut: out, GrossIDR: gross, CommissionIDR: "0", PayoutIDR: gross, PayeeName: "Host", PayoutCountry: "IDN"}
		}
		fix := stay("A-2R", "2026-09-01", "2026-09-03", "4000000")
		fix.Corrects = "A-2"
		for _, d := range []compliance.Delivery{
			{Source: "feed A", Channel: "api", Inputs: []compliance.RecordInput{stay("A-1", "2026-09-01", "2026-09-05", "10000000"), stay("A-2", "2026-09-10", "2026-09-12", "5000000")}},
			{Source: "feed B", Channel: "api", Inputs: []compliance.RecordInput{stay("B-1", "2026-09-01", "2026-09-05", "12000000"), stay("B-2", "2026-10-01", "2026-10-05", "7000000")}},
			{Source: "feed A", Channel: "api", Inputs: []compliance.RecordInput{fix}},
		} {
			b, err := engine.Ingest(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range b.Results {
				if r.Rejected() {
					t.Fatalf("row %d: %s %q: %s", r.Row, r.Field, r.Value, r.Message)
				}
			}
		}
		got, err := db.Cases().SourceTotals(ctx, "2026-09", "2026-10")
		if err != nil {
			t.Fatal(err)
		}
		rp := money.Rupiah
		// A-2 is replaced by its correction A-2R.
		want := []casework.SourceTotal{
			{Regency: "5103", Period: "2026-09", Source: "feed A", Gross: 14_000_000 * rp, Records: 2},
			{Regency: "5103", Period: "2026-09", Source: "feed B", Gross: 12_000_000 * rp, Records: 1},
			{Regency: "5103", Period: "2026-10", Source: "feed B", Gross: 7_000_000 * rp, Records: 1},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("source totals (-want +got):\n%s", diff)
		}
		if got, err := db.Cases().SourceTotals(ctx, "2026-11", "2026-12"); err != nil || len(got) != 0 {
			t.Errorf("totals of months without records = %+v, %v", got, err)
		}
		if got, err := db.Cases().DeclaredTotals(ctx, "2026-09", "2026-10"); err != nil || len(got) != 0 {
			t.Errorf("declared totals without declarations = %+v, %v", got, err)
		}
		if got, err := db.Cases().Declarations(ctx, 1); err != nil || len(got) != 0 {
			t.Errorf("declarations of a taxpayer without any = %+v, %v", got, err)
		}
	})
}
