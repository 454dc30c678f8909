package main

import (
	"bytes"
	"context"
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
			"coretax pph21: bad input\n  bonus: unknown member; the members are year, status, method, gross, months, withheld, pension_contribution, country, treaty, treaty_rate, cod, gross_up, month, identity, dtp, sector, klu, employee, regular_gross, other_dtp, excluded, object_code, paid_before\n"},
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
