package taxid

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

func TestParseFakturNumber(t *testing.T) {
	f, err := ParseFakturNumber("04.00.25.00000000123")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{f.String(), f.Format(), f.TransactionCode(), f.Status(), f.NSFP(), f.Serial()}
	want := []string{"04002500000000123", "04.00.25.00000000123", "04", "00", "2500000000123", "00000000123"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("faktur number accessors (-want +got):\n%s", diff)
	}
	if f.Year() != 2025 {
		t.Errorf("Year() = %d, want 2025", f.Year())
	}

	bad := []struct{ in, wantErr string }{
		{"0400250000000012", `faktur number "0400250000000012": has 16 digits; a Coretax faktur number has 17 (PER-11/PJ/2025 Pasal 37); 16 digits is a legacy e-Faktur number (NSFP)`},
		{"11002500000000123", `faktur number "11002500000000123": transaction code 11 is not one of 01–10 (PER-11/PJ/2025)`},
		{"00002500000000123", `faktur number "00002500000000123": transaction code 00 is not one of 01–10 (PER-11/PJ/2025)`},
		{"04/00/25/00000000123", `faktur number "04/00/25/00000000123": character '/' at position 3 is not a digit; a Coretax faktur number is 17 digits`},
	}
	for _, tt := range bad {
		_, err := ParseFakturNumber(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParseFakturNumber(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
	var zero FakturNumber
	if zero.TransactionCode() != "" || zero.Year() != 0 || zero.Format() != "" {
		t.Errorf("zero FakturNumber accessors are not empty")
	}
}

func TestParseNSFP(t *testing.T) {
	tests := []struct {
		in          string
		formatted   string
		replacement bool
		year        int
	}{
		{"010.000-24.00000001", "010.000-24.00000001", false, 2024},
		{"011.000-24.00000008", "011.000-24.00000008", true, 2024},
		{"0100002400000001", "010.000-24.00000001", false, 2024},
	}
	for _, tt := range tests {
		n, err := ParseNSFP(tt.in)
		if err != nil {
			t.Errorf("ParseNSFP(%q) error = %v", tt.in, err)
			continue
		}
		if n.Format() != tt.formatted || n.IsReplacement() != tt.replacement || n.Year() != tt.year || n.TransactionCode() != "01" {
			t.Errorf("ParseNSFP(%q) = %q: Format %q, IsReplacement %v, Year %d, TransactionCode %q", tt.in, n, n.Format(), n.IsReplacement(), n.Year(), n.TransactionCode())
		}
	}
	if n, _ := ParseNSFP("010.000-24.00000001"); n.Serial() != "0002400000001" {
		t.Errorf("Serial() = %q, want 0002400000001", n.Serial())
	}
	bad := []struct{ in, wantErr string }{
		{"012.000-24.00000001", `legacy faktur number "012.000-24.00000001": status 2 is not a status; 0 is normal, 1 a replacement`},
		{"000.000-24.00000001", `legacy faktur number "000.000-24.00000001": transaction code 00 is not a transaction code; codes start at 01`},
		{"010.000-24.0000001", `legacy faktur number "010.000-24.0000001": has 15 digits; a legacy faktur number has 16, KKS.CCC-YY.NNNNNNNN`},
	}
	for _, tt := range bad {
		_, err := ParseNSFP(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParseNSFP(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
}

func FuzzParseFakturNumber(f *testing.F) {
	f.Add("04.00.25.00000000123")
	f.Add("11002500000000123")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseFakturNumber(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseFakturNumber(%q) error %v is not Invalid", s, err)
			}
			return
		}
		for _, again := range []string{n.String(), n.Format()} {
			if m, err := ParseFakturNumber(again); err != nil || m != n {
				t.Fatalf("ParseFakturNumber(%q) = %q; ParseFakturNumber(%q) = %q, %v", s, n, again, m, err)
			}
		}
	})
}

func FuzzParseNSFP(f *testing.F) {
	f.Add("010.000-24.00000001")
	f.Add("012.000-24.00000001")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNSFP(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseNSFP(%q) error %v is not Invalid", s, err)
			}
			return
		}
		for _, again := range []string{n.String(), n.Format()} {
			if m, err := ParseNSFP(again); err != nil || m != n {
				t.Fatalf("ParseNSFP(%q) = %q; ParseNSFP(%q) = %q, %v", s, n, again, m, err)
			}
		}
	})
}
