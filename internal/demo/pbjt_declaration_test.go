package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestLoadDeclarations(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	bk := pbjt.NewBookings(svc, db.PBJT())
	dc := pbjt.NewDeclarations(svc, db.PBJT(), db.PBJT())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg, PBJT: svc, Bookings: bk, Declarations: dc})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.VillaDeclarations) < 3 {
		t.Fatalf("declarations = %+v", w.VillaDeclarations)
	}
	sys := actor.With(ctx, actor.SystemActor("test"))
	ov, err := dc.Overview(sys, string(w.VillaOwner.NPWP), w.Villa.Property.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ov.Months {
		got = append(got, m.Period.String()+" "+string(m.State))
	}
	// October is late; every month before it is declared: paid, or
	// filed when it had no bookings.
	if len(got) < 2 || got[0] != "2026-10 late" || got[1] != "2026-09 filed" {
		t.Errorf("months = %v", got)
	}
	for _, m := range ov.Months[1:] {
		if m.State != pbjt.Paid && !(m.State == pbjt.Filed && m.Total.Bookings == 0) {
			t.Errorf("%s: %s with %d bookings", m.Period, m.State, m.Total.Bookings)
		}
	}
	oct := ov.Months[0].Account
	if len(oct.Revisions) != 2 || !oct.Original().Late || oct.Original().Base != ov.Months[0].Total.Payout || oct.Current().Base != ov.Months[0].Total.Base ||
		len(oct.Payments) != 1 || oct.TaxUnpaid != oct.Current().Tax-oct.Original().Tax || oct.Interest == 0 || oct.Outstanding == 0 {
		t.Errorf("October = %+v", oct)
	}
	notes := strings.Join(w.Notes("http://x"), "\n")
	if !strings.Contains(notes, "villa declare --property") {
		t.Errorf("notes lack the declarations: %s", notes)
	}
}
