package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestVillaDeclare(t *testing.T) {
	dir := t.TempDir()
	owner, id := villaWorld(t, dir)
	code, out, errOut := run(t, nil, "villa", "import", filepath.Join(bookingSamples, "generic.csv"), "--data", dir, "--channel", "csv",
		"--property", strconv.FormatInt(id, 10), "--owner", owner, "--listing", "Villa Kembang", "--rate", "USD=16250@2026-09-01")
	if code != 0 {
		t.Fatalf("import: status %d\n%s%s", code, out, errOut)
	}
	args := func(more ...string) []string {
		return append([]string{"villa", "declare", "--data", dir, "--property", strconv.FormatInt(id, 10), "--owner", owner}, more...)
	}
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		want   []string
		stderr string
	}{
		{"usage", args(), 2, nil, "give --property ID, --owner NPWP and --month YYYY-MM"},
		{"amend without file", args("--month", "2026-10", "--amend"), 2, nil, "--amend files an amendment"},
		// Emma Thompson's 1,078.76 USD at 16,250 = Rp17.529.850.
		{"preview", args("--month", "2026-10"), 0, []string{
			"2026-10 declaration of 5104 with Badan Pendapatan Daerah Kabupaten Gianyar (sptpd-generic), revision 0 (original)",
			"  bookings       1, gross Rp17.529.850 (the PBJT base of the bookings)",
			"  tax            Rp1.752.985",
			"not filed; give --file to file it"}, ""},
		{"file", args("--month", "2026-10", "--file"), 0, []string{
			"filed SPTPD/5104/2026/10/00001",
			"  payment code   510420261000000001",
			"2026-10 on ",
			"  revision 0  SPTPD/5104/2026/10/00001"}, ""},
		{"file again", args("--month", "2026-10", "--file"), 1, nil, "give --amend to file an amendment"},
		{"amend below the bookings", args("--month", "2026-10", "--file", "--amend", "--base", "15000000", "--reason", "a refund"), 0, []string{
			"filed SPTPD/5104/2026/10/00002",
			"revision 1 (amendment 1)",
			"  warning: the declared base Rp15.000.000 is Rp2.529.850 below the gross of the month's bookings, Rp17.529.850",
			"  revision 0  SPTPD/5104/2026/10/00001",
			"superseded"}, ""},
		{"nil month not ended", args("--month", "2099-01", "--nil"), 1, nil, "has not ended"},
	} {
		code, out, errOut := run(t, nil, c.args...)
		if code != c.code {
			t.Errorf("%s: status %d, want %d\n%s%s", c.name, code, c.code, out, errOut)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.name, w, out)
			}
		}
		if !strings.Contains(errOut, c.stderr) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, c.stderr, errOut)
		}
	}
}
