// Package sptpd writes a PBJT declaration (SPTPD, Surat Pemberitahuan
// Pajak Daerah) of a property in its region's layout, as a PDF and as a
// CSV: the layout's form code and title, the office, and its fields in
// order (doc/pbjt-declarations.md). The region's configuration names the
// layout (pbjt.Version.FormLayout); each layout pbjt.Layouts lists is
// defined here.
package sptpd

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// Document is what a declaration's form shows.
type Document struct {
	Declaration pbjt.Declaration
	Property    pbjt.Property
	// TaxpayerName and NPWP name the filer.
	TaxpayerName string
	NPWP         string
}

// Field is a field of a layout: its key (the CSV's field column) and
// its label on the form.
type Field struct {
	Key   string
	Label string
}

// Layout is a declaration form: its code and title and its fields in
// order.
type Layout struct {
	Name     string
	FormCode string
	Title    string
	Fields   []Field
}

// Layouts are the layouts by the name a region's configuration gives.
// No regional SPTPD form was found (local-tax-bali.md §7), so the one
// layout is coretax's generic form with the fields every SPTPD of a
// self-assessed regional tax carries: the period, the taxpayer and NPWPD,
// the object, the base, the rate, the tax and the payment code.
var Layouts = map[string]Layout{
	"sptpd-generic": {
		Name:     "sptpd-generic",
		FormCode: "SPTPD-PBJT-JPH",
		Title:    "SURAT PEMBERITAHUAN PAJAK DAERAH (SPTPD) PBJT ATAS JASA PERHOTELAN",
		Fields: []Field{
			{"number", "Nomor SPTPD"},
			{"revision", "Pembetulan ke- (0 = SPTPD asli)"},
			{"status", "Status revisi"},
			{"period", "Masa pajak"},
			{"taxpayer_name", "Nama wajib pajak"},
			{"npwp", "NPWP"},
			{"npwpd", "NPWPD"},
			{"property", "Nama objek pajak"},
			{"property_kind", "Jenis akomodasi"},
			{"address", "Alamat objek pajak"},
			{"region", "Kabupaten/kota"},
			{"nil", "SPTPD nihil"},
			{"bookings", "Jumlah pemesanan (tanggal check-out dalam masa pajak)"},
			{"bookings_gross", "Pembayaran tamu menurut pemesanan"},
			{"base", "Dasar pengenaan pajak (pembayaran konsumen, UU 1/2022 Pasal 57)"},
			{"rate", "Tarif"},
			{"tax", "Pajak terutang"},
			{"prior_tax", "Pajak terutang pada SPTPD sebelumnya"},
			{"to_pay", "Pajak yang harus dibayar dengan SPTPD ini"},
			{"overpayment", "Lebih bayar"},
			{"payment_code", "Kode bayar"},
			{"filing_due", "Batas waktu penyampaian"},
			{"payment_due", "Batas waktu pembayaran"},
			{"filed_on", "Tanggal penyampaian"},
			{"late", "Terlambat disampaikan"},
			{"fine", "Denda keterlambatan penyampaian"},
			{"penalty_rule", "Ketentuan sanksi (konfigurasi daerah)"},
			{"reason", "Keterangan"},
		},
	},
}

// Line is a field of a document with its value: Text as the PDF shows
// it, Value as the CSV carries it (amounts in plain rupiah, days as
// YYYY-MM-DD).
type Line struct {
	Field
	Text  string
	Value string
}

// Form is a document laid out: the layout, the office the form is
// addressed to and the lines in the layout's order.
type Form struct {
	Layout Layout
	Office string
	Lines  []Line
}

