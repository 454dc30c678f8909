package bulk

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from what the Writer writes")

func golden(k Kind) string { return filepath.Join("testdata", strings.ToLower(string(k))+".xml") }

// readAll reads a whole file and returns its rows and every problem, file
// problems last.
func readAll(t testing.TB, data []byte) (*Reader, []*Row, []Problem, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(data))
	var rows []*Row
	var all []Problem
	for {
		row, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, rows, all, err
		}
		rows = append(rows, row)
		all = append(all, ps...)
	}
	return r, rows, append(all, r.FileProblems()...), nil
}

func write(t testing.TB, k Kind, tin string, rows []*Row) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, k, tin)
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ignorePos compares rows by their values only.
var ignorePos = cmpopts.IgnoreFields(Value{}, "Pos")

// TestGolden reads the sample file of each kind without a problem, and
// writes its rows back byte for byte.
func TestGolden(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			data, err := os.ReadFile(golden(k))
			if err != nil {
				t.Fatal(err)
			}
			r, rows, problems, err := readAll(t, data)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("problem: %s", p)
			}
			if r.Kind() != k {
				t.Errorf("Kind() = %q, want %q", r.Kind(), k)
			}
			if len(rows) == 0 || r.Count() != len(rows) {
				t.Fatalf("read %d rows, Count() = %d", len(rows), r.Count())
			}
			got := write(t, k, r.TIN(), rows)
			if *update {
				if err := os.WriteFile(golden(k), got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(data), string(got)); diff != "" {
				t.Errorf("written file differs from %s (run go test -update to accept) (-want +got):\n%s", golden(k), diff)
			}
			_, again, problems, err := readAll(t, got)
			if err != nil || len(problems) > 0 {
				t.Fatalf("reading the written file: %v %v", err, problems)
			}
			if diff := cmp.Diff(rows, again, ignorePos); diff != "" {
				t.Errorf("values after a round trip (-read +reread):\n%s", diff)
			}
		})
	}
}

// TestSampleValues checks the typed values of the real June 2026 BP21
// sample and of the Odoo BPPU sample (ebupot.md §3.2, §3.6).
func TestSampleValues(t *testing.T) {
	data, _ := os.ReadFile(golden(BP21))
	r, rows, _, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if r.TIN() != "0012345678901000" {
		t.Errorf("TIN() = %q", r.TIN())
	}
	a, b := rows[0], rows[1]
	type got struct {
		Month, Year    int
		Code           string
		Gross          money.Amount
		Deemed, Rate   objectcode.Percent
		Document, Num  string
		Withheld       time.Time
		DocDateNil     bool
		Index          int
		Line, Column   int
		GrossText      string
		GrossUp        money.Amount
		GrossUpDeemed  objectcode.Percent
		GrossUpRate    objectcode.Percent
		GrossUpDocDate bool
	}
	want := got{6, 2026, "21-100-35", 1_758_000 * money.Rupiah, 100_00, 0, "PaymentProof", "58/EKS/BRL/VI/2026",
		time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), false, 1, 5, 5,
		"5128205.128205", 5_128_205*money.Rupiah + 13, 50_00, 5_00, true}
	g := got{a.Int("TaxPeriodMonth"), a.Int("TaxPeriodYear"), a.Text("TaxObjectCode"), a.Amount("Gross"),
		a.Percent("Deemed"), a.Percent("Rate"), a.Text("Document"), a.Text("DocumentNumber"), a.Date("WithholdingDate"),
		a.Nil("DocumentDate"), a.Index, a.Pos.Line, a.Pos.Column,
		b.Text("Gross"), b.Amount("Gross"), b.Percent("Deemed"), b.Percent("Rate"), b.Nil("DocumentDate")}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("BP21 values (-want +got):\n%s", diff)
	}

	data, _ = os.ReadFile(golden(BPPU))
	_, rows, _, err = readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	p := rows[0]
	if p.Amount("TaxBase") != 1000*money.Rupiah || p.Text("TaxBase") != "1000.0" || p.Percent("Rate") != 50 ||
		p.Text("TaxObjectCode") != "22-102-01" || !p.Nil("SP2DNumber") || p.Text("GovTreasurerOpt") != "N/A" {
		t.Errorf("BPPU values: TaxBase %v %q Rate %v code %q SP2D nil %v", p.Amount("TaxBase"), p.Text("TaxBase"),
			p.Percent("Rate"), p.Text("TaxObjectCode"), p.Nil("SP2DNumber"))
	}
}

