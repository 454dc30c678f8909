package bulk

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
)

// Value is one element of a row as written in the file.
type Value struct {
	Name string
	// Text is the value with surrounding white space removed. Integers
	// are kept without leading zeros ("6", not "06"); amounts keep every
	// decimal the file gives ("5128205.128205"), so that a file is
	// written back as it was read.
	Text string
	// Nil is true for <Elem xsi:nil="true"/> and for an empty nillable
	// element.
	Nil bool
	Pos Pos // start tag; zero for an element the file does not have
}

// Row is one slip of a bulk file. Values holds one Value per element of
// the kind's Format, in the same order.
type Row struct {
	Kind   Kind
	Index  int // 1-based position in the file; 0 for a row built in code
	Pos    Pos // start tag of the row element
	Values []Value
}

// NewRow returns an empty row of kind k, every value empty and not nil.
func NewRow(k Kind) *Row {
	f := k.Format()
	r := &Row{Kind: k, Values: make([]Value, len(f.Elements))}
	for i, e := range f.Elements {
		r.Values[i].Name = e.Name
	}
	return r
}

func (r *Row) value(name string) *Value {
	i := r.Kind.Format().Index(name)
	if i < 0 || i >= len(r.Values) {
		panic(fmt.Sprintf("bulk: %s has no element %s", r.Kind, name))
	}
	return &r.Values[i]
}

// The accessors below take an element name of the row's kind and panic on
// any other name, as a misspelt name is a programming error. On a row
// that came with problems they return the zero value for a value that
// could not be read.

// Text returns the element's text, "" when it is nil or absent.
func (r *Row) Text(name string) string { return r.value(name).Text }

// Nil reports whether the element is nil (or empty and nillable).
func (r *Row) Nil(name string) bool { return r.value(name).Nil }

// Int returns an Int element's value.
func (r *Row) Int(name string) int {
	n, _ := strconv.Atoi(r.value(name).Text)
	return n
}

// Amount returns an Amount element's value in sen. Coretax accepted a
// Gross with more than two decimals (ebupot.md §3.2: 5128205.128205);
// such a value is rounded half-up to the sen here (money.HalfUp), and
// Text keeps the exact decimal.
func (r *Row) Amount(name string) money.Amount {
	a, _, _ := parseAmount(r.value(name).Text)
	return a
}

// Percent returns a Percent element's value (Rate, Deemed): 0.5 % is 50.
func (r *Row) Percent(name string) objectcode.Percent {
	p, _ := parsePercent(r.value(name).Text)
	return p
}

// Date returns a Date element's value, the zero time when nil.
func (r *Row) Date(name string) time.Time {
	d, err := time.Parse(time.DateOnly, r.value(name).Text)
	if err != nil {
		return time.Time{}
	}
	return d
}

// Set sets the element's text as it is to be written.
func (r *Row) Set(name, text string) {
	v := r.value(name)
	v.Text, v.Nil = text, false
}

// SetNil makes the element nil: <Elem xsi:nil="true"/>.
func (r *Row) SetNil(name string) {
	v := r.value(name)
	v.Text, v.Nil = "", true
}

// SetInt sets an Int element, written without leading zeros.
func (r *Row) SetInt(name string, n int) { r.Set(name, strconv.Itoa(n)) }

// SetAmount sets an Amount element, written as Coretax writes amounts
// (1758000, 91666.67).
func (r *Row) SetAmount(name string, a money.Amount) { r.Set(name, a.XML()) }

// SetPercent sets a Percent element, written as a percentage number
// ("0.5" for 0.5 %, "100").
func (r *Row) SetPercent(name string, p objectcode.Percent) { r.Set(name, p.String()) }

// SetDate sets a Date element as YYYY-MM-DD.
func (r *Row) SetDate(name string, d time.Time) { r.Set(name, d.Format(time.DateOnly)) }

// maxDecimalLen bounds the text of a number, so that a hostile file cannot
// make a value of megabytes pass as a number.
const maxDecimalLen = 40

// splitDecimal splits an xs:decimal without sign into its whole and
// fractional digits; ok is false when s is not such a decimal.
func splitDecimal(s string) (whole, frac string, ok bool) {
	if s == "" || len(s) > maxDecimalLen {
		return "", "", false
	}
	whole, frac, _ = strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return "", "", false
	}
	if strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return "", "", false
	}
	if whole == "" {
		whole = "0"
	}
	return whole, frac, true
}

// parseAmount reads a non-negative xs:decimal amount, rounding half-up to
// the sen (money.HalfUp) when it has more than two decimals; rounded says
// whether it did.
func parseAmount(s string) (a money.Amount, rounded bool, ok bool) {
	s = strings.TrimPrefix(s, "+")
	whole, frac, ok := splitDecimal(s)
	if !ok {
		return 0, false, false
	}
	up := false
	if len(frac) > 2 {
		rounded = strings.TrimRight(frac[2:], "0") != ""
		up = frac[2] >= '5'
		frac = frac[:2]
	}
	a, err := money.ParseXML(whole + "." + frac + strings.Repeat("0", 2-len(frac)))
	if err != nil {
		return 0, false, false
	}
	if up {
		if a, err = a.Add(money.Sen); err != nil {
			return 0, false, false
		}
	}
	return a, rounded, true
}

// parsePercent reads a non-negative percentage with at most two decimals
// (trailing zeros aside).
func parsePercent(s string) (objectcode.Percent, bool) {
	s = strings.TrimPrefix(s, "+")
	whole, frac, ok := splitDecimal(s)
	if !ok {
		return 0, false
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 || len(strings.TrimLeft(whole, "0")) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", 2-len(frac)), 10, 64)
	if err != nil {
		return 0, false
	}
	return objectcode.Percent(n), true
}
