package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coretax/coretax/internal/efaktur"
)

const seller = "0012345678901000"

var ignorePositions = cmpopts.IgnoreUnexported(efaktur.Invoice{}, efaktur.Line{})

// readBack writes c and reads the file through the validator, failing on
// any problem, and returns the invoices read.
func readBack(t *testing.T, c *Conversion) []*efaktur.Invoice {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := efaktur.NewReader(&buf, efaktur.Options{})
	var out []*efaktur.Invoice
	for {
		inv, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			t.Errorf("invoice %q: %s", c.Invoices[p.Invoice-1].Ref, p)
		}
		out = append(out, inv)
	}
	for _, p := range r.FileProblems() {
		t.Errorf("file: %s", p)
	}
	if got := r.SellerTIN(); got != c.SellerTIN {
		t.Errorf("TIN %q, want %q", got, c.SellerTIN)
	}
	return out
}

func convertFile(t *testing.T, data []byte, sellerTIN string) *Conversion {
	t.Helper()
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Convert(s, sellerTIN)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func exampleCSV(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/invoices.csv")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func invoices(c *Conversion) []*efaktur.Invoice {
	out := make([]*efaktur.Invoice, len(c.Invoices))
	for i, inv := range c.Invoices {
		out[i] = inv.Invoice
	}
	return out
}

func TestConvertCSVRoundTrip(t *testing.T) {
	c := convertFile(t, exampleCSV(t), "")
	if c.SellerTIN != seller {
		t.Errorf("SellerTIN = %q, want %q from the first SellerIDTKU", c.SellerTIN, seller)
	}
	got := readBack(t, c)
	if diff := cmp.Diff(invoices(c), got, ignorePositions); diff != "" {
		t.Errorf("read back (-converted +read):\n%s", diff)
	}
	var refs []string
	var rows [][]int
	for _, inv := range c.Invoices {
		refs = append(refs, inv.Ref)
		rows = append(rows, inv.LineRows)
	}
	if diff := cmp.Diff([]string{"INV-2025-0612", "INV-2025-0613", "INV-2025-0614", "INV-2025-0615"}, refs); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int{{2, 3}, {4}, {5}, {6}}, rows); diff != "" {
		t.Errorf("line rows (-want +got):\n%s", diff)
	}
	// The amounts computed with efaktur.ComputeLine match the golden file
	// of the efaktur package, which holds the same invoices.
	golden, err := os.ReadFile("../testdata/bulk.xml")
	if err != nil {
		t.Fatal(err)
	}
	r := efaktur.NewReader(bytes.NewReader(golden), efaktur.Options{})
	for i := 0; ; i++ {
		want, _, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want.RefDesc = got[i].RefDesc // the sheet's invoice column becomes RefDesc
		if diff := cmp.Diff(want, got[i], ignorePositions); diff != "" {
			t.Errorf("invoice %d against bulk.xml (-golden +converted):\n%s", i+1, diff)
		}
	}
}

func TestCSVSemicolonBOM(t *testing.T) {
	data := exampleCSV(t)
	want := convertFile(t, data, "")
	// A spreadsheet in a decimal-comma locale separates with semicolons;
	// Excel's "CSV UTF-8" starts with a byte-order mark.
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, line := range lines {
		var fields []string
		quoted := false
		start := 0
		for i := 0; i <= len(line); i++ {
			if i < len(line) && line[i] == '"' {
				quoted = !quoted
			}
			if i == len(line) || (line[i] == ',' && !quoted) {
				fields = append(fields, line[start:i])
				start = i + 1
			}
		}
		b.WriteString(strings.Join(fields, ";") + "\r\n")
	}
	got := convertFile(t, b.Bytes(), "")
	if diff := cmp.Diff(invoices(want), invoices(got), ignorePositions); diff != "" {
		t.Errorf("semicolon CSV (-comma +semicolon):\n%s", diff)
	}
}

// xcell is a cell of a test workbook: a shared string, an inline string or
// a number.
type xcell struct {
	kind string // "s", "inlineStr", "n"
	text string
}

func str(s string) xcell    { return xcell{"s", s} }
func inline(s string) xcell { return xcell{"inlineStr", s} }
func num(s string) xcell    { return xcell{"n", s} }

