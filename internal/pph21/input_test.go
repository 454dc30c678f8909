package pph21

import (
	"slices"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestParseInput(t *testing.T) {
	in, err := ParseInput(strings.NewReader(`{"year": 2026, "status": "k/1", "method": "annual",
		"months": ["15000000","15000000","15000000","15000000","15000000","15000000",
		           "15000000","15000000","15000000","15000000","15000000","15000000"],
		"withheld": "9900000", "pension_contribution": "0"}`))
	if err != nil {
		t.Fatalf("ParseInput: %v %v", err, errs.FieldsOf(err))
	}
	if in.Status != "K/1" || in.Method != Annual || len(in.Months) != 12 || in.Withheld != rp(9_900_000) || !in.HasWithheld {
		t.Errorf("got %+v", in)
	}
	in, err = ParseInput(strings.NewReader(`{"year": 2026, "method": "pph26", "gross": "1000000", "country": "sgp", "treaty": true, "treaty_rate": "7.5"}`))
	if err != nil {
		t.Fatalf("ParseInput: %v %v", err, errs.FieldsOf(err))
	}
	if in.Country != "SGP" || in.TreatyRate != 750 || !in.HasTreatyRate {
		t.Errorf("got %+v", in)
	}
}

func TestParseInputRejects(t *testing.T) {
	tests := []struct {
		name, json string
		fields     []string
	}{
		{"unknown member", `{"year":2026,"method":"daily","gross":"1","bonus":"5"}`, []string{"bonus"}},
		{"bad status", `{"year":2026,"method":"ter-monthly","status":"K/9","gross":"1"}`, []string{"status"}},
		{"missing status", `{"year":2026,"method":"ter-monthly","gross":"1"}`, []string{"status"}},
		{"months not 12", `{"year":2026,"method":"annual","status":"K/0","months":["1","2"]}`, []string{"months"}},
		{"negative gross", `{"year":2026,"method":"daily","gross":"-5"}`, []string{"gross"}},
		{"negative month", `{"year":2026,"method":"annual","status":"K/0","months":["1","1","1","1","1","1","1","1","1","1","1","-1"]}`, []string{"months[11]"}},
		{"gross as number", `{"year":2026,"method":"daily","gross":15}`, []string{"gross"}},
		{"bad amount", `{"year":2026,"method":"daily","gross":"15.000.000"}`, []string{"gross"}},
		{"no method", `{"year":2026,"gross":"1"}`, []string{"method"}},
		{"missing gross", `{"year":2026,"method":"non-employee"}`, []string{"gross"}},
		{"bad rate", `{"year":2026,"method":"pph26","gross":"1","country":"SGP","treaty":true,"treaty_rate":"ten"}`, []string{"treaty_rate"}},
		{"two objects", `{"year":2026,"method":"daily","gross":"1"} {}`, []string{"input"}},
		{"empty", ``, []string{"input"}},
		{"not JSON", `{"year":`, []string{"input"}},
	}
	for _, tt := range tests {
		_, err := ParseInput(strings.NewReader(tt.json))
		var got []string
		for _, f := range errs.FieldsOf(err) {
			got = append(got, f.Field)
			if f.Message == "" {
				t.Errorf("%s: field %s has no message", tt.name, f.Field)
			}
		}
		if !errs.Is(errs.Invalid, err) || !slices.Equal(got, tt.fields) {
			t.Errorf("%s: got %v fields %v, want Invalid on %v", tt.name, err, got, tt.fields)
		}
	}
}

func FuzzParseInput(f *testing.F) {
	f.Add(`{"year": 2026, "status": "K/1", "method": "ter-monthly", "gross": "15000000"}`)
	f.Add(`{"year": 2026, "method": "pph26", "gross": "1", "country": "SGP", "treaty": true, "treaty_rate": "10"}`)
	f.Add(`{"year": 2026, "method": "annual", "status": "TK/0", "months": ["1","1","1","1","1","1","1","1","1","1","1","1"]}`)
	f.Add(`{"year": 2026, "method": "daily", "gross": "92233720368547758.07"}`)
	f.Add(`{"year": 2026, "method": "non-employee", "gross": "5000000", "gross_up": true}`)
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ParseInput(strings.NewReader(s))
		if err != nil {
			if !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) == 0 {
				t.Fatalf("error without fields: %v", err)
			}
			return
		}
		// A parsed input is valid, so computing it either works or fails
		// with an error, never a panic.
		if r, err := Compute(in); err == nil && len(r.Steps) == 0 {
			t.Fatalf("result without steps for %+v", in)
		}
	})
}
