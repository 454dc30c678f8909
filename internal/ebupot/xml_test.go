package ebupot_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

const withholder = "0010000016000000"

func sampleSlips() map[objectcode.SlipType][]ebupot.Slip {
	place := withholder + "000000"
	d := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	return map[objectcode.SlipType][]ebupot.Slip{
		objectcode.BPMP: {{Type: objectcode.BPMP, Period: ebupot.Period{2026, 6}, ObjectCode: "21-100-01", Facility: ebupot.NoFacility,
			Recipient: ebupot.Recipient{TIN: "5171031204900003", Kind: objectcode.PermanentEmployee, Status: "K/1", Position: "Barista"},
			Gross:     15_000_000_00, Rate: 225, PlaceNITKU: place, WithholdingDate: d}},
		objectcode.BP21: {{Type: objectcode.BP21, Period: ebupot.Period{2026, 6}, ObjectCode: "21-100-07", Facility: ebupot.NoFacility,
			Recipient: ebupot.Recipient{TIN: "5171016308950002", Kind: objectcode.NonEmployee, Status: "TK/0"},
			Gross:     12_500_000_50, Deemed: 5000, Rate: 500, Document: "Contract", DocumentNumber: "SKV/DES/06", DocumentDate: d,
			PlaceNITKU: place, WithholdingDate: d}},
		objectcode.BP26: {{Type: objectcode.BP26, Period: ebupot.Period{2026, 6}, ObjectCode: "27-100-99", Facility: ebupot.COD, FacilityRef: "SKD-SG-2026-17",
			Recipient: ebupot.Recipient{TIN: "S8812345A", Kind: objectcode.NonResident, Name: "Tan Wei Ming", Country: "SGP", Address: "1 Raffles Place, Singapore", Passport: "K1234567"},
			Gross:     40_000_000_00, Deemed: 10000, Rate: 2000, Document: "Contract", DocumentNumber: "SKV/SG/01", PlaceNITKU: place, WithholdingDate: d},
			// Without a certificate of domicile: CounterpartReceiptNumber "-".
			{Type: objectcode.BP26, Period: ebupot.Period{2026, 6}, ObjectCode: "27-100-99", Facility: ebupot.NoFacility,
				Recipient: ebupot.Recipient{TIN: "S7712345B", Kind: objectcode.NonResident, Name: "Lim Mei Ling", Country: "SGP"},
				Gross:     10_000_000_00, Deemed: 10000, Rate: 2000, Document: "PaymentProof", DocumentNumber: "SKV/SG/02", DocumentDate: d, PlaceNITKU: place, WithholdingDate: d}},
		objectcode.BPA1: {{Type: objectcode.BPA1, Period: ebupot.Period{2026, 12}, MonthStart: 1, MonthEnd: 12, ObjectCode: "21-100-01", Facility: ebupot.NoFacility,
			Recipient: ebupot.Recipient{TIN: "5171031204900003", Kind: objectcode.PermanentEmployee, Status: "K/1", Position: "Barista"},
			Gross:     180_000_000_00, PlaceNITKU: place, WithholdingDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
			Explanation: ebupot.Explanation{Steps: []pph21.Step{{Label: "less employee pension, JHT and THT contributions", Amount: 3_600_000_00}}}}},
	}
}

