package efaktur

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/xmlstream"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const sellerTIN = "0012345678901000"

// sample returns the invoices of testdata/bulk.xml: code 04 goods and
// services (the golden vector and §12's worked example), luxury goods under
// 01, a code 07 facility invoice, and a buyer identified by NIK.
func sample(t testing.TB) []*Invoice {
	t.Helper()
	d := date(2025, 6, 30)
	line := func(trx TrxCode, in LineInput) Line {
		l, err := ComputeLine(d, trx, in)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tinBuyer := Buyer{TIN: "0098765432109000", Document: BuyerTIN, Country: "IDN", DocumentNumber: "-",
		Name: "PT Contoh & Rekan", Address: "Jl. Contoh 1, Denpasar", IDTKU: "0098765432109000000000"}
	return []*Invoice{
		{Date: d, Option: "Normal", TrxCode: "04", RefDesc: "INV-2025-0612", SellerIDTKU: sellerTIN + "000000", Buyer: tinBuyer,
			Lines: []Line{
				line("04", LineInput{Kind: Goods, Code: "000000", Name: "Barang", Unit: "UM.0018", Price: 10_000_000, Qty: 100}),
				line("04", LineInput{Kind: Services, Code: "000000", Name: "Jasa konsultasi", Unit: "UM.0030", Price: 250_000_000, Qty: 200, Discount: 10_000_000}),
			}},
		{Date: d, Option: "Normal", TrxCode: "01", SellerIDTKU: sellerTIN + "000001", Buyer: tinBuyer,
			Lines: []Line{line("01", LineInput{Kind: Goods, Code: "870300", Name: "Mobil sedan", Unit: "UM.0018", Price: 50_000_000_000, Qty: 100, PPnBMRate: 2000})}},
		{Date: d, Option: "Normal", TrxCode: "07", AddInfo: "TD.00501", CustomDoc: "KB-001/2025", CustomDocMonthYear: "062025", FacilityStamp: "TD.01101",
			SellerIDTKU: sellerTIN + "000000", Buyer: tinBuyer,
			Lines: []Line{line("07", LineInput{Kind: Goods, Code: "000000", Name: "Barang ke Kawasan Bebas", Unit: "UM.0003", Price: 1_500_050, Qty: 1250})}},
		{Date: d, Option: "Normal", TrxCode: "04", SellerIDTKU: sellerTIN + "000000",
			Buyer: Buyer{TIN: NoTIN, Document: BuyerNationalID, Country: "IDN", DocumentNumber: "5103014507900001",
				Name: "Ni Made Contoh", Address: "Jl. Raya 2, Badung", Email: "made@example.co.id", IDTKU: "000000"},
			Lines: []Line{line("04", LineInput{Kind: Goods, Code: "000000", Name: "Sepeda", Unit: "UM.0018", Price: 123_456_700, Qty: 100})}},
	}
}

func write(t testing.TB, invs []*Invoice) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, sellerTIN)
	for _, inv := range invs {
		if err := w.Write(inv); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type readResult struct {
	invs     []*Invoice
	problems []Problem // invoice problems, then file problems
}

// readAll reads data with NewReader, and checks that NewBytesReader
// reads the same invoices, problems, positions and error.
func readAll(t testing.TB, data []byte, opts Options) (readResult, error) {
	t.Helper()
	res, err := readWith(NewReader(bytes.NewReader(data), opts))
	inPlace, errInPlace := readWith(NewBytesReader(data, opts))
	if !reflect.DeepEqual(inPlace, res) || fmt.Sprint(errInPlace) != fmt.Sprint(err) {
		t.Errorf("NewBytesReader of %.200q reads\n%+v, %v\nNewReader reads\n%+v, %v", data, inPlace, errInPlace, res, err)
	}
	return res, err
}

func readWith(r *Reader) (readResult, error) {
	var res readResult
	for {
		inv, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, err
		}
		res.invs = append(res.invs, inv)
		res.problems = append(res.problems, ps...)
	}
	res.problems = append(res.problems, r.FileProblems()...)
	return res, nil
}

// exported returns inv without the positions a Reader records.
func exported(inv *Invoice) Invoice {
	c := *inv
	c.pos, c.start, c.listPos, c.bad = [numHeader]Pos{}, Pos{}, Pos{}, [numHeader]bool{}
	c.Lines = nil
	for _, l := range inv.Lines {
		l.pos, l.start, l.bad = [numLine]Pos{}, Pos{}, [numLine]bool{}
		c.Lines = append(c.Lines, l)
	}
	return c
}