// makeXLSX builds a minimal workbook whose first sheet holds rows; a nil
// row is left out (its number is skipped).
func makeXLSX(t testing.TB, rows [][]xcell, date1904 bool) []byte {
	t.Helper()
	var shared []string
	index := map[string]int{}
	var ws strings.Builder
	ws.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range rows {
		if row == nil {
			continue
		}
		fmt.Fprintf(&ws, `<row r="%d">`, i+1)
		for j, c := range row {
			ref := fmt.Sprintf("%s%d", ColumnName(j), i+1)
			var esc bytes.Buffer
			if err := xmlEscape(&esc, c.text); err != nil {
				t.Fatal(err)
			}
			switch {
			case c.text == "":
				fmt.Fprintf(&ws, `<c r="%s"/>`, ref)
			case c.kind == "s":
				k, ok := index[c.text]
				if !ok {
					k = len(shared)
					index[c.text] = k
					shared = append(shared, esc.String())
				}
				fmt.Fprintf(&ws, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
			case c.kind == "inlineStr":
				fmt.Fprintf(&ws, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, esc.String())
			case c.kind == "n":
				fmt.Fprintf(&ws, `<c r="%s" s="1"><v>%s</v></c>`, ref, esc.String())
			default:
				fmt.Fprintf(&ws, `<c r="%s" t="%s"><v>%s</v></c>`, ref, c.kind, esc.String())
			}
		}
		ws.WriteString(`</row>`)
	}
	ws.WriteString(`</sheetData></worksheet>`)
	var sst strings.Builder
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(shared), len(shared))
	for _, s := range shared {
		// Half of the strings as rich text with a phonetic run, which is
		// not part of the text.
		if len(s)%2 == 0 && len(s) > 1 {
			fmt.Fprintf(&sst, `<si><r><t>%s</t></r><r><rPr><b/></rPr><t>%s</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>`, s[:1], s[1:])
		} else {
			fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s</t></si>`, s)
		}
	}
	sst.WriteString(`</sst>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			pr + `<sheets><sheet name="Faktur" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/faktur.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", sst.String()},
		{"xl/worksheets/faktur.xml", ws.String()},
		{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xmlEscape(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}

// exampleXLSX is the example CSV as a workbook: header and text as shared
// strings, some text inline, amounts as numbers, dates as serial numbers
// (45838 is 2025-06-30 in the 1900 system, 44376 in the 1904 system).
func exampleXLSX(t testing.TB, date1904 bool) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/invoices.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ReadCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	numeric := map[string]bool{"Price": true, "Qty": true, "TotalDiscount": true, "STLGRate": true}
	header := s.Rows[0].Cells
	rows := make([][]xcell, 0, len(s.Rows)+1)
	for i, r := range s.Rows {
		var row []xcell
		for j, c := range r.Cells {
			h := header[j].Text
			switch {
			case i == 0:
				row = append(row, str(c.Text))
			case h == "TaxInvoiceDate" && c.Text != "":
				serial := "45838"
				if date1904 {
					serial = "44376"
				}
				row = append(row, num(serial))
			case numeric[h] && c.Text != "":
				row = append(row, num(c.Text))
			case h == "BuyerName" || h == "Name":
				row = append(row, inline(c.Text))
			default:
				row = append(row, str(c.Text))
			}
		}
		rows = append(rows, row)
		if i == 2 {
			rows = append(rows, nil) // an empty row between invoices
		}
	}
	return makeXLSX(t, rows, date1904)
}

var update = flag.Bool("update", false, "rewrite testdata/invoices.xlsx")

// TestExampleXLSX keeps testdata/invoices.xlsx, the example workbook
// shipped for users and for the command's tests, equal to what
// exampleXLSX generates; refresh it with -update.
func TestExampleXLSX(t *testing.T) {
	data := exampleXLSX(t, false)
	if *update {
		if err := os.WriteFile("testdata/invoices.xlsx", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile("testdata/invoices.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, data) {
		t.Error("testdata/invoices.xlsx differs from exampleXLSX; run go test ./internal/efaktur/sheet -run TestExampleXLSX -update")
	}
}

func TestConvertXLSXRoundTrip(t *testing.T) {
	want := convertFile(t, exampleCSV(t), "")
	for _, date1904 := range []bool{false, true} {
		data := exampleXLSX(t, date1904)
		c := convertFile(t, data, "")
		if diff := cmp.Diff(invoices(want), invoices(c), ignorePositions); diff != "" {
			t.Errorf("date1904=%v: XLSX (-CSV +XLSX):\n%s", date1904, diff)
		}
		if diff := cmp.Diff(invoices(c), readBack(t, c), ignorePositions); diff != "" {
			t.Errorf("date1904=%v: read back (-converted +read):\n%s", date1904, diff)
		}
		if got := c.Invoices[1].LineRows; !cmp.Equal(got, []int{5}) {
			t.Errorf("date1904=%v: rows of the second invoice %v, want [5] (row 4 is empty)", date1904, got)
		}
	}
}

func TestXLSXCells(t *testing.T) {
	data := makeXLSX(t, [][]xcell{
		{str("a"), inline("b"), num("0.30000000000000004"), num("1E3"), {"b", "1"}, {"str", "formula"}, {"e", "#DIV/0!"}},
	}, false)
	s, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cell{{Text: "a"}, {Text: "b"}, {Text: "0.3", Number: true}, {Text: "1000", Number: true},
		{Text: "TRUE"}, {Text: "formula"}, {Text: "#DIV/0!"}}
	if len(s.Rows) != 1 {
		t.Fatalf("rows %+v", s.Rows)
	}
	if diff := cmp.Diff(want, s.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestSerialDate(t *testing.T) {
	for _, tt := range []struct {
		serial   string
		date1904 bool
		want     string
	}{
		{"45838", false, "2025-06-30"},
		{"45838.75", false, "2025-06-30"},
		{"61", false, "1900-03-01"},
		{"59", false, "1900-02-28"},
		{"1", false, "1900-01-01"},
		{"44376", true, "2025-06-30"},
		{"0", true, "1904-01-01"},
		{"60", false, ""},
		{"0", false, ""},
		{"-1", false, ""},
	} {
		d, ok := serialDate(tt.serial, tt.date1904)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("serialDate(%s, %v) = %q, want %q", tt.serial, tt.date1904, got, tt.want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", i, got, want)
		}
		col, rest, ok := columnIndex(want + "7")
		if !ok || col != i || rest != "7" {
			t.Errorf("columnIndex(%s7) = %d %q %v", want, col, rest, ok)
		}
	}
	if _, _, ok := columnIndex("XFE1"); ok {
		t.Error("XFE accepted")
	}
}

const header = "invoice,TaxInvoiceDate,TrxCode,SellerIDTKU,BuyerTin,BuyerDocument,BuyerName,BuyerAdress,Opt,Name,Unit,Price,Qty"

const goodRow = "A1,2025-06-30,04,0012345678901000000000,0098765432109000,TIN,PT B,Jl. C,A,Barang,UM.0018,100000,1"

func TestConvertErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		csv  string
		want []string // Error() of each problem, in order
	}{
		{"unknown column", header + ",BuyerAddress,Colour\n" + goodRow + ",x,y\n", []string{
			`row 1, column N (BuyerAddress) "BuyerAddress": unknown column; rename it to BuyerAdress (the Coretax element name)`,
			`row 1, column O (Colour) "Colour": unknown column; remove the column or rename it to one of: invoice, TaxInvoiceDate, TrxCode, AddInfo, CustomDoc, CustomDocMonthYear, RefDesc, FacilityStamp, SellerIDTKU, BuyerTin, BuyerDocument, BuyerCountry, BuyerDocumentNumber, BuyerName, BuyerAdress, BuyerEmail, BuyerIDTKU, Opt, Code, Name, Unit, Price, Qty, TotalDiscount, TaxBase, OtherTaxBase, VATRate, VAT, STLGRate, STLG`,
		}},
		{"missing column", strings.Replace(header, ",Unit", "", 1) + "\n", []string{
			`row 1, Unit: the column Unit is missing; add a column headed Unit`,
		}},
		{"header case-insensitive, duplicate", strings.ToLower(header) + ",QTY\n", []string{
			`row 1, column N (QTY) "QTY": column Qty is given twice (also column M); keep one of them`,
		}},
		{"header disagrees", header + "\n" + goodRow + "\n" + strings.Replace(goodRow, ",04,", ",01,", 1) + "\nA1,,,,,,,,B,Jasa,UM.0030,5,1\n", []string{
			`row 3, column C (TrxCode) "01": differs from the invoice's first row 2, where it is "04"; all rows of invoice "A1" must agree on TrxCode; write the same value as on the first row, or leave the cell empty on the invoice's later rows`,
		}},
		{"bad date", header + "\n" + strings.Replace(goodRow, "2025-06-30", "30-06-2025", 1) + "\n", []string{
			`row 2, column B (TaxInvoiceDate) "30-06-2025": not a date; write the invoice date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-06-30 or 30/06/2025`,
		}},
		{"three decimals and separators", header + "\n" + strings.Replace(goodRow, "100000,1", "100.000,1.005", 1) + "\n", []string{
			`row 2, column L (Price) "100.000": not a decimal number; write digits with a decimal point and no thousands separators or currency, e.g. 11000 or 91666.67`,
			`row 2, column M (Qty) "1.005": has 3 decimals; Coretax accepts at most 2; round to 2 decimals (for a quantity, round it and add a separate rounding-difference line)`,
		}},
		{"not a number", header + "\n" + strings.Replace(goodRow, "100000,1", `"Rp100.000,00",-1`, 1) + "\n", []string{
			`row 2, column L (Price) "Rp100.000,00": not a decimal number; write digits with a decimal point and no thousands separators or currency, e.g. 11000 or 91666.67`,
			`row 2, column M (Qty) "-1": is negative; amounts, rates and quantities are 0 or more`,
		}},
		{"empty reference and unheaded value", header + "\n" + strings.Replace(goodRow, "A1,", ",", 1) + ",extra\n", []string{
			`row 2, column N "extra": the value stands in a column without a header; give the column a header or remove the value`,
			`row 2, column A (invoice): the invoice reference is empty; write the seller's reference of the invoice this line belongs to; rows with the same reference form one invoice`,
		}},
		{"code 05 without VAT", header + "\n" + strings.Replace(goodRow, ",04,", ",05,", 1) + "\n", []string{
			`row 2, VAT: under transaction code 05 the VAT is a specific amount set by regulation (UU PPN Pasal 9A(1)) and cannot be computed; write the VAT amount`,
		}},
		{"luxury under 04", header + ",STLGRate\n" + goodRow + ",20\n", []string{
			`row 2, column N (STLGRate) "20": a PPnBM rate under transaction code 04: code 04 is for non-luxury deliveries; use code 01 (or the code for the buyer) for luxury goods, or leave STLGRate empty`,
		}},
		{"discount above price", header + ",TotalDiscount\n" + goodRow + ",200000\n", []string{
			`row 2, column N (TotalDiscount) "200000": line "Barang": the discount 200000 is larger than price × quantity; check Price, Qty and TotalDiscount`,
		}},
		{"unknown transaction code", header + "\n" + strings.Replace(goodRow, ",04,", ",11,", 1) + "\n", []string{
			`row 2, column C (TrxCode) "11": unknown transaction code; write a code from 01 to 10, e.g. 04 for DPP Nilai Lain (PER-11/PJ/2025)`,
		}},
		{"no seller", strings.Replace(header, "SellerIDTKU,", "", 1) + "\n" + strings.Replace(goodRow, "0012345678901000000000,", "", 1) + "\n", []string{
			`row 2, SellerIDTKU: SellerIDTKU is empty and the seller's NPWP is not given; write the seller's 22-digit NITKU, or give the seller's 16-digit NPWP so that its head office NITKU (NPWP followed by 000000) is used`,
		}},
		{"header only", header + "\n", []string{
			`row 1: the sheet has a header but no invoice lines; add one row for each invoice line below the header`,
		}},
		{"TaxInvoiceOpt", header + ",TaxInvoiceOpt\n" + goodRow + ",Normal\n", []string{
			`row 1, column N (TaxInvoiceOpt) "TaxInvoiceOpt": unknown column; remove the column: every uploaded invoice is Normal; replacements are made with Amend`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadCSV(strings.NewReader(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Convert(s, "")
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Convert: %v, want Errors", err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestXLSXNumericIdentifier(t *testing.T) {
	h := strings.Split(header, ",")
	row := strings.Split(goodRow, ",")
	var hr, rr []xcell
	for i := range h {
		hr = append(hr, str(h[i]))
		if h[i] == "BuyerTin" {
			rr = append(rr, num("98765432109000"))
			continue
		}
		rr = append(rr, str(row[i]))
	}
	s, err := Read(bytes.NewReader(makeXLSX(t, [][]xcell{hr, rr}, false)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Convert(s, "")
	want := `row 2, column E (BuyerTin) "98765432109000": the cell holds a number, so the spreadsheet has dropped leading zeros and keeps only 15 digits of an NPWP, NIK or NITKU; format the column as Text and type the identifier again`
	if err == nil || err.Error() != want {
		t.Errorf("Convert: %v\nwant %s", err, want)
	}
}

func TestDefaultsAndLocate(t *testing.T) {
	// No SellerIDTKU column: the seller's head office NITKU; unit by name;
	// a wrong unit code and a wrong given VAT found by the validator are
	// located in the sheet.
	csv := "invoice,TaxInvoiceDate,TrxCode,BuyerTin,BuyerDocument,BuyerName,BuyerAdress,Opt,Name,Unit,Price,Qty,VAT\n" +
		"A1,2025-06-30,04,0098765432109000,tin,PT B,Jl. C,a,Barang,kilogram,100000,1,\n" +
		"A2,2025-06-30,4,0098765432109000,TIN,PT B,Jl. C,A,Barang,UM.0040,100000,1,11000\n" +
		"A2,,,,,,,B,Jasa,UM.0030,100000,1,12000\n"
	s, err := ReadCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Convert(s, seller)
	if err != nil {
		t.Fatal(err)
	}
	a1 := c.Invoices[0]
	if a1.SellerIDTKU != seller+"000000" || a1.Buyer.IDTKU != "0098765432109000000000" || a1.Buyer.DocumentNumber != "-" ||
		a1.Buyer.Country != "IDN" || a1.Buyer.Document != efaktur.BuyerTIN || a1.RefDesc != "A1" || a1.Option != "Normal" ||
		a1.Lines[0].Unit != "UM.0003" || a1.Lines[0].Kind != efaktur.Goods || a1.Lines[0].Code != "000000" {
		t.Errorf("defaults: %+v", a1.Invoice)
	}
	if c.Invoices[1].TrxCode != "04" {
		t.Errorf("TrxCode 4 read as %q, want 04", c.Invoices[1].TrxCode)
	}
	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := efaktur.NewReader(&buf, efaktur.Options{})
	var got []string
	for {
		_, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			e := c.Locate(p)
			got = append(got, fmt.Sprintf("%d %s %s %s %s", e.Row, e.Column, e.Header, e.Value, e.Expected))
		}
	}
	want := []string{"3 J Unit UM.0040 ", "4 M VAT 12000 11000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("located problems (-want +got):\n%s", diff)
	}
	if e := c.Locate(efaktur.Problem{Field: "TIN", Value: "1"}); e.Row != 0 || e.Header != "seller NPWP" {
		t.Errorf("TIN located as %+v", e)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data, want string
	}{
		{"bad quote", "a,b\n1,\"x\"y\n", `row 2: not valid CSV (line 2, column 5): extraneous or missing " in quoted-field; quote a value that holds the separator, a quote or a line break, and double the quotes inside it`},
		{"not UTF-8", "a,b\n1,\xff\n", "row 2: column B is not UTF-8 text; save the sheet as CSV UTF-8"},
		{"xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "this is an XLS file (Excel 97-2003), which is not read; save it as XLSX or as CSV UTF-8"},
		{"zip without workbook", zipOf(t, "a.txt", "x"), "not an XLSX workbook: xl/workbook.xml is missing; save the sheet as XLSX or as CSV UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.data))
			var re *ReadError
			if !errors.As(err, &re) || err.Error() != tt.want {
				t.Errorf("Read: %v\nwant %s", err, tt.want)
			}
		})
	}
}

func zipOf(t *testing.T, name, body string) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// checkSheet checks what every sheet read from any input must satisfy, and
// that converting it never fails other than with Errors and never writes
// a file the reader cannot parse.
func checkSheet(t *testing.T, s *Sheet) {
	last := 0
	for _, r := range s.Rows {
		if r.Number <= last {
			t.Fatalf("row %d after row %d", r.Number, last)
		}
		last = r.Number
	}
	c, err := Convert(s, "")
	if err != nil {
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("Convert: %v", err)
		}
		for _, e := range es {
			if e.Row < 0 || e.Row > last || e.Message == "" {
				t.Fatalf("error outside the sheet: %+v", e)
			}
		}
		return
	}
	var buf bytes.Buffer
	if err := c.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := efaktur.NewReader(&buf, efaktur.Options{})
	for {
		_, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("converted file does not read: %v\n%s", err, buf.String())
		}
		for _, p := range ps {
			if e := c.Locate(p); e.Row < 1 || e.Row > last {
				t.Fatalf("problem %s located at row %d", p, e.Row)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(string(exampleCSVBytes(f)))
	f.Add(header + "\n" + goodRow + "\n")
	f.Add("\uFEFFa;b\r\n\"x;\"\"y\";2\n")
	f.Fuzz(func(t *testing.T, data string) {
		s, err := ReadCSV(strings.NewReader(data))
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("ReadCSV: %v", err)
			}
			return
		}
		checkSheet(t, s)
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(exampleXLSX(f, false))
	f.Add(exampleXLSX(f, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadXLSX(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("ReadXLSX: %v", err)
			}
			return
		}
		checkSheet(t, s)
	})
}

func exampleCSVBytes(f *testing.F) []byte {
	data, err := os.ReadFile("testdata/invoices.csv")
	if err != nil {
		f.Fatal(err)
	}
	return data
}
