package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
)

// Compliance is what the compliance part of the demo loaded: two more
// villa owners with their properties and declarations, the third-party
// feeds, and the run of the matching job.
type Compliance struct {
	// NetOwner declares the payout instead of the gross; WrongRegency
	// declares to Badung for a villa its listing places in Tabanan.
	NetOwner, WrongRegency      registration.Taxpayer
	NetVilla, WrongRegencyVilla pbjt.Property
	Batches                     []compliance.Batch
	Run                         compliance.Run
}

// The demo's third-party sources.
const (
	AirbnbFeed  = "Airbnb PJAP feed 01"
	BookingFeed = "Booking.com feed BALI-7"
	LedgerFeed  = "Bookkeeping platform feed (PJAP) 3"
	// UndeclaredListing is the Airbnb listing of the villa in Canggu
	// that no one registered.
	UndeclaredListing = "ABB-88213"
)

// UndeclaredSubject is the subject of the undeclared villa in Canggu's
// flag: its Airbnb and Booking.com listings share the district and the
// street, so they are one place (doc/compliance.md, "Listings of one
// place").
var UndeclaredSubject = compliance.PlaceSubject("510306", "listing:"+AirbnbFeed+":"+UndeclaredListing)

// compliancePeople are the registry rows of the two villa owners the
// compliance part adds (imported as an office would, doc/registries.md).
const compliancePeople = `nik,name,birth_date,sex,street,province_code,regency_code,district_code
5103011507800003,I NYOMAN DARMA,1980-07-15,M,Jl. Kayu Aya No. 12,51,5103,510301
5103025203850002,NI MADE SARI,1985-03-12,F,Jl. Raya Kapal No. 40,51,5103,510302
`

// feedRow is one third-party record in the demo's terms.
type feedRow struct {
	source, id, corrects                   string
	listing, name, street, district, npwpd string
	host, nik, npwp                        string
	in, out                                string
	gross, commission, payout              string
	payee, country                         string
}

func (r feedRow) input() compliance.RecordInput {
	return compliance.RecordInput{FeedID: r.id, Corrects: r.corrects, ListingID: r.listing, ListingName: r.name, Street: r.street,
		DistrictCode: r.district, NPWPD: r.npwpd, HostName: r.host, HostNIK: r.nik, HostNPWP: r.npwp, CheckIn: r.in, CheckOut: r.out,
		GrossIDR: r.gross, CommissionIDR: r.commission, PayoutIDR: r.payout, PayeeName: r.payee, PayoutCountry: r.country}
}

