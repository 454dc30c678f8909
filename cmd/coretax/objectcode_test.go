package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runObjectcodeArgs(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := a.main(context.Background(), append([]string{"objectcode"}, args...))
	return code, out.String(), errOut.String()
}

func TestObjectcodeList(t *testing.T) {
	code, out, errOut := runObjectcodeArgs("--slip", "bpmp", "--on", "2026-06-01")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	want := `CODE       SLIPS           FINAL  BASIS        RATE  DEEMED  KAP-KJS     NAME
21-100-01  BPMP,BPA1,BPA2  no     ter-monthly  -     100%    411121-100  Income of permanent employees, including civil servants, TNI/Polri members and state officials
21-100-02  BPMP,BPA1,BPA2  no     ter-monthly  -     100%    411121-100  Periodic pension received regularly
21-100-32  BPMP,BPA1       no     ter-monthly  -     100%    411121-100  Permanent employees receiving the facility in certain regions
21-100-35  BPMP,BP21       no     ter-monthly  -     100%    411121-100  Non-permanent employees paid monthly
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestObjectcodeSearch(t *testing.T) {
	// Flags after the words, and a slip filter that keeps one of two.
	code, out, errOut := runObjectcodeArgs("search", "lottery", "--on", "2026-06-01", "--slip", "BPNR", "--json")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	var got []objectcodeJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(got) != 1 || got[0].Code != "28-405-02" || got[0].Rate == nil || *got[0].Rate != "25" || !got[0].Final {
		t.Errorf("got %+v", got)
	}
	code, out, _ = runObjectcodeArgs("search", "no such payment", "--on", "2026-06-01")
	if code != 0 || out != "no code in force on 2026-06-01 matches\n" {
		t.Errorf("empty search: status %d, %q", code, out)
	}
}

func TestObjectcodeShow(t *testing.T) {
	code, out, errOut := runObjectcodeArgs("show", "21-100-03", "--on", "2024-06-30", "--json")
	if code != 0 || errOut != "" {
		t.Fatalf("status %d, stderr %q", code, errOut)
	}
	var got objectcodeJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	until := "2024-12-31"
	deemed := "100"
	want := objectcodeJSON{
		Code: "21-100-03", Name: "Non-permanent employees and casual workers (pegawai tidak tetap)",
		Slips: []string{"BP21"}, Recipients: []string{"non-permanent-employee"}, Basis: "ter-daily",
		Deemed: &deemed, KAP: "411121", KJS: "100", ValidFrom: "2024-01-01", ValidUntil: &until,
		Replacement: []string{"21-100-35", "21-100-24", "21-100-30"}, Source: got.Source,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(got.Source, "the day before the Coretax list took effect") {
		t.Errorf("source %q does not say where the end date comes from", got.Source)
	}
}

func TestObjectcodeRefusals(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"show", "21-100-03", "--on", "2026-06-01"}, 1,
			"coretax objectcode: code 21-100-03 was retired on 2024-12-31; use 21-100-35 for non-permanent employees paid monthly, 21-100-24 for non-permanent employees paid daily, weekly, per unit or in a lump sum, up to Rp 2,500,000 a day, or 21-100-30 for non-permanent employees paid daily, weekly, per unit or in a lump sum, above Rp 2,500,000 a day\n"},
		{[]string{"show", "21-100-07", "--slip", "BPPU", "--on", "2026-06-01"}, 1,
			"coretax objectcode: 21-100-07 cannot be reported on a BPPU slip; it belongs on BP21\n"},
		{[]string{"show", "21-100-40", "--on", "2026-06-01"}, 1,
			"coretax objectcode: code 21-100-40 is not a tax object code; the closest codes in force on 2026-06-01 are 21-100-37, 21-100-36, 21-100-35, 21-100-34, 21-100-33\n"},
		{[]string{"--slip", "BP22"}, 2, "coretax objectcode: --slip: slip type \"BP22\" is not one of BPMP, BP21, BP26, BPA1, BPA2, BPPU, BPNR, BPSP, BPCY, DDBU\n"},
		{[]string{"--on", "30/06/2026"}, 2, "coretax objectcode: --on \"30/06/2026\" is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30\n"},
		{[]string{"show"}, 2, "coretax objectcode: show takes one code: coretax objectcode show 21-100-07\n"},
		{[]string{"search"}, 2, "coretax objectcode: search needs the text to look for: coretax objectcode search cleaning\n"},
		{[]string{"list"}, 2, "coretax objectcode: unknown command \"list\"; use search TEXT or show CODE\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runObjectcodeArgs(tt.args...)
		if code != tt.status || out != "" {
			t.Errorf("%v: status %d, stdout %q", tt.args, code, out)
		}
		if !strings.HasPrefix(errOut, tt.stderr) {
			t.Errorf("%v: stderr\n got %q\nwant %q", tt.args, errOut, tt.stderr)
		}
	}
}

func TestObjectcodeHelp(t *testing.T) {
	code, out, _ := runObjectcodeArgs("--help")
	if code != 0 || !strings.Contains(out, "coretax objectcode show CODE") {
		t.Errorf("status %d, help %q", code, out)
	}
}
