package registry

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/google/go-cmp/cmp"
)

var today = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The records of the files in testdata, which hold the same data in CSV
// and in JSON.
var (
	testPeople = []Person{
		{NIK: "5103011702850001", Name: "I Made Wirawan", BirthDate: date("1985-02-17"), Sex: "M",
			Street: "Jl. Raya Kuta No. 12, RT 001/RW 002, Kuta", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510301"},
		{NIK: "5171034509900002", Name: "Ni Luh Putu Ayu Lestari", BirthDate: date("1990-09-05"), Sex: "F",
			Street: "Jl. Gatot Subroto Barat No. 5, Padangsambian", ProvinceCode: "51", RegencyCode: "5171", DistrictCode: "517103"},
		{NIK: "5103052101780003", Name: "Ketut Sudarsana, S.E.", BirthDate: date("1978-01-21"), Sex: "M",
			Street: "Jl. Pratama No. 88, Tanjung Benoa", ProvinceCode: "51", RegencyCode: "5103", DistrictCode: "510305"},
		{NIK: "3171016208950004", Name: "Siti Rahmawati", BirthDate: date("1995-08-22"), Sex: "F",
			Street: "Jl. Tanah Abang II No. 3, RT 004/RW 005", ProvinceCode: "31", RegencyCode: "3171", DistrictCode: "317101"},
	}
	testCompanies = []Company{
		{RegistryNumber: "AHU-0012345.AH.01.01.TAHUN 2019", Name: "PT Bali Surya Villas", Form: FormPTPMA, DeedNumber: "12",
			Officers: []Officer{
				{Position: Director, Name: "James Robert Miller", Passport: "PA1234567", Nationality: "AUS"},
				{Position: Director, Name: "I Made Wirawan", NIK: "5103011702850001"},
				{Position: Commissioner, Name: "Anna de Vries", Passport: "NX5K81234", Nationality: "NLD"},
				{Position: Shareholder, Name: "James Robert Miller", Passport: "PA1234567", Nationality: "AUS"},
			}},
		{RegistryNumber: "AHU-0067890.AH.01.01.TAHUN 2021", Name: "CV Kopi Kintamani", Form: FormCV, DeedNumber: "7",
			Officers: []Officer{{Position: Director, Name: "Ni Luh Putu Ayu Lestari", NIK: "5171034509900002"}}},
		{RegistryNumber: "AHU-0099999.AH.01.04.TAHUN 2024", Name: "Yayasan Pendidikan Tunas Bangsa", Form: FormYayasan, DeedNumber: "3"},
	}
	testImmigration = []ImmigrationRecord{
		{Passport: "PA1234567", Nationality: "AUS", Name: "James Robert Miller", BirthDate: date("1979-05-14"), Sex: "M",
			PassportExpires: date("2031-03-01"), StayPermitKind: KITAS, StayPermitNumber: "2C21JE1234567", StayPermitExpires: date("2026-12-31")},
		{Passport: "NX5K81234", Nationality: "NLD", Name: "Anna de Vries", BirthDate: date("1983-10-02"), Sex: "F",
			PassportExpires: date("2029-07-19"), StayPermitKind: KITAP, StayPermitNumber: "2D11JB0076543"},
		{Passport: "K9876543A", Nationality: "SGP", Name: "Tan Wei Ming", BirthDate: date("1988-11-30"), Sex: "M",
			PassportExpires: date("2030-06-15")},
	}
)

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		file string
		want Batch
	}{
		{"population.csv", Batch{Kind: KindPopulation, Rows: 4, People: testPeople}},
		{"population.json", Batch{Kind: KindPopulation, Rows: 4, People: testPeople}},
		{"company.csv", Batch{Kind: KindCompany, Rows: 6, Companies: testCompanies}},
		{"company.json", Batch{Kind: KindCompany, Rows: 3, Companies: testCompanies}},
		{"immigration.csv", Batch{Kind: KindImmigration, Rows: 3, Immigration: testImmigration}},
		{"immigration.json", Batch{Kind: KindImmigration, Rows: 3, Immigration: testImmigration}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			format, _ := FormatOf(tt.file)
			got, err := Parse(tt.want.Kind, format, f, today)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// problemsOf returns the field errors of err as "position "value": rule"
// strings.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if !errs.Is(errs.Invalid, err) {
		t.Fatalf("err = %v, want an Invalid error", err)
	}
	var out []string
	for _, f := range errs.FieldsOf(err) {
		out = append(out, f.String())
	}
	return out
}

