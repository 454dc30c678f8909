// Package area is Indonesia's list of administrative areas down to the
// district: provinces (provinsi), regencies and cities (kabupaten/kota), and
// districts (kecamatan), with the Ministry of Home Affairs' (Kemendagri)
// codes that addresses and the NIK use (province 2 digits, regency 4,
// district 6: 51, 5103, 510301).
//
// The data is embedded from the npm package idn-area-data (see
// data/README.md for the version, the Kemendagri decision it follows and
// its licence, the ODbL). Villages (desa/kelurahan) are left out: the NIK
// encodes the area only down to the district, addresses keep the village as
// text, and the village list would add 2.8 MB to every binary.
//
// The files are parsed once, on first use. Codes are accepted with or
// without the dots of the source ("51.03" or "5103") and are always returned
// as digits only.
package area

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"sync"
)

//go:embed data/provinces.csv data/regencies.csv data/districts.csv
var files embed.FS

// Area is a province, a regency or city, or a district.
type Area struct {
	Code       string // digits only: 2 for a province, 4 for a regency or city, 6 for a district
	Name       string // as in the Kemendagri list: "Bali", "Kabupaten Badung", "Kota Denpasar", "Kuta"
	ParentCode string // the enclosing area's code; "" for a province
}

// Province returns the province with the 2-digit code, e.g. "51" (Bali).
func Province(code string) (Area, bool) { return lookup(code, 2) }

// Regency returns the regency (kabupaten) or city (kota) with the 4-digit
// code, e.g. "5103" or "51.03" (Kabupaten Badung).
func Regency(code string) (Area, bool) { return lookup(code, 4) }

// District returns the district (kecamatan) with the 6-digit code, e.g.
// "510301" or "51.03.01" (Kuta).
func District(code string) (Area, bool) { return lookup(code, 6) }

// Provinces returns every province, in code order.
func Provinces() []Area { return append([]Area(nil), load().provinces...) }

// Regencies returns the regencies and cities of the province, in code
// order, or nil for an unknown province.
func Regencies(provinceCode string) []Area {
	return append([]Area(nil), load().children[Normalize(provinceCode)]...)
}

// Districts returns the districts of the regency or city, in code order, or
// nil for an unknown regency.
func Districts(regencyCode string) []Area {
	return append([]Area(nil), load().children[Normalize(regencyCode)]...)
}

// Normalize returns code without the dots and surrounding spaces that
// sources write: " 51.03 " → "5103". It does not check the code.
func Normalize(code string) string {
	return strings.ReplaceAll(strings.TrimSpace(code), ".", "")
}

func lookup(code string, digits int) (Area, bool) {
	code = Normalize(code)
	if len(code) != digits {
		return Area{}, false
	}
	a, ok := load().byCode[code]
	return a, ok
}

type index struct {
	provinces []Area
	byCode    map[string]Area   // every level; the code lengths tell them apart
	children  map[string][]Area // parent code → areas in it, in code order

	regencyNames map[string]foldedName // regency code → name folded for RegencyByName
}

var (
	loadOnce sync.Once
	loaded   *index
)

// load parses the embedded files on first use. The files are part of the
// binary and checked by the tests, so a parse failure is a build defect and
// panics.
func load() *index {
	loadOnce.Do(func() {
		idx := &index{
			byCode:       make(map[string]Area, 8000),
			children:     make(map[string][]Area, 600),
			regencyNames: make(map[string]foldedName, 600),
		}
		for _, f := range []struct {
			name   string
			digits int
		}{
			{"data/provinces.csv", 2},
			{"data/regencies.csv", 4},
			{"data/districts.csv", 6},
		} {
			if err := idx.read(f.name, f.digits); err != nil {
				panic(fmt.Sprintf("area: embedded %s: %v", f.name, err))
			}
		}
		loaded = idx
	})
	return loaded
}

// read adds the areas of one file. Provinces have two columns (code,name);
// the others three (code,parent_code,name).
func (idx *index) read(name string, digits int) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		a := Area{Code: Normalize(rec[0]), Name: strings.TrimSpace(rec[len(rec)-1])}
		if len(rec) == 3 {
			a.ParentCode = Normalize(rec[1])
		}
		if len(a.Code) != digits || strings.Trim(a.Code, "0123456789") != "" || a.Name == "" ||
			(digits > 2 && !strings.HasPrefix(a.Code, a.ParentCode)) {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("line %d: bad row %q", line, rec)
		}
		if _, dup := idx.byCode[a.Code]; dup {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("line %d: code %s appears twice", line, a.Code)
		}
		if digits > 2 {
			if _, ok := idx.byCode[a.ParentCode]; !ok {
				line, _ := r.FieldPos(0)
				return fmt.Errorf("line %d: %s %s lies in unknown area %s", line, a.Code, a.Name, a.ParentCode)
			}
			idx.children[a.ParentCode] = append(idx.children[a.ParentCode], a)
			if digits == 4 {
				kind, bare := splitRegencyName(a.Name)
				idx.regencyNames[a.Code] = foldedName{kind, bare}
			}
		} else {
			idx.provinces = append(idx.provinces, a)
		}
		idx.byCode[a.Code] = a
	}
}
