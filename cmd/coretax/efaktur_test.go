package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/efaktur"
)

const (
	bulkFile     = "../../internal/efaktur/testdata/bulk.xml"
	sheetCSV     = "../../internal/efaktur/sheet/testdata/invoices.csv"
	sheetXLSX    = "../../internal/efaktur/sheet/testdata/invoices.xlsx"
	inWindow     = "--today=2025-07-10" // bulk.xml's invoices are dated 2025-06-30
	registryLine = "registry checks skipped: buyer registration is checked on upload\n"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestUploadWindow(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tt := range []struct{ today, from string }{
		{"2025-07-20", "2025-06-01"}, // the 20th: June is still open
		{"2025-07-21", "2025-07-01"},
		{"2025-01-05", "2024-12-01"},
		{"2025-03-31", "2025-03-01"},
	} {
		o := uploadWindow(day(tt.today))
		if got := o.DateFrom.Format(time.DateOnly); got != tt.from || !o.DateTo.Equal(day(tt.today)) {
			t.Errorf("uploadWindow(%s) = %s to %s, want %s to %s", tt.today, got, o.DateTo.Format(time.DateOnly), tt.from, tt.today)
		}
	}
}

func TestEfakturValidateExitCodes(t *testing.T) {
	good := readFile(t, bulkFile)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(bad, bytes.Replace(good, []byte("<Unit>UM.0030</Unit>"), []byte("<Unit>UM.0040</Unit>"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	notXML := filepath.Join(dir, "not.xml")
	if err := os.WriteFile(notXML, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		args    []string
		stdin   []byte
		code    int
		out     string // the end of stdout
		errPart string // part of stderr
	}{
		{"valid", []string{bulkFile, inWindow}, nil, 0, registryLine + bulkFile + ": 4 invoices, valid\n", ""},
		{"valid from stdin", []string{"-", inWindow}, good, 0, registryLine + "-: 4 invoices, valid\n", ""},
		{"invalid", []string{bad, inWindow}, nil, 1, registryLine + bad + ": 4 invoices, 1 problem: not valid\n", ""},
		{"outside the window", []string{"--today", "2025-08-21", bulkFile}, nil, 1, registryLine + bulkFile + ": 4 invoices, 4 problems: not valid\n", ""},
		{"not XML", []string{notXML, inWindow}, nil, 2, "1 invoice read before the file stopped being XML; not valid\n", "not well-formed XML"},
		{"empty stdin", []string{"-"}, nil, 2, "-: 0 invoices read before the file stopped being XML; not valid\n", "not well-formed XML"},
		{"cannot be read", []string{filepath.Join(dir, "missing.xml")}, nil, 2, "", "no such file"},
		{"no file", nil, nil, 2, "", "give exactly one file"},
		{"two files", []string{bulkFile, bulkFile}, nil, 2, "", "give exactly one file"},
		{"bad --today", []string{bulkFile, "--today", "10/07/2025"}, nil, 2, "", `--today "10/07/2025": not a date`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runStdin(t, string(tt.stdin), append([]string{"efaktur", "validate"}, tt.args...)...)
			if code != tt.code || !strings.HasSuffix(out, tt.out) || !strings.Contains(errOut, tt.errPart) {
				t.Errorf("status %d, want %d\nstdout:\n%s\nwant it to end with:\n%s\nstderr:\n%s", code, tt.code, out, tt.out, errOut)
			}
		})
	}
}

func TestEfakturHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"efaktur", "--help"}, {"efaktur", "help"}, {"help", "efaktur"}, {"efaktur", "validate", "--help"}, {"efaktur", "convert", "-h"}} {
		code, out, _ := runStdin(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage: coretax efaktur validate FILE.xml") || !strings.Contains(out, "coretax efaktur convert SHEET") {
			t.Errorf("%v: status %d\n%s", args, code, out)
		}
	}
	for _, args := range [][]string{{"efaktur"}, {"efaktur", "check"}} {
		if code, _, errOut := runStdin(t, "", args...); code != 2 || !strings.Contains(errOut, "Run 'coretax efaktur --help'") {
			t.Errorf("%v: status %d, stderr %q", args, code, errOut)
		}
	}
}

