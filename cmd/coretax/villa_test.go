package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/demo"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
)

const bookingSamples = "../../internal/booking/testdata"

// villaWorld loads the demo taxpayers into a database in dir and registers
// the villa owner's Villa Kembang in Ubud.
func villaWorld(t *testing.T, dir string) (owner string, propertyID int64) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	reg := registration.NewService(db.Registration(), db.Registry(), registration.OpenPolicy(), time.Now, registration.DefaultConfig())
	w, err := demo.Load(ctx, demo.Services{Registry: registry.NewService(db.Registry(), time.Now), Registration: reg})
	if err != nil {
		t.Fatal(err)
	}
	svc := pbjt.NewService(db.PBJT(), db.Registration(), newPolicy(db, time.Now), time.Now)
	owner = string(w.VillaOwner.NPWP)
	p, err := svc.RegisterProperty(actor.With(ctx, actor.SystemActor("test")), owner, pbjt.PropertyInput{Name: "Villa Kembang", Kind: "villa",
		Address: registration.AddressInput{Street: "Jl. Raya Sayan 21", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405", PostalCode: "80571"},
		Units:   []pbjt.Unit{{Name: "Villa", Rooms: 3}},
		Owners:  []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	if err != nil {
		t.Fatal(err)
	}
	return owner, p.ID
}

func TestVillaImport(t *testing.T) {
	dir := t.TempDir()
	owner, id := villaWorld(t, dir)
	args := func(file, channel string, more ...string) []string {
		return append([]string{"villa", "import", filepath.Join(bookingSamples, file), "--data", dir, "--channel", channel,
			"--property", strconv.FormatInt(id, 10), "--owner", owner, "--listing", "Villa Kembang"}, more...)
	}

	// Without a rate for USD every Kembang row is rejected: exit 1.
	code, out, errOut := run(t, nil, args("airbnb_transactions.csv", "airbnb")...)
	if code != 1 || !strings.Contains(out, `airbnb_transactions.csv:5: error: column "Currency" value "USD": no USD→IDR rate for 2026-10-07 in the rate table`) {
		t.Errorf("without rates: status %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = run(t, nil, args("airbnb_transactions.csv", "airbnb", "--rate", "USD=16250@2026-09-01")...)
	if code != 0 {
		t.Fatalf("status %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Airbnb transaction history",
		"airbnb_transactions.csv:2: skipped: a payout to the bank account",
		"airbnb_transactions.csv:5: booking ",
		"11 rows: 2 bookings (0 duplicates), 0 earlier bookings replaced, 0 rejected, 9 skipped",
		// Emma 1078.76 + Kenji 2000.00 at 16250; payout 1046.40 + 1940.00.
		"gross Rp50.029.850   commission Rp1.500.850   payout Rp48.529.000   PBJT base Rp50.029.850 (the gross; Rp1.500.850 more than the payout)",
		"  2026-10         2          Rp50.029.850           Rp1.500.850          Rp48.529.000           Rp1.500.850         0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The same file and rates: the first import, nothing stored twice.
	code, out, _ = run(t, nil, args("airbnb_transactions.csv", "airbnb", "--rate", "USD=16250@2026-09-01")...)
	if code != 0 || !strings.Contains(out, "this file was imported with the same rates") {
		t.Errorf("re-import: status %d\n%s", code, out)
	}

	// The owner's own sheet: Emma's stay is a duplicate of the Airbnb
	// record.
	code, out, _ = run(t, nil, args("generic.csv", "csv", "--rate", "USD=16250@2026-09-01")...)
	if code != 0 || !strings.Contains(out, "generic.csv:2: booking 3, a duplicate of booking 1") {
		t.Errorf("generic: status %d\n%s", code, out)
	}

	code, _, errOut = run(t, nil, args("calendar.ics", "agoda")...)
	if code != 1 || !strings.Contains(errOut, "the file reads as a iCal calendar") {
		t.Errorf("wrong channel: status %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, nil, "villa", "import", "x.csv", "--channel", "expedia", "--property", "1", "--owner", owner, "--data", dir)
	if code != 2 || !strings.Contains(errOut, "--channel \"expedia\"") {
		t.Errorf("unknown channel: status %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, nil, args("agoda_booking_report.csv", "agoda", "--rate", "USD:16250")...)
	if code != 2 || !strings.Contains(errOut, "USD=16250@2026-10-01") {
		t.Errorf("bad rate: status %d, stderr %q", code, errOut)
	}
}