// TestOdooSample: Odoo's BPPU test sample withholds on 2026-01-01 for the
// period April 2026, which the DJP converter's rule refuses (ebupot.md
// §2). The sample is the golden BPPU file with that date.
func TestOdooSample(t *testing.T) {
	data, _ := os.ReadFile(golden(BPPU))
	data = bytes.Replace(data, []byte("<WithholdingDate>2026-04-24"), []byte("<WithholdingDate>2026-01-01"), 1)
	_, _, problems, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Row: 1, XMLLine: 20, XMLColumn: 7, Path: "BpuBulk/ListOfBpu/Bpu[1]/WithholdingDate", Field: "WithholdingDate",
		Value: "2026-01-01", Rule: RuleWithholding,
		Message: "WithholdingDate 2026-01-01 is before the tax period, which starts on 2026-04-01",
		Fix:     "withhold on or after the first day of the tax period, or correct the period"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestRowsBuiltInCode writes rows built with the Set methods and reads
// them back to the same values.
func TestRowsBuiltInCode(t *testing.T) {
	tin := "0012345678901000"
	bp21 := NewRow(BP21)
	bp21.SetInt("TaxPeriodMonth", 6)
	bp21.SetInt("TaxPeriodYear", 2026)
	bp21.Set("CounterpartTin", "5171012345670001")
	bp21.Set("IDPlaceOfBusinessActivityOfIncomeRecipient", "5171012345670001000000")
	bp21.Set("StatusTaxExemption", "TK/0")
	bp21.Set("TaxCertificate", "N/A")
	bp21.Set("TaxObjectCode", "21-100-35")
	bp21.SetAmount("Gross", 1_758_000*money.Rupiah)
	bp21.SetPercent("Deemed", 100_00)
	bp21.SetPercent("Rate", 0)
	bp21.Set("Document", "DeedofEngangement")
	bp21.Set("DocumentNumber", "A&B <1>")
	bp21.SetNil("DocumentDate")
	bp21.Set("IDPlaceOfBusinessActivity", tin+"000000")
	bp21.SetDate("WithholdingDate", time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))

	out := write(t, BP21, tin, []*Row{bp21})
	for _, s := range []string{"<TaxPeriodMonth>6</TaxPeriodMonth>", "<Gross>1758000</Gross>", "<Deemed>100</Deemed>",
		"<Rate>0</Rate>", `<DocumentDate xsi:nil="true"/>`, "<DocumentNumber>A&amp;B &lt;1&gt;</DocumentNumber>",
		"<Document>DeedofEngangement</Document>"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("written file lacks %s:\n%s", s, out)
		}
	}
	_, rows, problems, err := readAll(t, out)
	if err != nil || len(problems) > 0 {
		t.Fatalf("read back: %v %v", err, problems)
	}
	if diff := cmp.Diff([]*Row{bp21}, rows, ignorePos, cmpopts.IgnoreFields(Row{}, "Index", "Pos")); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s", diff)
	}
	if got := rows[0].Percent("Rate"); got != 0 {
		t.Errorf("Rate = %v", got)
	}
}