// TestEfakturValidateJSON checks the keys of the JSON contract, not a
// struct of ours, so that a renamed field cannot pass unnoticed.
func TestEfakturValidateJSON(t *testing.T) {
	good := readFile(t, bulkFile)
	bad := bytes.Replace(good, []byte("<OtherTaxBase>91666.67</OtherTaxBase>"), []byte("<OtherTaxBase>91666.66</OtherTaxBase>"), 1)
	for _, tt := range []struct {
		name   string
		input  []byte
		code   int
		valid  bool
		errors int
	}{
		{"valid", good, 0, true, 0},
		{"invalid", bad, 1, false, 1},
		{"not XML", good[:200], 2, false, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runStdin(t, string(tt.input), "efaktur", "validate", "--json", inWindow, "-")
			if code != tt.code {
				t.Fatalf("status %d, want %d; stderr %s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, registryLine) {
				t.Errorf("stderr %q lacks the registry notice", errOut)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("stdout is not a JSON object: %v\n%s", err, out)
			}
			var keys []string
			for k := range got {
				keys = append(keys, k)
			}
			if diff := cmp.Diff([]string{"errors", "invoices", "valid"}, sortStrings(keys)); diff != "" {
				t.Errorf("top-level keys (-want +got):\n%s", diff)
			}
			var invoices int
			var valid bool
			var errs []map[string]any
			for k, dst := range map[string]any{"invoices": &invoices, "valid": &valid, "errors": &errs} {
				if err := json.Unmarshal(got[k], dst); err != nil {
					t.Errorf("%s: %v", k, err)
				}
			}
			if valid != tt.valid || len(errs) != tt.errors || errs == nil {
				t.Errorf("valid %v, %d errors (nil: %v), want %v, %d\n%s", valid, len(errs), errs == nil, tt.valid, tt.errors, out)
			}
			if tt.name == "valid" && invoices != 4 {
				t.Errorf("invoices %d, want 4", invoices)
			}
			for _, e := range errs {
				for _, k := range []string{"invoice", "line", "xml_line", "path", "field", "value", "message"} {
					if _, ok := e[k]; !ok {
						t.Errorf("error %v lacks %q", e, k)
					}
				}
			}
			if tt.name == "invalid" {
				e := errs[0]
				if e["invoice"] != 1.0 || e["line"] != 1.0 || e["xml_line"] != 33.0 || e["field"] != "OtherTaxBase" ||
					e["value"] != "91666.66" || e["expected"] != "91666.67" || e["rule"] != "arithmetic" {
					t.Errorf("error %v", e)
				}
			}
			if tt.name == "not XML" && (errs[0]["invoice"] != 0.0 || errs[0]["rule"] != "syntax" || errs[0]["xml_line"] == 0.0) {
				t.Errorf("syntax error %v", errs[0])
			}
		})
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestEfakturValidateBadFiles: each broken copy of bulk.xml yields the
// problem a user must see, at the right invoice, line and XML line.
func TestEfakturValidateBadFiles(t *testing.T) {
	good := string(readFile(t, bulkFile))
	for _, tt := range []struct {
		name     string
		old, new string
		want     efaktur.Problem // Invoice, Line, XMLLine, Field, Value, Rule, Expected compared
		message  string          // part of the message
		code     int
	}{
		{"element order", "      <TaxInvoiceOpt>Normal</TaxInvoiceOpt>\n      <TrxCode>04</TrxCode>\n", "      <TrxCode>04</TrxCode>\n      <TaxInvoiceOpt>Normal</TaxInvoiceOpt>\n",
			efaktur.Problem{Invoice: 1, XMLLine: 8, Field: "TaxInvoiceOpt", Rule: efaktur.RuleOrder}, "<TaxInvoiceOpt> comes after <TrxCode>, but Coretax requires it before", 1},
		{"missing element", "      <BuyerName>PT Contoh &amp; Rekan</BuyerName>\n      <BuyerAdress>Jl. Contoh 1, Denpasar</BuyerAdress>\n      <BuyerEmail/>\n      <BuyerIDTKU>0098765432109000000000</BuyerIDTKU>\n      <ListOfGoodService>\n        <GoodService>\n          <Opt>A</Opt>\n          <Code>000000</Code>\n          <Name>Barang</Name>",
			"      <BuyerAdress>Jl. Contoh 1, Denpasar</BuyerAdress>\n      <BuyerEmail/>\n      <BuyerIDTKU>0098765432109000000000</BuyerIDTKU>\n      <ListOfGoodService>\n        <GoodService>\n          <Opt>A</Opt>\n          <Code>000000</Code>\n          <Name>Barang</Name>",
			efaktur.Problem{Invoice: 1, XMLLine: 5, Field: "BuyerName", Rule: efaktur.RuleMissing}, "<BuyerName> is missing", 1},
		{"NITKU of another NPWP", "<SellerIDTKU>0012345678901000000000</SellerIDTKU>", "<SellerIDTKU>0098765432109000000000</SellerIDTKU>",
			efaktur.Problem{Invoice: 1, XMLLine: 14, Field: "SellerIDTKU", Value: "0098765432109000000000", Rule: efaktur.RuleNITKUOwner}, "SellerIDTKU belongs to NPWP 0098765432109000, not to the file's TIN 0012345678901000", 1},
		{"three decimals", "<Qty>2</Qty>", "<Qty>2.005</Qty>",
			efaktur.Problem{Invoice: 1, Line: 2, XMLLine: 45, Field: "Qty", Value: "2.005", Rule: efaktur.RuleDecimals}, "has 3 decimals; Coretax accepts at most 2", 1},
		{"unknown unit", "<Unit>UM.0030</Unit>", "<Unit>UM.0040</Unit>",
			efaktur.Problem{Invoice: 1, Line: 2, XMLLine: 43, Field: "Unit", Value: "UM.0040", Rule: efaktur.RuleCode}, "unknown unit code", 1},
		{"arithmetic", "<OtherTaxBase>91666.67</OtherTaxBase>", "<OtherTaxBase>91666.66</OtherTaxBase>",
			efaktur.Problem{Invoice: 1, Line: 1, XMLLine: 33, Field: "OtherTaxBase", Value: "91666.66", Rule: efaktur.RuleArithmetic, Expected: "91666.67"}, "= 100000 × 11/12 = 91666.67", 1},
		{"not XML", "</TaxInvoiceDate>\n      <TaxInvoiceOpt>", "</TaxInvoiceOpt>\n      <TaxInvoiceOpt>",
			efaktur.Problem{XMLLine: 6, Rule: efaktur.RuleSyntax}, "element <TaxInvoiceDate> closed by </TaxInvoiceOpt>", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("bulk.xml does not contain %q", tt.old)
			}
			input := strings.Replace(good, tt.old, tt.new, 1)
			code, out, _ := runStdin(t, input, "efaktur", "validate", "--json", inWindow, "-")
			if code != tt.code {
				t.Fatalf("status %d, want %d\n%s", code, tt.code, out)
			}
			var res struct {
				Errors []efaktur.Problem `json:"errors"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) != 1 {
				t.Fatalf("%d errors, want 1:\n%s", len(res.Errors), out)
			}
			got := res.Errors[0]
			if !strings.Contains(got.Message, tt.message) {
				t.Errorf("message %q, want it to contain %q", got.Message, tt.message)
			}
			got = efaktur.Problem{Invoice: got.Invoice, Line: got.Line, XMLLine: got.XMLLine, Field: got.Field, Value: got.Value, Rule: got.Rule, Expected: got.Expected}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			// The text form prints the same problem on one line.
			code, text, _ := runStdin(t, input, "efaktur", "validate", inWindow, "-")
			if code != tt.code || (tt.code == 1 && !strings.Contains(text, tt.message)) {
				t.Errorf("text form: status %d\n%s", code, text)
			}
		})
	}
}

func TestEfakturConvert(t *testing.T) {
	dir := t.TempDir()
	for _, input := range []string{sheetCSV, sheetXLSX} {
		t.Run(filepath.Ext(input), func(t *testing.T) {
			out := filepath.Join(dir, "faktur"+filepath.Ext(input)+".xml")
			code, stdout, errOut := runStdin(t, "", "efaktur", "convert", input, "-o", out, inWindow)
			if code != 0 || stdout != "" || !strings.Contains(errOut, "wrote "+out+" with 4 invoices and 5 lines, valid") {
				t.Fatalf("convert: status %d\nstdout %s\nstderr %s", code, stdout, errOut)
			}
			code, report, _ := runStdin(t, "", "efaktur", "validate", out, inWindow)
			if code != 0 {
				t.Errorf("validate the converted file: status %d\n%s", code, report)
			}
			// To standard output, from standard input.
			code, xml, _ := runStdin(t, string(readFile(t, input)), "efaktur", "convert", "-", inWindow)
			if code != 0 || xml != string(readFile(t, out)) {
				t.Errorf("convert to stdout: status %d, output differs from %s", code, out)
			}
		})
	}
}

func TestEfakturConvertProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "invoice,TaxInvoiceDate,TrxCode,BuyerTin,BuyerDocument,BuyerName,BuyerAdress,Opt,Name,Unit,Price,Qty\n"
	const row = "A1,2025-06-30,04,0098765432109000,TIN,PT B,Jl. C,A,Barang,UM.0018,100000,1\n"
	badSheet := write("bad.csv", head+row+"A1,2025-07-01,04,0098765432109000,TIN,PT B,Jl. C,A,Barang,UM.0018,100000,1\n")
	badUnit := write("unit.csv", head+strings.Replace(row, "UM.0018", "UM.0040", 1))
	notCSV := write("quote.csv", head+"A1,\"x\"y\n")
	out := filepath.Join(dir, "out.xml")
	seller := "--seller=0012345678901000"
	for _, tt := range []struct {
		name    string
		args    []string
		code    int
		errPart string
		written bool
	}{
		{"sheet errors", []string{badSheet, "-o", out, seller, inWindow}, 1,
			`bad.csv: row 3, column B (TaxInvoiceDate) "2025-07-01": differs from the invoice's first row 2, where it is "2025-06-30"`, false},
		{"file problems", []string{badUnit, "-o", out, seller, inWindow}, 1,
			`unit.csv: row 2, column J (Unit) "UM.0040": unknown unit code`, false},
		{"file problems forced", []string{badUnit, "-o", out, seller, inWindow, "--force"}, 1,
			"wrote " + out + " with 1 invoice and 1 line, 1 problem", true},
		{"date window", []string{write("ok.csv", head+row), "-o", out, seller, "--today=2025-09-01"}, 1,
			`row 2, column B (TaxInvoiceDate) "2025-06-30": the invoice date is outside the allowed window 2025-08-01 to 2025-09-01`, false},
		{"no seller", []string{write("ok2.csv", head+row), "-o", out, inWindow}, 1,
			"row 2, SellerIDTKU: SellerIDTKU is empty and the seller's NPWP is not given", false},
		{"bad seller", []string{badUnit, "--seller", "12345"}, 2, `--seller "12345": the seller's NPWP has exactly 16 digits`, false},
		{"not CSV", []string{notCSV, seller}, 2, "quote.csv: row 2: not valid CSV", false},
		{"missing sheet", []string{filepath.Join(dir, "none.csv")}, 2, "no such file", false},
		{"no sheet", nil, 2, "give exactly one sheet", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			code, _, errOut := runStdin(t, "", append([]string{"efaktur", "convert"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.errPart) {
				t.Errorf("status %d, want %d; stderr:\n%s\nwant it to contain:\n%s", code, tt.code, errOut, tt.errPart)
			}
			if _, err := os.Stat(out); (err == nil) != tt.written {
				t.Errorf("written: %v, want %v", err == nil, tt.written)
			}
		})
	}
}
