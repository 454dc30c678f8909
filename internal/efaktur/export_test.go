package efaktur_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/registration"
)

// exported is an approved faktur of two lines whose buyer's name would
// run as a spreadsheet formula.
func exported() *efaktur.Faktur {
	inv := efaktur.Invoice{Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Option: "Normal", TrxCode: efaktur.TrxOtherValue,
		RefDesc: "INV-7", SellerIDTKU: "0010000016000000000000",
		Buyer: efaktur.Buyer{TIN: "5104050502680001", Document: efaktur.BuyerTIN, Country: "IDN", DocumentNumber: "-",
			Name: "=HYPERLINK(\"x\")", Address: "Ubud", IDTKU: "5104050502680001000000"},
		Lines: []efaktur.Line{
			{Kind: efaktur.Services, Code: "000000", Name: "Villa management", Unit: "UM.0030", Price: 100000_00, Qty: 100,
				TaxBase: 100000_00, OtherTaxBase: 91666_67, VATRate: 1200, VAT: 11000_00},
			{Kind: efaktur.Goods, Code: "000000", Name: "Lounger", Unit: "UM.0018", Price: 2750000_00, Qty: 150, Discount: 5000_00,
				TaxBase: 4120000_00, OtherTaxBase: 3776666_67, VATRate: 1200, VAT: 453200_00},
		}}
	approved := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	return &efaktur.Faktur{ID: 7, SellerNPWP: "0010000016000000", Number: "04002600000000007", Status: efaktur.Approved, Invoice: inv,
		Totals: efaktur.Totals{Gross: 4225000_00, Discount: 5000_00, TaxBase: 4220000_00, OtherTaxBase: 3868333_34, VAT: 464200_00},
		Source: "keyed", ApprovedAt: approved, ApprovedBy: "Johann Gruber", PublicID: "abcd", Credit: efaktur.Credited,
		CreditPeriod: efaktur.Period{Year: 2026, Month: 11}, CreditedAt: approved, CreatedAt: approved, UpdatedAt: approved, Version: 3}
}

func TestCSVWriter(t *testing.T) {
	var b bytes.Buffer
	w := efaktur.NewCSVWriter(&b)
	if err := w.Write(exported()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 lines: %q", len(rows), rows)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, tt := range []struct {
		row        int
		col, value string
	}{
		{1, "number", "04002600000000007"},
		{1, "status", "approved"},
		{1, "date", "2026-11-20"},
		{1, "buyer_name", "'=HYPERLINK(\"x\")"},
		{1, "credit_period", "2026-11"},
		{1, "line", "1"},
		{1, "other_tax_base", "91666.67"},
		{1, "vat", "11000"},
		{2, "number", "04002600000000007"},
		{2, "line", "2"},
		{2, "quantity", "1.5"},
		{2, "discount", "5000"},
		{2, "vat_rate", "12"},
		{2, "vat", "453200"},
	} {
		if got := rows[tt.row][col[tt.col]]; got != tt.value {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.col, got, tt.value)
		}
	}

	var empty bytes.Buffer
	w = efaktur.NewCSVWriter(&empty)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := empty.String(), strings.Join(efaktur.CSVColumns, ",")+"\n"; got != want {
		t.Errorf("empty export = %q, want the header %q", got, want)
	}
}

func TestJSONWriter(t *testing.T) {
	var b bytes.Buffer
	w := efaktur.NewJSONWriter(&b)
	f := exported()
	for range 2 {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), b.String())
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": 7.0, "number": "04002600000000007", "status": "approved", "date": "2026-11-20", "trx_code": "04",
		"add_info": "", "custom_doc": "", "custom_doc_month_year": "", "reference": "INV-7", "facility_stamp": "",
		"seller_npwp": "0010000016000000", "seller_nitku": "0010000016000000000000",
		"buyer": map[string]any{"tin": "5104050502680001", "document": "TIN", "country": "IDN", "document_number": "-",
			"name": "=HYPERLINK(\"x\")", "address": "Ubud", "email": "", "nitku": "5104050502680001000000"},
		"lines": []any{
			map[string]any{"kind": "B", "code": "000000", "name": "Villa management", "unit": "UM.0030", "price": "100000", "quantity": "1",
				"discount": "0", "tax_base": "100000", "other_tax_base": "91666.67", "vat_rate": "12", "vat": "11000", "ppnbm_rate": "0", "ppnbm": "0"},
			map[string]any{"kind": "A", "code": "000000", "name": "Lounger", "unit": "UM.0018", "price": "2750000", "quantity": "1.5",
				"discount": "5000", "tax_base": "4120000", "other_tax_base": "3776666.67", "vat_rate": "12", "vat": "453200", "ppnbm_rate": "0", "ppnbm": "0"},
		},
		"totals": map[string]any{"gross": "4225000", "discount": "5000", "tax_base": "4220000", "other_tax_base": "3868333.34", "vat": "464200", "ppnbm": "0"},
		"source": "keyed", "approved_at": "2026-11-24T03:00:00Z", "approved_by": "Johann Gruber", "signature": "abcd",
		"credit": "credited", "credit_period": "2026-11", "credited_at": "2026-11-24T03:00:00Z",
		"created_at": "2026-11-24T03:00:00Z", "updated_at": "2026-11-24T03:00:00Z", "version": 3.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON line (-want +got):\n%s", diff)
	}
}

func TestFormatAddress(t *testing.T) {
	for _, tt := range []struct {
		in   registration.Address
		want string
	}{
		{registration.Address{Street: "Jl. Raya Uluwatu No. 88, Jimbaran", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510305", PostalCode: "80361"},
			"Jl. Raya Uluwatu No. 88, Jimbaran, Kuta Selatan, Kabupaten Badung, Bali 80361"},
		{registration.Address{Street: "Jl. Gunung Agung No. 17", ProvinceCode: "51", RegencyCode: "5171"},
			"Jl. Gunung Agung No. 17, Kota Denpasar, Bali"},
		{registration.Address{Street: "Somewhere", PostalCode: "12345"}, "Somewhere, 12345"},
	} {
		if got := efaktur.FormatAddress(tt.in); got != tt.want {
			t.Errorf("FormatAddress(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
