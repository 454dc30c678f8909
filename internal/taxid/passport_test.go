package taxid

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestParsePassport(t *testing.T) {
	good := []struct{ in, want string }{
		{"X1234567", "X1234567"},
		{" c01x00t47 ", "C01X00T47"},
		{"E 1234 567", "E1234567"},
		{"L898902C3<<", "L898902C3"}, // copied from an ICAO 9303 MRZ
		{"123456789012345678AB", "123456789012345678AB"},
	}
	for _, tt := range good {
		if p, err := ParsePassport(tt.in); err != nil || p != Passport(tt.want) {
			t.Errorf("ParsePassport(%q) = %q, %v; want %q", tt.in, p, err, tt.want)
		}
	}
	bad := []struct{ in, wantErr string }{
		{"", `passport number "": is empty; give the number printed on the passport's data page`},
		{"A123", `passport number "A123": has 4 letters and digits; passport numbers have at least 5`},
		{"123456789012345678901", `passport number "123456789012345678901": has 21 letters and digits; passport numbers have at most 20`},
		{"AB/12345", `passport number "AB/12345": character '/' at position 3 is not allowed; passport numbers use only the letters A–Z and the digits 0–9 (ICAO 9303)`},
		{"ÄB12345", `passport number "ÄB12345": character 'Ä' at position 1 is not allowed; passport numbers use only the unaccented letters A–Z and the digits 0–9 (ICAO 9303)`},
		{"AB<<12345", `passport number "AB<<12345": character '<' at position 3 is not allowed; passport numbers use only the letters A–Z and the digits 0–9 (ICAO 9303)`},
	}
	for _, tt := range bad {
		_, err := ParsePassport(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParsePassport(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
}

func FuzzParsePassport(f *testing.F) {
	for _, s := range []string{"X1234567", "L898902C3<<", "E 1234 567", "AB/12345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePassport(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParsePassport(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if q, err := ParsePassport(p.String()); err != nil || q != p {
			t.Fatalf("ParsePassport(%q) = %q; ParsePassport(%q) = %q, %v", s, p, p, q, err)
		}
	})
}

func TestParsePassportNonASCII(t *testing.T) {
	// U+017F LATIN SMALL LETTER LONG S upper-cases to S in Unicode; it must
	// not pass as one.
	if p, err := ParsePassport("X12345ſ"); err == nil {
		t.Errorf("ParsePassport with a long s = %q, want an error", p)
	}
	if n, err := ParseNTPN("A1B2C3D4E5F6G7Hſ"); err == nil {
		t.Errorf("ParseNTPN with a long s = %q, want an error", n)
	}
}
