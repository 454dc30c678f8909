package compliance

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coretax/coretax/internal/money"
)

func TestCheckRecord(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	ok := RecordInput{FeedID: "HM1", ListingID: "L1", ListingName: "Villa A", DistrictCode: "51.03.06", CheckIn: "2026-10-01",
		CheckOut: "2026-10-05", GrossIDR: "12000000", CommissionIDR: "1800000", PayoutCountry: "aus"}
	r, fe := checkRecord(ok, "Airbnb PJAP feed", now)
	if fe != nil {
		t.Fatalf("valid record: %v", fe)
	}
	want := Record{Source: "Airbnb PJAP feed", FeedID: "HM1", Kind: KindBooking, ListingID: "L1", ListingName: "Villa A", ProvinceCode: "51",
		RegencyCode: "5103", DistrictCode: "510306", CheckIn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), CheckOut: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
		Period: "2026-10", Gross: 12_000_000 * money.Rupiah, Commission: 1_800_000 * money.Rupiah, Payout: 10_200_000 * money.Rupiah,
		PayoutCountry: "AUS", ReceivedAt: now}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
	if !r.Offshore() {
		t.Error("a payout to AUS is not offshore")
	}
	for _, tc := range []struct {
		name  string
		edit  func(*RecordInput)
		field string
	}{
		{"no id", func(in *RecordInput) { in.FeedID = "" }, "source_record_id"},
		{"unknown kind", func(in *RecordInput) { in.Kind = "refund" }, "kind"},
		{"corrects itself", func(in *RecordInput) { in.Corrects = "HM1" }, "corrects"},
		{"no listing", func(in *RecordInput) { in.ListingID = "" }, "listing_id"},
		{"unknown district", func(in *RecordInput) { in.DistrictCode = "519999" }, "district_code"},
		{"regency against district", func(in *RecordInput) { in.RegencyCode = "5102" }, "regency_code"},
		{"outside Bali", func(in *RecordInput) { in.DistrictCode = ""; in.RegencyCode = "3171" }, "regency_code"},
		{"bad NIK", func(in *RecordInput) { in.HostNIK = "123" }, "host_nik"},
		{"bad NPWP", func(in *RecordInput) { in.HostNPWP = "12.345" }, "host_npwp"},
		{"alpha-2 country", func(in *RecordInput) { in.PayoutCountry = "AU" }, "payout_country"},
		{"no dates", func(in *RecordInput) { in.CheckIn, in.CheckOut = "", "" }, "month"},
		{"out before in", func(in *RecordInput) { in.CheckOut = "2026-09-30" }, "check_out"},
		{"month against check-out", func(in *RecordInput) { in.Month = "2026-09" }, "month"},
		{"no gross", func(in *RecordInput) { in.GrossIDR = "" }, "gross_idr"},
		{"grouped gross", func(in *RecordInput) { in.GrossIDR = "12.000.000" }, "gross_idr"},
		{"commission over gross", func(in *RecordInput) { in.CommissionIDR = "13000000" }, "commission_idr"},
		{"payout over gross less commission", func(in *RecordInput) { in.PayoutIDR = "11000000" }, "payout_idr"},
		{"half a coordinate", func(in *RecordInput) { in.Lat = "-8.65" }, "lon"},
		{"claim without claimant", func(in *RecordInput) { in.Kind = KindExpenseClaim; in.PayeeID = "5171016308950002" }, "host_npwp"},
	} {
		in := ok
		tc.edit(&in)
		_, fe := checkRecord(in, "s", now)
		if fe == nil || fe.Field != tc.field {
			t.Errorf("%s: %v, want an error on %s", tc.name, fe, tc.field)
		}
	}
}

func TestReadCSV(t *testing.T) {
	ins, lines, err := ReadCSV(strings.NewReader("\ufeffsource_record_id,Listing_ID,month,gross_idr\nA1,L1,2026-10,100\n\nA2,L2,2026-10,200\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{2, 4}, lines); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
	if len(ins) != 2 || ins[1].FeedID != "A2" || ins[1].GrossIDR != "200" || ins[0].ListingID != "L1" {
		t.Errorf("inputs = %+v", ins)
	}
	for _, bad := range []string{"", "listing_id,gross_idr\nL1,1\n", "source_record_id,colour\n", "source_record_id,source_record_id\n"} {
		if _, _, err := ReadCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadCSV(%q) = nil error", bad)
		}
	}
}

func TestLateMonths(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		due, asOf time.Time
		max, want int
	}{
		{d(2026, 9, 20), d(2026, 9, 20), 24, 0},
		{d(2026, 9, 20), d(2026, 9, 21), 24, 1},
		{d(2026, 9, 20), d(2026, 10, 20), 24, 1},
		{d(2026, 9, 20), d(2026, 11, 24), 24, 3},
		{d(2020, 1, 20), d(2026, 11, 24), 24, 24},
	} {
		if got := lateMonths(tc.due, tc.asOf, tc.max); got != tc.want {
			t.Errorf("lateMonths(%s, %s) = %d, want %d", tc.due.Format(time.DateOnly), tc.asOf.Format(time.DateOnly), got, tc.want)
		}
	}
}
