package taxid

import (
	"slices"
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestCountries(t *testing.T) {
	all := Countries()
	if len(all) != 249 {
		t.Errorf("len(Countries()) = %d, want 249 (ISO 3166-1)", len(all))
	}
	if !slices.IsSorted(all) {
		t.Errorf("Countries() is not sorted")
	}
	if len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Errorf("Countries() has duplicates")
	}
	for _, c := range all {
		if c.Name() == "" {
			t.Errorf("Country(%q).Name() is empty", c)
		}
	}
}

func TestParseCountry(t *testing.T) {
	good := []struct {
		in   string
		want Country
		name string
	}{
		{"IDN", "IDN", "Indonesia"},
		{" sgp ", "SGP", "Singapore"},
		{"KOR", "KOR", "Korea, Republic of"},
		{"ABW", "ABW", "Aruba"},
		{"ZWE", "ZWE", "Zimbabwe"},
	}
	for _, tt := range good {
		c, err := ParseCountry(tt.in)
		if err != nil || c != tt.want || c.Name() != tt.name {
			t.Errorf("ParseCountry(%q) = %q (%q), %v; want %q (%q)", tt.in, c, c.Name(), err, tt.want, tt.name)
		}
	}
	bad := []struct{ in, wantErr string }{
		{"ID", `country "ID": is not a 3-letter country code; use ISO 3166-1 alpha-3, e.g. IDN for Indonesia, SGP for Singapore`},
		{"XXX", `country "XXX": is not an ISO 3166-1 alpha-3 country code, e.g. IDN for Indonesia, SGP for Singapore`},
		{"1DN", `country "1DN": is not a 3-letter country code; use ISO 3166-1 alpha-3, e.g. IDN for Indonesia, SGP for Singapore`},
	}
	for _, tt := range bad {
		_, err := ParseCountry(tt.in)
		if msg := errs.Message(err); err == nil || msg != tt.wantErr {
			t.Errorf("ParseCountry(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
	}
}

func FuzzParseCountry(f *testing.F) {
	f.Add("IDN")
	f.Add(" sgp ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCountry(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseCountry(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if d, err := ParseCountry(c.String()); err != nil || d != c || c.Name() == "" {
			t.Fatalf("ParseCountry(%q) = %q; again: %q, %v", s, c, d, err)
		}
	})
}
