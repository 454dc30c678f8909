package registry

import (
	"strings"
	"time"
)

// peopleBuilder turns rows into Persons.
type peopleBuilder struct {
	today  time.Time
	people []Person
	seen   map[string]string // NIK → where it first appeared
}

func (b *peopleBuilder) add(r *row, p *problems) {
	c := check{r, p}
	var x Person
	x.NIK = c.nik("nik")
	x.Name = c.name("name")
	x.BirthDate = c.birthDate("birth_date", b.today)
	x.Sex = c.sex("sex")
	c.nikAgrees(x.NIK, x.BirthDate, x.Sex)
	x.Street = c.text("street", 300, "street, number, RT/RW and village (desa/kelurahan)")
	x.ProvinceCode, x.RegencyCode, x.DistrictCode = c.area()
	if x.NIK != "" {
		if first, dup := b.seen[x.NIK]; dup {
			p.add(r, "nik", x.NIK, "appears again (first at %s); each NIK may appear once in a file", first)
		} else {
			b.seen[x.NIK] = r.where()
		}
	}
	b.people = append(b.people, x)
}

func (b *peopleBuilder) fill(batch *Batch) { batch.People = b.people }

// immigrationKey identifies an immigration record.
type immigrationKey struct{ nationality, passport string }

// immigrationBuilder turns rows into ImmigrationRecords.
type immigrationBuilder struct {
	today   time.Time
	records []ImmigrationRecord
	seen    map[immigrationKey]string
}

func (b *immigrationBuilder) add(r *row, p *problems) {
	c := check{r, p}
	var x ImmigrationRecord
	x.Passport = c.passport("passport_number")
	x.Nationality = c.country("nationality")
	if x.Nationality == "IDN" {
		p.add(r, "nationality", x.Nationality, "is Indonesian; Indonesian citizens belong in the population registry, by NIK")
		x.Nationality = ""
	}
	x.Name = c.name("name")
	x.BirthDate = c.birthDate("birth_date", b.today)
	x.Sex = c.sex("sex")
	x.PassportExpires = c.date("passport_expires", true)
	if !x.BirthDate.IsZero() && !x.PassportExpires.IsZero() && !x.PassportExpires.After(x.BirthDate) {
		p.add(r, "passport_expires", x.PassportExpires.Format(time.DateOnly), "is not after the birth date %s; check both dates", x.BirthDate.Format(time.DateOnly))
	}
	b.stayPermit(c, &x)
	if x.Passport != "" && x.Nationality != "" {
		k := immigrationKey{x.Nationality, x.Passport}
		if first, dup := b.seen[k]; dup {
			p.add(r, "passport_number", x.Passport, "appears again for nationality %s (first at %s); each passport may appear once in a file", x.Nationality, first)
		} else {
			b.seen[k] = r.where()
		}
	}
	b.records = append(b.records, x)
}

// stayPermit checks the optional stay permit: all three values empty, or a
// kind and a number, with an expiry date required for a KITAS.
func (b *immigrationBuilder) stayPermit(c check, x *ImmigrationRecord) {
	r := c.r
	if !r.has("stay_permit_kind") && !r.has("stay_permit_number") && !r.has("stay_permit_expires") {
		return
	}
	x.StayPermitKind = c.oneOf("stay_permit_kind", strings.ToUpper, []string{KITAS, KITAP})
	x.StayPermitNumber = strings.ToUpper(c.text("stay_permit_number", 64, "the number printed on the stay permit"))
	x.StayPermitExpires = c.date("stay_permit_expires", false)
	if x.StayPermitKind == KITAS && !r.has("stay_permit_expires") {
		c.p.add(c.r, "stay_permit_expires", "", "is required for a KITAS: the date the limited stay permit ends, YYYY-MM-DD")
	}
}

func (b *immigrationBuilder) fill(batch *Batch) { batch.Immigration = b.records }

