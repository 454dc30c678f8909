package taxid

import (
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

// ref is the reference date for the tests that resolve a century.
var ref = time.Date(2026, time.June, 1, 10, 0, 0, 0, time.FixedZone("WITA", 8*3600))

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseNIK(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string // "" when the NIK is valid
	}{
		{in: "5103011708450001"},
		{in: "5103015708450001"},      // a woman: day 17 + 40
		{in: "5171.01.17.08.45.0001"}, // dots, Denpasar
		{in: "3171 0117 0845 9999"},   // spaces, Jakarta Pusat
		{in: "5103012902000001"},      // 29 February 2000
		{in: "5103016902960001"},      // a woman born 29 February 1996
		{in: "9101011708850001"},      // Merauke before 2022: a warning, not an error
		{in: "5103991708450001"},      // unknown district: a warning, not an error
		{in: "5103013208450001", wantErr: "NIK 5103…: day of birth 32 is not a valid day; men's days run 01–31, women's days run 41–71"},
		{in: "5103010008450001", wantErr: "NIK 5103…: day of birth 00 is not a valid day; men's days run 01–31, women's days run 41–71"},
		{in: "5103017208450001", wantErr: "NIK 5103…: day of birth 72 is not a valid day; men's days run 01–31, women's days run 41–71"},
		{in: "5103011713450001", wantErr: "NIK 5103…: month of birth 13 is not a month; months run 01–12"},
		{in: "5103011700450001", wantErr: "NIK 5103…: month of birth 00 is not a month; months run 01–12"},
		{in: "5103013104850001", wantErr: "NIK 5103…: day of birth 31 does not exist: April has 30 days"},
		{in: "5103017104850001", wantErr: "NIK 5103…: day of birth 71 (31 for a woman) does not exist: April has 30 days"},
		{in: "5103012902190001", wantErr: "NIK 5103…: day of birth 29 does not exist: February of a year ending in 19 has 28 days"},
		{in: "5103013002000001", wantErr: "NIK 5103…: day of birth 30 does not exist: February has 29 days"},
		{in: "5103011708450000", wantErr: "NIK 5103…: serial 0000 is not allowed; serials start at 0001"},
		{in: "9903011708450001", wantErr: "NIK 9903…: province code 99 is not an Indonesian province"},
		{in: "5199011708450001", wantErr: "NIK 5199…: regency code 5199 is not a regency or city of Bali"},
		{in: "5103013213450000", wantErr: "NIK 5103…: day of birth 32 is not a valid day; men's days run 01–31, women's days run 41–71; month of birth 13 is not a month; months run 01–12; serial 0000 is not allowed; serials start at 0001"},
		{in: "510301170845001", wantErr: "NIK 5103…: has 15 digits; a NIK has 16"},
		{in: "51030117084500011", wantErr: "NIK 5103…: has 17 digits; a NIK has 16"},
		{in: "", wantErr: "NIK …: has 0 digits; a NIK has 16"},
		{in: "5103O11708450001", wantErr: "NIK 5103…: character 'O' at position 5 is not a digit; a NIK is 16 digits"},
	}
	for _, tt := range tests {
		got, err := ParseNIK(tt.in)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("ParseNIK(%q) error = %v", tt.in, err)
			} else if want := NIK(compact(tt.in)); got != want {
				t.Errorf("ParseNIK(%q) = %q, want %q", tt.in, got, want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseNIK(%q) = %q, want error %q", tt.in, got, tt.wantErr)
			continue
		}
		if msg := errs.Message(err); msg != tt.wantErr {
			t.Errorf("ParseNIK(%q) error = %q, want %q", tt.in, msg, tt.wantErr)
		}
		if strings.Contains(errs.Message(err), tt.in[min(len(tt.in), 6):]) && len(tt.in) == 16 {
			t.Errorf("ParseNIK(%q) error %q shows the birth date or serial", tt.in, errs.Message(err))
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		nik  NIK
		want NIKInfo
	}{
		{"5103015708450001", NIKInfo{
			ProvinceCode: "51", Province: "Bali",
			RegencyCode: "5103", Regency: "Kabupaten Badung",
			DistrictCode: "510301", District: "Kuta",
			BirthDate: date(1945, time.August, 17), Sex: Female, Serial: "0001",
		}},
		{"5171031505260042", NIKInfo{
			ProvinceCode: "51", Province: "Bali",
			RegencyCode: "5171", Regency: "Kota Denpasar",
			DistrictCode: "517103", District: "Denpasar Barat",
			BirthDate: date(2026, time.May, 15), Sex: Male, Serial: "0042",
		}},
		{"9101011708850001", NIKInfo{
			ProvinceCode: "91", Province: "Papua",
			RegencyCode: "9101", DistrictCode: "910101",
			BirthDate: date(1985, time.August, 17), Sex: Male, Serial: "0001",
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.nik.Decode(ref)); diff != "" {
			t.Errorf("NIK(%q).Decode mismatch (-want +got):\n%s", tt.nik, diff)
		}
	}
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		yy    int
		month time.Month
		day   int
		want  time.Time // zero when there is no such date
	}{
		{85, time.July, 12, date(1985, time.July, 12)},
		{26, time.May, 31, date(2026, time.May, 31)},
		{26, time.June, 1, date(2026, time.June, 1)}, // born on the reference day
		{26, time.June, 2, date(1926, time.June, 2)}, // tomorrow would be in the future
		{0, time.February, 29, date(2000, time.February, 29)},
		{0, time.January, 1, date(2000, time.January, 1)},
		{99, time.December, 31, date(1999, time.December, 31)},
		{19, time.February, 29, time.Time{}},
		{45, time.April, 31, time.Time{}},
		{45, 13, 1, time.Time{}},
		{100, time.January, 1, time.Time{}},
	}
	for _, tt := range tests {
		got, ok := BirthDate(tt.yy, tt.month, tt.day, ref)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("BirthDate(%02d, %v, %d) = %v, %v; want %v", tt.yy, tt.month, tt.day, got, ok, tt.want)
		}
	}
	// Before 29 February 2000 a NIK with 290200 could only mean 1900, which
	// has no 29 February.
	if got, ok := BirthDate(0, time.February, 29, date(1999, time.June, 1)); ok {
		t.Errorf("BirthDate(00, February, 29) in 1999 = %v, true; want false", got)
	}
}