const popHeader = "nik,name,birth_date,sex,street,province_code,regency_code,district_code\n"

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		format Format
		in     string
		want   []string
	}{
		{
			name:   "bad date",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n" +
				"5103013002850002,Made Dua,1985-02-30,M,Jl. Raya Kuta 13,51,5103,510301\n",
			want: []string{
				`line 3: column nik "5103013002850002": NIK 5103…: day of birth 30 does not exist: February has 28 days`,
				`line 3: column birth_date "1985-02-30": not a date; use YYYY-MM-DD`,
			},
		},
		{
			name:   "every problem of a row",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5.10301E+15,,85-02-17,X,,5,51030,51030a\n",
			want: []string{
				`line 2: column nik "5.10301E+15": NIK 5103…: character 'E' at position 8 is not a digit; a NIK is 16 digits; a spreadsheet turned the number into 5.1E+15 form and lost digits: format the column as text and enter the numbers again`,
				`line 2: column name: is required: the full name as recorded`,
				`line 2: column birth_date "85-02-17": not a date; use YYYY-MM-DD`,
				`line 2: column sex "X": must be M or F`,
				`line 2: column street: is required: street, number, RT/RW and village (desa/kelurahan)`,
				`line 2: column province_code "5": is not a province code; use the 2-digit Kemendagri code, e.g. 51 for Bali`,
				`line 2: column regency_code "51030": is not a regency or city code; use the 4-digit Kemendagri code, e.g. 5103 for Badung`,
				`line 2: column district_code "51030a": is not a district (kecamatan) code; use the 6-digit Kemendagri code, e.g. 510301 for Kuta`,
			},
		},
		{
			name:   "birth date and sex against the NIK",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5103011702850001,I Made Wirawan,1985-02-18,F,Jl. Raya Kuta 12,51,5103,510301\n",
			want: []string{
				`line 2: column birth_date "1985-02-18": differs from the NIK 5103011702850001, which encodes day 17, month 02, year ..85; correct the birth date or the NIK`,
				`line 2: column sex "F": differs from the NIK 5103011702850001, which encodes M (day of birth 01–31); correct the sex or the NIK`,
			},
		},
		{
			name:   "future birth date",
			kind:   KindImmigration,
			format: CSV,
			in: "passport_number,nationality,name,birth_date,sex,passport_expires\n" +
				"PA1234567,AUS,James Miller,2027-05-14,M,2031-03-01\n",
			want: []string{
				`line 2: column birth_date "2027-05-14": is in the future (today is 2026-01-15); check the year`,
			},
		},
		{
			name:   "duplicate NIK",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n" +
				"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n",
			want: []string{
				`line 3: column nik "5103011702850001": appears again (first at line 2); each NIK may appear once in a file`,
			},
		},
		{
			name:   "area codes that do not nest",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,3171,317101\n" +
				"5103011702850002,Made Dua,1985-02-17,M,Jl. Raya Kuta 13,51,5103,517101\n" +
				"5103011702850003,Made Tiga,1985-02-17,M,Jl. Raya Kuta 14,51,5103,510399\n" +
				"5103011702850004,Made Empat,1985-02-17,M,Jl. Raya Kuta 15,,,\n",
			want: []string{
				`line 2: column regency_code "3171": Kota Administrasi Jakarta Pusat is not in the province Bali (51); its code must start with 51`,
				`line 3: column district_code "517101": Denpasar Selatan is not in Kabupaten Badung (5103); its code must start with 5103`,
				`line 4: column district_code "510399": is not a district (kecamatan) code; use the 6-digit Kemendagri code, e.g. 510301 for Kuta`,
				`line 5: column province_code: is required: the 2-digit Kemendagri province code, e.g. 51 for Bali`,
				`line 5: column regency_code: is required: the 4-digit Kemendagri regency or city code, e.g. 5103 for Badung`,
				`line 5: column district_code: is required: the 6-digit Kemendagri district (kecamatan) code, e.g. 510301 for Kuta`,
			},
		},
		{
			name:   "header: unknown, missing, duplicate and empty columns",
			kind:   KindPopulation,
			format: CSV,
			in:     "nik,name,birth_date,sex,street,province_code,regency_code,NIK,tempat_lahir,\n",
			want: []string{
				`line 1: header "NIK": is both column 1 and column 8; keep one`,
				`line 1: header "tempat_lahir": unknown column; the population columns are nik, name, birth_date, sex, street, province_code, regency_code, district_code`,
				`line 1: header: column 10 has no name; name it or remove the empty column (a delimiter at the end of the header adds one)`,
				`line 1: header: lacks the required column(s) district_code; the population columns are nik, name, birth_date, sex, street, province_code, regency_code, district_code`,
			},
		},
		{
			name:   "header after empty lines",
			kind:   KindImmigration,
			format: CSV,
			in:     "\n\npassport,nationality,name,birth_date,sex,passport_expires\n",
			want: []string{
				`line 3: header "passport": unknown column; the immigration columns are passport_number, nationality, name, birth_date, sex, passport_expires, stay_permit_kind, stay_permit_number, stay_permit_expires`,
				`line 3: header: lacks the required column(s) passport_number; the immigration columns are passport_number, nationality, name, birth_date, sex, passport_expires, stay_permit_kind, stay_permit_number, stay_permit_expires`,
			},
		},
		{
			name:   "empty file",
			kind:   KindImmigration,
			format: CSV,
			in:     "",
			want: []string{
				`line 1: the file is empty; the first line must be the header: passport_number,nationality,name,birth_date,sex,passport_expires,stay_permit_kind,stay_permit_number,stay_permit_expires`,
			},
		},
		{
			name:   "wrong number of values and bad quoting",
			kind:   KindPopulation,
			format: CSV,
			in: popHeader +
				"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12, Kuta,51,5103,510301\n" +
				"5103011702850001,I Made \"Wira\" Wan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n",
			want: []string{
				`line 2: has 9 values but the header has 8 columns; check for a missing or extra delimiter, and quote values that contain one`,
				`line 3: is not valid CSV (bare " in non-quoted-field); enclose a value that contains the delimiter, a quote or a line break in double quotes, and double every quote inside it`,
			},
		},
		{
			name:   "company rows that disagree, bad officers",
			kind:   KindCompany,
			format: CSV,
			in: "registry_number,name,legal_form,deed_number,officer_position,officer_name,officer_nik,officer_passport_number,officer_nationality\n" +
				"AHU-1,PT Satu,PT,1,director,Budi,5103011702850001,,\n" +
				"AHU-1,PT Satu Jaya,PT,1,director,Budi,5103011702850001,,\n" +
				"AHU-1,PT Satu,PT,1,owner,Ani,,,\n" +
				"AHU-1,PT Satu,PT,1,shareholder,Ani,5103011702850001,P1234567,\n" +
				"AHU-1,PT Satu,PT,1,shareholder,John,,P1234567,\n" +
				"AHU-2,PT Dua,PERSERO,,,,,,\n",
			want: []string{
				`line 3: column name "PT Satu Jaya": differs from line 2 ("PT Satu") for the same registry_number; repeat the company columns unchanged on every officer row`,
				`line 3: lists the same officer in the same position again (first at line 2); list each officer once per position`,
				`line 4: column officer_position "owner": must be one of director, commissioner, shareholder`,
				`line 4: column officer_nik: is required: the officer's NIK, or else passport_number and nationality for an officer without a NIK`,
				`line 5: column officer_passport_number "P1234567": must be empty when a NIK is given; identify the officer by NIK or by passport, not both`,
				`line 6: column officer_nationality: is required: the ISO 3166-1 alpha-3 country code, e.g. AUS`,
				`line 7: column legal_form "PERSERO": must be one of PT, PT_PMA, CV, FIRMA, YAYASAN, KOPERASI, OTHER_BADAN`,
				`line 7: column deed_number: is required: the number of the deed of establishment (akta pendirian)`,
			},
		},
		{
			name:   "stay permits",
			kind:   KindImmigration,
			format: CSV,
			in: "passport_number,nationality,name,birth_date,sex,passport_expires,stay_permit_kind,stay_permit_number,stay_permit_expires\n" +
				"PA1234567,AUS,James Miller,1979-05-14,M,2031-03-01,KITAS,2C21JE1234567,\n" +
				"PA7654321,IDN,Budi,1979-05-14,M,1979-05-14,,X1,\n" +
				"P-123,au,Jane,1979-05-14,M,2031-03-01,VOA,,2026-02-31\n",
			want: []string{
				`line 2: column stay_permit_expires: is required for a KITAS: the date the limited stay permit ends, YYYY-MM-DD`,
				`line 3: column nationality "IDN": is Indonesian; Indonesian citizens belong in the population registry, by NIK`,
				`line 3: column passport_expires "1979-05-14": is not after the birth date 1979-05-14; check both dates`,
				`line 3: column stay_permit_kind: is required: one of KITAS, KITAP`,
				`line 4: column passport_number "P-123": passport number "P-123": has 4 letters and digits; passport numbers have at least 5`,
				`line 4: column nationality "au": country "au": is not a 3-letter country code; use ISO 3166-1 alpha-3, e.g. IDN for Indonesia, SGP for Singapore`,
				`line 4: column stay_permit_kind "VOA": must be one of KITAS, KITAP`,
				`line 4: column stay_permit_number: is required: the number printed on the stay permit`,
				`line 4: column stay_permit_expires "2026-02-31": not a date; use YYYY-MM-DD`,
			},
		},
		{
			name:   "JSON members: positions, types, unknown and duplicate members",
			kind:   KindPopulation,
			format: JSON,
			in: `[
  {"nik": "5103011702850001", "name": "I Made Wirawan", "birth_date": "1985-02-17", "sex": "M",
   "street": "Jl. Raya Kuta 12", "province_code": "51", "regency_code": "5103", "district_code": "510301"},
  {"nik": 5103011702850002, "name": "Made Dua", "birth_date": "1985-02-17", "sex": "M",
   "street": "Jl. Raya Kuta 13", "province_code": "51", "regency_code": "5103", "district_code": "510301",
   "tempat_lahir": "Denpasar", "sex": "F"},
  "5103011702850003"
]`,
			want: []string{
				`line 4: [1].nik "5103011702850002": is not a JSON string; write the value in double quotes`,
				`line 6: [1].tempat_lahir: unknown member; the population members are nik, name, birth_date, sex, street, province_code, regency_code, district_code`,
				`line 6: [1].sex: appears twice in the object; keep one`,
				`line 7: [2]: must be a JSON object {...} with the members nik, name, birth_date, sex, street, province_code, regency_code, district_code`,
			},
		},
		{
			name:   "JSON company officers",
			kind:   KindCompany,
			format: JSON,
			in: `[
  {"registry_number": "AHU-1", "name": "PT Satu", "legal_form": "pt", "deed_number": "1",
   "officers": [
     {"position": "director", "name": "Budi", "nik": "5103011702850001"},
     {"position": "director", "name": "John", "passport_number": "P1234567", "nationality": "GBRX", "share": "10"}
   ]},
  {"registry_number": "AHU-1", "name": "PT Satu", "legal_form": "PT", "deed_number": "1", "officers": {}}
]`,
			want: []string{
				`line 5: [0].officers[1].share: unknown officer member; the company officer members are position, name, nik, passport_number, nationality`,
				`line 5: [0].officers[1].nationality "GBRX": country "GBRX": is not a 3-letter country code; use ISO 3166-1 alpha-3, e.g. IDN for Indonesia, SGP for Singapore`,
				`line 7: [1].officers "{}": must be an array of officer objects with the members position, name, nik, passport_number, nationality, or [] for none`,
				`line 7: [1].registry_number "AHU-1": appears again (first at line 2: [0]); each company may appear once, with all its officers`,
			},
		},
		{
			name:   "JSON syntax error",
			kind:   KindImmigration,
			format: JSON,
			in:     "[\n  {\"passport_number\": \"PA1234567\",}\n]",
			want: []string{
				`line 2: is not valid JSON (invalid character '}' looking for beginning of object key string); the elements read before this line are fine`,
			},
		},
		{
			name:   "JSON not an array",
			kind:   KindImmigration,
			format: JSON,
			in:     `{"passport_number": "PA1234567"}`,
			want: []string{
				`line 1: the file must be a JSON array of objects, [{...}, {...}], with the immigration members passport_number, nationality, name, birth_date, sex, passport_expires, stay_permit_kind, stay_permit_number, stay_permit_expires`,
			},
		},
		{
			name:   "JSON trailing data",
			kind:   KindImmigration,
			format: JSON,
			in:     "[]\n[]",
			want: []string{
				`line 2: there is more after the array's closing ]; the file must hold one array`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.kind, tt.format, strings.NewReader(tt.in), today)
			if diff := cmp.Diff(tt.want, problemsOf(t, err)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCSVVariants(t *testing.T) {
	want := Batch{Kind: KindPopulation, Rows: 1, People: testPeople[:1]}
	tests := []struct{ name, in string }{
		{"semicolons and BOM", "\ufeffNIK;Name;Birth_Date;Sex;Street;Province_Code;Regency_Code;District_Code\r\n" +
			"5103011702850001;I Made Wirawan;1985-02-17;m;\"Jl. Raya Kuta No. 12, RT 001/RW 002, Kuta\";51;51.03;51.03.01\r\n"},
		{"columns in another order, spaces", "district_code, regency_code, province_code, street, sex, birth_date, name, nik\n" +
			"510301, 5103, 51, \"Jl. Raya Kuta No. 12, RT 001/RW 002, Kuta\", M, 1985-02-17,  I Made Wirawan , 5103011702850001\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(KindPopulation, CSV, strings.NewReader(tt.in), today)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	in := popHeader +
		"5103011702850001,I Made Wirawan,1985-02-17,M,Jl. Raya Kuta 12,51,5103,510301\n" +
		"5103011702850002,Made Dua,1985-02-17,M,,51,5103,510301\n" +
		"5103011702850003,Made Tiga,1985-02-17,M,,51,5103,510301\n"
	_, err := Parse(KindPopulation, CSV, strings.NewReader(in), today)
	want := "population import rejected: 2 of 3 rows have errors; nothing was stored. Correct every problem listed and import the whole file again"
	if got := errs.Message(err); got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want Format
		ok   bool
	}{
		{"people.csv", CSV, true},
		{"dir.d/PEOPLE.JSON", JSON, true},
		{"people.txt", "", false},
		{"-", "", false},
	}
	for _, tt := range tests {
		got, ok := FormatOf(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// fuzzSeeds are the testdata files and a few broken inputs.
func fuzzSeeds(f *testing.F, ext string) {
	matches, err := filepath.Glob(filepath.Join("testdata", "*."+ext))
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		for i := range Kinds {
			f.Add(uint8(i), b)
		}
	}
	for _, s := range []string{"", "\ufeff", "[", "]", "[{", `[{"officers":[{"nik":1}]}]`, "nik\n\"", "a;b\n1;2"} {
		f.Add(uint8(1), []byte(s))
	}
}

func fuzzParse(t *testing.T, format Format, k uint8, data []byte) {
	kind := Kinds[int(k)%len(Kinds)]
	b, err := Parse(kind, format, bytes.NewReader(data), today)
	if err != nil {
		if !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) == 0 {
			t.Fatalf("Parse error is not Invalid with fields: %v", err)
		}
		return
	}
	if b.Kind != kind || b.Records() > b.Rows {
		t.Fatalf("Parse = kind %s, %d records from %d rows", b.Kind, b.Records(), b.Rows)
	}
}

func FuzzParseCSV(f *testing.F) {
	fuzzSeeds(f, "csv")
	f.Fuzz(func(t *testing.T, k uint8, data []byte) { fuzzParse(t, CSV, k, data) })
}

func FuzzParseJSON(f *testing.F) {
	fuzzSeeds(f, "json")
	f.Fuzz(func(t *testing.T, k uint8, data []byte) { fuzzParse(t, JSON, k, data) })
}