// TestXMLRoundTrip: what ExportXML writes, ImportXML reads back to the
// inputs the slips state.
func TestXMLRoundTrip(t *testing.T) {
	for typ, slips := range sampleSlips() {
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

func TestImportXMLProblems(t *testing.T) {
	var b bytes.Buffer
	slips := sampleSlips()[objectcode.BPMP]
	two := append(slips, slips[0])
	two[1].Period.Month = 7
	if err := ebupot.ExportXML(&b, objectcode.BPMP, withholder, two); err != nil {
		t.Fatal(err)
	}
	// The second row's month is out of range; the first stands.
	file := strings.Replace(b.String(), "<TaxPeriodMonth>7</TaxPeriodMonth>", "<TaxPeriodMonth>13</TaxPeriodMonth>", 1)
	im, err := ebupot.ImportXML(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Rows) != 2 || len(im.Rows[0].Problems) != 0 || len(im.Rows[1].Problems) == 0 {
		t.Fatalf("rows %+v", im.Rows)
	}
	p := im.Rows[1].Problems[0]
	if p.Field != "TaxPeriodMonth" || p.Value != "13" || !strings.HasPrefix(p.Message, "XML line 21,") {
		t.Errorf("problem %+v", p)
	}
	// Files refused whole.
	for name, file := range map[string]string{
		"not XML":    "<MmPayrollBulk><TIN>1",
		"BPPU":       `<BpuBulk><TIN>0010000016000000</TIN><ListOfBpu></ListOfBpu></BpuBulk>`,
		"no rows":    `<MmPayrollBulk><TIN>0010000016000000</TIN><ListOfMmPayroll></ListOfMmPayroll></MmPayrollBulk>`,
		"wrong root": `<Payroll/>`,
	} {
		if _, err := ebupot.ImportXML(strings.NewReader(file)); !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) == 0 {
			t.Errorf("%s: %v %v", name, err, errs.FieldsOf(err))
		}
	}
	// An A1 of what the engine does not compute is refused by row.
	var a bytes.Buffer
	if err := ebupot.ExportXML(&a, objectcode.BPA1, withholder, sampleSlips()[objectcode.BPA1]); err != nil {
		t.Fatal(err)
	}
	file = strings.Replace(a.String(), "<Zakat>0</Zakat>", "<Zakat>1200000</Zakat>", 1)
	im, err = ebupot.ImportXML(strings.NewReader(file))
	if err != nil || len(im.Rows[0].Problems) != 1 || im.Rows[0].Problems[0].Field != "Zakat" {
		t.Errorf("zakat: %v %+v", err, im.Rows)
	}
}

// TestImportBatch: an A1 file read back becomes the BPA1 the service
// computes from the monthly slips; a bad row names its row and line and
// does not lose the good ones.
func TestImportBatch(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		var ins []ebupot.Input
		for m := 1; m <= 11; m++ {
			ins = append(ins, f.bpmp(m, 15_000_000_00))
		}
		b, err := f.svc.CreateBatch(f.hr, f.co, "keyed", ins, f.db.EBupot())
		if err != nil {
			t.Fatal(err)
		}
		drafts, err := f.svc.List(f.hr, f.co, ebupot.Filter{BatchID: b.ID, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var refs []ebupot.Ref
		for _, d := range drafts {
			refs = append(refs, ebupot.Ref{ID: d.ID, Version: d.Version})
		}
		if _, err := f.svc.Sign(f.hr, f.co, refs, pass); err != nil {
			t.Fatal(err)
		}
		a1 := f.bpmp(12, 15_000_000_00)
		a1.Type, a1.MonthStart, a1.MonthEnd, a1.PensionContribution = objectcode.BPA1, 1, 12, 2_400_000_00
		want, err := f.svc.Calculate(f.hr, f.co, a1)
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		var buf bytes.Buffer
		if err := ebupot.ExportXML(&buf, objectcode.BPA1, f.co, []ebupot.Slip{want}); err != nil {
			t.Fatal(err)
		}
		im, err := ebupot.ImportXML(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ebupot.InputOf(&want), im.Rows[0].Input); diff != "" {
			t.Errorf("BPA1 input (-want +got):\n%s", diff)
		}
		// A second row for a stranger on a permanent-employee code.
		bad := im.Rows[0]
		bad.Row, bad.Line, bad.Input.Recipient.TIN = 2, 40, string(f.w.Designer.NPWP)
		im.Rows = append(im.Rows, bad)
		got, err := f.svc.ImportBatch(f.hr, f.co, im, f.db.EBupot())
		if err != nil {
			t.Fatalf("%v\n%s", err, fields(err))
		}
		if got.Created != 1 || got.Rejected != 1 || got.Source != "xml:BPA1" || got.Rows[0].Tax != want.Tax {
			t.Fatalf("batch %+v; tax want %s", got, want.Tax.XML())
		}
		if p := got.Rows[1].Problems; got.Rows[1].Row != 2 || len(p) == 0 || !strings.HasPrefix(p[0].Message, "XML line 40: ") {
			t.Errorf("bad row %+v", got.Rows[1])
		}
		sl, err := f.svc.Slip(f.hr, f.co, got.Rows[0].SlipID)
		if err != nil || sl.Gross != 180_000_000_00 || sl.Tax != want.Tax || sl.Credited != want.Credited {
			t.Errorf("BPA1 %v: gross %s tax %s credited %s", err, sl.Gross.XML(), sl.Tax.XML(), sl.Credited.XML())
		}
		// Another withholder's file is refused whole.
		im.TIN = string(f.w.Employee.NPWP)
		if _, err := f.svc.ImportBatch(f.hr, f.co, im, f.db.EBupot()); !errs.Is(errs.Invalid, err) {
			t.Errorf("other TIN: %v", err)
		}
	})
}

// FuzzImportXML: no file makes the import panic, and every row it
// returns without problems has an input of the file's type.
func FuzzImportXML(f *testing.F) {
	for _, samples := range []map[objectcode.SlipType][]ebupot.Slip{sampleSlips(), unifiedSlips()} {
		for typ, slips := range samples {
			var b bytes.Buffer
			if err := ebupot.ExportXML(&b, typ, withholder, slips); err != nil {
				f.Fatal(err)
			}
			f.Add(b.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		im, err := ebupot.ImportXML(bytes.NewReader(file))
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("error of kind %v: %v", errs.KindOf(err), err)
			}
			return
		}
		for _, r := range im.Rows {
			if len(r.Problems) == 0 && r.Input.Type != im.Type {
				t.Fatalf("row %d: input of type %q in a %s file", r.Row, r.Input.Type, im.Type)
			}
		}
	})
}
