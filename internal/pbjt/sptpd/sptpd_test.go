package sptpd

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// documents are the fixtures: Villa Kembang's October declared late on
// the payout, its amendment to the gross, and a nil September.
func documents(t *testing.T) map[string]Document {
	t.Helper()
	v, err := pbjt.Lookup("5104", day(2026, 10, 31))
	if err != nil {
		t.Fatal(err)
	}
	p := pbjt.Property{ID: 1, Name: "Villa Kembang", Kind: "villa", RegencyCode: "5104", NPWPD: "P.2.0004711.04.05",
		Address: registration.Address{Street: "Jl. Raya Sayan, Banjar Kutuh", ProvinceCode: "51", RegencyCode: "5104", DistrictCode: "510405", PostalCode: "80571"}}
	orig := pbjt.Declaration{ID: 7, PropertyID: 1, RegencyCode: "5104", Period: pbjt.Period{Year: 2026, Month: 10}, Number: "SPTPD/5104/2026/10/00001",
		PaymentCode: "510420261000000001", Base: money.Amount(58_059_625_00), BookingsGross: money.Amount(61_242_350_00), Bookings: 3, Rate: 1000,
		Tax: money.Amount(5_805_962_00), Reason: "payouts received", FiledOn: day(2026, 11, 21), FilingDue: day(2026, 11, 20), PaymentDue: day(2026, 11, 20),
		Late: true, RegionFrom: v.From, Office: v.Office.Value, Layout: v.FormLayout.Value, Rule: pbjt.RuleOf(v), Status: pbjt.Superseded,
		FiledAt: time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)}
	amend := orig
	amend.Revision, amend.Number, amend.PaymentCode, amend.Base, amend.Tax, amend.PriorTax, amend.Status, amend.Reason =
		1, "SPTPD/5104/2026/10/00002", "510420261000000002", orig.BookingsGross, money.Amount(6_124_235_00), orig.Tax, pbjt.Current, "the gross the guests paid, not the payout"
	amend.FiledOn = day(2026, 11, 23)
	nilSep := pbjt.Declaration{ID: 6, PropertyID: 1, RegencyCode: "5104", Period: pbjt.Period{Year: 2026, Month: 9}, Number: "SPTPD/5104/2026/09/00001",
		Nil: true, Rate: 1000, FiledOn: day(2026, 10, 14), FilingDue: day(2026, 10, 20), PaymentDue: day(2026, 10, 20), RegionFrom: v.From,
		Office: v.Office.Value, Layout: v.FormLayout.Value, Rule: pbjt.RuleOf(v), Status: pbjt.Current}
	doc := func(d pbjt.Declaration) Document {
		return Document{Declaration: d, Property: p, TaxpayerName: "I Ketut Sudarma", NPWP: "5104050502680001"}
	}
	return map[string]Document{"original": doc(orig), "amendment": doc(amend), "nil": doc(nilSep)}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	for name, doc := range documents(t) {
		t.Run(name, func(t *testing.T) {
			f, err := Build(doc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".pdf", strings.Join(Texts(f), "\n")+"\n")
			var b bytes.Buffer
			if err := WriteCSV(&b, doc); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".csv", b.String())
		})
	}
}

func TestWritePDF(t *testing.T) {
	var b bytes.Buffer
	if err := WritePDF(&b, documents(t)["amendment"]); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("%%EOF")) || !bytes.Contains(out, []byte("/FontFile2")) {
		t.Fatalf("not a PDF with embedded fonts: %.40q", out)
	}
}

func TestRender(t *testing.T) {
	doc := documents(t)["amendment"]
	f := pbjt.Form{Declaration: doc.Declaration, Property: doc.Property, FilerName: doc.TaxpayerName, FilerNPWP: doc.NPWP}
	var want bytes.Buffer
	if err := WriteCSV(&want, doc); err != nil {
		t.Fatal(err)
	}
	got, err := Render(f, "csv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Download{Body: want.Bytes(), ContentType: "text/csv; charset=utf-8", Name: FileName(doc.Declaration) + ".csv"}, got); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
	pdf, err := Render(f, "pdf")
	if err != nil || pdf.ContentType != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) || pdf.Name != FileName(doc.Declaration)+".pdf" {
		t.Errorf("pdf: %v, %q, %q, %.8q", err, pdf.ContentType, pdf.Name, pdf.Body)
	}
	if _, err := Render(f, "xml"); err == nil {
		t.Error("format xml: no error")
	}
}

// Every layout a region may name is defined here, and the layout's fields
// are all filled.
func TestLayoutsDefined(t *testing.T) {
	for name := range pbjt.Layouts {
		l, ok := Layouts[name]
		if !ok {
			t.Errorf("pbjt.Layouts names %q, which sptpd does not define", name)
			continue
		}
		doc := documents(t)["original"]
		doc.Declaration.Layout = name
		f, err := Build(doc)
		if err != nil || len(f.Lines) != len(l.Fields) {
			t.Errorf("Build in %s: %d lines, %v", name, len(f.Lines), err)
		}
	}
	doc := documents(t)["original"]
	doc.Declaration.Layout = "perda-x"
	if _, err := Build(doc); err == nil {
		t.Error("Build with an undefined layout succeeded")
	}
}
