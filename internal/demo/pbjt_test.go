package demo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// The demo's copies of the sample exports stay identical to the booking
// package's.
func TestBookingSamplesMatch(t *testing.T) {
	names, err := filepath.Glob("../booking/testdata/*")
	if err != nil || len(names) == 0 {
		t.Fatalf("samples: %v %v", names, err)
	}
	for _, n := range names {
		want, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("bookings", filepath.Base(n)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("bookings/%s differs from %s (%v): copy it again", filepath.Base(n), n, err)
		}
	}
}

func TestLoadVilla(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC) }
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), now, registration.DefaultConfig())
	policy := roles.NewPolicy(db.Roles(), db.Registry(), now, roles.DefaultRules().Merge(pbjt.Rules()))
	svc := pbjt.NewService(db.PBJT(), db.Registration(), policy, now)
	bk := pbjt.NewBookings(svc, db.PBJT())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), now), Registration: reg, PBJT: svc, Bookings: bk})
	if err != nil {
		t.Fatal(err)
	}
	v := w.Villa
	if v == nil || v.Property.RegencyCode != "5104" || len(v.Imports) != 4 {
		t.Fatalf("villa = %+v", v)
	}
	for _, j := range v.Imports {
		if j.Rejected != 0 || j.Created == 0 {
			t.Errorf("import %s: %d rejected, %d created", j.FileName, j.Rejected, j.Created)
		}
	}
	page, err := bk.List(actor.With(ctx, actor.SystemActor("test")), string(w.VillaOwner.NPWP), v.Property.ID, pbjt.BookingQuery{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Months) != 1 || page.Months[0].Bookings != 3 || page.Months[0].Base == page.Months[0].Payout {
		t.Errorf("October = %+v", page.Months)
	}
	if notes := w.Notes("http://x"); !bytes.Contains([]byte(notes[len(notes)-1]), []byte("villa import")) {
		t.Errorf("last note = %q", notes[len(notes)-1])
	}
}