func TestNIKWarnings(t *testing.T) {
	tests := []struct {
		nik  NIK
		want []string
	}{
		{"5103011708450001", nil},
		{"5103991708450001", []string{"district code 510399 is not in today's list of districts of Kabupaten Badung; districts are divided and renumbered while a NIK keeps the code it was issued under, so this is only a warning"}},
		{"6473011708850001", []string{"regency code 6473 is not in today's list for Kalimantan Timur; Kalimantan Utara was formed from it in 2012 (UU 20/2012) and its regencies were renumbered, while a NIK keeps the code it was issued under, so an older NIK may carry it"}},
	}
	for _, tt := range tests {
		if _, err := ParseNIK(string(tt.nik)); err != nil {
			t.Errorf("ParseNIK(%q) error = %v", tt.nik, err)
		}
		if diff := cmp.Diff(tt.want, tt.nik.Warnings()); diff != "" {
			t.Errorf("NIK(%q).Warnings() (-want +got):\n%s", tt.nik, diff)
		}
	}
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"5103011708450001", "5103015708450001", "9101011708850001", "5103012902000001", "5103013213450000", "5103.01.17"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIK(s)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("ParseNIK(%q) error %v is not Invalid", s, err)
			}
			return
		}
		if m, err := ParseNIK(n.Format()); err != nil || m != n {
			t.Fatalf("ParseNIK(%q) = %q; ParseNIK(%q) = %q, %v", s, n, n.Format(), m, err)
		}
		info := n.Decode(ref)
		if info.BirthDate.IsZero() || info.BirthDate.After(ref) || info.Province == "" {
			t.Fatalf("NIK(%q).Decode = %+v: no birth date, a future one, or no province", n, info)
		}
		if p, w, err := ParseNPWP(string(n)); err != nil || p != NPWP(n) || len(w) != len(n.Warnings()) {
			t.Fatalf("NIK %q as an NPWP: %q, %q, %v", n, p, w, err)
		}
	})
}
