package taxid

import (
	"testing"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

func TestParseNITKU(t *testing.T) {
	tests := []struct {
		in           string
		want         NITKU
		wantWarnings []string
		wantErr      string
	}{
		{in: "0013121660091000000000", want: "0013121660091000000000"},
		{in: "0013121660091000-000001", want: "0013121660091000000001"},
		{in: "1376026002580001000000", want: "1376026002580001000000"}, // NIK + 000000 (identifiers.md §2)
		{
			in:           "0013121661091000000000",
			want:         "0013121661091000000000",
			wantWarnings: []string{"NPWP 01.312.166.1-091.000: check digit 1 does not pass the Luhn test over the first 9 digits, which asks for 0; DJP has never published how the check digit is made, so this is only a warning: confirm the number with the taxpayer"},
		},
		{in: "0013121660091000", wantErr: `NITKU "0013121660091000": has 16 digits; a NITKU has 22: the owner's 16-digit NPWP and a 6-digit place number, 000000 for the head office`},
		{in: "0013121660091000x00000", wantErr: `NITKU "0013121660091000x00000": character 'x' at position 17 is not a digit; a NITKU is 22 digits: the owner's 16-digit NPWP and a 6-digit place number`},
		{in: "0000000000000000000000", wantErr: `NITKU 0000000000000000000000: its first 16 digits are not a valid NPWP: NPWP 0000000000000000: all zeros is the placeholder Coretax files carry for a buyer without an NPWP, not a taxpayer's NPWP`},
		{in: "5103013208450001000000", wantErr: `NITKU 5103…000000: its first 16 digits are not a valid NPWP: NPWP 5103…: a 16-digit NPWP that does not start with 0 is the holder's NIK (UU KUP Pasal 2(1a) as amended by UU HPP), and this is not a valid NIK: day of birth 32 is not a valid day; men's days run 01–31, women's days run 41–71`},
	}
	for _, tt := range tests {
		got, warnings, err := ParseNITKU(tt.in)
		if tt.wantErr != "" {
			if msg := errs.Message(err); err == nil || msg != tt.wantErr {
				t.Errorf("ParseNITKU(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseNITKU(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if diff := cmp.Diff(tt.wantWarnings, warnings); diff != "" {
			t.Errorf("ParseNITKU(%q) warnings (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestNewNITKU(t *testing.T) {
	owner := NPWP("0013121660091000")
	n, err := NewNITKU(owner, 0)
	if err != nil || n != "0013121660091000000000" {
		t.Fatalf("NewNITKU(%q, 0) = %q, %v", owner, n, err)
	}
	if n.Owner() != owner || n.Suffix() != "000000" || !n.IsHeadOffice() {
		t.Errorf("NITKU %q: Owner %q, Suffix %q, IsHeadOffice %v", n, n.Owner(), n.Suffix(), n.IsHeadOffice())
	}
	b, err := NewNITKU(owner, 12)
	if err != nil || b != "0013121660091000000012" || b.IsHeadOffice() {
		t.Errorf("NewNITKU(%q, 12) = %q, %v (head office %v)", owner, b, err, b.IsHeadOffice())
	}
	if _, err := NewNITKU(owner, 1_000_000); errs.KindOf(err) != errs.Invalid {
		t.Errorf("NewNITKU(seq 1000000) error = %v, want Invalid", err)
	}
	if _, err := NewNITKU("123", 0); errs.KindOf(err) != errs.Invalid {
		t.Errorf("NewNITKU(owner 123) error = %v, want Invalid", err)
	}
	var zero NITKU
	if zero.Owner() != "" || zero.Suffix() != "" {
		t.Errorf("zero NITKU: Owner %q, Suffix %q; want empty", zero.Owner(), zero.Suffix())
	}
}

func FuzzParseNITKU(f *testing.F) {
	for _, s := range []string{"0013121660091000000000", "1376026002580001000000", "0013121661091000000000", "0013121660091000-000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, warnings, err := ParseNITKU(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseNITKU(%q) error %v is not Invalid", s, err)
			}
			return
		}
		m, w, err := ParseNITKU(n.Format())
		if err != nil || m != n || len(w) != len(warnings) {
			t.Fatalf("ParseNITKU(%q) = %q; ParseNITKU(%q) = %q, %v", s, n, n.Format(), m, err)
		}
		if again, err := NewNITKU(n.Owner(), atoi6(n.Suffix())); err != nil || again != n {
			t.Fatalf("NewNITKU(%q, %s) = %q, %v; want %q", n.Owner(), n.Suffix(), again, err, n)
		}
	})
}

func atoi6(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
