package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/pph21/treaty"
)

const treatyExample = "../../internal/pph21/treaty/testdata/example.json"

// TestTreatyLoadList: load checks a file and installs it as the
// installation's table; list shows it; a bad file is refused with its
// members and leaves the table as it was.
func TestTreatyLoadList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "treaties.json")
	env := map[string]string{"CORETAX_TREATY_FILE": path}

	code, out, _ := run(t, env, "treaty", "list")
	if code != 0 || !strings.Contains(out, "has no row for any country") {
		t.Errorf("list before load: status %d\n%s", code, out)
	}
	code, out, errOut := run(t, env, "treaty", "load", treatyExample)
	if code != 0 || !strings.Contains(out, "loaded 4 treaty rows (4 unverified) into "+path) {
		t.Fatalf("load: status %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, env, "treaty", "list", "--country", "nld")
	if code != 0 || !strings.Contains(out, "NLD      dividends-qualifying  7.5") || strings.Contains(out, "SGP") {
		t.Errorf("list --country nld: status %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "treaty", "list", "--json")
	if code != 0 || strings.Count(out, `"country"`) != 4 {
		t.Errorf("list --json: status %d\n%s", code, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"rows":[{"country":"XXX","income":"royalties","max_rate":"30","from":"2000-01-01","treaty":"T","source":"S","status":"verified"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, env, "treaty", "load", bad)
	if code != 1 || !strings.Contains(errOut, `rows[0].country "XXX"`) || !strings.Contains(errOut, `rows[0].max_rate "30"`) {
		t.Errorf("bad file: status %d\n%s", code, errOut)
	}
	if tab, err := treaty.ReadFile(path); err != nil || tab.Len() != 4 {
		t.Errorf("the refused file changed the table: %v", err)
	}

	for _, args := range [][]string{{"treaty"}, {"treaty", "load"}, {"treaty", "list", "--country", "ZZ"}} {
		if code, _, _ := run(t, env, args...); code != 2 {
			t.Errorf("%v: status %d, want 2", args, code)
		}
	}
	if code, _, _ := run(t, nil, "treaty", "list"); code != 2 {
		t.Errorf("list without a file: status %d, want 2", code)
	}
}

// TestPPh21TreatyTable: coretax pph21 with "treaty": true and no rate
// takes the rate from the table of CORETAX_TREATY_FILE.
func TestPPh21TreatyTable(t *testing.T) {
	defer treaty.Install(nil)
	input := `{"year": 2026, "method": "pph26", "gross": "100000000", "country": "SGP", "treaty": true, "object_code": "27-103-01", "cod": "SKD-1"}`
	pph := func(env map[string]string, input string) (int, string, string) {
		var out, errOut bytes.Buffer
		a := &app{stdin: strings.NewReader(input), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
		code := a.main(context.Background(), []string{"pph21", "--json"})
		return code, out.String(), errOut.String()
	}
	code, _, errOut := pph(nil, input)
	if code != 1 || !strings.Contains(errOut, "the treaty table has no row for SGP and royalties") {
		t.Errorf("no table: status %d\n%s", code, errOut)
	}
	env := map[string]string{"CORETAX_TREATY_FILE": treatyExample}
	code, out, errOut := pph(env, input)
	if code != 0 || !strings.Contains(out, `"tax": "10000000"`) || !strings.Contains(out, "from the treaty table") {
		t.Errorf("with the table: status %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = pph(env, strings.Replace(input, `"cod"`, `"treaty_rate": "15", "cod"`, 1))
	if code != 1 || !strings.Contains(errOut, "rate 15 is above the 10 % of the EXAMPLE Indonesia–Singapore treaty for royalties") {
		t.Errorf("above the table: status %d\n%s", code, errOut)
	}
}
