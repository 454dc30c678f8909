package ebupot_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

// unifiedSlips are slips of the three types with their own bulk formats
// beside the PPh 21/26 ones: a BPA2, BPPUs and BPNRs.
func unifiedSlips() map[objectcode.SlipType][]ebupot.Slip {
	place := withholder + "000000"
	d := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	return map[objectcode.SlipType][]ebupot.Slip{
		objectcode.BPA2: {{Type: objectcode.BPA2, Period: ebupot.Period{2026, 12}, MonthStart: 1, MonthEnd: 12, ObjectCode: "21-100-01", Facility: ebupot.NoFacility,
			Recipient: ebupot.Recipient{TIN: "5171031204900003", Kind: objectcode.PermanentEmployee, Status: "K/2", Position: "Analis Pariwisata", NIP: "199004122015031002", Rank: "III/c"},
			Gross:     96_000_000_00, PlaceNITKU: place, WithholdingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
			Explanation: ebupot.Explanation{Steps: []pph21.Step{{Label: "less employee pension, JHT and THT contributions", Amount: 3_840_000_00}}}},
			// Left in June: no NIP, position nor rank.
			{Type: objectcode.BPA2, Period: ebupot.Period{2026, 6}, MonthStart: 1, MonthEnd: 6, ObjectCode: "21-100-01", Facility: ebupot.NoFacility,
				Recipient: ebupot.Recipient{TIN: "5171016308950002", Kind: objectcode.PermanentEmployee, Status: "TK/0"},
				Gross:     30_000_000_00, PlaceNITKU: place, WithholdingDate: d}},
		objectcode.BPPU: {{Type: objectcode.BPPU, Period: ebupot.Period{2026, 6}, ObjectCode: "24-104-03", Facility: ebupot.NoFacility,
			Recipient: ebupot.Recipient{TIN: "5171016308950002", Kind: objectcode.Resident, NITKU: "5171016308950002000000"},
			Gross:     25_000_000_00, Deemed: 10000, Rate: 200, Document: "CommercialInvoice", DocumentNumber: "INV/2026/061", DocumentDate: d,
			Treasurer: ebupot.NoTreasurer, PlaceNITKU: place, WithholdingDate: d},
			{Type: objectcode.BPPU, Period: ebupot.Period{2026, 6}, ObjectCode: "28-403-02", Facility: ebupot.NoFacility,
				Recipient: ebupot.Recipient{TIN: "5104050502680001", Kind: objectcode.Resident, NITKU: "5104050502680001000001"},
				Gross:     120_000_000_00, Deemed: 10000, Rate: 1000, Document: "Contract", DocumentNumber: "SEWA/2026/01", DocumentDate: d,
				Treasurer: ebupot.Direct, SP2D: "SP2D-00017/2026", PlaceNITKU: place, WithholdingDate: d}},
		objectcode.BPNR: {{Type: objectcode.BPNR, Period: ebupot.Period{2026, 6}, ObjectCode: "27-103-01", Facility: ebupot.COD, FacilityRef: "DGT-NL-2026-0042",
			Recipient: ebupot.Recipient{TIN: "NL859201547B01", Kind: objectcode.NonResident, Name: "Villa Brands B.V.", Country: "NLD", Address: "Keizersgracht 100, Amsterdam"},
			Gross:     50_000_000_00, Deemed: 10000, Rate: 1000, Document: "Contract", DocumentNumber: "LIC/2026/NL", DocumentDate: d, PlaceNITKU: place, WithholdingDate: d},
			{Type: objectcode.BPNR, Period: ebupot.Period{2026, 6}, ObjectCode: "27-100-05", Facility: ebupot.NoFacility,
				Recipient: ebupot.Recipient{TIN: "A123456", Kind: objectcode.NonResident, Name: "John Smith", Country: "AUS", Address: "1 George St, Sydney",
					BirthDate: time.Date(1970, 3, 1, 0, 0, 0, 0, time.UTC), BirthCity: "Sydney", Passport: "PA998877", Kitas: "2C11AB1234"},
				Gross: 800_000_000_00, Deemed: 2500, Rate: 2000, Document: "DeedofEngangement", DocumentNumber: "AJB-12/2026", DocumentDate: d, PlaceNITKU: place, WithholdingDate: d}},
	}
}

