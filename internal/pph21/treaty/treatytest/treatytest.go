// Package treatytest gives tests the example treaty table
// (internal/pph21/treaty/testdata/example.json, marked EXAMPLE: rows for
// the tests, not real rates).
package treatytest

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/coretax/coretax/internal/pph21/treaty"
)

// Example reads the example table.
func Example(t testing.TB) *treaty.Table {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("treatytest: the example table's directory is not known")
	}
	tab, err := treaty.ReadFile(filepath.Join(filepath.Dir(file), "..", "testdata", "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// InstallExample installs the example table for the rest of the test
// and the empty table after it. The table is the process's, so a test
// that installs it must not run in parallel with one that reads it.
func InstallExample(t testing.TB) {
	t.Helper()
	treaty.Install(Example(t))
	t.Cleanup(func() { treaty.Install(nil) })
}
