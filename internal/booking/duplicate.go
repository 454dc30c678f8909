package booking

import (
	"sort"
	"strings"
	"unicode"
)

// Duplicate says that the booking at index Dup of the slice given to
// Duplicates is the same stay as the one at index Kept, and which step of
// the rule chose the one kept.
type Duplicate struct {
	Dup, Kept int
	Reason    string
}

// The rule, as stated in doc/booking-imports.md:
//
// Two bookings are the same stay when they are for the same property, their
// dates overlap (one checks in before the other checks out), and they are
// for the same guest: their normalised names are equal (NormalizeName), or
// one of them has no guest name (an iCal block) and both have exactly the
// same check-in and check-out. Cancelled bookings are not stays and take no
// part.
//
// Of two records of one stay, the one kept is, in this order:
//  1. the OTA's record (Airbnb, Booking.com, Agoda) over an iCal block, a
//     generic CSV row or a direct entry;
//  2. the one with amounts (the guest price) over one without;
//  3. the one imported first (ImportedAt, then its place in the slice).
//
// The other is marked a duplicate of it. Every duplicate names a kept
// booking, never another duplicate.
const DuplicateRule = "same property, overlapping dates and same guest (normalised name; a nameless iCal block matches on identical dates) is one stay; keep the OTA record over iCal and manual entries, then the one with amounts over one without, then the earliest imported; the other is a duplicate of it"

// Duplicates finds the bookings that record a stay already recorded by
// another booking in bs, under DuplicateRule. The result is sorted by Dup.
func Duplicates(bs []Booking) []Duplicate {
	order := make([]int, 0, len(bs))
	for i, b := range bs {
		if b.Status != Cancelled {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(x, y int) bool { return better(bs[order[x]], bs[order[y]], order[x], order[y]) })
	names := make([]string, len(bs))
	for _, i := range order {
		names[i] = NormalizeName(bs[i].Guest)
	}
	dup := make([]bool, len(bs))
	var out []Duplicate
	for x, k := range order {
		if dup[k] {
			continue
		}
		for _, d := range order[x+1:] {
			if dup[d] || !sameStay(bs[k], bs[d], names[k], names[d]) {
				continue
			}
			dup[d] = true
			out = append(out, Duplicate{Dup: d, Kept: k, Reason: reason(bs[k], bs[d])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dup < out[j].Dup })
	return out
}

// better reports whether a (at index i) is kept over b (at index j).
func better(a, b Booking, i, j int) bool {
	if a.Channel.IsOTA() != b.Channel.IsOTA() {
		return a.Channel.IsOTA()
	}
	if a.HasAmounts() != b.HasAmounts() {
		return a.HasAmounts()
	}
	if !a.ImportedAt.Equal(b.ImportedAt) {
		return a.ImportedAt.Before(b.ImportedAt)
	}
	return i < j
}

func reason(kept, dup Booking) string {
	switch {
	case kept.Channel.IsOTA() && !dup.Channel.IsOTA():
		return "the " + string(kept.Channel) + " record is kept over the " + string(dup.Channel) + " entry"
	case kept.HasAmounts() && !dup.HasAmounts():
		return "the record with the guest price is kept over the one without"
	}
	return "the record imported first is kept"
}

// sameStay applies the first half of the rule.
func sameStay(a, b Booking, na, nb string) bool {
	if !sameProperty(a, b) {
		return false
	}
	if !(a.CheckIn.Before(b.CheckOut) && b.CheckIn.Before(a.CheckOut)) {
		return false
	}
	if na != "" && nb != "" {
		return na == nb
	}
	if na == "" && nb == "" && a.Channel != ICal && b.Channel != ICal {
		return false
	}
	return a.CheckIn.Equal(b.CheckIn) && a.CheckOut.Equal(b.CheckOut)
}

func sameProperty(a, b Booking) bool {
	pa, pb := a.Property, b.Property
	if pa == "" {
		pa = a.Listing
	}
	if pb == "" {
		pb = b.Listing
	}
	return NormalizeName(pa) == NormalizeName(pb) && pa != ""
}

// fold maps accented Latin letters to their base letter, for names written
// with and without accents ("Müller", "Muller"; "José", "Jose").
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a",
	'ç': "c", 'č': "c", 'ć': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'ñ': "n", 'ń': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ý': "y", 'ÿ': "y",
	'š': "s", 'ś': "s", 'ž': "z", 'ź': "z", 'ż': "z", 'ł': "l", 'ß': "ss", 'æ': "ae", 'œ': "oe",
}

// NormalizeName is the form in which guest names (and listing names) are
// compared: lower case, accents removed, punctuation dropped, and the
// words sorted, so that "HAUCK, Lukas", "Lukas Hauck" and "lukas  hauck"
// are one name.
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case fold[r] != "":
			b.WriteString(fold[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	w := strings.Fields(b.String())
	sort.Strings(w)
	return strings.Join(w, " ")
}