// TestXMLRoundTripUnified: the A2, Bpu and BPNR files ExportXML writes
// ImportXML reads back to the inputs the slips state.
func TestXMLRoundTripUnified(t *testing.T) {
	for typ, slips := range unifiedSlips() {
		var b bytes.Buffer
		if err := ebupot.ExportXML(&b, typ, withholder, slips); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		im, err := ebupot.ImportXML(&b)
		if err != nil {
			t.Fatalf("%s: %v\n%s\n%s", typ, err, fields(err), b.String())
		}
		if im.Type != typ || im.TIN != withholder || len(im.Rows) != len(slips) {
			t.Fatalf("%s: read %s %s with %d rows", typ, im.Type, im.TIN, len(im.Rows))
		}
		for i, r := range im.Rows {
			if len(r.Problems) > 0 {
				t.Errorf("%s row %d: %+v", typ, r.Row, r.Problems)
			}
			if diff := cmp.Diff(ebupot.InputOf(&slips[i]), r.Input); diff != "" {
				t.Errorf("%s row %d (-exported +imported):\n%s", typ, r.Row, diff)
			}
		}
	}
}

func (f *fixture) bppu(code string, gross money.Amount, tin, doc string) ebupot.Input {
	d := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	return ebupot.Input{Type: objectcode.BPPU, Year: 2026, Month: 6, ObjectCode: code, Gross: gross,
		Recipient: ebupot.Recipient{TIN: tin, Kind: objectcode.Resident}, Document: "CommercialInvoice", DocumentNumber: doc, DocumentDate: d,
		WithholdingDate: d}
}

func bpnr(code string, gross money.Amount) ebupot.Input {
	d := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	return ebupot.Input{Type: objectcode.BPNR, Year: 2026, Month: 6, ObjectCode: code, Gross: gross,
		Recipient: ebupot.Recipient{TIN: "NL859201547B01", Kind: objectcode.NonResident, Name: "Villa Brands B.V.", Country: "NLD", Address: "Keizersgracht 100, Amsterdam"},
		Document:  "Contract", DocumentNumber: "LIC/2026/NL", DocumentDate: d, WithholdingDate: d}
}

