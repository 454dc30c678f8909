// Package registry keeps the reference registries that registrations are
// checked against: the population registry (Dukcapil: NIK, name, birth
// date, sex, address), the company registry (AHU: registry number, name,
// legal form, deed, officers) and the immigration registry (passport,
// nationality, stay permit KITAS/KITAP).
//
// The registries are loaded from files (CSV or JSON, see doc/registries.md)
// with Service.Import. An import is all or nothing: every row is validated
// first, and either the whole batch is stored in one transaction or nothing
// is stored and the error lists every bad row with its position in the
// file, the value, the rule and the fix. Records are upserted by their key;
// a company's officer list is replaced by the one in the file.
package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
)

// Kind names a registry.
type Kind string

// The registries.
const (
	KindPopulation  Kind = "population"  // residents by NIK (Dukcapil)
	KindCompany     Kind = "company"     // companies by registry number (AHU)
	KindImmigration Kind = "immigration" // foreigners by nationality and passport
)

// Kinds lists the registries in display order.
var Kinds = []Kind{KindPopulation, KindCompany, KindImmigration}

// ParseKind parses the name of a registry.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if s == string(k) {
			return k, nil
		}
	}
	return "", errs.InvalidFields("unknown registry",
		errs.Field("kind", s, "is not a registry; use population, company or immigration"))
}

// Format is the encoding of an import file.
type Format string

// The import formats.
const (
	CSV  Format = "csv"  // a header row, then one row per record (per officer for companies)
	JSON Format = "json" // an array of objects; companies nest their officers
)

// ParseFormat parses the name of an import format.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, JSON:
		return Format(s), nil
	}
	return "", errs.InvalidFields("unknown format",
		errs.Field("format", s, "is not an import format; use csv or json"))
}

// FormatOf returns the format named by a file's extension, .csv or .json
// in any case.
func FormatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return CSV, true
	case ".json":
		return JSON, true
	}
	return "", false
}

// Person is a resident in the population registry.
type Person struct {
	NIK          string    // 16 digits
	Name         string    // as recorded, surrounding white space removed
	BirthDate    time.Time // UTC midnight
	Sex          string    // "M" or "F"
	Street       string    // street, number, RT/RW, village
	ProvinceCode string    // 2 digits (Kemendagri), e.g. 51
	RegencyCode  string    // 4 digits, e.g. 5103
	DistrictCode string    // 6 digits, e.g. 510301
	UpdatedAt    time.Time // when the record last changed; set by the store
}

// The legal forms of a company. They are the entity forms of registration,
// so that a registered entity's form can be compared with the registry's.
const (
	FormPT          = "PT"          // Perseroan Terbatas
	FormPTPMA       = "PT_PMA"      // PT with foreign investment (Penanaman Modal Asing)
	FormCV          = "CV"          // Commanditaire Vennootschap
	FormFirma       = "FIRMA"       // partnership
	FormYayasan     = "YAYASAN"     // foundation
	FormKoperasi    = "KOPERASI"    // cooperative
	FormOtherEntity = "OTHER_BADAN" // any other badan
)

// Forms lists the legal forms in display order.
var Forms = []string{FormPT, FormPTPMA, FormCV, FormFirma, FormYayasan, FormKoperasi, FormOtherEntity}

// Company is an entity in the company registry.
type Company struct {
	RegistryNumber string // upper case, at most 64 characters
	Name           string
	Form           string // one of Forms
	DeedNumber     string // the deed of establishment (akta pendirian)
	Officers       []Officer
	UpdatedAt      time.Time // when the record or its officers last changed; set by the store
}

// Position is an officer's position in a company.
type Position string

// The positions of an officer.
const (
	Director     Position = "director"     // direktur / pengurus
	Commissioner Position = "commissioner" // komisaris
	Shareholder  Position = "shareholder"  // pemegang saham
)

// Positions lists the positions in display order.
var Positions = []Position{Director, Commissioner, Shareholder}

// Officer is a company's director, commissioner or shareholder, identified
// by NIK (residents, including foreigners who hold one) or by passport
// number and nationality.
type Officer struct {
	Position    Position
	Name        string
	NIK         string // empty when identified by passport
	Passport    string // empty when identified by NIK
	Nationality string // ISO 3166-1 alpha-3; required with a passport, optional with a NIK
}

// The kinds of stay permit.
const (
	KITAS = "KITAS" // Kartu Izin Tinggal Terbatas: limited stay permit
	KITAP = "KITAP" // Kartu Izin Tinggal Tetap: permanent stay permit
)

// ImmigrationRecord is a foreigner in the immigration registry.
type ImmigrationRecord struct {
	Passport          string // upper case
	Nationality       string // ISO 3166-1 alpha-3, never IDN
	Name              string
	BirthDate         time.Time
	Sex               string // "M" or "F"
	PassportExpires   time.Time
	StayPermitKind    string    // KITAS, KITAP, or empty when no stay permit is recorded
	StayPermitNumber  string    // empty when no stay permit is recorded
	StayPermitExpires time.Time // zero when none is recorded (a KITAP may have none)
	UpdatedAt         time.Time // when the record last changed; set by the store
}

// Counts tells what a store did with a batch: how many records were new,
// how many existed and changed, and how many existed unchanged.
type Counts struct {
	Inserted  int
	Updated   int
	Unchanged int
}

// Result is the outcome of an import.
type Result struct {
	Kind Kind
	// Rows is the number of CSV data rows or JSON array elements read.
	Rows int
	// Records is the number of distinct records in the batch. It is less
	// than Rows for a company CSV, which has one row per officer.
	Records int
	Counts
}

// String summarises the result for people:
// "population: 120 rows read, 118 inserted, 2 updated, 0 unchanged".
func (r Result) String() string {
	s := fmt.Sprintf("%s: %d rows read", r.Kind, r.Rows)
	if r.Records != r.Rows {
		s += fmt.Sprintf(" (%d records)", r.Records)
	}
	return s + fmt.Sprintf(", %d inserted, %d updated, %d unchanged", r.Inserted, r.Updated, r.Unchanged)
}

// Store keeps the registries. Lookups return an errs.NotFound error when
// there is no record. Each Put method stores a whole batch in one
// transaction: it inserts records whose key is new and updates the others
// (for companies, the officer list is replaced by the batch's), and stores
// nothing when it fails. Keys are unique within a batch, as Parse ensures.
// at is written as the time of every change.
type Store interface {
	Person(ctx context.Context, nik string) (Person, error)
	Company(ctx context.Context, registryNumber string) (Company, error)
	Immigration(ctx context.Context, nationality, passport string) (ImmigrationRecord, error)
	// ImmigrationByPassport returns the records of a passport number
	// under every nationality, ordered by nationality.
	ImmigrationByPassport(ctx context.Context, passport string) ([]ImmigrationRecord, error)

	PutPeople(ctx context.Context, people []Person, at time.Time) (Counts, error)
	PutCompanies(ctx context.Context, companies []Company, at time.Time) (Counts, error)
	PutImmigration(ctx context.Context, records []ImmigrationRecord, at time.Time) (Counts, error)
}
