package taxid

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

func TestInferKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{"0013121660091000000000", KindNITKU},
		{"0013121660091000-000000", KindNITKU},
		{"04.00.25.00000000123", KindFaktur},
		{"0013121660091000", KindNPWP},
		{"5103011708450001", KindNIK},
		{"01.312.166.0-091.000", KindNPWP},
		{"820220922465628", KindNPWP}, // a billing code reads as a legacy NPWP
		{"A1B2C3D4E5F6G7H8", KindNTPN},
		{"a1b2 c3d4 e5f6 g7h8", KindNTPN},
		{"0100002400000001", KindNPWP}, // a legacy NSFP is 16 digits starting with 0
		{"12345", KindUnknown},
		{"", KindUnknown},
		{"A1B2C3D4E5F6G7H", KindUnknown},
		{"X1234567", KindUnknown},
	}
	for _, tt := range tests {
		if got := InferKind(tt.in); got != tt.want {
			t.Errorf("InferKind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		if got, err := ParseKind(" " + string(k) + " "); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if got, err := ParseKind("NPWP"); err != nil || got != KindNPWP {
		t.Errorf("ParseKind(NPWP) = %q, %v", got, err)
	}
	_, err := ParseKind("passport")
	want := `kind "passport" is not a kind of identifier; use one of npwp, nik, nitku, faktur, billing, ntpn`
	if got := errs.Message(err); got != want {
		t.Errorf("ParseKind(passport) error = %q, want %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	now := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	kuta := &NIKInfo{
		ProvinceCode: "51", Province: "Bali", RegencyCode: "5103", Regency: "Kabupaten Badung",
		DistrictCode: "510301", District: "Kuta", BirthDate: date(1985, time.July, 12), Sex: Female, Serial: "0001",
	}
	tests := []struct {
		kind  Kind
		input string
		want  Result
	}{
		{"", "5103015207850001", Result{
			Input: "5103015207850001", Kind: KindNIK, Valid: true,
			Normalized: "5103015207850001", Display: "5103015207850001", NIK: kuta,
		}},
		{KindNPWP, "5103015207850001", Result{
			Input: "5103015207850001", Kind: KindNPWP, Valid: true,
			Normalized: "5103015207850001", Display: "5103015207850001", NIK: kuta,
		}},
		{"", "01.312.166.0-091.000", Result{
			Input: "01.312.166.0-091.000", Kind: KindNPWP, Valid: true,
			Normalized: "0013121660091000", Display: "01.312.166.0-091.000",
		}},
		{"", "820220922465628", Result{
			Input: "820220922465628", Kind: KindNPWP, Valid: true,
			Normalized: "0820220922465628", Display: "82.022.092.2-465.628",
			Warnings: []string{
				"NPWP 82.022.092.2-465.628: check digit 2 does not pass the Luhn test over the first 9 digits, which asks for 9; DJP has never published how the check digit is made, so this is only a warning: confirm the number with the taxpayer",
				"15 digits were read as a legacy NPWP; if this is a billing code, check it as kind billing",
			},
		}},
		{KindBilling, "820220922465628", Result{
			Input: "820220922465628", Kind: KindBilling, Valid: true,
			Normalized: "820220922465628", Display: "820220922465628",
		}},
		{"", "0013121660091000000001", Result{
			Input: "0013121660091000000001", Kind: KindNITKU, Valid: true,
			Normalized: "0013121660091000000001", Display: "0013121660091000000001",
		}},
		{"", "04002500000000123", Result{
			Input: "04002500000000123", Kind: KindFaktur, Valid: true,
			Normalized: "04002500000000123", Display: "04.00.25.00000000123",
		}},
		{"", "a1b2c3d4e5f6g7h8", Result{
			Input: "a1b2c3d4e5f6g7h8", Kind: KindNTPN, Valid: true,
			Normalized: "A1B2C3D4E5F6G7H8", Display: "A1B2C3D4E5F6G7H8",
		}},
		{"", "5103011713850001", Result{
			Input: "5103011713850001", Kind: KindNIK,
			Errors: []string{"NIK 5103…: month of birth 13 is not a month; months run 01–12"},
		}},
		{KindNIK, "0013121660091000", Result{
			Input: "0013121660091000", Kind: KindNIK,
			Errors: []string{"NIK 0013…: province code 00 is not an Indonesian province; month of birth 60 is not a month; months run 01–12"},
		}},
		{"", "12345", Result{
			Input: "12345", Kind: KindUnknown,
			Errors: []string{"cannot tell what kind of identifier this is: without separators it has 5 digits; NPWPs have 15 or 16 digits, NIKs 16, NITKUs 22, faktur numbers 17, NTPNs 16 letters and digits (a billing code must be checked as kind billing)"},
		}},
		{"passport", "X1234567", Result{
			Input: "X1234567", Kind: "passport",
			Errors: []string{`kind "passport" is not a kind of identifier; use one of npwp, nik, nitku, faktur, billing, ntpn`},
		}},
		{"", "", Result{
			Kind:   KindUnknown,
			Errors: []string{"cannot tell what kind of identifier this is: without separators it has nothing; NPWPs have 15 or 16 digits, NIKs 16, NITKUs 22, faktur numbers 17, NTPNs 16 letters and digits (a billing code must be checked as kind billing)"},
		}},
	}
	for _, tt := range tests {
		got := Check(tt.kind, tt.input, now)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Check(%q, %q) mismatch (-want +got):\n%s", tt.kind, tt.input, diff)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"5103015207850001", "01.312.166.0-091.000", "0013121660091000000001", "04002500000000123", "a1b2c3d4e5f6g7h8", "12345"} {
		f.Add("", s)
	}
	f.Add("billing", "820220922465628")
	now := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, kind, s string) {
		r := Check(Kind(kind), s, now)
		if r.Valid != (len(r.Errors) == 0) || r.Valid != (r.Normalized != "") {
			t.Fatalf("Check(%q, %q) = %+v: Valid, Errors and Normalized disagree", kind, s, r)
		}
		if r.Valid {
			if again := Check(r.Kind, r.Normalized, now); !again.Valid || again.Normalized != r.Normalized {
				t.Fatalf("Check(%q, %q) normalised to %q, which checks as %+v", kind, s, r.Normalized, again)
			}
		}
	})
}
