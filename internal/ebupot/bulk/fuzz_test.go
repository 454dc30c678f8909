package bulk

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzKind reads arbitrary input seeded with the kind's golden file and a
// few broken variants. Reading must not panic; every problem must point at
// a real position and carry a rule and a message; a file read without any
// problem must be written back and read again to the same rows.
func fuzzKind(f *testing.F, k Kind) {
	data, err := os.ReadFile(golden(k))
	if err != nil {
		f.Fatal(err)
	}
	fm := k.Format()
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(bytes.Replace(data, []byte("<"+fm.Elements[2].Name+">"), []byte(`<`+fm.Elements[2].Name+` xsi:nil="true">`), 1))
	f.Add(bytes.Replace(data, []byte("</"+fm.Row+">"), []byte("<x/></"+fm.Row+">"), 1))
	f.Add([]byte("<" + fm.Root + "><TIN>0012345678901000</TIN><" + fm.List + "><" + fm.Row + "/></" + fm.List + "></" + fm.Root + ">"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, rows, problems, err := readAll(t, data)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error that is not a SyntaxError: %v", err)
		}
		for _, p := range problems {
			if p.XMLLine < 1 || p.XMLColumn < 1 || p.Rule == "" || p.Message == "" || p.Row < 0 || p.Row > len(rows) {
				t.Fatalf("bad problem: %+v", p)
			}
		}
		for i, row := range rows {
			if row.Index != i+1 || row.Kind != r.Kind() || len(row.Values) != len(row.Kind.Format().Elements) {
				t.Fatalf("row %d: index %d kind %s values %d", i+1, row.Index, row.Kind, len(row.Values))
			}
		}
		if err != nil || len(problems) > 0 || r.Kind() == "" {
			return
		}
		out := write(t, r.Kind(), r.TIN(), rows)
		r2, again, problems, err := readAll(t, out)
		if err != nil || len(problems) > 0 || r2.TIN() != r.TIN() {
			t.Fatalf("written file does not read back: %v %v\n%s", err, problems, out)
		}
		if diff := cmp.Diff(rows, again, ignorePos); diff != "" {
			t.Fatalf("round trip (-read +reread):\n%s", diff)
		}
	})
}

func FuzzReadBPMP(f *testing.F) { fuzzKind(f, BPMP) }
func FuzzReadBP21(f *testing.F) { fuzzKind(f, BP21) }
func FuzzReadBP26(f *testing.F) { fuzzKind(f, BP26) }
func FuzzReadBPA1(f *testing.F) { fuzzKind(f, BPA1) }
func FuzzReadBPA2(f *testing.F) { fuzzKind(f, BPA2) }
func FuzzReadBPPU(f *testing.F) { fuzzKind(f, BPPU) }
func FuzzReadBPNR(f *testing.F) { fuzzKind(f, BPNR) }
