package taxid

import (
	"slices"
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

// The legacy test vectors of identifiers.md §1.2; all pass the Luhn test.
var legacyVectors = []struct {
	legacy, formatted string
	typeCode          string
	serial            int
	kpp, branch       string
}{
	{"013121660091000", "01.312.166.0-091.000", "01", 312166, "091", "000"},
	{"016090524017000", "01.609.052.4-017.000", "01", 609052, "017", "000"},
	{"013000666091000", "01.300.066.6-091.000", "01", 300066, "091", "000"},
	{"021832415000000", "02.183.241.5-000.000", "02", 183241, "000", "000"},
}

func TestParseNPWPVectors(t *testing.T) {
	for _, v := range legacyVectors {
		for _, in := range []string{v.legacy, v.formatted, "0" + v.legacy, " " + v.legacy[:2] + " " + v.legacy[2:] + " "} {
			n, warnings, err := ParseNPWP(in)
			if err != nil || len(warnings) > 0 {
				t.Errorf("ParseNPWP(%q) = %q, %q, %v; want no warnings or error", in, n, warnings, err)
				continue
			}
			if want := NPWP("0" + v.legacy); n != want {
				t.Errorf("ParseNPWP(%q) = %q, want %q", in, n, want)
			}
			if got := n.Format(); got != v.formatted {
				t.Errorf("NPWP(%q).Format() = %q, want %q", n, got, v.formatted)
			}
			if l, ok := n.Legacy(); !ok || l != v.legacy {
				t.Errorf("NPWP(%q).Legacy() = %q, %v; want %q, true", n, l, ok, v.legacy)
			}
			if n.IsNIK() {
				t.Errorf("NPWP(%q).IsNIK() = true, want false", n)
			}
		}
	}
}

func TestNewLegacyNPWP(t *testing.T) {
	for _, v := range legacyVectors {
		got, err := NewLegacyNPWP(v.typeCode, v.serial, v.kpp, v.branch)
		if want := NPWP("0" + v.legacy); err != nil || got != want {
			t.Errorf("NewLegacyNPWP(%q, %d, %q, %q) = %q, %v; want %q", v.typeCode, v.serial, v.kpp, v.branch, got, err, want)
		}
	}
	// Every serial gives an NPWP that ParseNPWP accepts without warnings.
	for serial := 1; serial <= 999_999; serial += 7919 {
		n, err := NewLegacyNPWP("03", serial, "123", "001")
		if err != nil {
			t.Fatalf("NewLegacyNPWP(03, %d) error = %v", serial, err)
		}
		if got, warnings, err := ParseNPWP(string(n)); got != n || len(warnings) > 0 || err != nil {
			t.Fatalf("ParseNPWP(%q) = %q, %q, %v; want it back without warnings", n, got, warnings, err)
		}
	}

	_, err := NewLegacyNPWP("1", 0, "91", "0000")
	want := `cannot make a legacy NPWP: type code "1" must be 2 digits, e.g. 01; serial 0 must be between 1 and 999999; KPP code "91" must be 3 digits, e.g. 091; branch code "0000" must be 3 digits, 000 for the head office`
	if got := errs.Message(err); got != want {
		t.Errorf("NewLegacyNPWP(bad) error = %q, want %q", got, want)
	}
}

func TestParseNPWP(t *testing.T) {
	tests := []struct {
		in           string
		want         NPWP
		wantWarnings []string
		wantErr      string
	}{
		{in: "5103011708450001", want: "5103011708450001"},
		{in: "5103.0117.0845.0001", want: "5103011708450001"},
		{
			in:   "01.312.166.1-091.000",
			want: "0013121661091000",
			wantWarnings: []string{
				"NPWP 01.312.166.1-091.000: check digit 1 does not pass the Luhn test over the first 9 digits, which asks for 0; DJP has never published how the check digit is made, so this is only a warning: confirm the number with the taxpayer",
			},
		},
		{
			in:   "9101011708850001", // Merauke before the 2022 division of Papua
			want: "9101011708850001",
			wantWarnings: []string{
				"regency code 9101 is not in today's list for Papua; Papua Selatan, Papua Tengah and Papua Pegunungan were formed from it in 2022 (UU 14, 15 and 16/2022) and its regencies were renumbered, while a NIK keeps the code it was issued under, so an older NIK may carry it",
			},
		},
		{in: "01.312.166.0-091.00", wantErr: `NPWP "01.312.166.0-091.00": has 14 digits; an NPWP has 16 digits, or 15 in the legacy form NN.NNN.NNN.N-NNN.NNN`},
		{in: "01.312.166.0/091.000", wantErr: `NPWP "01.312.166.0/091.000": character '/' at position 13 is not a digit; an NPWP is 16 digits (or 15 in the legacy form), with or without dots, dashes and spaces`},
		{in: "51030117084500012", wantErr: `NPWP 5103…: has 17 digits; an NPWP has 16 digits, or 15 in the legacy form NN.NNN.NNN.N-NNN.NNN`},
		{in: "", wantErr: `NPWP "": has 0 digits; an NPWP has 16 digits, or 15 in the legacy form NN.NNN.NNN.N-NNN.NNN`},
		{in: "0000000000000000", wantErr: `NPWP 0000000000000000: all zeros is the placeholder Coretax files carry for a buyer without an NPWP, not a taxpayer's NPWP`},
		{in: "000000000000000", wantErr: `NPWP 0000000000000000: all zeros is the placeholder Coretax files carry for a buyer without an NPWP, not a taxpayer's NPWP`},
		{in: "5103013208450001", wantErr: `NPWP 5103…: a 16-digit NPWP that does not start with 0 is the holder's NIK (UU KUP Pasal 2(1a) as amended by UU HPP), and this is not a valid NIK: day of birth 32 is not a valid day; men's days run 01–31, women's days run 41–71`},
	}
	for _, tt := range tests {
		got, warnings, err := ParseNPWP(tt.in)
		if tt.wantErr != "" {
			if msg := errs.Message(err); err == nil || msg != tt.wantErr {
				t.Errorf("ParseNPWP(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
			}
			if err != nil && errs.KindOf(err) != errs.Invalid {
				t.Errorf("ParseNPWP(%q) error kind = %v, want invalid", tt.in, errs.KindOf(err))
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseNPWP(%q) error = %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseNPWP(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if diff := cmp.Diff(tt.wantWarnings, warnings); diff != "" {
			t.Errorf("ParseNPWP(%q) warnings (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestNPWPIsNIK(t *testing.T) {
	n := NPWP("5103011708450001")
	if !n.IsNIK() {
		t.Errorf("NPWP(%q).IsNIK() = false", n)
	}
	if nik, ok := n.NIK(); !ok || nik != "5103011708450001" {
		t.Errorf("NPWP(%q).NIK() = %q, %v", n, nik, ok)
	}
	if l, ok := n.Legacy(); ok {
		t.Errorf("NPWP(%q).Legacy() = %q, true; want false", n, l)
	}
	if got := n.Format(); got != "5103011708450001" {
		t.Errorf("NPWP(%q).Format() = %q, want the 16 digits", n, got)
	}
	if _, ok := NPWP("0013121660091000").NIK(); ok {
		t.Errorf("a legacy NPWP reports being a NIK")
	}
}

func TestLuhn(t *testing.T) {
	for _, s := range []string{"0", "18", "79927398713", "4111111111111111"} {
		if !luhnValid(s) {
			t.Errorf("luhnValid(%q) = false, want true", s)
		}
		if got := luhnCheckDigit(s[:len(s)-1]); got != s[len(s)-1] {
			t.Errorf("luhnCheckDigit(%q) = %c, want %c", s[:len(s)-1], got, s[len(s)-1])
		}
	}
	if luhnValid("79927398710") {
		t.Errorf("luhnValid(79927398710) = true, want false")
	}
}

func FuzzParseNPWP(f *testing.F) {
	for _, v := range legacyVectors {
		f.Add(v.formatted)
	}
	for _, s := range []string{"5103011708450001", "9101011708850001", "01.312.166.1-091.000", "0000000000000000", "x", "5103013208450001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, warnings, err := ParseNPWP(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseNPWP(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if len(n) != 16 || !isDigits(string(n)) {
			t.Fatalf("ParseNPWP(%q) = %q, not 16 digits", s, n)
		}
		for _, again := range []string{n.String(), n.Format()} {
			m, w, err := ParseNPWP(again)
			if err != nil || m != n || !slices.Equal(w, warnings) {
				t.Fatalf("ParseNPWP(%q) = %q, %q; ParseNPWP(%q) = %q, %q, %v", s, n, warnings, again, m, w, err)
			}
		}
		if nik, ok := n.NIK(); ok {
			if _, err := ParseNIK(string(nik)); err != nil {
				t.Fatalf("NPWP %q is a NIK that ParseNIK rejects: %v", n, err)
			}
		}
	})
}