// companyBuilder turns rows into Companies. A CSV file has one row per
// officer with the company columns repeated; a JSON file has one element
// per company with its officers nested.
type companyBuilder struct {
	companies []Company
	seen      map[string]*companyEntry
}

// companyEntry remembers where a company first appeared and its columns
// as given there, which later CSV rows must repeat.
type companyEntry struct {
	index   int
	where   string
	columns [3]string // name, legal_form, deed_number as given
	// officers maps each officer's identity and position to where it
	// was listed, to reject an officer listed twice.
	officers map[string]string
}

var companyColumnsRepeated = [3]string{"name", "legal_form", "deed_number"}

func (b *companyBuilder) add(r *row, p *problems) {
	c := check{r, p}
	number := strings.ToUpper(c.text("registry_number", 64, "the company's number in the company registry"))
	e := b.seen[number]
	switch {
	case e != nil && r.src == nil:
		// A further officer row of a company in a CSV file.
		for i, col := range companyColumnsRepeated {
			if v := r.get(col); v != e.columns[i] {
				p.add(r, col, v, "differs from %s (%q) for the same registry_number; repeat the company columns unchanged on every officer row", e.where, e.columns[i])
			}
		}
	default:
		if e != nil {
			p.add(r, "registry_number", number, "appears again (first at %s); each company may appear once, with all its officers", e.where)
		}
		x := Company{RegistryNumber: number}
		x.Name = c.name("name")
		x.Form = c.oneOf("legal_form", strings.ToUpper, Forms)
		x.DeedNumber = c.text("deed_number", 64, "the number of the deed of establishment (akta pendirian)")
		if number != "" && e == nil {
			e = &companyEntry{index: len(b.companies), where: r.where(), officers: map[string]string{}}
			for i, col := range companyColumnsRepeated {
				e.columns[i] = r.get(col)
			}
			b.seen[number] = e
			b.companies = append(b.companies, x)
		} else {
			e = nil // invalid or duplicate: check its officers, keep nothing
		}
	}
	var officers []*row
	if r.src == nil {
		o := *r
		o.prefix = officerPrefix
		for _, m := range officerMembers {
			if o.has(m) {
				officers = append(officers, &o)
				break
			}
		}
	} else {
		officers = r.officers
	}
	for _, o := range officers {
		x, key := officer(o, p)
		if e == nil || key == "" {
			continue
		}
		if first, dup := e.officers[key]; dup {
			p.addRow(o, "lists the same officer in the same position again (first at %s); list each officer once per position", first)
			continue
		}
		e.officers[key] = o.where()
		b.companies[e.index].Officers = append(b.companies[e.index].Officers, x)
	}
}

// officer checks one officer. key identifies the officer and position
// within the company; it is empty when the officer is invalid.
func officer(o *row, p *problems) (Officer, string) {
	c := check{o, p}
	n := len(p.list)
	var x Officer
	pos := c.oneOf("position", strings.ToLower, []string{string(Director), string(Commissioner), string(Shareholder)})
	x.Position = Position(pos)
	x.Name = c.name("name")
	hasNIK, hasPassport := o.has("nik"), o.has("passport_number")
	switch {
	case !hasNIK && !hasPassport:
		p.add(o, "nik", "", "is required: the officer's NIK, or else passport_number and nationality for an officer without a NIK")
	case hasNIK && hasPassport:
		p.add(o, "passport_number", o.get("passport_number"), "must be empty when a NIK is given; identify the officer by NIK or by passport, not both")
	case hasNIK:
		x.NIK = c.nik("nik")
	default:
		x.Passport = c.passport("passport_number")
	}
	if (hasPassport && !hasNIK) || o.has("nationality") {
		x.Nationality = c.country("nationality")
	}
	if len(p.list) > n {
		return x, ""
	}
	return x, string(x.Position) + " " + x.NIK + " " + x.Passport + " " + x.Nationality
}

func (b *companyBuilder) fill(batch *Batch) { batch.Companies = b.companies }