func TestWriterRefusesOtherKind(t *testing.T) {
	w := NewWriter(io.Discard, BP21, "0012345678901000")
	if err := w.Write(NewRow(BPMP)); err == nil {
		t.Error("a BPMP row was written to a Bp21Bulk file")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(NewRow(BP21)); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestEmptyFileAndNoRows(t *testing.T) {
	out := write(t, BPNR, "0012345678901000", nil)
	r, rows, problems, err := readAll(t, out)
	if err != nil || len(rows) != 0 || len(problems) != 0 || r.Kind() != BPNR {
		t.Errorf("empty BPNR file: kind %q rows %d problems %v err %v", r.Kind(), len(rows), problems, err)
	}
	_, _, _, err = readAll(t, nil)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != "the file is empty" {
		t.Errorf("empty input: err = %v", err)
	}
	// A declaration without an element is not an empty file.
	_, _, _, err = readAll(t, []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n<!-- no slips -->\n"))
	if !errors.As(err, &se) || se.Msg != "the file ends before the document is complete" || se.Pos != (Pos{3, 1}) {
		t.Errorf("declaration only: err = %v", err)
	}
}

// TestStream5000 writes 5,000 BPMP rows through a pipe and reads them as
// they are written, so that the file is never held whole.
func TestStream5000(t *testing.T) {
	const n = 5000
	tin := "0012345678901000"
	data, _ := os.ReadFile(golden(BPMP))
	_, rows, _, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		w := NewWriter(pw, BPMP, tin)
		for i := range n {
			row := *rows[i%2]
			row.Values = append([]Value(nil), row.Values...)
			row.SetAmount("Gross", money.Amount(i+1)*money.Rupiah)
			if err := w.Write(&row); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	r := NewReader(pr)
	count := 0
	for {
		row, ps, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
		if len(ps) > 0 {
			t.Fatalf("row %d: %v", count, ps)
		}
		// 4 lines before the first row, 15 lines per row.
		if row.Index != count || row.Pos.Line != 5+15*(count-1) || row.Amount("Gross") != money.Amount(count)*money.Rupiah {
			t.Fatalf("row %d: index %d line %d gross %v", count, row.Index, row.Pos.Line, row.Amount("Gross"))
		}
	}
	if count != n || len(r.FileProblems()) > 0 {
		t.Errorf("read %d rows, file problems %v", count, r.FileProblems())
	}
}

func TestSyntaxError(t *testing.T) {
	data, _ := os.ReadFile(golden(BP21))
	cut := data[:bytes.Index(data, []byte("<Rate>0</Rate>"))+8]
	_, rows, _, err := readAll(t, cut)
	var se *SyntaxError
	if !errors.As(err, &se) || len(rows) != 0 {
		t.Fatalf("err = %v, rows %d", err, len(rows))
	}
	if se.Pos.Line != 15 {
		t.Errorf("syntax error at %+v, want line 15", se.Pos)
	}
	_, _, _, err = readAll(t, []byte("<Bp21Bulk><TIN>1</TIN><ListOfBp21></Bp21></ListOfBp21></Bp21Bulk>"))
	if !errors.As(err, &se) || se.Pos.Line != 1 {
		t.Errorf("mismatched tag: err = %v", err)
	}
}

func TestFormats(t *testing.T) {
	for _, k := range Kinds() {
		f := k.Format()
		if f.Kind != k {
			t.Errorf("%s: Format().Kind = %s", k, f.Kind)
		}
		if got, ok := KindOfRoot(f.Root); !ok || got != k {
			t.Errorf("KindOfRoot(%q) = %q, %v", f.Root, got, ok)
		}
		seen := map[string]bool{}
		for i, e := range f.Elements {
			if seen[e.Name] || f.Index(e.Name) != i {
				t.Errorf("%s: element %s duplicated or misindexed", k, e.Name)
			}
			seen[e.Name] = true
			if (e.Type == Enum) != (len(e.Values) > 0) {
				t.Errorf("%s: %s: type %v with values %v", k, e.Name, e.Type, e.Values)
			}
		}
	}
	// BPNR is the one kind with WithholdingDate before
	// IDPlaceOfBusinessActivity (ebupot.md §3.7).
	for _, k := range Kinds() {
		f := k.Format()
		before := f.Index("WithholdingDate") < f.Index("IDPlaceOfBusinessActivity")
		if before != (k == BPNR) {
			t.Errorf("%s: WithholdingDate before IDPlaceOfBusinessActivity = %v", k, before)
		}
	}
	if _, ok := KindOfRoot("TaxInvoiceBulk"); ok {
		t.Error("TaxInvoiceBulk taken for an e-Bupot root")
	}
}

func TestAccessorPanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for an element BP21 does not have")
		}
	}()
	NewRow(BP21).Text("GrossIncome")
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    money.Amount
		rounded bool
		ok      bool
	}{
		{"1758000", 175800000, false, true},
		{"1000.0", 100000, false, true},
		{"5128205.128205", 512820513, true, true},
		{"0.125", 13, true, true},
		{"0.12499", 12, true, true},
		{"1.10000", 110, false, true},
		{".5", 50, false, true},
		{"5.", 500, false, true},
		{"+7", 700, false, true},
		{"", 0, false, false},
		{".", 0, false, false},
		{"1,5", 0, false, false},
		{"-1", 0, false, false},
		{"1e3", 0, false, false},
		{"99999999999999999999", 0, false, false},
	}
	for _, tt := range tests {
		got, rounded, ok := parseAmount(tt.in)
		if got != tt.want || rounded != tt.rounded || ok != tt.ok {
			t.Errorf("parseAmount(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, rounded, ok, tt.want, tt.rounded, tt.ok)
		}
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// TestReadErrors: a declaration the decoder cannot read is a SyntaxError;
// an error of the underlying reader is passed on as it is.
func TestReadErrors(t *testing.T) {
	var se *SyntaxError
	for _, in := range []string{`<?xml version="0"?><Bp21Bulk/>`, `<?xml version="1.0" encoding="windows-1252"?><Bp21Bulk/>`} {
		if _, _, _, err := readAll(t, []byte(in)); !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a SyntaxError", in, err)
		}
	}
	boom := errors.New("disk on fire")
	_, _, err := NewReader(failingReader{boom}).Next()
	if !errors.Is(err, boom) || errors.As(err, &se) {
		t.Errorf("err = %v, want the reader's error", err)
	}
}
