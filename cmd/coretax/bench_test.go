package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/efaktur"
)

func TestBenchEfaktur(t *testing.T) {
	code, out, errOut := run(t, nil, "bench", "efaktur", "--invoices", "50", "--runs", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Database != "sqlite" || r.DatabaseVersion == "" || r.Invoices != 50 || r.Runs != 1 || r.ChunkSize != efaktur.DefaultUploadConfig().ChunkSize {
		t.Errorf("result %+v", r)
	}
	for name, s := range map[string]benchSeries{"product": r.Product, "yardstick": r.Yardstick} {
		if len(s.PerSecond) != 1 || s.PerSecond[0] <= 0 || s.Median != s.PerSecond[0] || s.Best != s.PerSecond[0] {
			t.Errorf("%s = %+v, want one positive run that is both median and best", name, s)
		}
		if len(s.CPUms) != 1 || s.CPUms[0] <= 0 || s.CPUMedian != s.CPUms[0] {
			t.Errorf("%s CPU = %v, median %v; want one positive figure that is the median", name, s.CPUms, s.CPUMedian)
		}
	}
	if r.Ratio != r.Product.Median/r.Yardstick.Median || r.Machine.Cores < 1 || !strings.HasPrefix(r.Machine.GoVersion, "go") {
		t.Errorf("ratio %v, machine %+v", r.Ratio, r.Machine)
	}
	if runtime.GOOS == "linux" && (len(strings.Fields(r.LoadBefore)) != 3 || len(strings.Fields(r.LoadAfter)) != 3) {
		t.Errorf("load average %q before, %q after; want three figures each", r.LoadBefore, r.LoadAfter)
	}
}

func TestBenchEfakturText(t *testing.T) {
	code, out, errOut := run(t, nil, "bench", "efaktur", "--invoices", "5", "--runs", "2", "--chunk", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"e-Faktur upload of 5 invoices, 2 run(s), on sqlite", "2 invoices per transaction", "product    median", "yardstick  median",
		"CPU of this process", "% of the yardstick", "machine: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{{"bench"}, {"bench", "nope"}, {"bench", "efaktur", "--invoices", "0"}, {"bench", "efaktur", "--invoices", "1001"}, {"bench", "efaktur", "--runs", "0"}, {"bench", "efaktur", "--chunk", "0"}} {
		if code, _, _ := run(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := run(t, nil, "bench", "efaktur", "--database", "mysql://x"); code != 1 || !strings.Contains(errOut, "postgres://") {
		t.Errorf("mysql URL: exit %d, %s", code, errOut)
	}
}