func TestWriteGolden(t *testing.T) {
	got := write(t, sample(t))
	golden := filepath.Join("testdata", "bulk.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("written file differs from %s (run go test -update to accept):\n%s", golden, got)
	}
}

func TestRoundTrip(t *testing.T) {
	invs := sample(t)
	data := write(t, invs)
	res, err := readAll(t, data, Options{DateFrom: date(2025, 6, 1), DateTo: date(2025, 7, 20)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.problems) != 0 {
		t.Fatalf("problems in our own file: %v", res.problems)
	}
	if len(res.invs) != len(invs) {
		t.Fatalf("read %d invoices, want %d", len(res.invs), len(invs))
	}
	for i := range invs {
		if got, want := exported(res.invs[i]), exported(invs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("invoice %d:\n got %+v\nwant %+v", i+1, got, want)
		}
	}
	if again := write(t, res.invs); !bytes.Equal(again, data) {
		t.Errorf("writing what was read changed the file:\n%s", again)
	}
}

// TestReadForms reads the golden vector with trailing zeros (11000.00,
// trailing zeros) and as a file with comments and CRLF line ends.
func TestReadForms(t *testing.T) {
	data := string(write(t, sample(t)[:1]))
	data = strings.Replace(data, "<VAT>11000</VAT>", "<VAT>11000.00</VAT>", 1)
	data = strings.Replace(data, "<TIN>", "<!-- seller --><TIN>", 1)
	data = strings.ReplaceAll(data, "\n", "\r\n")
	res, err := readAll(t, []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.problems) != 0 {
		t.Fatalf("problems: %v", res.problems)
	}
	if got := res.invs[0].Lines[0].VAT.XML(); got != "11000" {
		t.Errorf("VAT = %s, want 11000", got)
	}
}

// one returns a one-invoice file (the first sample invoice) with old
// replaced by new.
func one(t *testing.T, old, new string) []byte {
	t.Helper()
	data := string(write(t, sample(t)[:1]))
	if !strings.Contains(data, old) {
		t.Fatalf("%q not in the sample", old)
	}
	return []byte(strings.Replace(data, old, new, 1))
}

func lineOf(data []byte, s string) int {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return -1
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

func TestValidations(t *testing.T) {
	tests := []struct {
		name, old, new string
		opts           Options
		rule           Rule
		field          string
		line           int    // 1-based GoodService index, 0 for the header
		at             string // the text whose XML line the problem must point at
		expected       string
		message        string // a fragment of the message
	}{
		{"order", "<TrxCode>04</TrxCode>\n      <AddInfo/>", "<AddInfo/>\n      <TrxCode>04</TrxCode>", Options{}, RuleOrder, "TrxCode", 0, "<TrxCode>", "", "comes after <AddInfo>"},
		{"line order", "<Price>100000</Price>\n          <Qty>1</Qty>", "<Qty>1</Qty>\n          <Price>100000</Price>", Options{}, RuleOrder, "Price", 1, "<Price>100000", "", "comes after <Qty>"},
		{"missing header", "<BuyerName>PT Contoh &amp; Rekan</BuyerName>\n", "", Options{}, RuleMissing, "BuyerName", 0, "<TaxInvoice>", "", "<BuyerName> is missing"},
		{"missing line element", "<STLG>0</STLG>\n", "", Options{}, RuleMissing, "STLG", 1, "<GoodService>", "", "<STLG> is missing"},
		{"unknown element", "<BuyerEmail/>", "<BuyerEmail/><BuyerPhone>1</BuyerPhone>", Options{}, RuleUnknown, "BuyerPhone", 0, "<BuyerPhone>", "", "has no element <BuyerPhone>"},
		{"duplicate", "<BuyerEmail/>", "<BuyerEmail/><BuyerEmail/>", Options{}, RuleDuplicate, "BuyerEmail", 0, "<BuyerEmail/><BuyerEmail/>", "", "given twice"},
		{"misspelt Address", "BuyerAdress>Jl. Contoh 1, Denpasar</BuyerAdress", "BuyerAddress>Jl. Contoh 1, Denpasar</BuyerAddress", Options{}, RuleUnknown, "BuyerAddress", 0, "<BuyerAddress>", "", "no element <BuyerAddress>"},
		{"buyer TIN 15 digits", "<BuyerTin>0098765432109000", "<BuyerTin>098765432109000", Options{}, RuleDigits, "BuyerTin", 0, "<BuyerTin>", "", "exactly 16 digits"},
		{"seller NITKU 21 digits", "<SellerIDTKU>0012345678901000000000", "<SellerIDTKU>001234567890100000000", Options{}, RuleDigits, "SellerIDTKU", 0, "<SellerIDTKU>", "", "exactly 22 digits"},
		{"seller NITKU of another NPWP", "<SellerIDTKU>0012345678901000000000", "<SellerIDTKU>0098765432109000000000", Options{}, RuleNITKUOwner, "SellerIDTKU", 0, "<SellerIDTKU>", "", "not to the file's TIN"},
		{"buyer NITKU of another NPWP", "<BuyerIDTKU>0098765432109000000000", "<BuyerIDTKU>0012345678901000000000", Options{}, RuleNITKUOwner, "BuyerIDTKU", 0, "<BuyerIDTKU>", "", "not to BuyerTin"},
		{"NIK buyer without number", "<BuyerDocument>TIN</BuyerDocument>", "<BuyerDocument>National ID</BuyerDocument>", Options{}, RuleIdentity, "BuyerTin", 0, "<BuyerTin>", "", "must be 0000000000000000"},
		{"unknown document kind", "<BuyerDocument>TIN</BuyerDocument>", "<BuyerDocument>NPWP</BuyerDocument>", Options{}, RuleValue, "BuyerDocument", 0, "<BuyerDocument>", "", "unknown BuyerDocument"},
		{"unknown trx code", "<TrxCode>04</TrxCode>", "<TrxCode>4</TrxCode>", Options{}, RuleCode, "TrxCode", 0, "<TrxCode>", "", "unknown transaction code"},
		{"07 without AddInfo", "<TrxCode>04</TrxCode>", "<TrxCode>07</TrxCode>", Options{}, RuleFacility, "AddInfo", 0, "<AddInfo/>", "", "requires AddInfo"},
		{"AddInfo under 04", "<AddInfo/>", "<AddInfo>TD.00501</AddInfo>", Options{}, RuleFacility, "AddInfo", 0, "<AddInfo>", "", "only for transaction codes 07 and 08"},
		{"VAT rate 11 in 2025", "<VATRate>12</VATRate>", "<VATRate>11</VATRate>", Options{}, RuleTrxRate, "VATRate", 1, "<VATRate>11", "12", "statutory rate on 2025-06-30"},
		{"PPnBM under 04", "<STLGRate>0</STLGRate>\n          <STLG>0</STLG>", "<STLGRate>10</STLGRate>\n          <STLG>9166.67</STLG>", Options{}, RuleTrxRate, "STLGRate", 1, "<STLGRate>10", "0", "code 04 is for non-luxury"},
		{"other tax base not 11/12", "<OtherTaxBase>91666.67</OtherTaxBase>", "<OtherTaxBase>91666.66</OtherTaxBase>", Options{}, RuleArithmetic, "OtherTaxBase", 1, "<OtherTaxBase>91666.66", "91666.67", "TaxBase × 11/12"},
		{"VAT off", "<VAT>11000</VAT>", "<VAT>11000.01</VAT>", Options{}, RuleArithmetic, "VAT", 1, "<VAT>11000.01", "11000", "= 91666.67 × 12 % = 11000"},
		{"tax base off", "<TaxBase>100000</TaxBase>", "<TaxBase>100000.02</TaxBase>", Options{}, RuleArithmetic, "TaxBase", 1, "<TaxBase>100000.02", "100000", "Price × Qty − TotalDiscount"},
		{"3 decimals", "<Qty>1</Qty>", "<Qty>1.005</Qty>", Options{}, RuleDecimals, "Qty", 1, "<Qty>1.005", "", "has 3 decimals"},
		{"thousands separator", "<Price>100000</Price>", "<Price>100,000</Price>", Options{}, RuleNumber, "Price", 1, "<Price>100,000", "", "not a decimal number"},
		{"unknown unit", "<Unit>UM.0018</Unit>", "<Unit>UM.0040</Unit>", Options{}, RuleCode, "Unit", 1, "<Unit>UM.0040", "", "unknown unit code"},
		{"goods code 5 digits", "<Code>000000</Code>", "<Code>00000</Code>", Options{}, RuleCode, "Code", 1, "<Code>00000<", "", "6-digit"},
		{"bad date", "<TaxInvoiceDate>2025-06-30", "<TaxInvoiceDate>30-06-2025", Options{}, RuleDate, "TaxInvoiceDate", 0, "<TaxInvoiceDate>", "", "YYYY-MM-DD"},
		{"date window", "<TaxInvoiceOpt>", "<TaxInvoiceOpt>", Options{DateFrom: date(2025, 7, 1), DateTo: date(2025, 8, 20)}, RuleDateWindow, "TaxInvoiceDate", 0, "<TaxInvoiceDate>", "", "2025-07-01 to 2025-08-20"},
		{"not Normal", "<TaxInvoiceOpt>Normal", "<TaxInvoiceOpt>Pengganti", Options{}, RuleValue, "TaxInvoiceOpt", 0, "<TaxInvoiceOpt>", "", "must be Normal"},
		{"bad country", "<BuyerCountry>IDN", "<BuyerCountry>ID", Options{}, RuleCode, "BuyerCountry", 0, "<BuyerCountry>", "", "alpha-3"},
		{"bad period", "<CustomDocMonthYear/>", "<CustomDocMonthYear>132025</CustomDocMonthYear>", Options{}, RuleDate, "CustomDocMonthYear", 0, "<CustomDocMonthYear>", "", "MMYYYY"},
		{"no lines", "<ListOfGoodService>", "<ListOfGoodService><!--", Options{}, RuleNoLines, "ListOfGoodService", 0, "<ListOfGoodService>", "", "no GoodService"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := one(t, tt.old, tt.new)
			if tt.rule == RuleNoLines {
				data = []byte(strings.Replace(string(data), "</ListOfGoodService>", "--></ListOfGoodService>", 1))
			}
			res, err := readAll(t, data, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var found *Problem
			for i, p := range res.problems {
				if p.Rule == tt.rule && p.Field == tt.field {
					found = &res.problems[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s problem on %s; got %v", tt.rule, tt.field, res.problems)
			}
			p := *found
			if p.Invoice != 1 || p.Line != tt.line {
				t.Errorf("invoice %d line %d, want 1 %d", p.Invoice, p.Line, tt.line)
			}
			if want := lineOf(data, tt.at); p.XMLLine != want {
				t.Errorf("XML line %d, want %d (%s): %v", p.XMLLine, want, tt.at, p)
			}
			if p.XMLColumn < 1 || p.Path == "" || p.Fix == "" {
				t.Errorf("incomplete problem %+v", p)
			}
			if !strings.HasPrefix(p.Path, "TaxInvoiceBulk/ListOfTaxInvoice/TaxInvoice[1]/") || lastName(p.Path) != tt.field {
				t.Errorf("path %q", p.Path)
			}
			if p.Expected != tt.expected {
				t.Errorf("expected %q, want %q", p.Expected, tt.expected)
			}
			if !strings.Contains(p.Message, tt.message) {
				t.Errorf("message %q does not contain %q", p.Message, tt.message)
			}
		})
	}
}

// TestColumn checks that the column points at the start tag.
func TestColumn(t *testing.T) {
	data := one(t, "<VAT>11000</VAT>", "<VAT>1</VAT>")
	res, err := readAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.problems) != 1 {
		t.Fatalf("problems %v", res.problems)
	}
	p := res.problems[0]
	if p.XMLColumn != 11 || p.Value != "1" {
		t.Errorf("column %d value %q, want 11 and 1", p.XMLColumn, p.Value)
	}
}

// TestProblemsStayInTheirInvoice breaks invoice 2 of 4 in several ways and
// checks that every problem names invoice 2 and points inside it.
func TestProblemsStayInTheirInvoice(t *testing.T) {
	data := string(write(t, sample(t)))
	i2 := strings.Index(data, "<TaxInvoice>")
	i2 += strings.Index(data[i2+1:], "<TaxInvoice>") + 1
	end := i2 + strings.Index(data[i2:], "</TaxInvoice>")
	part := data[i2:end]
	part = strings.Replace(part, "<BuyerName>PT Contoh &amp; Rekan</BuyerName>", "", 1)
	part = strings.Replace(part, "<VAT>60000000</VAT>", "<VAT>1</VAT>", 1)
	part = strings.Replace(part, "<SellerIDTKU>", "<Extra/><SellerIDTKU>", 1)
	part = strings.Replace(part, "<STLG>100000000</STLG>", "", 1)
	data = data[:i2] + part + data[end:]
	first := strings.Count(data[:i2], "\n") + 1
	last := strings.Count(data[:i2+len(part)], "\n") + 1
	res, err := readAll(t, []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.problems) < 4 {
		t.Fatalf("want at least 4 problems, got %v", res.problems)
	}
	for _, p := range res.problems {
		if p.Invoice != 2 || p.XMLLine < first || p.XMLLine > last || !strings.Contains(p.Path, "TaxInvoice[2]") {
			t.Errorf("problem escapes invoice 2 (XML lines %d–%d): %v", first, last, p)
		}
	}
}

func TestFileProblems(t *testing.T) {
	data := string(write(t, sample(t)[:1]))
	bad := strings.Replace(data, "<TIN>0012345678901000</TIN>", "<TIN>12345</TIN>", 1)
	res, err := readAll(t, []byte(bad), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ruleTIN bool
	for _, p := range res.problems {
		if p.Field == "TIN" && p.Rule == RuleDigits && p.Invoice == 0 && p.XMLLine == 3 {
			ruleTIN = true
		}
		// The seller NITKU no longer matches, but the TIN is not a
		// 16-digit NPWP, so that is not reported twice.
		if p.Rule == RuleNITKUOwner {
			t.Errorf("unexpected %v", p)
		}
	}
	if !ruleTIN {
		t.Errorf("no TIN problem: %v", res.problems)
	}

	res, err = readAll(t, []byte(`<?xml version="1.0"?><Invoices/>`), Options{})
	if err != nil || len(res.problems) != 1 || res.problems[0].Rule != RuleRoot {
		t.Errorf("wrong root: %v %v", res.problems, err)
	}
}

func TestSyntaxError(t *testing.T) {
	data := string(write(t, sample(t)[:2]))
	cut := strings.LastIndex(data, "<TaxInvoice>")
	broken := data[:cut] + "<TaxInvoice><TaxInvoiceDate>2025-06-30</TaxInvoiceOpt>"
	r := NewReader(strings.NewReader(broken), Options{})
	if _, ps, err := r.Next(); err != nil || len(ps) != 0 {
		t.Fatalf("first invoice: %v %v", ps, err)
	}
	_, _, err := r.Next()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SyntaxError", err)
	}
	if want := lineOf([]byte(broken), "<TaxInvoiceDate>2025-06-30</TaxInvoiceOpt>"); se.Pos.Line != want {
		t.Errorf("syntax error at line %d, want %d", se.Pos.Line, want)
	}
	for _, s := range []string{"", "not xml", "<TaxInvoiceBulk>"} {
		if _, err := readAll(t, []byte(s), Options{}); !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want *SyntaxError", s, err)
		}
	}
}

func FuzzReadBulk(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "bulk.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`<TaxInvoiceBulk><TIN>1</TIN><ListOfTaxInvoice><TaxInvoice><ListOfGoodService><GoodService><Qty>1.005</Qty></GoodService></ListOfGoodService></TaxInvoice></ListOfTaxInvoice></TaxInvoiceBulk>`))
	f.Add([]byte(`<TaxInvoiceBulk>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(t, data, Options{DateFrom: date(2025, 1, 1)})
		r := NewReader(bytes.NewReader(data), Options{DateFrom: date(2025, 1, 1)})
		for n := 0; ; n++ {
			inv, ps, err := r.Next()
			if err != nil {
				break
			}
			for _, p := range ps {
				if p.Invoice != n+1 {
					t.Fatalf("problem of invoice %d in invoice %d: %v", p.Invoice, n+1, p)
				}
			}
			var buf bytes.Buffer
			w := NewWriter(&buf, r.SellerTIN())
			if err := w.Write(inv); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		_ = r.FileProblems()
	})
}

func BenchmarkReadBulk1000(b *testing.B) {
	base := sample(b)
	invs := make([]*Invoice, 1000)
	for i := range invs {
		inv := *base[i%len(base)]
		inv.RefDesc = fmt.Sprintf("INV-%06d", i)
		invs[i] = &inv
	}
	data := write(b, invs)
	for _, k := range []struct {
		name string
		new  func() *Reader
	}{
		{"stream", func() *Reader { return NewReader(bytes.NewReader(data), Options{}) }},
		{"bytes", func() *Reader { return NewBytesReader(data, Options{}) }},
	} {
		b.Run(k.name, func(b *testing.B) { benchmarkRead(b, data, k.new) })
	}
}

func benchmarkRead(b *testing.B, data []byte, newReader func() *Reader) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newReader()
		n := 0
		for {
			_, ps, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(ps) != 0 {
				b.Fatal(ps)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("read %d invoices", n)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "invoices/s")
}

// TestValidateKeyedIn applies the rules to an invoice that was not read
// from a file.
func TestValidateKeyedIn(t *testing.T) {
	for _, inv := range sample(t) {
		if ps := Validate(inv, sellerTIN, Options{}); len(ps) != 0 {
			t.Errorf("sample invoice: %v", ps)
		}
	}
	inv := sample(t)[0]
	inv.Lines[1].VAT++
	ps := Validate(inv, sellerTIN, Options{})
	if len(ps) != 1 {
		t.Fatalf("problems %v", ps)
	}
	p := ps[0]
	if p.Rule != RuleArithmetic || p.Line != 2 || p.Path != "TaxInvoice/ListOfGoodService/GoodService[2]/VAT" || p.Expected != "539000" || p.XMLLine != 0 {
		t.Errorf("got %+v", p)
	}
}

// TestFacilityAndBuyerRules covers the rules of codes 07/08 and of buyers
// identified by something other than an NPWP.
func TestFacilityAndBuyerRules(t *testing.T) {
	tests := []struct {
		name  string
		inv   int // sample invoice
		edit  func(*Invoice)
		rule  Rule
		field string
	}{
		{"stamp does not pair", 2, func(i *Invoice) { i.FacilityStamp = "TD.01102" }, RuleFacility, "FacilityStamp"},
		{"stamp missing", 2, func(i *Invoice) { i.FacilityStamp = "" }, RuleFacility, "FacilityStamp"},
		{"AddInfo beyond 27", 2, func(i *Invoice) { i.AddInfo = "TD.00528" }, RuleCode, "AddInfo"},
		{"08 has only 10", 2, func(i *Invoice) { i.TrxCode, i.AddInfo, i.FacilityStamp = "08", "TD.00511", "TD.01111" }, RuleCode, "AddInfo"},
		{"supporting document missing", 2, func(i *Invoice) { i.CustomDoc = "" }, RuleFacility, "CustomDoc"},
		{"VAT 0 under 07 is accepted but 1 is not", 2, func(i *Invoice) { i.Lines[0].VAT = 1 }, RuleArithmetic, "VAT"},
		{"NIK buyer without number", 3, func(i *Invoice) { i.Buyer.DocumentNumber = "" }, RuleMissing, "BuyerDocumentNumber"},
		{"NIK of 15 digits", 3, func(i *Invoice) { i.Buyer.DocumentNumber = "510301450790000" }, RuleDigits, "BuyerDocumentNumber"},
		{"NIK with month 13", 3, func(i *Invoice) { i.Buyer.DocumentNumber = "5103014513900001" }, RuleIdentity, "BuyerDocumentNumber"},
		{"passport with symbols", 3, func(i *Invoice) { i.Buyer.Document, i.Buyer.DocumentNumber = BuyerPassport, "A#12345" }, RuleIdentity, "BuyerDocumentNumber"},
		{"NIK buyer IDTKU", 3, func(i *Invoice) { i.Buyer.IDTKU = "123" }, RuleIdentity, "BuyerIDTKU"},
		{"TIN buyer with zeros", 0, func(i *Invoice) { i.Buyer.TIN = NoTIN }, RuleIdentity, "BuyerTin"},
		{"e-mail", 0, func(i *Invoice) { i.Buyer.Email = "no address" }, RuleValue, "BuyerEmail"},
		{"luxury at 11/12", 1, func(i *Invoice) { i.Lines[0].OtherTaxBase = 45833333333 }, RuleArithmetic, "OtherTaxBase"},
		{"PPnBM off", 1, func(i *Invoice) { i.Lines[0].PPnBM++ }, RuleArithmetic, "STLG"},
		{"PPnBM on services", 1, func(i *Invoice) { i.Lines[0].Kind = Services }, RuleTrxRate, "STLGRate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := sample(t)[tt.inv]
			if tt.name == "VAT 0 under 07 is accepted but 1 is not" {
				inv.Lines[0].VAT = 0
				if ps := Validate(inv, sellerTIN, Options{}); len(ps) != 0 {
					t.Fatalf("VAT 0 under 07: %v", ps)
				}
			}
			tt.edit(inv)
			ps := Validate(inv, sellerTIN, Options{})
			for _, p := range ps {
				if p.Rule == tt.rule && p.Field == tt.field {
					return
				}
			}
			t.Errorf("no %s problem on %s: %v", tt.rule, tt.field, ps)
		})
	}
}

// TestStreamLargeFile reads 15,000 invoices written into a pipe, so the
// file never exists whole, and checks that the reader's position memory
// stays bounded by the decoder's read-ahead.
func TestStreamLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	const n = 15_000
	base := sample(t)
	pr, pw := io.Pipe()
	go func() {
		w := NewWriter(pw, sellerTIN)
		for i := 0; i < n; i++ {
			if err := w.Write(base[i%len(base)]); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	r := NewReader(pr, Options{})
	maxPending := 0
	for {
		_, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 0 {
			t.Fatalf("invoice %d: %v", r.Count(), ps)
		}
		maxPending = max(maxPending, r.dec.Backlog())
	}
	if r.Count() != n || len(r.FileProblems()) != 0 {
		t.Errorf("read %d invoices, file problems %v", r.Count(), r.FileProblems())
	}
	if maxPending > 1000 {
		t.Errorf("%d newline offsets held at once", maxPending)
	}
}

func TestNotXMLKinds(t *testing.T) {
	for _, c := range []struct{ name, data, msg string }{
		{"empty", "", "the file is empty"},
		{"blank", " \n\t\n", "the file is empty"},
		{"version", `<?xml version="0"?><TaxInvoiceBulk/>`, "version"},
		{"encoding", `<?xml version="1.0" encoding="latin-9"?><TaxInvoiceBulk/>`, "encoding"},
		{"truncated", `<TaxInvoiceBulk><TIN>0010000016000000</TIN>`, "unexpected EOF"},
	} {
		_, err := readAll(t, []byte(c.data), Options{})
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, c.msg) {
			t.Errorf("%s: %v, want a SyntaxError saying %q", c.name, err, c.msg)
		}
	}
}

// TestByteOrderMark: a file saved with a UTF-8 byte-order mark, as editors
// on Windows write it, reads like the same file without one.
func TestByteOrderMark(t *testing.T) {
	data := write(t, sample(t))
	plain, err := readAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bom, err := readAll(t, append([]byte("\uFEFF"), data...), Options{})
	if err != nil {
		t.Fatalf("with a byte-order mark: %v", err)
	}
	if len(bom.invs) != len(plain.invs) || len(bom.problems) != len(plain.problems) {
		t.Errorf("with a byte-order mark: %d invoices, %d problems; without: %d, %d", len(bom.invs), len(bom.problems), len(plain.invs), len(plain.problems))
	}
}

// BenchmarkDocument builds the signed document of a faktur, which an
// approval does once per faktur before signing it.
func BenchmarkDocument(b *testing.B) {
	inv := *sample(b)[0]
	f := &Faktur{Number: "04002600000000001", SellerNPWP: "0010000016000000", ApprovedAt: time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC), Invoice: inv}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Document(f); err != nil {
			b.Fatal(err)
		}
	}
}

// TestXMLOutAsXMLStream holds the Writer's and Document's XML writer to
// the bytes internal/xmlstream's Writer writes, for values that are
// plain and values that must be escaped or replaced: signed documents
// are rebuilt and their hashes compared, so not a byte may differ.
func TestXMLOutAsXMLStream(t *testing.T) {
	values := []string{"", "0012345678901000", "Villa management", "2026-11-24T03:00:00Z", "91666.67", "PT Surya & Sons",
		`<b>"quoted" 'single'</b>`, "tab\there", "line\nbreak\r\n", "Jl. Raya Ubud № 1 — Gianyar, café", "bad \xff byte", "nul \x00 char", "~ ` ^ { } | \\"}
	var want, got bytes.Buffer
	xs := xmlstream.NewWriter(&want)
	out := &xmlOut{w: &got}
	for _, v := range values {
		xs.Raw("  <X>\n")
		out.Raw("  <X>\n")
		xs.Leaf("    ", "Value", v)
		out.Leaf("    ", "Value", v)
	}
	if err := xs.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("xmlOut wrote\n%q\nxmlstream.Writer wrote\n%q", got.String(), want.String())
	}
}
