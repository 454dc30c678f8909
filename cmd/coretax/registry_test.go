package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testdata is where the registry package keeps its example files.
const testdata = "../../internal/registry/testdata"

// runStdin runs coretax with args, reading stdin from in.
func runStdin(t *testing.T, in string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(in), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := a.main(context.Background(), args)
	return code, out.String(), errOut.String()
}

func TestRegistryImport(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ kind, file, want string }{
		{"population", "population.csv", "population: 4 rows read, 4 inserted, 0 updated, 0 unchanged\n"},
		{"company", "company.json", "company: 3 rows read, 3 inserted, 0 updated, 0 unchanged\n"},
		{"immigration", "immigration.csv", "immigration: 3 rows read, 3 inserted, 0 updated, 0 unchanged\n"},
		{"population", "population.json", "population: 4 rows read, 0 inserted, 0 updated, 4 unchanged\n"},
		{"company", "company.csv", "company: 6 rows read (3 records), 0 inserted, 0 updated, 3 unchanged\n"},
	} {
		code, out, errOut := run(t, nil, "registry", "import", "--data", dir, "--kind", tt.kind, filepath.Join(testdata, tt.file))
		if code != 0 || out != tt.want {
			t.Errorf("import %s: status %d, stdout %q, stderr %q; want 0, %q", tt.file, code, out, errOut, tt.want)
		}
	}

	code, out, errOut := run(t, nil, "registry", "show", "--data", dir, "--kind", "company", "AHU-0067890.AH.01.01.TAHUN 2021")
	if code != 0 || !strings.Contains(out, "officer 1:           director, Ni Luh Putu Ayu Lestari, 5171034509900002\n") {
		t.Errorf("show company: status %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, nil, "registry", "show", "--data", dir, "--kind", "immigration", "nx5k81234")
	if code != 0 || !strings.Contains(out, "stay_permit_kind:    KITAP\n") {
		t.Errorf("show immigration: status %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "registry", "show", "--data", dir, "--kind", "population", "5103011702850009")
	if code != 1 || !strings.Contains(errOut, "NIK 5103011702850009 is not in the population registry") {
		t.Errorf("show unknown NIK: status %d, stderr %q", code, errOut)
	}
}

// A file with bad rows prints every problem as FILE:LINE and stores
// nothing.
func TestRegistryImportRejects(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "people.csv")
	in := "nik,name,birth_date,sex,street,province_code,regency_code,district_code\n" +
		"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n" +
		"5103011702850002,Made Dua,1985-02-30,M,Jl. Raya Kuta 13,51,5103,510301\n" +
		"5103011702850003,Made Tiga,1985-02-17,X,Jl. Raya Kuta 14,51,5103,510399\n"
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, nil, "registry", "import", "--data", dir, "--kind", "population", file)
	want := file + `:3: column birth_date "1985-02-30": not a date; use YYYY-MM-DD` + "\n" +
		file + `:4: column sex "X": must be M or F` + "\n" +
		file + `:4: column district_code "510399": is not a district (kecamatan) code; use the 6-digit Kemendagri code, e.g. 510301 for Kuta` + "\n" +
		"coretax registry: population import rejected: 2 of 3 rows have errors; nothing was stored. Correct every problem listed and import the whole file again\n"
	if code != 1 || out != "" {
		t.Errorf("status %d, stdout %q; want 1 and nothing", code, out)
	}
	if diff := cmp.Diff(want, errOut); diff != "" {
		t.Errorf("stderr mismatch (-want +got):\n%s", diff)
	}
	code, _, errOut = run(t, nil, "registry", "show", "--data", dir, "--kind", "population", "5103011702850001")
	if code != 1 || !strings.Contains(errOut, "not in the population registry") {
		t.Errorf("a good row of a rejected file was stored: status %d, stderr %q", code, errOut)
	}
}

func TestRegistryImportStdin(t *testing.T) {
	dir := t.TempDir()
	in, err := os.ReadFile(filepath.Join(testdata, "immigration.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runStdin(t, string(in), "registry", "import", "-", "--kind", "immigration", "--format", "json", "--data", dir)
	if code != 0 || out != "immigration: 3 rows read, 3 inserted, 0 updated, 0 unchanged\n" {
		t.Errorf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runStdin(t, "[\n{]", "registry", "import", "--kind", "immigration", "--format", "json", "--data", dir, "-")
	if code != 1 || !strings.HasPrefix(errOut, "stdin:2: is not valid JSON") {
		t.Errorf("bad JSON: status %d, stderr %q", code, errOut)
	}
}

func TestRegistryUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"registry"}, "missing subcommand"},
		{[]string{"registry", "export"}, `unknown subcommand "export"`},
		{[]string{"registry", "import", "x.csv"}, "missing --kind"},
		{[]string{"registry", "import", "--kind", "people", "x.csv"}, `--kind "people": use population, company or immigration`},
		{[]string{"registry", "import", "--kind", "population"}, "give exactly one FILE"},
		{[]string{"registry", "import", "--kind", "population", "-"}, "reading standard input needs --format"},
		{[]string{"registry", "import", "--kind", "population", "people.xlsx"}, "cannot tell the format of people.xlsx"},
		{[]string{"registry", "import", "--kind", "population", "--format", "xml", "people.xml"}, `--format "xml": use csv or json`},
	}
	for _, tt := range tests {
		code, _, errOut := run(t, map[string]string{"CORETAX_DATA": dir}, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: status %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	code, out, _ := run(t, nil, "registry", "--help")
	for _, col := range []string{"officer_passport_number ", "district_code* ", "stay_permit_expires "} {
		if code != 0 || !strings.Contains(out, col) {
			t.Errorf("registry --help: status %d, no %q in:\n%s", code, col, out)
		}
	}
}

func TestFilePosition(t *testing.T) {
	tests := []struct{ problem, want string }{
		{`line 14: column birth_date "x": not a date`, `p.csv:14: column birth_date "x": not a date`},
		{`line 2: has 9 values`, `p.csv:2: has 9 values`},
		{`line 3`, `p.csv:3:`},
		{`header: bad`, `p.csv: header: bad`},
		{`line x: odd`, `p.csv: line x: odd`},
	}
	for _, tt := range tests {
		if got := filePosition("p.csv", tt.problem); got != tt.want {
			t.Errorf("filePosition(%q) = %q, want %q", tt.problem, got, tt.want)
		}
	}
}
