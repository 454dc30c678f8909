package area

import (
	"strings"
	"unicode"
)

// RegencyByName finds a regency or city of the province by name, ignoring
// case, spaces, dots and hyphens ("Toli-Toli" = "tolitoli"). The name may
// carry the prefix the list uses or a common short form of it: "Kabupaten",
// "Kab.", "Kab", "Kota", "Kotamadya", "Kodya", each optionally followed by
// "Administrasi" or "Adm." (DKI Jakarta): "Badung", "Kab. Badung" and
// "KABUPATEN BADUNG" all find Kabupaten Badung.
//
// A prefix restricts the match to regencies (Kabupaten) or to cities
// (Kota). Without one, a name that a regency and a city of the province
// share ("Bogor" in Jawa Barat: Kabupaten Bogor and Kota Bogor) matches
// neither, and RegencyByName reports false: write the prefix.
func RegencyByName(provinceCode, name string) (Area, bool) {
	want, bare := splitRegencyName(name)
	if bare == "" {
		return Area{}, false
	}
	var found Area
	n := 0
	idx := load()
	for _, r := range idx.children[Normalize(provinceCode)] {
		f := idx.regencyNames[r.Code]
		if f.bare == bare && (want == anyKind || want == f.kind) {
			found = r
			n++
		}
	}
	if n != 1 {
		return Area{}, false
	}
	return found, true
}

type regencyKind int

// foldedName is a regency's name split by splitRegencyName.
type foldedName struct {
	kind regencyKind
	bare string
}

const (
	anyKind regencyKind = iota
	kabupaten
	kota
)

// splitRegencyName returns the kind named by name's prefix, if any, and the
// rest of the name folded for comparison: lower case, letters and digits
// only.
func splitRegencyName(name string) (regencyKind, string) {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return unicode.IsSpace(r) || r == '.' || r == '-' || r == ','
	})
	kind := anyKind
	if len(words) > 0 {
		switch words[0] {
		case "kabupaten", "kab":
			kind = kabupaten
		case "kota", "kotamadya", "kodya":
			kind = kota
		}
	}
	if kind != anyKind {
		words = words[1:]
		if len(words) > 0 && (words[0] == "administrasi" || words[0] == "adm") {
			words = words[1:]
		}
	}
	var b strings.Builder
	for _, w := range words {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
	}
	return kind, b.String()
}
