package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runPPh21Input(input string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(input), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := a.main(context.Background(), append([]string{"pph21"}, args...))
	return code, out.String(), errOut.String()
}

const k1Months = `["15000000","15000000","15000000","15000000","15000000","15000000",
	"15000000","15000000","15000000","15000000","15000000","15000000"]`

func TestPPh21JSON(t *testing.T) {
	code, out, errOut := runPPh21Input(`{"year": 2026, "status": "K/1", "method": "annual", "months": `+k1Months+`}`, "--json")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want := `{
  "tax": "750000",
  "withheld": "750000",
  "dtp": "0",
  "rate": "15%",
  "method": "annual",
  "category": "B",
  "steps": [
    {
      "label": "annual gross (12 months)",
      "amount": "180000000"
    },
    {
      "label": "less biaya jabatan 5%, at most Rp6.000.000 a year",
      "amount": "6000000",
      "source": "PMK 250/PMK.03/2008 Pasal 1"
    },
    {
      "label": "less employee pension, JHT and THT contributions",
      "amount": "0",
      "source": "UU PPh Pasal 6(1)"
    },
    {
      "label": "net income",
      "amount": "174000000"
    },
    {
      "label": "less PTKP K/1",
      "amount": "63000000",
      "source": "PMK 101/PMK.010/2016; TER category: PP 58/2023 Pasal 2(4)"
    },
    {
      "label": "taxable income (PKP), rounded down to a thousand rupiah",
      "amount": "111000000",
      "source": "UU PPh Pasal 17(4)"
    },
    {
      "label": "Pasal 17 5% × Rp60.000.000",
      "amount": "3000000",
      "source": "UU PPh Pasal 17(1)(a) as amended by UU 7/2021 (UU HPP)"
    },
    {
      "label": "Pasal 17 15% × Rp51.000.000",
      "amount": "7650000",
      "source": "UU PPh Pasal 17(1)(a) as amended by UU 7/2021 (UU HPP)"
    },
    {
      "label": "tax by Pasal 17",
      "amount": "10650000"
    },
    {
      "label": "less PPh 21 withheld January to November (TER on the first 11 months)",
      "amount": "9900000",
      "source": "PMK 168/2023"
    },
    {
      "label": "PPh 21 for the last period",
      "amount": "750000",
      "source": "PMK 168/2023"
    }
  ],
  "citations": [
    "PMK 250/PMK.03/2008 Pasal 1",
    "PMK 101/PMK.010/2016; TER category: PP 58/2023 Pasal 2(4)",
    "UU PPh Pasal 17(1)(a) as amended by UU 7/2021 (UU HPP)",
    "PP 58/2023 Lampiran (TER bulanan); PMK 168/2023"
  ]
}
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestPPh21Report(t *testing.T) {
	code, out, errOut := runPPh21Input(`{"year": 2026, "method": "daily", "gross": "1000000"}`)
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want := `method:   daily
rate:     0.5%

daily gross                                                                         Rp1.000.000
daily TER 0.5% (gross above Rp450.000 up to Rp2.500.000), rounded down to a rupiah      Rp5.000

tax:      Rp5.000

sources:
  PP 58/2023 (TER harian); PMK 168/2023
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestPPh21BadInput(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"unknown member", `{"year": 2026, "method": "daily", "gross": "1", "bonus": "2"}`,
			"coretax pph21: bad input\n  bonus: unknown member; the members are year, status, method, gross, months, withheld, pension_contribution, country, treaty, treaty_rate, income, qualifying_shareholding, cod, gross_up, month, identity, dtp, sector, klu, employee, regular_gross, other_dtp, excluded, object_code, paid_before\n"},
		{"bad status and months", `{"year": 2026, "status": "K/5", "method": "annual", "months": ["1"]}`,
			"coretax pph21: bad input\n  status: \"K/5\": use one of TK/0, TK/1, TK/2, TK/3, K/0, K/1, K/2, K/3\n  months: \"1 months\": give exactly 12 monthly grosses, January to December, 0 for a month without pay\n"},
		{"negative", `{"year": 2026, "method": "pph26", "gross": "-10"}`,
			"coretax pph21: bad input\n  gross: \"-10\": give an amount of 0 or more\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runPPh21Input(tt.input)
		if code != 1 || out != "" {
			t.Errorf("%s: status %d, stdout %q; want 1 and nothing", tt.name, code, out)
		}
		if diff := cmp.Diff(tt.want, errOut); diff != "" {
			t.Errorf("%s: stderr (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestPPh21Usage(t *testing.T) {
	code, out, _ := runPPh21Input("", "--help")
	if code != 0 || !strings.Contains(out, "pension_contribution") || !strings.Contains(out, "treaty_rate") {
		t.Errorf("status %d, help %q; want 0 and the input schema", code, out)
	}
	if code, _, _ := runPPh21Input("{}", "extra"); code != 2 {
		t.Errorf("extra argument: status %d, want 2", code)
	}
}

func months(gross string) string {
	return `["` + strings.Repeat(gross+`","`, 11) + gross + `"]`
}

// The worked examples of shared/domain/pph21.md §12 through the command,
// to the rupiah.
func TestPPh21WorkedExamples(t *testing.T) {
	tests := []struct {
		name, input, tax string
	}{
		{"1 monthly", `{"year": 2026, "status": "TK/0", "method": "ter-monthly", "gross": "10000000"}`, "200000"},
		{"1 December", `{"year": 2026, "status": "TK/0", "method": "annual", "months": ` + months("10000000") + `, "pension_contribution": "3600000"}`, "620000"},
		{"2 monthly", `{"year": 2026, "status": "K/1", "method": "ter-monthly", "gross": "15000000"}`, "900000"},
		{"2 December", `{"year": 2026, "status": "K/1", "method": "annual", "months": ` + months("15000000") + `, "withheld": "9900000"}`, "750000"},
		{"3 December", `{"year": 2026, "status": "K/3", "method": "annual", "months": ` + months("7000000") + `}`, "5000"},
		{"4 lawyer", `{"year": 2026, "method": "non-employee", "gross": "400000000"}`, "24000000"},
		{"5 gross-up", `{"year": 2026, "method": "non-employee", "gross": "5000000", "gross_up": true, "object_code": "21-100-07"}`, "128205"},
		{"6 daily 400,000", `{"year": 2026, "method": "daily", "gross": "400000"}`, "0"},
		{"6 daily 1,000,000", `{"year": 2026, "method": "daily", "gross": "1000000"}`, "5000"},
		{"7 gross-up under TER", `{"year": 2026, "status": "TK/0", "method": "ter-monthly", "gross": "10000000", "gross_up": true}`, "230179"},
	}
	for _, tt := range tests {
		code, out, errOut := runPPh21Input(tt.input, "--json")
		if code != 0 {
			t.Errorf("%s: status %d, stderr %q", tt.name, code, errOut)
			continue
		}
		var got struct{ Tax, Withheld, DTP string }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v in %s", tt.name, err, out)
		}
		if got.Tax != tt.tax || got.Withheld != tt.tax || got.DTP != "0" {
			t.Errorf("%s: tax %s withheld %s dtp %s, want %s, %s, 0", tt.name, got.Tax, got.Withheld, got.DTP, tt.tax, tt.tax)
		}
	}
}

func TestPPh21DTP(t *testing.T) {
	code, out, errOut := runPPh21Input(`{"year": 2026, "month": 2, "status": "K/1", "method": "ter-monthly", "gross": "9750000",
		"dtp": true, "sector": "textile-apparel", "klu": "14111", "employee": "permanent", "identity": "nik",
		"excluded": [{"name": "travel reimbursement at cost", "amount": "750000", "reason": "business trip, at cost with receipts"}]}`)
	if code != 0 {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want := `method:   ter-monthly
category: TER B
rate:     1%

gross paid                                                                                                                     Rp9.750.000
excluded: travel reimbursement at cost (business trip, at cost with receipts)                                                    Rp750.000
taxable gross after exclusions                                                                                                 Rp9.000.000
monthly gross                                                                                                                  Rp9.000.000
TER category B (K/1) at 1%, rounded down to a rupiah                                                                              Rp90.000
PPh 21 DTP criteria met for masa 02/2026: sector textile-apparel, KLU 14111, NIK integrated with DJP, income within the limit          Rp0
PPh 21 borne by the government (DTP), paid to the employee in cash                                                                Rp90.000
withheld from the recipient                                                                                                            Rp0

tax:      Rp90.000
DTP:      Rp90.000 (borne by the government)
withheld: Rp0

sources:
  PMK 101/PMK.010/2016; TER category: PP 58/2023 Pasal 2(4)
  PP 58/2023 Lampiran (TER bulanan); PMK 168/2023
  PMK 105/2025 (PPh 21 DTP, masa January–December 2026)
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestPPh21Rejects(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"treaty rate without COD", `{"year": 2026, "method": "pph26", "gross": "1000000", "country": "SGP", "treaty": true, "treaty_rate": "10"}`,
			"coretax pph21: bad input\n  cod: Tax Rate Mismatch: rate 10 needs a COD reference; give the number of the certificate of domicile (SKD) in cod, or leave treaty_rate out for the PPh 26 rate\n"},
		{"K/I", `{"year": 2026, "status": "K/I/1", "method": "ter-monthly", "gross": "1"}`,
			"coretax pph21: bad input\n  status: \"K/I/1\": K/I (a wife's income combined with her husband's) is settled in the husband's annual return, not by withholding, and no PTKP for it is held; withhold a married woman employee as TK/0, or as K/0..K/3 when she has a statement that her husband has no income (pph21.md §2)\n"},
		{"employee code as non-employee", `{"year": 2026, "method": "non-employee", "gross": "1", "object_code": "21-100-24"}`,
			"coretax pph21: object code of another method\n  object_code: \"21-100-24\": 21-100-24 is for non-permanent employees paid daily, weekly, per unit or lump sum, up to Rp2.500.000 a day: use method daily\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runPPh21Input(tt.input)
		if code != 1 || out != "" {
			t.Errorf("%s: status %d, stdout %q; want 1 and nothing", tt.name, code, out)
		}
		if diff := cmp.Diff(tt.want, errOut); diff != "" {
			t.Errorf("%s: stderr (-want +got):\n%s", tt.name, diff)
		}
	}
}
