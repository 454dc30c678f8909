package taxid

import (
	"sort"
	"strings"

	"github.com/coretax/coretax/internal/errs"
)

// Country is an ISO 3166-1 alpha-3 country code, upper case: "IDN", "SGP".
// Coretax files name countries this way (BuyerCountry, efaktur-xml.md §2),
// and registration records nationalities with it.
type Country string

// ParseCountry parses an ISO 3166-1 alpha-3 code, in any case and with
// surrounding spaces: " idn " → "IDN". The code must be one that ISO 3166-1
// assigns.
func ParseCountry(s string) (Country, error) {
	c := Country(strings.ToUpper(strings.TrimSpace(s)))
	if len(c) != 3 || strings.Trim(string(c), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", invalid("country "+errs.Quote(s), []string{"is not a 3-letter country code; use ISO 3166-1 alpha-3, e.g. IDN for Indonesia, SGP for Singapore"})
	}
	if c.Name() == "" {
		return "", invalid("country "+errs.Quote(s), []string{"is not an ISO 3166-1 alpha-3 country code, e.g. IDN for Indonesia, SGP for Singapore"})
	}
	return c, nil
}

// Name returns the country's English short name in ISO 3166-1 ("Indonesia",
// "Korea, Republic of"), or "" for a code that is not assigned.
func (c Country) Name() string {
	i := sort.Search(len(countries), func(i int) bool { return countries[i].code >= c })
	if i < len(countries) && countries[i].code == c {
		return countries[i].name
	}
	return ""
}

// String returns the 3-letter code.
func (c Country) String() string { return string(c) }

// Countries returns every ISO 3166-1 alpha-3 code, sorted.
func Countries() []Country {
	out := make([]Country, len(countries))
	for i, c := range countries {
		out[i] = c.code
	}
	return out
}