// TestUnifiedTax: the tax of BPPU and BPNR slips from the code's rate and
// deemed base, with the facilities, to the rupiah.
func TestUnifiedTax(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		designer, owner := string(f.w.Designer.NPWP), string(f.w.VillaOwner.NPWP)
		cod := bpnr("27-103-01", 50_000_000_00)
		cod.Facility, cod.FacilityRef, cod.TreatyRate = ebupot.COD, "DGT-NL-2026-0042", pph21.Percent(10)
		etc := f.bppu("24-104-03", 10_000_000_00, designer, "INV/ETC")
		etc.Facility, etc.Rate, etc.HasRate = ebupot.OtherBasis, 100, true
		pp23 := f.bppu("24-104-03", 10_000_000_00, designer, "INV/PP23")
		for _, c := range []struct {
			name  string
			in    ebupot.Input
			tax   money.Amount
			rate  pph21.Rate
			final bool
		}{
			{"PPh 23 2 % on consultancy", f.bppu("24-104-03", 25_000_000_00, designer, "INV/1"), 500_000_00, 200, false},
			{"PPh 23 15 % on royalties", f.bppu("24-103-01", 10_000_000_00, designer, "INV/2"), 1_500_000_00, 1500, false},
			{"4(2) 10 % on land rent", f.bppu("28-403-02", 120_000_000_00, owner, "SEWA/1"), 12_000_000_00, 1000, true},
			{"PPh 23 100 % higher on a temporary TIN", f.bppu("24-104-36", 3_000_000_00, "5103014107950005", "INV/3"), 120_000_00, 400, false},
			{"4(2) final, no higher rate on a temporary TIN", f.bppu("28-403-02", 10_000_000_00, "5103014107950005", "SEWA/2"), 1_000_000_00, 1000, true},
			{"ETC at another rate", etc, 100_000_00, 100, false},
			{"PPh 26 20 % on royalties", bpnr("27-103-01", 50_000_000_00), 10_000_000_00, 2000, false},
			{"treaty rate with a certificate of domicile", cod, 5_000_000_00, 1000, false},
			{"sale of property: 20 % on a deemed 25 %", bpnr("27-100-05", 800_000_000_00), 40_000_000_00, 2000, false},
			{"branch profit after tax", bpnr("27-105-01", 300_000_000_00), 60_000_000_00, 2000, false},
			{"4(2) final on a non-resident's rent", bpnr("28-403-02", 40_000_000_00), 4_000_000_00, 1000, true},
		} {
			sl, err := f.svc.Calculate(f.hr, f.co, c.in)
			if err != nil {
				t.Errorf("%s: %v\n%s", c.name, err, fields(err))
				continue
			}
			if sl.Tax != c.tax || sl.Withheld != c.tax || sl.Rate != c.rate || sl.Final != c.final || len(sl.Explanation.Steps) < 2 {
				t.Errorf("%s: tax %s at %s (final %v), want %s at %s; steps %+v", c.name, sl.Tax.XML(), sl.Rate, sl.Final, c.tax.XML(), c.rate, sl.Explanation.Steps)
			}
		}
		// PP23 rests on a certificate in the exemption register; this
		// server has none, so it is refused with the reason.
		pp23.Facility = ebupot.PP23
		if _, err := f.svc.Calculate(f.hr, f.co, pp23); !strings.Contains(fields(err), "PP 55") {
			t.Errorf("PP23 without a register: %v\n%s", err, fields(err))
		}
	})
}

