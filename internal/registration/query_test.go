package registration

import "testing"

func TestParseQuery(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"  ", Query{}},
		{"01.312.166.0-091.000", Query{Number: "013121660091000"}},
		{"5171 0312", Query{Number: "51710312"}},
		{"surya", Query{Name: "surya"}},
		{"PT 88", Query{Name: "PT 88"}},
		{" Made ", Query{Name: "Made"}},
	} {
		if got := ParseQuery(tt.in); got != tt.want {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
