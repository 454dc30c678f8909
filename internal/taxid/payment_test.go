package taxid

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestParseBillingCode(t *testing.T) {
	if b, err := ParseBillingCode("820 220 922 465 628"); err != nil || b != "820220922465628" {
		t.Errorf("ParseBillingCode = %q, %v; want 820220922465628", b, err)
	}
	bad := []struct{ in, wantErr string }{
		{"82022092246562", `billing code "82022092246562": has 14 digits; a billing code has 15`},
		{"82022092246562A", `billing code "82022092246562A": character 'A' at position 15 is not a digit; a billing code is 15 digits`},
	}
	for _, tt := range bad {
		_, err := ParseBillingCode(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParseBillingCode(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
}

func TestParseNTPN(t *testing.T) {
	if n, err := ParseNTPN("a1b2 c3d4-e5f6.g7h8"); err != nil || n != "A1B2C3D4E5F6G7H8" {
		t.Errorf("ParseNTPN = %q, %v; want A1B2C3D4E5F6G7H8", n, err)
	}
	bad := []struct{ in, wantErr string }{
		{"A1B2C3D4E5F6G7H", `NTPN "A1B2C3D4E5F6G7H": has 15 letters and digits; an NTPN has 16`},
		{"A1B2C3D4E5F6G7H_", `NTPN "A1B2C3D4E5F6G7H_": character '_' at position 16 is not a letter A–Z or a digit; an NTPN is 16 letters and digits`},
	}
	for _, tt := range bad {
		_, err := ParseNTPN(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParseNTPN(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
}

func FuzzParseBillingCode(f *testing.F) {
	f.Add("820220922465628")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBillingCode(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseBillingCode(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if c, err := ParseBillingCode(b.Format()); err != nil || c != b || len(b) != 15 {
			t.Fatalf("ParseBillingCode(%q) = %q; again: %q, %v", s, b, c, err)
		}
	})
}

func FuzzParseNTPN(f *testing.F) {
	f.Add("A1B2C3D4E5F6G7H8")
	f.Add("a1b2 c3d4-e5f6.g7h8")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNTPN(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseNTPN(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if m, err := ParseNTPN(n.Format()); err != nil || m != n || len(n) != 16 {
			t.Fatalf("ParseNTPN(%q) = %q; again: %q, %v", s, n, m, err)
		}
	})
}