// TestUnifiedRules: every rule of the unified slips refuses its bad case
// with a message that says what to change.
func TestUnifiedRules(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		designer := string(f.w.Designer.NPWP)
		check := func(name string, in ebupot.Input, want string) {
			t.Helper()
			_, err := f.svc.Calculate(f.hr, f.co, in)
			if got := fields(err); !strings.Contains(got, want) {
				t.Errorf("%s: got %v\n%s\nwant %q", name, err, got, want)
			}
		}
		in := bpnr("27-103-01", 50_000_000_00)
		in.Rate, in.HasRate = pph21.Percent(10), true
		check("treaty rate without COD", in, "Tax Rate Mismatch: rate 10 needs a COD reference")
		in = bpnr("27-103-01", 50_000_000_00)
		in.Facility, in.TreatyRate = ebupot.COD, pph21.Percent(10)
		check("COD without its number", in, "COD needs the number of the certificate of domicile")
		in.FacilityRef, in.TreatyRate = "DGT-1", pph21.Percent(25)
		check("treaty above the domestic rate", in, "cannot be higher than the rate of 20%")
		in = bpnr("27-103-01", 50_000_000_00)
		in.Recipient.Address = ""
		check("BPNR without an address", in, "give the recipient's address abroad")
		in = bpnr("24-104-03", 50_000_000_00)
		check("a resident code on a BPNR", in, "24-104-03 is for resident taxpayers")
		res := f.bppu("27-103-01", 1_000_000_00, designer, "X")
		check("a PPh 26 code on a BPPU", res, "27-103-01 is for non-residents")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.Recipient.Kind = objectcode.NonResident
		check("a non-resident on a BPPU", res, "a non-resident is withheld PPh 26 on a BP26 slip")
		res = f.bppu("21-100-01", 1_000_000_00, designer, "X")
		check("a PPh 21 code on a BPPU", res, "21-100-01 is for permanent employees")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.Rate, res.HasRate = pph21.Percent(3), true
		check("another rate without ETC", res, "must be 2 for 24-104-03")
		res = f.bppu("24-101-01", 1_000_000_00, designer, "X")
		res.Facility = ebupot.PP23
		check("PP 55 on dividends", res, "the PP 55/2022 final rate is for business turnover")
		res = f.bppu("28-403-02", 1_000_000_00, designer, "X")
		res.Facility = ebupot.SKB23
		check("an SKB 23 on rent of land", res, "TaxExAr23 is for PPh 23 codes")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.Facility = ebupot.DTP
		check("DTP without a facility for the code", res, "no PPh DTP facility for 24-104-03")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.Treasurer = ebupot.Direct
		check("Direct without SP2D", res, "needs the SP2D number")
		res.SP2D = "SP2D-1"
		check("a treasurer option of a company", res, "are for government treasurers")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "")
		res.Document = ""
		check("no reference document", res, "needs the reference document")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.WithholdingDate = time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
		check("withheld before the period", res, "is before the tax period 2026-06 begins")
		res = f.bppu("24-104-03", 1_000_000_00, designer, "X")
		res.Recipient.NITKU = "5171016308950002"
		check("a short recipient NITKU", res, "must be the recipient's 22-digit NITKU")
		a2 := ebupot.Input{Type: objectcode.BPA2, Year: 2026, MonthStart: 1, MonthEnd: 12, ObjectCode: "21-100-01", Gross: 10_000_000_00,
			Recipient:       ebupot.Recipient{TIN: string(f.w.Employee.NPWP), Kind: objectcode.PermanentEmployee, Status: "K/1"},
			WithholdingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
		check("a BPA2 of a company", a2, "a BPA2 is issued by a government institution")

		// A second slip for the same payment is refused; another
		// invoice is a slip of its own.
		if _, err := f.svc.Create(f.hr, f.co, f.bppu("24-104-03", 2_000_000_00, designer, "INV/9")); err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		check("the same invoice twice", f.bppu("24-104-03", 2_000_000_00, designer, "INV/9"), "already withholds 24-104-03 for CommercialInvoice INV/9")
		if _, err := f.svc.Calculate(f.hr, f.co, f.bppu("24-104-03", 2_000_000_00, designer, "INV/10")); err != nil {
			t.Errorf("another invoice: %v\n%s", err, fields(err))
		}
	})
}

