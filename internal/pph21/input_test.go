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
	in, err = ParseInput(strings.NewReader(`{"year": 2026, "method": "pph26", "gross": "1000000", "country": "sgp", "treaty": true, "treaty_rate": "7.5", "cod": "DGT-1/2026"}`))
	if err != nil {
		t.Fatalf("ParseInput: %v %v", err, errs.FieldsOf(err))
	}
	if in.Country != "SGP" || in.TreatyRate != 750 || !in.HasTreatyRate {
		t.Errorf("got %+v", in)
	}
}

func TestParseInputFacilities(t *testing.T) {
	in, err := ParseInput(strings.NewReader(`{"year": 2026, "month": 3, "status": "K/1", "method": "ter-monthly",
		"gross": "12750000", "identity": "NIK", "dtp": true, "sector": "Tourism", "klu": "55110",
		"employee": "permanent", "regular_gross": "9500000", "other_dtp": false,
		"excluded": [{"name": "travel reimbursement at cost", "amount": "750000", "reason": "business trip at cost"}]}`))
	if err != nil {
		t.Fatalf("ParseInput: %v %v", err, errs.FieldsOf(err))
	}
	want := Excluded{Name: "travel reimbursement at cost", Amount: rp(750_000), Reason: "business trip at cost"}
	if in.Month != 3 || in.Identity != IdentityNIK || !in.DTP || in.Sector != SectorTourism || in.KLU != "55110" ||
		in.Employee != Permanent || in.RegularGross != rp(9_500_000) || !in.HasRegularGross || len(in.Excluded) != 1 || in.Excluded[0] != want {
		t.Errorf("got %+v", in)
	}
	r, err := Compute(in)
	if err != nil || r.Tax != rp(360_000) || r.DTP != rp(360_000) || r.Withheld != 0 {
		t.Errorf("Compute: %+v %v", r, err)
	}
	in, err = ParseInput(strings.NewReader(`{"year": 2026, "method": "severance", "gross": "100000000", "paid_before": "80000000"}`))
	if err != nil || in.Method != Severance || in.PaidBefore != rp(80_000_000) {
		t.Errorf("severance: %+v %v", in, err)
	}
	in, err = ParseInput(strings.NewReader(`{"year": 2026, "method": "non-employee", "gross": "1", "object_code": " 21-100-14 "}`))
	if err != nil || in.ObjectCode != "21-100-14" {
		t.Errorf("object_code: %+v %v", in, err)
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
		{"treaty rate without COD", `{"year":2026,"method":"pph26","gross":"1","country":"SGP","treaty":true,"treaty_rate":"10"}`, []string{"cod"}},
		{"excluded without amount", `{"year":2026,"method":"daily","gross":"1","excluded":[{"name":"meal"}]}`, []string{"excluded[0].amount"}},
		{"excluded bad amount", `{"year":2026,"method":"daily","gross":"1","excluded":[{"name":"meal","amount":"x"}]}`, []string{"excluded[0].amount"}},
		{"K/I status", `{"year":2026,"method":"ter-monthly","status":"K/I/1","gross":"1"}`, []string{"status"}},
		{"bad month", `{"year":2026,"method":"daily","gross":"1","month":13}`, []string{"month"}},
		{"DTP facts missing", `{"year":2026,"method":"ter-monthly","status":"K/0","gross":"1","dtp":true}`, []string{"sector", "klu", "employee"}},
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
	f.Add(`{"year": 2026, "method": "pph26", "gross": "1", "country": "SGP", "treaty": true, "treaty_rate": "10", "cod": "SKD-1"}`)
	f.Add(`{"year": 2026, "method": "ter-monthly", "status": "K/0", "gross": "9000000", "dtp": true, "sector": "tourism", "klu": "55110", "employee": "permanent", "excluded": [{"name": "travel", "amount": "500000"}]}`)
	f.Add(`{"year": 2026, "method": "severance", "gross": "300000000", "paid_before": "20000000", "identity": "none"}`)
	f.Add(`{"year": 2026, "method": "non-employee", "gross": "1000000", "object_code": "21-100-10"}`)
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
