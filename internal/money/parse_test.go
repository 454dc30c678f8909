package money

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

type parseTest struct {
	in      string
	want    Amount
	wantErr string // the whole user-safe message; "" when parsing succeeds
}

func runParseTests(t *testing.T, name string, parse func(string) (Amount, error), tests []parseTest) {
	t.Helper()
	for _, tt := range tests {
		got, err := parse(tt.in)
		if tt.wantErr != "" {
			if err == nil {
				t.Errorf("%s(%q) = %d sen, want error %q", name, tt.in, got, tt.wantErr)
				continue
			}
			if msg := errs.Message(err); msg != tt.wantErr {
				t.Errorf("%s(%q) error = %q, want %q", name, tt.in, msg, tt.wantErr)
			}
			if k := errs.KindOf(err); k != errs.Invalid {
				t.Errorf("%s(%q) error kind = %v, want invalid", name, tt.in, k)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s(%q) error = %v, want %d sen", name, tt.in, err, tt.want)
			continue
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %d sen, want %d", name, tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	runParseTests(t, "Parse", Parse, []parseTest{
		{in: "0", want: 0},
		{in: "15000000", want: 15_000_000 * Rupiah},
		{in: "91666.67", want: 9166667},
		{in: "91666.7", want: 9166670},
		{in: "0.05", want: 5},
		{in: "-500", want: -500 * Rupiah},
		{in: "007", want: 7 * Rupiah},
		{in: "92233720368547758.07", want: MaxAmount},
		{in: "-92233720368547758.07", want: -MaxAmount},
		{in: "", wantErr: `amount "": empty; write a number, e.g. 1500000 or 91666.67`},
		{in: "-", wantErr: `amount "-": no digits; write a number, e.g. 1500000 or 91666.67`},
		{in: "1.234", wantErr: `amount "1.234": more than 2 decimals; Coretax accepts at most 2, e.g. 1.23`},
		{in: "1.", wantErr: `amount "1.": no digits after the decimal separator; write a number, e.g. 1500000 or 91666.67`},
		{in: ".5", wantErr: `amount ".5": no digits before the decimal separator; write a number, e.g. 1500000 or 91666.67`},
		{in: "1,500,000", wantErr: `amount "1,500,000": ',' is not allowed here; write a decimal point and no thousands separators, e.g. 1500000 or 91666.67`},
		{in: "1.500.000", wantErr: `amount "1.500.000": '.' is not allowed here; write a decimal point and no thousands separators, e.g. 1500000 or 91666.67`},
		{in: "Rp500", wantErr: `amount "Rp500": write the number without "Rp", e.g. 1500000 or 91666.67`},
		{in: "1 500", wantErr: `amount "1 500": spaces are not allowed inside the number, e.g. 1500000 or 91666.67`},
		{in: "+5", wantErr: `amount "+5": a sign may only stand at the start, e.g. 1500000 or 91666.67`},
		{in: "1e6", wantErr: `amount "1e6": character 'e' is not allowed; write digits, e.g. 1500000 or 91666.67`},
		{in: "92233720368547758.08", wantErr: `amount "92233720368547758.08": too large; the largest amount is Rp92.233.720.368.547.758,07`},
		{in: "100000000000000000000", wantErr: `amount "100000000000000000000": too large; the largest amount is Rp92.233.720.368.547.758,07`},
		{in: "12345678901234567890123456789012345678901234567890", wantErr: `amount "1234567890123456789012345678901234567890…": too large; the largest amount is Rp92.233.720.368.547.758,07`},
	})
}

func TestParseXML(t *testing.T) {
	runParseTests(t, "ParseXML", ParseXML, []parseTest{
		{in: "11000", want: 11000 * Rupiah},
		{in: "11000.00", want: 11000 * Rupiah},
		{in: "11000.0", want: 11000 * Rupiah}, // as Odoo writes it
		{in: "91666.67", want: 9166667},
		{in: " 4491666.67\n", want: 449166667},
		{in: "+12", want: 12 * Rupiah},
		{in: "-0.5", want: -50},
		{in: ".5", want: 50},
		{in: "5.", want: 5 * Rupiah},
		{in: "1.234", wantErr: `amount "1.234": more than 2 decimals; Coretax accepts at most 2, e.g. 1.23`},
		{in: "1.230", wantErr: `amount "1.230": more than 2 decimals; Coretax accepts at most 2, e.g. 1.23`},
		{in: "", wantErr: `amount "": empty; write a number, e.g. 11000 or 91666.67`},
		{in: ".", wantErr: `amount ".": no digits after the decimal separator; write a number, e.g. 11000 or 91666.67`},
		{in: "1,5", wantErr: `amount "1,5": ',' is not allowed here; write a decimal point and no thousands separators, e.g. 11000 or 91666.67`},
		{in: "NaN", wantErr: `amount "NaN": character 'N' is not allowed; write digits, e.g. 11000 or 91666.67`},
	})
}

func TestParseDisplay(t *testing.T) {
	runParseTests(t, "ParseDisplay", ParseDisplay, []parseTest{
		{in: "Rp11.000", want: 11000 * Rupiah},
		{in: "Rp91.666,67", want: 9166667},
		{in: "Rp91.666,7", want: 9166670},
		{in: "-Rp500", want: -500 * Rupiah},
		{in: "Rp 1.500.000", want: 1_500_000 * Rupiah},
		{in: "RP1500000", want: 1_500_000 * Rupiah},
		{in: "Rp0,01", want: 1},
		{in: "Rp92.233.720.368.547.758,07", want: MaxAmount},
		{in: "11.000", wantErr: `amount "11.000": does not start with "Rp"; write it as Rp1.500.000 or Rp91.666,67`},
		{in: "Rp1.5000", wantErr: `amount "Rp1.5000": the '.' separators do not group the digits in threes; write it as Rp1.500.000 or Rp91.666,67`},
		{in: "Rp1000.000", wantErr: `amount "Rp1000.000": the '.' separators do not group the digits in threes; write it as Rp1.500.000 or Rp91.666,67`},
		{in: "Rp91666.67", wantErr: `amount "Rp91666.67": the '.' separators do not group the digits in threes; write it as Rp1.500.000 or Rp91.666,67`},
		{in: "Rp1,234", wantErr: `amount "Rp1,234": more than 2 decimals; Coretax accepts at most 2, e.g. 1,23`},
		{in: "Rp", wantErr: `amount "Rp": no digits; write a number, e.g. Rp1.500.000 or Rp91.666,67`},
		{in: "Rp-500", wantErr: `amount "Rp-500": a sign may only stand at the start, e.g. Rp1.500.000 or Rp91.666,67`},
	})
}

// checkRoundTrip formats a in every form and parses each back.
func checkRoundTrip(t *testing.T, input string, a Amount) {
	t.Helper()
	forms := []struct {
		name   string
		format func() string
		parse  func(string) (Amount, error)
	}{
		{"String/Parse", a.String, Parse},
		{"XML/ParseXML", a.XML, ParseXML},
		{"Display/ParseDisplay", a.Display, ParseDisplay},
	}
	for _, f := range forms {
		s := f.format()
		got, err := f.parse(s)
		if err != nil {
			t.Fatalf("%q parsed to %d sen; %s: %q does not parse back: %v", input, a, f.name, s, err)
		}
		if got != a {
			t.Fatalf("%q parsed to %d sen; %s: %q parses back to %d", input, a, f.name, s, got)
		}
	}
}

func fuzzParser(f *testing.F, parse func(string) (Amount, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parse(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("%q: error %v is not classified Invalid", s, err)
			}
			return
		}
		if a > MaxAmount || a < -MaxAmount {
			t.Fatalf("%q parsed to %d, beyond ±MaxAmount", s, a)
		}
		checkRoundTrip(t, s, a)
	})
}

func FuzzParse(f *testing.F) {
	fuzzParser(f, Parse, "0", "91666.67", "-500", "1.234", "92233720368547758.07", "1e6")
}

func FuzzParseXML(f *testing.F) {
	fuzzParser(f, ParseXML, "11000", "11000.0", " .5 ", "+1.", "1.230", "92233720368547758.08")
}

func FuzzParseDisplay(f *testing.F) {
	fuzzParser(f, ParseDisplay, "Rp11.000", "-Rp91.666,67", "Rp 1500000", "Rp1.5000", "rp0,1")
}