// TestUnifiedLifecycle: unified slips are signed with the unified
// signer's certificate, published to the recipient, corrected and
// cancelled as the PPh 21/26 slips are.
func TestUnifiedLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		a, err := f.svc.Create(f.hr, f.co, f.bppu("24-104-03", 25_000_000_00, string(f.w.Designer.NPWP), "INV/1"))
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		cod := bpnr("27-103-01", 50_000_000_00)
		cod.Facility, cod.FacilityRef, cod.TreatyRate = ebupot.COD, "DGT-NL-2026-0042", pph21.Percent(10)
		b, err := f.svc.Create(f.hr, f.co, cod)
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		// PPh 21/26 and unified slips are signed separately.
		if _, err := f.svc.Create(f.hr, f.co, f.bpmp(1, 10_000_000_00)); err != nil {
			t.Fatal(err)
		}
		mp, _ := f.svc.List(f.hr, f.co, ebupot.Filter{Type: objectcode.BPMP})
		if _, err := f.svc.Sign(f.hr, f.co, []ebupot.Ref{{ID: a.ID, Version: a.Version}, {ID: mp[0].ID, Version: mp[0].Version}}, pass); !strings.Contains(fields(err), "sign PPh 21/26 and unified slips separately") {
			t.Errorf("mixed families: %v\n%s", err, fields(err))
		}
		signed, err := f.svc.Sign(f.hr, f.co, []ebupot.Ref{{ID: a.ID, Version: a.Version}, {ID: b.ID, Version: b.Version}}, pass)
		if err != nil {
			t.Fatalf("sign: %v\n%s", err, fields(err))
		}
		if !strings.HasPrefix(signed[0].Number, "BPPU26") || !strings.HasPrefix(signed[1].Number, "BPNR26") || signed[0].PublicID == "" {
			t.Errorf("numbers %s %s", signed[0].Number, signed[1].Number)
		}
		// The designer sees the BPPU among the slips received.
		got, err := f.svc.Received(as(f.w.Designer, nil), string(f.w.Designer.NPWP), ebupot.Filter{})
		if err != nil || len(got) != 1 || got[0].Type != objectcode.BPPU {
			t.Errorf("received: %v %+v", err, got)
		}
		// Correct the BPPU: the invoice was 27,500,000.
		in := ebupot.InputOf(&signed[0])
		in.Gross, in.HasRate = 27_500_000_00, false
		c, err := f.svc.Correct(f.hr, f.co, signed[0].ID, signed[0].Version, in, pass)
		if err != nil {
			t.Fatalf("correct: %v\n%s", err, fields(err))
		}
		if c.Number != signed[0].Number || c.Revision != 1 || c.Tax != 550_000_00 {
			t.Errorf("correction %s rev %d tax %s", c.Number, c.Revision, c.Tax.XML())
		}
		x, err := f.svc.Cancel(f.hr, f.co, signed[1].ID, signed[1].Version, "the licence was rescinded")
		if err != nil || x.Status != ebupot.Cancelled {
			t.Fatalf("cancel: %v %s", err, x.Status)
		}
	})
}

