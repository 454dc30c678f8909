package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// The villa owner's 2026 passes the Rp 500 million exemption in July:
// the months before are exempt, July pays on the excess only.
func TestDemoIncomeTax(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	it := pbjt.NewIncomeTaxes(svc, db.PBJT(), db.PBJT(), nil)
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg, PBJT: svc,
		Bookings: pbjt.NewBookings(svc, db.PBJT()), IncomeTax: it})
	if err != nil {
		t.Fatal(err)
	}
	v, err := it.View(actor.With(ctx, actor.SystemActor("test")), string(w.VillaOwner.NPWP), 2026)
	if err != nil {
		t.Fatal(err)
	}
	o := v.Option(pbjt.RegimeUMKM)
	if !o.Available || v.Leading != pbjt.RegimeUMKM || !v.Contested || v.Applied != "" {
		t.Fatalf("PP 55/2022 available %t, leading %q, contested %t, applied %q: %+v", o.Available, v.Leading, v.Contested, v.Applied, o.Checks)
	}
	limit := 500_000_000 * money.Rupiah
	crossed := ""
	for _, m := range o.Months {
		switch {
		case m.Cumulative <= limit && m.Tax != 0:
			t.Errorf("%s within the exemption pays %s", m.Period, m.Tax.Display())
		case m.Cumulative > limit && m.Cumulative-m.Turnover < limit:
			crossed = m.Period.String()
			if m.Base != m.Cumulative-limit || m.Exempt == 0 {
				t.Errorf("%s: base %s exempt %s, want the excess over Rp 500 million only", m.Period, m.Base.Display(), m.Exempt.Display())
			}
		}
	}
	if crossed != "2026-07" || v.Turnover <= limit {
		t.Errorf("crossed in %q with turnover %s, want 2026-07", crossed, v.Turnover.Display())
	}
	// The stated expenses put normal income tax beside PP 55/2022.
	n := v.Option(pbjt.RegimeNormal)
	if !n.Computed || n.Tax <= 0 || v.Expenses == nil || v.Expenses.PTKP != "K/1" || len(v.Expenses.Lines) != 6 {
		t.Errorf("normal income tax computed %t tax %s expenses %+v", n.Computed, n.Tax.Display(), v.Expenses)
	}
	// Rp 732,972,350 − Rp 321,750,000 − PTKP K/1 Rp 63,000,000 =
	// Rp 348,222,350, rounded down to 348,222,000: 3 M + 28.5 M + 25 % ×
	// 98,222,000 = Rp 56,055,500.
	if v.Turnover != 732_972_350*money.Rupiah || n.Tax != 56_055_500*money.Rupiah {
		t.Errorf("turnover %s normal income tax %s, want Rp732.972.350 and Rp56.055.500", v.Turnover.Display(), n.Tax.Display())
	}
}
