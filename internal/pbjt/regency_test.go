package pbjt

import (
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/google/go-cmp/cmp"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDefaultsHoldEveryRegion(t *testing.T) {
	tb := Defaults()
	for _, code := range Regions {
		v, err := tb.Lookup(code, day(2026, 11, 24))
		if err != nil {
			t.Fatalf("Lookup(%s): %v", code, err)
		}
		if v.Rate.Value != 1000 || v.Rate.Status != Unverified {
			t.Errorf("%s rate = %v %s, want 10 %% unverified: no Perda rate was read (local-tax-bali.md §3)", code, v.Rate.Value, v.Rate.Status)
		}
		if v.LateFilingFine.Status != Unknown {
			t.Errorf("%s late filing fine status = %s, want unknown", code, v.LateFilingFine.Status)
		}
		if !v.Default() {
			t.Errorf("%s: shipped version reports RecordedBy %q", code, v.RecordedBy)
		}
		for i, st := range v.statuses() {
			if st == "" {
				t.Errorf("%s value %d has no status", code, i)
			}
		}
	}
	badung, _ := tb.Lookup("51.03", day(2024, 1, 1))
	if badung.Regulation.Status != Verified || !strings.Contains(badung.Regulation.Value, "7/2023") {
		t.Errorf("Badung regulation = %+v, want Perda 7/2023 verified", badung.Regulation)
	}
	if got := badung.Name(); got != "Kabupaten Badung" {
		t.Errorf("Name() = %q", got)
	}
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("5103", day(2023, 12, 31)); !errs.Is(errs.NotFound, err) || !strings.Contains(errs.Message(err), "before 2024-01-01") {
		t.Errorf("before the first version: %v", err)
	}
	if _, err := Lookup("3171", day(2026, 1, 1)); !errs.Is(errs.NotFound, err) || !strings.Contains(errs.Message(err), "nine Bali regions") {
		t.Errorf("a region outside Bali: %v", err)
	}
	later := Defaults().Versions("5104")[0]
	later.From, later.Rate = day(2027, 1, 1), Value[Rate]{Value: 900, Status: Verified, Source: "Perda Gianyar x/2026 Pasal 1"}
	later.RecordedBy = "officer:wayan"
	tb := Defaults().With(later)
	for _, tt := range []struct {
		d    time.Time
		want Rate
	}{{day(2026, 12, 31), 1000}, {day(2027, 1, 1), 900}, {day(2030, 6, 1), 900}} {
		v, err := tb.Lookup("5104", tt.d)
		if err != nil || v.Rate.Value != tt.want {
			t.Errorf("Lookup(5104, %s) = %v, %v; want rate %v", tt.d.Format(time.DateOnly), v.Rate.Value, err, tt.want)
		}
	}
	if n := len(Defaults().Versions("5104")); n != 1 {
		t.Errorf("With changed the defaults: %d versions", n)
	}
	same := Defaults().Versions("5104")[0]
	same.Note = "replaced"
	if vs := Defaults().With(same).Versions("5104"); len(vs) != 1 || vs[0].Note != "replaced" {
		t.Errorf("a version of the same day does not replace the shipped one: %+v", vs)
	}
}

func TestDueDates(t *testing.T) {
	v, _ := Lookup("5103", day(2026, 1, 1))
	for _, tt := range []struct {
		p    Period
		want time.Time
	}{
		{Period{2026, time.October}, day(2026, 11, 20)},
		{Period{2026, time.December}, day(2027, 1, 20)},
	} {
		got, err := v.FilingDue(tt.p)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("FilingDue(%s) = %s, %v; want %s", tt.p, got.Format(time.DateOnly), err, tt.want.Format(time.DateOnly))
		}
	}
	v.PaymentDay = Value[int]{Value: 31, Status: Unverified}
	if got, _ := v.PaymentDue(Period{2026, time.January}); !got.Equal(day(2026, 2, 28)) {
		t.Errorf("day 31 in February = %s, want the month's last day", got.Format(time.DateOnly))
	}
	v.FilingDay = Value[int]{Status: Unknown}
	if _, err := v.FilingDue(Period{2026, time.January}); !errs.Is(errs.Invalid, err) {
		t.Errorf("unknown filing day: %v", err)
	}
}

func TestNumber(t *testing.T) {
	v, _ := Lookup("5171", day(2026, 1, 1))
	got, err := v.Number(Period{2026, time.March}, 42)
	if err != nil || got != "SPTPD/5171/2026/03/00042" {
		t.Errorf("Number = %q, %v", got, err)
	}
	for _, bad := range []string{"SPTPD/{yyyy}", "{seq:3}/{seq:3}", "{seq:0}", "{year}/{seq:4}", "X{seq:4"} {
		if _, err := renderNumber(bad, "5171", Period{2026, 1}, 1); err == nil {
			t.Errorf("renderNumber(%q) accepted", bad)
		}
	}
}

func TestCheck(t *testing.T) {
	base := Defaults().Versions("5102")[0]
	for _, tt := range []struct {
		name  string
		edit  func(v *Version)
		field string
	}{
		{"rate above the cap", func(v *Version) { v.Rate.Value = 1500 }, "rate_bp.value"},
		{"verified without source", func(v *Version) { v.Rate = Value[Rate]{Value: 1000, Status: Verified} }, "rate_bp.source"},
		{"unknown with a value", func(v *Version) { v.FilingDay = Value[int]{Value: 15, Status: Unknown} }, "filing_day.value"},
		{"bad status", func(v *Version) { v.Office.Status = "sure" }, "office.status"},
		{"unknown layout", func(v *Version) { v.FormLayout.Value = "badung-2024" }, "form_layout.value"},
		{"numbering without seq", func(v *Version) { v.Numbering.Value = "SPTPD/{yyyy}" }, "numbering.value"},
		{"region outside Bali", func(v *Version) { v.RegencyCode = "3171" }, "regency_code"},
		{"no day", func(v *Version) { v.From = time.Time{} }, "from"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := base
			tt.edit(&v)
			err := v.Check()
			var got []string
			for _, f := range errs.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff([]string{tt.field}, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
	if err := base.Check(); err != nil {
		t.Errorf("a shipped version fails Check: %v", err)
	}
}

func TestEncodeValues(t *testing.T) {
	v := Defaults().Versions("5103")[0]
	v.LateFilingFine = Value[money.Amount]{Value: 10_000_000, Status: Unverified, Source: "a fine of Rp 100,000 as an officer might enter it"}
	b, err := EncodeValues(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeValues("5103", v.From, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestRateString(t *testing.T) {
	for r, want := range map[Rate]string{1000: "10 %", 150: "1.5 %", 5: "0.05 %", 0: "0 %"} {
		if got := r.String(); got != want {
			t.Errorf("Rate(%d) = %q, want %q", r, got, want)
		}
	}
}