// government registers a government agency with the director as its
// main PIC and the employee as its civil servant from 2024.
func (f *fixture) government(t *testing.T) (registration.Taxpayer, context.Context) {
	t.Helper()
	ctx := actor.With(context.Background(), actor.SystemActor("test"))
	reg := registration.NewService(f.db.Registration(), f.db.Registry(), registration.OpenPolicy(), func() time.Time { return today }, registration.DefaultConfig())
	g, err := reg.Register(ctx, registration.Application{Kind: string(registration.Government), Name: "Dinas Pariwisata Kabupaten Badung",
		Address: registration.AddressInput{Street: "Jl. Raya Sempidi, Mangupura", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510305", PostalCode: "80351"},
		Email:   "bendahara@dispar.badung.example", Mobile: "0812 3900 9100"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.AddParty(ctx, string(g.NPWP), registration.PartyInput{Version: g.Version, Relation: "director", NPWP: string(f.w.Director.NPWP),
		ValidFrom: "2024-01-01", MainPIC: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.AddParty(ctx, string(g.NPWP), registration.PartyInput{Version: g.Version + 1, Relation: "employee", NPWP: string(f.w.Employee.NPWP),
		Name: f.w.Employee.Name, NIK: string(f.w.Employee.NIK), ValidFrom: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	return g, as(f.w.Director, &g)
}

// TestBPA2: a government institution's civil servant on BPMP from
// January to November and on the BPA2 for December, computed by the
// engine over the year with the pension and THT contributions; a BPA2
// of a company and a BPA1 of a government institution are refused.
func TestBPA2(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		g, hr := f.government(t)
		gov := string(g.NPWP)
		var ins []ebupot.Input
		for m := 1; m <= 11; m++ {
			in := f.bpmp(m, 8_000_000_00)
			in.Recipient.Status = "K/2"
			ins = append(ins, in)
		}
		b, err := f.svc.CreateBatch(hr, gov, "keyed", ins, f.db.EBupot())
		if err != nil || b.Created != 11 {
			t.Fatalf("batch: %v %+v\n%s", err, b, fields(err))
		}
		drafts, _ := f.svc.List(hr, gov, ebupot.Filter{BatchID: b.ID, Limit: 20})
		var refs []ebupot.Ref
		var credited money.Amount
		for _, d := range drafts {
			refs = append(refs, ebupot.Ref{ID: d.ID, Version: d.Version})
			credited += d.Tax
		}
		if _, err := f.svc.Sign(hr, gov, refs, pass); err != nil {
			t.Fatalf("sign: %v\n%s", err, fields(err))
		}
		// December is on the BPA2, not on a BPMP.
		dec := f.bpmp(12, 8_000_000_00)
		dec.Recipient.Status = "K/2"
		if _, err := f.svc.Create(hr, gov, dec); !strings.Contains(fields(err), "computed on the BPA2 for the year") {
			t.Errorf("December BPMP: %v\n%s", err, fields(err))
		}
		a2 := ebupot.Input{Type: objectcode.BPA2, Year: 2026, MonthStart: 1, MonthEnd: 12, ObjectCode: "21-100-01", Gross: 8_000_000_00,
			PensionContribution: 3_840_000_00,
			Recipient:           ebupot.Recipient{TIN: string(f.w.Employee.NPWP), Kind: objectcode.PermanentEmployee, Status: "K/2", NIP: "199004122015031002", Rank: "III/c"},
			WithholdingDate:     time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
		a1 := a2
		a1.Type = objectcode.BPA1
		if _, err := f.svc.Calculate(hr, gov, a1); !strings.Contains(fields(err), "the year-end slip of its civil servants, TNI/Polri members and state officials is the BPA2") {
			t.Errorf("BPA1 of a government: %v\n%s", err, fields(err))
		}
		sl, err := f.svc.Create(hr, gov, a2)
		if err != nil {
			t.Fatalf("BPA2: %v\n%s", err, fields(err))
		}
		months := make([]money.Amount, 12)
		for i := range months {
			months[i] = 8_000_000_00
		}
		want, err := pph21.Compute(pph21.Input{Year: 2026, Status: "K/2", Method: pph21.Annual, Months: months, Withheld: credited, HasWithheld: true,
			PensionContribution: 3_840_000_00, Identity: pph21.IdentityNIK})
		if err != nil {
			t.Fatal(err)
		}
		if sl.Gross != 96_000_000_00 || sl.Tax != want.Tax || sl.Credited != credited || sl.Recipient.NIP != "199004122015031002" {
			t.Errorf("BPA2 gross %s tax %s credited %s, want tax %s credited %s", sl.Gross.XML(), sl.Tax.XML(), sl.Credited.XML(), want.Tax.XML(), credited.XML())
		}
		if _, err := f.svc.Sign(hr, gov, []ebupot.Ref{{ID: sl.ID, Version: sl.Version}}, pass); err != nil {
			t.Fatalf("sign BPA2: %v\n%s", err, fields(err))
		}
		// The A2 file round-trips through the importer: the same year
		// again is refused as a second slip, row by row.
		var buf bytes.Buffer
		signed, _ := f.svc.List(hr, gov, ebupot.Filter{Type: objectcode.BPA2})
		if err := ebupot.ExportXML(&buf, objectcode.BPA2, gov, signed); err != nil {
			t.Fatal(err)
		}
		im, err := ebupot.ImportXML(&buf)
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		if diff := cmp.Diff(ebupot.InputOf(&signed[0]), im.Rows[0].Input); diff != "" {
			t.Errorf("A2 (-exported +imported):\n%s", diff)
		}
		bb, err := f.svc.ImportBatch(hr, gov, im, f.db.EBupot())
		if err != nil || bb.Rejected != 1 || !strings.Contains(bb.Rows[0].Problems[0].Message, "one slip per recipient, object code and period") {
			t.Errorf("A2 again: %v %+v", err, bb)
		}
	})
}