// loadCompliance registers I Nyoman Darma's Villa Darma in Seminyak
// (Badung), declared on the payouts for August to October 2026, and Ni
// Made Sari's Villa Sari, registered in Mengwi (Badung) and declared
// there on the gross while the platforms place its listing in Kediri
// (Tabanan); declares Villa Kembang's October on its gross when nobody has
// yet; ingests the feeds of Airbnb and Booking.com (with an undeclared
// villa in Canggu, paid out to Australia, and one corrected record) and a
// bookkeeping feed with a fee the company claims without a withholding
// slip; and runs the matching job.
func loadCompliance(ctx context.Context, s Services, w *World) error {
	if _, err := s.Registry.Import(ctx, registry.KindPopulation, registry.CSV, strings.NewReader(compliancePeople)); err != nil {
		return fmt.Errorf("demo: import the villa owners' population records: %w", err)
	}
	c := &Compliance{}
	var err error
	step := func(what string, f func() error) {
		if err == nil {
			if e := f(); e != nil {
				err = fmt.Errorf("demo: %s: %w", what, e)
			}
		}
	}
	step("register I Nyoman Darma", func() (e error) {
		c.NetOwner, e = s.Registration.Register(ctx, registration.Application{Kind: string(registration.ResidentIndividual), Name: "I Nyoman Darma",
			NIK: "5103011507800003", Address: registration.AddressInput{Street: "Jl. Kayu Aya No. 12", ProvinceCode: "51", RegencyCode: "5103",
				DistrictCode: "510301", PostalCode: "80361"}, Email: "nyoman.darma@villa.example", Mobile: "0813 3855 2014"})
		return e
	})
	step("register Ni Made Sari", func() (e error) {
		c.WrongRegency, e = s.Registration.Register(ctx, registration.Application{Kind: string(registration.ResidentIndividual), Name: "Ni Made Sari",
			NIK: "5103025203850002", Address: registration.AddressInput{Street: "Jl. Raya Kapal No. 40", ProvinceCode: "51", RegencyCode: "5103",
				DistrictCode: "510302", PostalCode: "80351"}, Email: "made.sari@villa.example", Mobile: "0819 1602 7731"})
		return e
	})
	since := time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)
	step("register Villa Darma", func() (e error) {
		owner := string(c.NetOwner.NPWP)
		c.NetVilla, e = s.PBJT.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Darma Seminyak", Kind: "villa", NPWPD: "P.2.0021873.03.03",
			Address: registration.AddressInput{Street: "Jl. Kayu Aya Gg. Puri No. 7, Seminyak", ProvinceCode: "51", RegencyCode: "5103",
				DistrictCode: "510301", PostalCode: "80361"},
			Units:  []pbjt.Unit{{Name: "Villa Darma", Rooms: 2}},
			Owners: []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: since}}})
		return e
	})
	step("register Villa Sari", func() (e error) {
		owner := string(c.WrongRegency.NPWP)
		c.WrongRegencyVilla, e = s.PBJT.RegisterProperty(ctx, owner, pbjt.PropertyInput{Name: "Villa Sari", Kind: "villa", NPWPD: "P.2.0034410.03.02",
			Address: registration.AddressInput{Street: "Jl. Raya Munggu, Banjar Munggu", ProvinceCode: "51", RegencyCode: "5103",
				DistrictCode: "510302", PostalCode: "80351"},
			Units:  []pbjt.Unit{{Name: "Villa Sari", Rooms: 3}},
			Owners: []pbjt.OwnerInput{{NPWP: owner, Share: pbjt.WholeShare, From: since}}})
		return e
	})
	// The declarations, each filed on the 15th of the following month.
	filed := func(month string) time.Time {
		t, _ := time.Parse("2006-01", month)
		return t.AddDate(0, 1, 14).Add(2 * time.Hour)
	}
	for _, d := range []struct {
		owner    *registration.Taxpayer
		property *pbjt.Property
		month    string
		base     string
		reason   string
	}{
		{&c.NetOwner, &c.NetVilla, "2026-08", "42500000", "payouts received from Airbnb and Booking.com"},
		{&c.NetOwner, &c.NetVilla, "2026-09", "34000000", "payouts received from Airbnb and Booking.com"},
		{&c.NetOwner, &c.NetVilla, "2026-10", "46750000", "payouts received from Airbnb and Booking.com"},
		{&c.WrongRegency, &c.WrongRegencyVilla, "2026-09", "36000000", "guest prices of the month's bookings"},
		{&c.WrongRegency, &c.WrongRegencyVilla, "2026-10", "48000000", "guest prices of the month's bookings"},
	} {
		step("declare "+d.month+" of "+d.property.Name, func() error {
			_, e := s.Declarations.FileAt(ctx, string(d.owner.NPWP), d.property.ID, pbjt.DeclarationInput{Month: d.month, Base: d.base, Reason: d.reason}, filed(d.month))
			return e
		})
	}
	step("declare October of Villa Kembang", func() error {
		owner := string(w.VillaOwner.NPWP)
		_, e := s.Declarations.Revision(ctx, owner, w.Villa.Property.ID, "2026-10", 0)
		if errs.Is(errs.NotFound, e) {
			_, e = s.Declarations.FileAt(ctx, owner, w.Villa.Property.ID, pbjt.DeclarationInput{Month: "2026-10"}, filed("2026-10"))
		}
		return e
	})
	if err != nil {
		return err
	}
	darmaNIK, sariNPWP, kembangNIK := "5103011507800003", string(c.WrongRegency.NPWP), string(w.VillaOwner.NIK)
	darma := func(src, id, in, out, g, cm, p string) feedRow {
		listing := "AIR-5521907"
		if src == BookingFeed {
			listing = "BDC-1188042"
		}
		return feedRow{source: src, id: id, listing: listing, name: "Villa Darma Seminyak", street: "Jl. Kayu Aya Gg. Puri No. 7, Seminyak",
			district: "510301", npwpd: "P.2.0021873.03.03", host: "I Nyoman Darma", nik: darmaNIK, in: in, out: out,
			gross: g, commission: cm, payout: p, payee: "I NYOMAN DARMA", country: "IDN"}
	}
	sari := func(src, id, in, out, g, cm, p string) feedRow {
		listing := "AIR-6630218"
		if src == BookingFeed {
			listing = "BDC-1190377"
		}
		return feedRow{source: src, id: id, listing: listing, name: "Villa Sari", street: "Jl. Pantai Nyanyi, Beraban",
			district: "510206", host: "Ni Made Sari", npwp: sariNPWP, in: in, out: out, gross: g, commission: cm, payout: p,
			payee: "NI MADE SARI", country: "IDN"}
	}
	canggu := func(src, id, in, out, g, cm, p string) feedRow {
		listing := UndeclaredListing
		if src == BookingFeed {
			listing = "BDC-1201955"
		}
		return feedRow{source: src, id: id, listing: listing, name: "Villa Batu Bolong · 4BR with Rice Field View, Canggu",
			street: "Jl. Pantai Batu Bolong Gg. Nelayan, Canggu", district: "510306", host: "Sarah Mitchell", in: in, out: out,
			gross: g, commission: cm, payout: p, payee: "S MITCHELL", country: "AUS"}
	}
	kembang := func(id, in, out, g, cm, p string) feedRow {
		return feedRow{source: AirbnbFeed, id: id, listing: "AIR-4410735", name: "Villa Kembang", street: "Jl. Raya Sayan, Banjar Kutuh",
			district: "510405", host: "I Ketut Sudarma", nik: kembangNIK, in: in, out: out, gross: g, commission: cm, payout: p,
			payee: "I KETUT SUDARMA", country: "IDN"}
	}
	airbnb := []feedRow{
		darma(AirbnbFeed, "HMD2026-0801", "2026-08-02", "2026-08-09", "18000000", "2700000", "15300000"),
		darma(AirbnbFeed, "HMD2026-0802", "2026-08-14", "2026-08-20", "12000000", "1800000", "10200000"),
		darma(AirbnbFeed, "HMD2026-0901", "2026-09-03", "2026-09-10", "24000000", "3600000", "20400000"),
		darma(AirbnbFeed, "HMD2026-1001", "2026-10-01", "2026-10-08", "35000000", "5250000", "29750000"),
		sari(AirbnbFeed, "HMS2026-0901", "2026-09-05", "2026-09-12", "36000000", "5400000", "30600000"),
		sari(AirbnbFeed, "HMS2026-1001", "2026-10-10", "2026-10-18", "48000000", "7200000", "40800000"),
		canggu(AirbnbFeed, "HMC2026-0801", "2026-08-01", "2026-08-11", "62000000", "9300000", "52700000"),
		canggu(AirbnbFeed, "HMC2026-0802", "2026-08-15", "2026-08-29", "84000000", "12600000", "71400000"),
		canggu(AirbnbFeed, "HMC2026-0901", "2026-09-02", "2026-09-16", "80000000", "12000000", "68000000"),
		canggu(AirbnbFeed, "HMC2026-1001", "2026-10-04", "2026-10-20", "96000000", "14400000", "81600000"),
		kembang("HMQ4K2Z8TA", "2026-10-03", "2026-10-07", "17529850", "525850", "17004000"),
		kembang("HMT2RZ9VXF", "2026-10-20", "2026-10-27", "32500000", "975000", "31525000"),
	}
	// The Airbnb feed corrects the last Canggu stay: the guest left two
	// nights early and was refunded part of the price.
	fix := canggu(AirbnbFeed, "HMC2026-1001-R1", "2026-10-04", "2026-10-18", "84000000", "12600000", "71400000")
	fix.corrects = "HMC2026-1001"
	bookingcom := []feedRow{
		darma(BookingFeed, "4471829301", "2026-08-22", "2026-08-27", "20000000", "3000000", "17000000"),
		darma(BookingFeed, "4471830442", "2026-09-18", "2026-09-24", "16000000", "2400000", "13600000"),
		darma(BookingFeed, "4471831987", "2026-10-12", "2026-10-19", "20000000", "3000000", "17000000"),
		canggu(BookingFeed, "4471902213", "2026-09-20", "2026-09-27", "42000000", "6300000", "35700000"),
		canggu(BookingFeed, "4471903570", "2026-10-22", "2026-10-30", "48000000", "7200000", "40800000"),
	}
	ledger := []compliance.RecordInput{
		{FeedID: "GL-2026-10-0412", Kind: compliance.KindExpenseClaim, HostNPWP: string(w.Company.NPWP), PayeeID: string(w.Designer.NIK),
			PayeeName: "Ni Luh Putu Ayu Lestari", Month: "2026-10", GrossIDR: "25000000", ListingName: "design of the villas' new website"},
	}
	for _, d := range []struct {
		source string
		rows   []compliance.RecordInput
	}{
		{AirbnbFeed, inputs(airbnb)},
		{BookingFeed, inputs(bookingcom)},
		{AirbnbFeed, inputs([]feedRow{fix})},
		{LedgerFeed, ledger},
	} {
		b, e := s.Compliance.Ingest(ctx, compliance.Delivery{Source: d.source, Channel: "api", Inputs: d.rows})
		if e != nil {
			return fmt.Errorf("demo: ingest %s: %w", d.source, e)
		}
		for _, r := range b.Results {
			if r.Rejected() {
				return fmt.Errorf("demo: ingest %s row %d: %s %q: %s", d.source, r.Row, r.Field, r.Value, r.Message)
			}
		}
		c.Batches = append(c.Batches, b)
	}
	if c.Run, err = s.Compliance.Match(ctx); err != nil {
		return fmt.Errorf("demo: run the matching job: %w", err)
	}
	w.Compliance = c
	return nil
}

func inputs(rows []feedRow) []compliance.RecordInput {
	out := make([]compliance.RecordInput, len(rows))
	for i, r := range rows {
		out[i] = r.input()
	}
	return out
}