// Build lays out doc in the layout its declaration was filed with.
func Build(doc Document) (Form, error) {
	d, p := doc.Declaration, doc.Property
	l, ok := Layouts[d.Layout]
	if !ok {
		return Form{}, fmt.Errorf("sptpd: declaration %s names layout %q, which is not defined", d.Number, d.Layout)
	}
	region := d.RegencyCode
	if a, ok := area.Regency(d.RegencyCode); ok {
		region = a.Name + " (" + d.RegencyCode + ")"
	}
	day := func(t time.Time) (string, string) {
		return t.Format("2 January 2006"), t.Format(time.DateOnly)
	}
	amount := func(a money.Amount) (string, string) { return a.Display(), a.String() }
	yesNo := func(b bool) (string, string) {
		if b {
			return "ya", "true"
		}
		return "tidak", "false"
	}
	same := func(s string) (string, string) { return s, s }
	orDash := func(s string) (string, string) {
		if s == "" {
			return "-", ""
		}
		return s, s
	}
	toPay := max(d.Tax-d.PriorTax, 0)
	status := "berlaku (current)"
	if d.Status == pbjt.Superseded {
		status = "diganti pembetulan (superseded)"
	}
	values := map[string]func() (string, string){
		"number":         func() (string, string) { return same(d.Number) },
		"revision":       func() (string, string) { return same(strconv.Itoa(d.Revision)) },
		"status":         func() (string, string) { return status, string(d.Status) },
		"period":         func() (string, string) { return monthName(d.Period), d.Period.String() },
		"taxpayer_name":  func() (string, string) { return same(doc.TaxpayerName) },
		"npwp":           func() (string, string) { return same(doc.NPWP) },
		"npwpd":          func() (string, string) { return orDash(p.NPWPD) },
		"property":       func() (string, string) { return same(p.Name) },
		"property_kind":  func() (string, string) { return p.Kind.Label(), string(p.Kind) },
		"address":        func() (string, string) { return same(address(p)) },
		"region":         func() (string, string) { return same(region) },
		"nil":            func() (string, string) { return yesNo(d.Nil) },
		"bookings":       func() (string, string) { return same(strconv.Itoa(d.Bookings)) },
		"bookings_gross": func() (string, string) { return amount(d.BookingsGross) },
		"base":           func() (string, string) { return amount(d.Base) },
		"rate":           func() (string, string) { return d.Rate.String(), strconv.FormatInt(int64(d.Rate), 10) },
		"tax":            func() (string, string) { return amount(d.Tax) },
		"prior_tax":      func() (string, string) { return amount(d.PriorTax) },
		"to_pay":         func() (string, string) { return amount(toPay) },
		"overpayment":    func() (string, string) { return amount(d.Overpayment) },
		"payment_code":   func() (string, string) { return orDash(d.PaymentCode) },
		"filing_due":     func() (string, string) { return day(d.FilingDue) },
		"payment_due":    func() (string, string) { return day(d.PaymentDue) },
		"filed_on":       func() (string, string) { return day(d.FiledOn) },
		"late":           func() (string, string) { return yesNo(d.Late) },
		"fine":           func() (string, string) { return fine(d) },
		"penalty_rule":   func() (string, string) { return same(d.Rule.String()) },
		"reason":         func() (string, string) { return orDash(d.Reason) },
	}
	f := Form{Layout: l, Office: d.Office}
	for _, fl := range l.Fields {
		v, ok := values[fl.Key]
		if !ok {
			return Form{}, fmt.Errorf("sptpd: layout %s has field %q, which coretax cannot fill", l.Name, fl.Key)
		}
		text, value := v()
		f.Lines = append(f.Lines, Line{Field: fl, Text: text, Value: value})
	}
	return f, nil
}

func fine(d pbjt.Declaration) (string, string) {
	switch {
	case !d.Late:
		return "-", "0"
	case !d.Rule.LateFilingFine.Known():
		return "tidak diketahui (denda daerah belum dikonfigurasi)", ""
	}
	return d.Fine.Display(), d.Fine.String()
}

var months = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

func monthName(p pbjt.Period) string { return fmt.Sprintf("%s %d", months[p.Month-1], p.Year) }

func address(p pbjt.Property) string {
	parts := []string{p.Address.Street}
	if a, ok := area.District(p.Address.DistrictCode); ok {
		parts = append(parts, "Kec. "+a.Name)
	}
	if a, ok := area.Regency(p.Address.RegencyCode); ok {
		parts = append(parts, a.Name)
	}
	if p.Address.PostalCode != "" {
		parts = append(parts, p.Address.PostalCode)
	}
	return strings.Join(parts, ", ")
}

// WriteCSV writes doc as a CSV in its layout: a header row field, label,
// value; then the form's code and title and the office; then a row per
// field of the layout.
func WriteCSV(w io.Writer, doc Document) error {
	f, err := Build(doc)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	rows := [][]string{{"field", "label", "value"}, {"form_code", "Kode formulir", f.Layout.FormCode}, {"title", "Judul", f.Layout.Title},
		{"office", "Kepada", f.Office}}
	for _, l := range f.Lines {
		rows = append(rows, []string{l.Key, l.Label, l.Value})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write SPTPD CSV: %w", err)
	}
	return nil
}

// FileName is the name a download of a revision gets, without the
// extension: "sptpd-5104-2026-10-r1".
func FileName(d pbjt.Declaration) string {
	return fmt.Sprintf("sptpd-%s-%s-r%d", d.RegencyCode, d.Period, d.Revision)
}

// Download is a revision's form rendered for a download.
type Download struct {
	Body        []byte
	ContentType string
	// Name is the file name, with its extension.
	Name string
}

// Render renders a filed revision as format "pdf" or "csv", for the API
// and the pages alike.
func Render(f pbjt.Form, format string) (Download, error) {
	doc := Document{Declaration: f.Declaration, Property: f.Property, TaxpayerName: f.FilerName, NPWP: f.FilerNPWP}
	var b bytes.Buffer
	d := Download{ContentType: "application/pdf", Name: FileName(f.Declaration) + "." + format}
	var err error
	switch format {
	case "pdf":
		err = WritePDF(&b, doc)
	case "csv":
		d.ContentType = "text/csv; charset=utf-8"
		err = WriteCSV(&b, doc)
	default:
		return Download{}, fmt.Errorf("render SPTPD: unknown format %q", format)
	}
	if err != nil {
		return Download{}, err
	}
	d.Body = b.Bytes()
	return d, nil
}
