package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCoretax runs the command line with args and returns the exit status
// and what was written to stdout and stderr.
func runCoretax(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := (a).main(context.Background(), args)
	return code, out.String(), errOut.String()
}

// The NIKs below are made up; their birth years (85, 90) resolve to the
// 1900s for any run before 2085.

func TestIDCheckJSON(t *testing.T) {
	code, out, errOut := runCoretax("id", "check", "--json",
		"01.312.166.0-091.000", "5103015207850001", "820220922465628", "9101011708900001", "0013121660091000000000")
	if code != 0 || errOut != "" {
		t.Errorf("status %d, stderr %q; want 0 and nothing", code, errOut)
	}
	want := `[
  {
    "input": "01.312.166.0-091.000",
    "kind": "npwp",
    "valid": true,
    "normalized": "0013121660091000",
    "warnings": [],
    "errors": []
  },
  {
    "input": "5103015207850001",
    "kind": "nik",
    "valid": true,
    "normalized": "5103015207850001",
    "warnings": [],
    "errors": [],
    "nik": {
      "birth_date": "1985-07-12",
      "sex": "F",
      "province_code": "51",
      "province": "Bali",
      "regency_code": "5103",
      "regency": "Kabupaten Badung",
      "district_code": "510301"
    }
  },
  {
    "input": "820220922465628",
    "kind": "npwp",
    "valid": true,
    "normalized": "0820220922465628",
    "warnings": [
      "NPWP 82.022.092.2-465.628: check digit 2 does not pass the Luhn test over the first 9 digits, which asks for 9; DJP has never published how the check digit is made, so this is only a warning: confirm the number with the taxpayer",
      "15 digits were read as a legacy NPWP; if this is a billing code, check it as kind billing"
    ],
    "errors": []
  },
  {
    "input": "9101011708900001",
    "kind": "nik",
    "valid": true,
    "normalized": "9101011708900001",
    "warnings": [
      "regency code 9101 is not in today's list for Papua; Papua Selatan, Papua Tengah and Papua Pegunungan were formed from it in 2022 (UU 14, 15 and 16/2022) and its regencies were renumbered, while a NIK keeps the code it was issued under, so an older NIK may carry it"
    ],
    "errors": [],
    "nik": {
      "birth_date": "1990-08-17",
      "sex": "M",
      "province_code": "91",
      "province": "Papua",
      "regency_code": "9101",
      "regency": "",
      "district_code": "910101"
    }
  },
  {
    "input": "0013121660091000000000",
    "kind": "nitku",
    "valid": true,
    "normalized": "0013121660091000000000",
    "warnings": [],
    "errors": []
  }
]
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("id check --json output (-want +got):\n%s", diff)
	}
}

func TestIDCheckJSONInvalid(t *testing.T) {
	code, out, errOut := runCoretax("id", "check", "--kind", "npwp", "5103013213850001", "--json", "0013121660091000")
	if code != 1 || errOut != "" {
		t.Errorf("status %d, stderr %q; want 1 and nothing", code, errOut)
	}
	want := `[
  {
    "input": "5103013213850001",
    "kind": "npwp",
    "valid": false,
    "normalized": "",
    "warnings": [],
    "errors": [
      "NPWP 5103…: a 16-digit NPWP that does not start with 0 is the holder's NIK (UU KUP Pasal 2(1a) as amended by UU HPP), and this is not a valid NIK: day of birth 32 is not a valid day; men's days run 01–31, women's days run 41–71; month of birth 13 is not a month; months run 01–12"
    ]
  },
  {
    "input": "0013121660091000",
    "kind": "npwp",
    "valid": true,
    "normalized": "0013121660091000",
    "warnings": [],
    "errors": []
  }
]
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("id check --json output (-want +got):\n%s", diff)
	}
}

func TestIDCheckNPWPThatIsNIK(t *testing.T) {
	code, out, _ := runCoretax("id", "check", "--json", "--kind=npwp", "5103015207850001")
	if code != 0 || !strings.Contains(out, `"kind": "npwp"`) || !strings.Contains(out, `"birth_date": "1985-07-12"`) {
		t.Errorf("status %d, output:\n%s\nwant kind npwp with a nik member", code, out)
	}
}

func TestIDCheckReport(t *testing.T) {
	code, out, errOut := runCoretax("id", "check", "01.312.166.0-091.000", "5103015207850001", "12345", " 04.00.25.00000000123")
	if code != 1 || errOut != "" {
		t.Errorf("status %d, stderr %q; want 1 and nothing", code, errOut)
	}
	want := `01.312.166.0-091.000
  kind        npwp (inferred from its shape)
  valid       yes
  normalized  0013121660091000
  display     01.312.166.0-091.000

5103015207850001
  kind        nik (inferred from its shape)
  valid       yes
  normalized  5103015207850001
  born        1985-07-12
  sex         female
  province    51 Bali
  regency     5103 Kabupaten Badung
  district    510301 Kuta

12345
  kind        unknown
  valid       no
  error       cannot tell what kind of identifier this is: without separators it has 5 digits; NPWPs have 15 or 16 digits, NIKs 16, NITKUs 22, faktur numbers 17, NTPNs 16 letters and digits (a billing code must be checked as kind billing)

" 04.00.25.00000000123"
  kind        faktur (inferred from its shape)
  valid       yes
  normalized  04002500000000123
  display     04.00.25.00000000123
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("id check output (-want +got):\n%s", diff)
	}
}

func TestIDCheckKind(t *testing.T) {
	code, out, _ := runCoretax("id", "check", "--kind", "billing", "820220922465628")
	if code != 0 || !strings.Contains(out, "kind        billing\n") || strings.Contains(out, "inferred") {
		t.Errorf("--kind billing: status %d, output:\n%s", code, out)
	}
	// Everything after -- is a value, even if it looks like a flag.
	code, out, _ = runCoretax("id", "check", "--json", "--", "--json")
	if code != 1 || !strings.Contains(out, `"input": "--json"`) {
		t.Errorf("-- --json: status %d, output:\n%s", code, out)
	}
}

func TestIDUsage(t *testing.T) {
	for _, args := range [][]string{{"id", "--help"}, {"id", "check", "--help"}, {"id", "help"}, {"help", "id"}, {"id", "check", "0013121660091000", "-h"}} {
		code, out, _ := runCoretax(args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: coretax id check [--kind KIND] [--json] VALUE...") || !strings.Contains(out, "-kind kind") {
			t.Errorf("%q: status %d, output:\n%s", args, code, out)
		}
	}
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"id"}, "coretax id: missing subcommand; use: coretax id check VALUE...\n"},
		{[]string{"id", "verify", "x"}, `coretax id: unknown subcommand "verify"; the only one is check` + "\n"},
		{[]string{"id", "check"}, "coretax id: no values to check; give one or more, e.g. coretax id check 01.312.166.0-091.000\n"},
		{[]string{"id", "check", "--json"}, "coretax id: no values to check; give one or more, e.g. coretax id check 01.312.166.0-091.000\n"},
		{[]string{"id", "check", "--kind", "passport", "X1234567"}, `coretax id: kind "passport" is not a kind of identifier; use one of npwp, nik, nitku, faktur, billing, ntpn` + "\n"},
		{[]string{"id", "check", "--frobnicate", "x"}, "coretax id: flag provided but not defined: -frobnicate\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runCoretax(tt.args...)
		want := tt.wantErr + "Run 'coretax id --help' for usage.\n"
		if code != 2 || out != "" || errOut != want {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want 2, nothing, %q", tt.args, code, out, errOut, want)
		}
	}
}
