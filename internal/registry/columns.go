package registry

import "strings"

// Column describes a column of an import CSV file. A JSON file uses the
// same names for the members of its objects, except that a company's
// officers are nested under "officers" and lose the "officer_" prefix.
type Column struct {
	Name string
	// Required columns must be in a CSV header. An optional column may be
	// left out; every value in it is then empty.
	Required bool
	// Rule says what a value must be, for usage texts and documents.
	Rule string
}

var populationColumns = []Column{
	{"nik", true, "16-digit NIK; each NIK once per file"},
	{"name", true, "full name as recorded, at most 200 characters"},
	{"birth_date", true, "YYYY-MM-DD, not in the future, and the date the NIK encodes"},
	{"sex", true, "M or F, as the NIK encodes it (women's day of birth + 40)"},
	{"street", true, "street, number, RT/RW and village, at most 300 characters"},
	{"province_code", true, "2-digit Kemendagri province code, e.g. 51"},
	{"regency_code", true, "4-digit regency or city code within the province, e.g. 5103"},
	{"district_code", true, "6-digit district (kecamatan) code within the regency, e.g. 510301"},
}

var companyColumns = []Column{
	{"registry_number", true, "the company's number in the company registry, at most 64 characters; stored in upper case"},
	{"name", true, "registered name, at most 200 characters"},
	{"legal_form", true, "one of " + strings.Join(Forms, ", ")},
	{"deed_number", true, "number of the deed of establishment, at most 64 characters"},
	{"officer_position", false, "director, commissioner or shareholder; leave every officer column empty for a company without officers"},
	{"officer_name", false, "the officer's full name"},
	{"officer_nik", false, "the officer's 16-digit NIK, or empty when a passport is given"},
	{"officer_passport_number", false, "the officer's passport number, when the officer has no NIK"},
	{"officer_nationality", false, "ISO 3166-1 alpha-3 code, e.g. SGP; required with a passport number"},
}

var immigrationColumns = []Column{
	{"passport_number", true, "passport number, letters and digits; stored in upper case"},
	{"nationality", true, "ISO 3166-1 alpha-3 code of the issuing country, e.g. AUS; not IDN"},
	{"name", true, "full name as in the passport, at most 200 characters"},
	{"birth_date", true, "YYYY-MM-DD, not in the future"},
	{"sex", true, "M or F"},
	{"passport_expires", true, "YYYY-MM-DD, after the birth date"},
	{"stay_permit_kind", false, "KITAS or KITAP; empty when no stay permit is recorded"},
	{"stay_permit_number", false, "the permit's number; required with a kind"},
	{"stay_permit_expires", false, "YYYY-MM-DD; required for a KITAS, optional for a KITAP"},
}

// Columns returns the CSV columns of a registry's import file, in the
// order the documentation lists them. Files may order them freely.
func Columns(kind Kind) []Column {
	var cs []Column
	switch kind {
	case KindPopulation:
		cs = populationColumns
	case KindCompany:
		cs = companyColumns
	case KindImmigration:
		cs = immigrationColumns
	}
	return append([]Column(nil), cs...)
}

// officerPrefix starts the names of the officer columns of a company CSV.
const officerPrefix = "officer_"

// companyMembers are the members of a company object in JSON: the company
// columns and "officers", an array of objects with officerMembers.
var companyMembers = []string{"registry_number", "name", "legal_form", "deed_number", "officers"}

var officerMembers = []string{"position", "name", "nik", "passport_number", "nationality"}

func columnNames(cs []Column) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}
