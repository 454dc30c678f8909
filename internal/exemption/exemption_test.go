package exemption_test

import (
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/google/go-cmp/cmp"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCheck(t *testing.T) {
	good := exemption.Input{Kind: "skb-pph23", Number: " ket-00012/skb/wpj.17/kp.0303/2026 ", ObjectCodes: []string{"24-104-01"},
		ValidFrom: "2026-01-15", ValidUntil: "2026-12-31", Office: " KPP Pratama  Badung Utara"}
	c, err := exemption.Check(good, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := exemption.Certificate{TaxpayerID: 7, Kind: exemption.SKB23, Number: "KET-00012/SKB/WPJ.17/KP.0303/2026",
		TaxTypes: []exemption.TaxType{exemption.PPh23}, ObjectCodes: []string{"24-104-01"}, ValidFrom: day("2026-01-15"),
		ValidUntil: day("2026-12-31"), Office: "KPP Pratama Badung Utara"}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		edit  func(*exemption.Input)
		field string
	}{
		{"unknown kind", func(in *exemption.Input) { in.Kind = "dtp" }, "kind"},
		{"short number", func(in *exemption.Input) { in.Number = "12" }, "number"},
		{"number without digit", func(in *exemption.Input) { in.Number = "KET/SKB/WPJ" }, "number"},
		{"number with other signs", func(in *exemption.Input) { in.Number = "KET#0001/2026" }, "number"},
		{"tax type of another kind", func(in *exemption.Input) { in.TaxTypes = []string{"pph21"} }, "tax_types"},
		{"code of another tax", func(in *exemption.Input) { in.ObjectCodes = []string{"21-100-20"} }, "object_codes"},
		{"not a code", func(in *exemption.Input) { in.ObjectCodes = []string{"24104"} }, "object_codes"},
		{"no start", func(in *exemption.Input) { in.ValidFrom = "" }, "valid_from"},
		{"bad date", func(in *exemption.Input) { in.ValidUntil = "31/12/2026" }, "valid_until"},
		{"ends before it starts", func(in *exemption.Input) { in.ValidUntil = "2026-01-01" }, "valid_until"},
		{"no office", func(in *exemption.Input) { in.Office = " " }, "office"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			in.ObjectCodes = append([]string(nil), good.ObjectCodes...)
			tt.edit(&in)
			_, err := exemption.Check(in, 7)
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("Check: %v, want Invalid", err)
			}
			fs := errs.FieldsOf(err)
			if len(fs) != 1 || fs[0].Field != tt.field {
				t.Errorf("fields = %+v, want one on %s", fs, tt.field)
			}
		})
	}
}

func TestActiveAndCovers(t *testing.T) {
	c := exemption.Certificate{Kind: exemption.SKB23, Number: "A-1", TaxTypes: []exemption.TaxType{exemption.PPh23},
		ObjectCodes: []string{"24-104-01"}, ValidFrom: day("2026-01-15"), ValidUntil: day("2026-12-31"), RevokedFrom: day("2026-10-01")}
	open := exemption.Certificate{Kind: exemption.SKB23, Number: "B-2", TaxTypes: []exemption.TaxType{exemption.PPh23}, ValidFrom: day("2025-01-01")}
	tests := []struct {
		day, code string
		want      []string
	}{
		{"2026-01-14", "24-104-01", []string{"B-2"}},
		{"2026-01-15", "24-104-01", []string{"A-1", "B-2"}},
		{"2026-09-30", "24-104-01", []string{"A-1", "B-2"}},
		{"2026-10-01", "24-104-01", []string{"B-2"}},
		{"2026-03-15", "24-104-14", []string{"B-2"}},
		{"2026-03-15", "21-100-20", nil},
		{"2024-12-31", "24-104-01", nil},
	}
	for _, tt := range tests {
		got := exemption.Covering([]exemption.Certificate{c, open}, exemption.SKB23, tt.code, day(tt.day))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Covering(%s, %s) (-want +got):\n%s", tt.code, tt.day, diff)
		}
	}
	if got := exemption.Covering([]exemption.Certificate{open}, exemption.SKB22, "24-104-01", day("2026-03-15")); got != nil {
		t.Errorf("a certificate of another kind covers: %v", got)
	}
	for d, want := range map[string]string{"2026-01-01": "not yet valid", "2026-05-01": "active", "2026-10-01": "revoked"} {
		if got := c.State(day(d)); got != want {
			t.Errorf("State(%s) = %q, want %q", d, got, want)
		}
	}
	c.RevokedFrom = time.Time{}
	if got := c.State(day("2027-01-01")); got != "expired" {
		t.Errorf("State after the end = %q, want expired", got)
	}
}

func TestKindOfFacility(t *testing.T) {
	for facility, want := range map[string]exemption.Kind{"TaxExAr21": exemption.SKB21, "TaxExAr23": exemption.SKB23, "PP23": exemption.SuketPP55, "TaxExIntPhtb": exemption.SKBLand} {
		if got, ok := exemption.KindOfFacility(facility); !ok || got != want {
			t.Errorf("KindOfFacility(%s) = %s, %v; want %s", facility, got, ok, want)
		}
	}
	for _, f := range []string{"N/A", "DTP", "COD", "ETC"} {
		if k, ok := exemption.KindOfFacility(f); ok {
			t.Errorf("KindOfFacility(%s) = %s; want none", f, k)
		}
	}
}
