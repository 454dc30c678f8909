package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestComplianceCommand(t *testing.T) {
	dir := t.TempDir()
	villaWorld(t, dir)
	file := filepath.Join(t.TempDir(), "feed.csv")
	// Last month, which the job looks at whenever the test runs.
	now := time.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	csv := "source_record_id,listing_id,listing_name,district_code,check_in,check_out,gross_idr,commission_idr,payout_country\n" +
		"HMC1,ABB-1,Villa Batu Bolong,510306," + month + "-01," + month + "-11,62000000,9300000,AUS\n" +
		"HMC2,ABB-1,Villa Batu Bolong,510306," + month + "-12," + month + "-20,62.000.000,9300000,AUS\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	// A rejected row: exit 1, the row named by its line.
	code, out, _ := run(t, nil, "compliance", "import", file, "--data", dir, "--source", "Airbnb PJAP feed 01")
	if code != 1 || !strings.Contains(out, "feed.csv:2: record 1 (HMC1)") || !strings.Contains(out, `feed.csv:3: error: gross_idr "62.000.000"`) {
		t.Errorf("import: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, nil, "compliance", "import", file, "--data", dir); code != 2 || !strings.Contains(errOut, "--source") {
		t.Errorf("import without --source: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, nil, "compliance", "match", "--data", dir)
	if code != 0 || !strings.Contains(out, "undeclared-property listing:Airbnb PJAP feed 01:ABB-1 region 5103 "+month+".."+month+" confidence 85%: shortfall Rp6.200.000") {
		t.Errorf("match: exit %d\n%s\n%s", code, out, errOut)
	}
}
