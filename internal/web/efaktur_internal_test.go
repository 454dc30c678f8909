package web

import (
	"strings"
	"testing"
)

// TestParseDecimal checks the rule for amounts typed into the faktur
// forms: Indonesian and plain decimals, and refusals of what is ambiguous.
func TestParseDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  string
	}{
		{"100000", 100000_00, ""},
		{"100.000", 100000_00, ""},
		{"1.500.000", 1500000_00, ""},
		{"100000,50", 100000_50, ""},
		{"100.000,5", 100000_50, ""},
		{"91666.67", 91666_67, ""},
		{"1.5", 1_50, ""},
		{" Rp 11.000 ", 11000_00, ""},
		{"1,000", 0, "ambiguous"},
		{"1,000.50", 0, "English separators"},
		{"1.50.000", 0, "threes"},
		{"1,234", 0, "ambiguous"},
		{"1,2345", 0, "more than two decimals"},
		{"1,5,0", 0, "more than one comma"},
		{"12a", 0, "not a number"},
		{"", 0, "not a number"},
	} {
		got, err := parseDecimal(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.err == "" && got != tt.want:
			t.Errorf("%q = %d, want %d", tt.in, got, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q = %d, %v; want an error with %q", tt.in, got, err, tt.err)
		}
	}
}
