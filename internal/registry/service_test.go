package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/google/go-cmp/cmp"
)

var now = time.Date(2026, 1, 15, 3, 0, 0, 0, time.UTC)

func newService(t testing.TB) (*registry.Service, *storage.DB) {
	db := storagetest.SQLite(t)
	return registry.NewService(db.Registry(), func() time.Time { return now }), db
}

func importFile(t *testing.T, s *registry.Service, kind registry.Kind, name string) (registry.Result, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format, ok := registry.FormatOf(name)
	if !ok {
		t.Fatalf("no format for %s", name)
	}
	return s.Import(context.Background(), kind, format, f)
}

func TestImportTestdata(t *testing.T) {
	s, _ := newService(t)
	tests := []struct {
		kind      registry.Kind
		first     string
		again     string
		want      registry.Result
		wantAgain registry.Result
	}{
		{registry.KindPopulation, "population.csv", "population.json",
			registry.Result{Kind: registry.KindPopulation, Rows: 4, Records: 4, Counts: registry.Counts{Inserted: 4}},
			registry.Result{Kind: registry.KindPopulation, Rows: 4, Records: 4, Counts: registry.Counts{Unchanged: 4}}},
		{registry.KindCompany, "company.csv", "company.json",
			registry.Result{Kind: registry.KindCompany, Rows: 6, Records: 3, Counts: registry.Counts{Inserted: 3}},
			registry.Result{Kind: registry.KindCompany, Rows: 3, Records: 3, Counts: registry.Counts{Unchanged: 3}}},
		{registry.KindImmigration, "immigration.json", "immigration.csv",
			registry.Result{Kind: registry.KindImmigration, Rows: 3, Records: 3, Counts: registry.Counts{Inserted: 3}},
			registry.Result{Kind: registry.KindImmigration, Rows: 3, Records: 3, Counts: registry.Counts{Unchanged: 3}}},
	}
	for _, tt := range tests {
		got, err := importFile(t, s, tt.kind, tt.first)
		if err != nil {
			t.Fatalf("import %s: %v", tt.first, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("import %s mismatch (-want +got):\n%s", tt.first, diff)
		}
		// The same records in the other format change nothing.
		got, err = importFile(t, s, tt.kind, tt.again)
		if err != nil {
			t.Fatalf("import %s: %v", tt.again, err)
		}
		if diff := cmp.Diff(tt.wantAgain, got); diff != "" {
			t.Errorf("import %s mismatch (-want +got):\n%s", tt.again, diff)
		}
	}
	if got, want := fmt.Sprint(registry.Result{Kind: registry.KindCompany, Rows: 6, Records: 3, Counts: registry.Counts{Inserted: 2, Updated: 1}}),
		"company: 6 rows read (3 records), 2 inserted, 1 updated, 0 unchanged"; got != want {
		t.Errorf("Result.String = %q, want %q", got, want)
	}

	ctx := context.Background()
	p, err := s.Person(ctx, " 5171.0345.0990.0002 ")
	if err != nil || p.Name != "Ni Luh Putu Ayu Lestari" || !p.UpdatedAt.Equal(now) {
		t.Errorf("Person = %+v, %v", p, err)
	}
	c, err := s.Company(ctx, "ahu-0012345.ah.01.01.tahun 2019")
	if err != nil || len(c.Officers) != 4 || c.Officers[2].Name != "Anna de Vries" {
		t.Errorf("Company = %+v, %v", c, err)
	}
	r, err := s.Immigration(ctx, "nld", "nx5k81234")
	if err != nil || r.StayPermitKind != registry.KITAP || !r.StayPermitExpires.IsZero() {
		t.Errorf("Immigration = %+v, %v", r, err)
	}
	rs, err := s.ImmigrationByPassport(ctx, "PA1234567")
	if err != nil || len(rs) != 1 || rs[0].Nationality != "AUS" {
		t.Errorf("ImmigrationByPassport = %+v, %v", rs, err)
	}
	if _, err := s.Person(ctx, "5103"); !errs.Is(errs.Invalid, err) {
		t.Errorf("Person(malformed) error = %v, want Invalid", err)
	}
	if _, err := s.Person(ctx, "5103011702850009"); !errs.Is(errs.NotFound, err) {
		t.Errorf("Person(unknown) error = %v, want NotFound", err)
	}
}

// A batch with one bad row stores nothing, not even its good rows.
func TestImportAllOrNothing(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	good, err := os.ReadFile(filepath.Join("testdata", "population.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := string(good) + "5103011702850009,Made Baru,1985-02-30,M,Jl. Raya Kuta 1,51,5103,510301\n"
	res, err := s.Import(ctx, registry.KindPopulation, registry.CSV, strings.NewReader(bad))
	if !errs.Is(errs.Invalid, err) {
		t.Fatalf("Import error = %v, want Invalid", err)
	}
	if res.Rows != 5 || res.Inserted != 0 {
		t.Errorf("Result = %+v, want 5 rows read and nothing stored", res)
	}
	var got []string
	for _, f := range errs.FieldsOf(err) {
		got = append(got, f.String())
	}
	want := []string{`line 6: column birth_date "1985-02-30": not a date; use YYYY-MM-DD`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Person(ctx, "5103011702850001"); !errs.Is(errs.NotFound, err) {
		t.Errorf("a good row of a rejected batch was stored: Person error = %v, want NotFound", err)
	}
}

// A company CSV imported again with another officer list replaces it.
func TestImportReplacesOfficers(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	if _, err := importFile(t, s, registry.KindCompany, "company.csv"); err != nil {
		t.Fatal(err)
	}
	in := "registry_number,legal_form,name,deed_number,officer_name,officer_position,officer_nik\n" +
		"AHU-0067890.AH.01.01.TAHUN 2021,CV,CV Kopi Kintamani,8,Ketut Sudarsana,director,5103052101780003\n"
	res, err := s.Import(ctx, registry.KindCompany, registry.CSV, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := (registry.Counts{Updated: 1}); res.Counts != want {
		t.Errorf("Counts = %+v, want %+v", res.Counts, want)
	}
	c, err := s.Company(ctx, "AHU-0067890.AH.01.01.TAHUN 2021")
	if err != nil {
		t.Fatal(err)
	}
	want := []registry.Officer{{Position: registry.Director, Name: "Ketut Sudarsana", NIK: "5103052101780003"}}
	if diff := cmp.Diff(want, c.Officers); diff != "" || c.DeedNumber != "8" {
		t.Errorf("officers mismatch (-want +got):\n%s\ndeed %q", diff, c.DeedNumber)
	}
}

// populationCSV returns a population file of n valid rows with distinct
// NIKs.
func populationCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("nik,name,birth_date,sex,street,province_code,regency_code,district_code\n")
	for i := range n {
		d := i / 9999
		day, month, yy := 1+d%28, 1+(d/28)%12, 50+d/(28*12)
		fmt.Fprintf(&b, "510301%02d%02d%02d%04d,Warga %d,19%02d-%02d-%02d,M,\"Jl. Raya Kuta No. %d, RT 001/RW 002\",51,5103,510301\n",
			day, month, yy, 1+i%9999, i, yy, month, day, i)
	}
	return b.Bytes()
}

func TestPopulationCSVIsValid(t *testing.T) {
	s, _ := newService(t)
	res, err := s.Import(context.Background(), registry.KindPopulation, registry.CSV, bytes.NewReader(populationCSV(20000)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 20000 {
		t.Errorf("Result = %v, want 20000 inserted", res)
	}
}

// BenchmarkImportPopulation imports a 100,000-row population file into a
// new SQLite database: parse, validate and store in one transaction.
func BenchmarkImportPopulation(b *testing.B) {
	const rows = 100_000
	data := populationCSV(rows)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, db := newService(b)
		b.StartTimer()
		res, err := s.Import(ctx, registry.KindPopulation, registry.CSV, bytes.NewReader(data))
		if err != nil || res.Inserted != rows {
			b.Fatalf("Import = %v, %v", res, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
