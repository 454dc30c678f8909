package main

import (
	"strings"
	"testing"
	"time"
)

func TestComplianceThresholdsCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, nil, "compliance", "thresholds", "--data", dir)
	if code != 0 || !strings.Contains(out, "shipped (in force)") || !strings.Contains(out, "min_shortfall_sen") || !strings.Contains(out, "Rp100.000") {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(t, nil, "compliance", "thresholds", "add", "--from", "2026-12-01", "--data", dir); code != 2 || !strings.Contains(errOut, "--reason") {
		t.Errorf("add without --reason: exit %d: %s", code, errOut)
	}
	code, _, errOut = run(t, nil, "compliance", "thresholds", "add", "--from", "2026-12-01", "--reason", "pilot", "--max-evidence", "5000", "--data", dir)
	if code == 0 || !strings.Contains(errOut, "max_evidence") || !strings.Contains(errOut, "5000") {
		t.Errorf("add with max evidence 5000: exit %d: %s", code, errOut)
	}
	today := time.Now().Format(time.DateOnly)
	yesterday := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	code, out, errOut = run(t, nil, "compliance", "thresholds", "add", "--from", yesterday, "--reason", "SE-05/PJ/2026", "--min-shortfall-sen", "25000000", "--data", dir)
	if code != 0 || !strings.Contains(out, "thresholds from "+yesterday+" recorded") || !strings.Contains(out, "Rp250.000") || !strings.Contains(out, "24 months") {
		t.Fatalf("add: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, nil, "compliance", "thresholds", "--data", dir)
	if code != 0 || !strings.Contains(out, "from "+yesterday+" (in force)") || strings.Contains(out, "shipped (in force)") {
		t.Errorf("list after add (today %s): exit %d\n%s", today, code, out)
	}
}
