package area

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bali lists Bali's nine regencies and cities (identifiers.md §3).
var bali = []Area{
	{Code: "5101", Name: "Kabupaten Jembrana", ParentCode: "51"},
	{Code: "5102", Name: "Kabupaten Tabanan", ParentCode: "51"},
	{Code: "5103", Name: "Kabupaten Badung", ParentCode: "51"},
	{Code: "5104", Name: "Kabupaten Gianyar", ParentCode: "51"},
	{Code: "5105", Name: "Kabupaten Klungkung", ParentCode: "51"},
	{Code: "5106", Name: "Kabupaten Bangli", ParentCode: "51"},
	{Code: "5107", Name: "Kabupaten Karangasem", ParentCode: "51"},
	{Code: "5108", Name: "Kabupaten Buleleng", ParentCode: "51"},
	{Code: "5171", Name: "Kota Denpasar", ParentCode: "51"},
}

func TestBali(t *testing.T) {
	p, ok := Province("51")
	if want := (Area{Code: "51", Name: "Bali"}); !ok || p != want {
		t.Errorf("Province(51) = %+v, %v; want %+v, true", p, ok, want)
	}
	if diff := cmp.Diff(bali, Regencies("51")); diff != "" {
		t.Errorf("Regencies(51) mismatch (-want +got):\n%s", diff)
	}
	for _, want := range bali {
		dotted := want.Code[:2] + "." + want.Code[2:]
		for _, code := range []string{want.Code, dotted} {
			if got, ok := Regency(code); !ok || got != want {
				t.Errorf("Regency(%q) = %+v, %v; want %+v, true", code, got, ok, want)
			}
		}
		bare := want.Name[len("Kabupaten "):]
		if want.Code == "5171" {
			bare = "Denpasar"
		}
		for _, name := range []string{want.Name, bare} {
			if got, ok := RegencyByName("51", name); !ok || got != want {
				t.Errorf("RegencyByName(51, %q) = %+v, %v; want %+v, true", name, got, ok, want)
			}
		}
	}
}

func TestRegencyByName(t *testing.T) {
	tests := []struct {
		province, name string
		want           string // code; "" when nothing should match
	}{
		{"51", "badung", "5103"},
		{"51", "KABUPATEN BADUNG", "5103"},
		{"51", "Kab. Badung", "5103"},
		{"51", "Kab.Badung", "5103"},
		{"51", "kab badung", "5103"},
		{"51", "  Kota   Denpasar ", "5171"},
		{"51", "Kotamadya Denpasar", "5171"},
		{"51.", "Denpasar", "5171"},
		{"51", "Kota Badung", ""},        // Badung is a kabupaten
		{"51", "Kabupaten Denpasar", ""}, // Denpasar is a city
		{"51", "Sleman", ""},             // in Yogyakarta
		{"34", "Sleman", "3404"},
		{"51", "", ""},
		{"51", "Kota", ""},
		{"32", "Bogor", ""}, // Kabupaten Bogor and Kota Bogor
		{"32", "Kab. Bogor", "3201"},
		{"32", "Kota Bogor", "3271"},
		{"31", "Jakarta Pusat", "3171"},
		{"31", "Kota Adm. Jakarta Pusat", "3171"},
		{"31", "Kepulauan Seribu", "3101"},
		{"71", "Kotamobagu", "7174"},
		{"72", "Tolitoli", "7204"},
		{"72", "Toli Toli", "7204"},
		{"62", "Kotawaringin Barat", "6201"},
		{"99", "Badung", ""},
	}
	for _, tt := range tests {
		got, ok := RegencyByName(tt.province, tt.name)
		if ok != (tt.want != "") || got.Code != tt.want {
			t.Errorf("RegencyByName(%q, %q) = %q, %v; want %q", tt.province, tt.name, got.Code, ok, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) (Area, bool)
		code string
		want Area // zero when the code should not resolve
	}{
		{"Province", Province, "31", Area{Code: "31", Name: "Daerah Khusus Ibukota Jakarta"}},
		{"Province", Province, " 96 ", Area{Code: "96", Name: "Papua Barat Daya"}},
		{"Province", Province, "99", Area{}},
		{"Province", Province, "5", Area{}},
		{"Province", Province, "5103", Area{}},
		{"Regency", Regency, "5199", Area{}},
		{"Regency", Regency, "51", Area{}},
		{"Regency", Regency, "9301", Area{Code: "9301", Name: "Kabupaten Merauke", ParentCode: "93"}},
		{"District", District, "510301", Area{Code: "510301", Name: "Kuta", ParentCode: "5103"}},
		{"District", District, "51.03.01", Area{Code: "510301", Name: "Kuta", ParentCode: "5103"}},
		{"District", District, "352922", Area{Code: "352922", Name: `Ra"as`, ParentCode: "3529"}},
		{"District", District, "510399", Area{}},
		{"District", District, "5103", Area{}},
		{"District", District, "", Area{}},
	}
	for _, tt := range tests {
		got, ok := tt.f(tt.code)
		if ok != (tt.want != Area{}) || got != tt.want {
			t.Errorf("%s(%q) = %+v, %v; want %+v", tt.name, tt.code, got, ok, tt.want)
		}
	}
}

// TestData checks the embedded files as a whole: every row parsed, every
// area lies in a known parent, and the lists are complete.
func TestData(t *testing.T) {
	if got, want := len(Provinces()), 38; got != want {
		t.Errorf("len(Provinces()) = %d, want %d", got, want)
	}
	regencies, districts := 0, 0
	for _, p := range Provinces() {
		rs := Regencies(p.Code)
		if len(rs) == 0 {
			t.Errorf("province %s %s has no regencies", p.Code, p.Name)
		}
		regencies += len(rs)
		for _, r := range rs {
			ds := Districts(r.Code)
			if len(ds) == 0 {
				t.Errorf("regency %s %s has no districts", r.Code, r.Name)
			}
			districts += len(ds)
		}
	}
	if regencies != 514 || districts != 7285 {
		t.Errorf("got %d regencies and %d districts, want 514 and 7285", regencies, districts)
	}
	if got := Districts("5103"); len(got) != 6 {
		t.Errorf("Districts(5103) = %d districts, want Badung's 6", len(got))
	}
	if got := Regencies("99"); got != nil {
		t.Errorf("Regencies(99) = %v, want nil", got)
	}
}

// TestCopies checks that callers cannot change the index through a returned
// slice.
func TestCopies(t *testing.T) {
	Regencies("51")[0].Name = "changed"
	if r, _ := Regency("5101"); r.Name != "Kabupaten Jembrana" {
		t.Errorf("Regency(5101).Name = %q after changing a returned slice", r.Name)
	}
	if got := Regencies("51")[0].Name; got != "Kabupaten Jembrana" {
		t.Errorf("Regencies(51)[0].Name = %q after changing a returned slice", got)
	}
}

func BenchmarkRegencyByName(b *testing.B) {
	for b.Loop() {
		if _, ok := RegencyByName("35", "Kota Malang"); !ok {
			b.Fatal("Kota Malang not found")
		}
	}
}
