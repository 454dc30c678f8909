package money

import (
	"strconv"
)

// The written forms of an amount.
//
// Coretax XML (XML): a decimal point, no thousands separators, at most two
// decimals, and no trailing zeros: 11000, 91666.67, 91666.7. The DJP
// converter writes amounts this way (efaktur-xml.md §6: "11000 not
// 11000.00"), and so do the DJP-style examples of a complete faktur
// (efaktur-xml.md §12: <VAT>539000</VAT>, <OtherTaxBase>4491666.67</...>).
// Odoo writes 11000.0; both are valid xs:decimal, and writing what the
// converter writes keeps our files byte-comparable with DJP's own tool.
//
// Plain (String, JSON and the command line): like XML, except that an amount
// with sen always has two decimals (91666.70, not 91666.7), so that a column
// of amounts reads as money.
//
// Display (Display): Indonesian convention, "Rp", dots between thousands and
// a decimal comma; sen are shown only when there are any: Rp11.000,
// Rp91.666,67, Rp91.666,70, and -Rp500 for a negative amount.

// String returns the plain decimal form: 15000000, 91666.67, 91666.70,
// -500.
func (a Amount) String() string {
	return string(a.appendDecimal(nil, false))
}

// XML returns the form written in Coretax XML files: 11000, 91666.67,
// 91666.7.
func (a Amount) XML() string {
	return string(a.appendDecimal(nil, true))
}

// Display returns the Indonesian display form: Rp11.000, Rp91.666,67,
// -Rp500.
func (a Amount) Display() string {
	neg, rupiah, sen := a.split()
	b := make([]byte, 0, 32)
	if neg {
		b = append(b, '-')
	}
	b = append(b, "Rp"...)
	digits := strconv.FormatUint(rupiah, 10)
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, digits[i])
	}
	if sen != 0 {
		b = append(b, ',', byte('0'+sen/10), byte('0'+sen%10))
	}
	return string(b)
}

// MarshalText writes the plain form, so that JSON carries amounts as strings
// ("91666.67") and no reader turns them into floats.
func (a Amount) MarshalText() ([]byte, error) {
	return a.appendDecimal(nil, false), nil
}

// UnmarshalText reads the plain form (see Parse).
func (a *Amount) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// split returns the sign, the whole rupiah and the sen of a. It works for
// every int64, math.MinInt64 included.
func (a Amount) split() (neg bool, rupiah, sen uint64) {
	u := uint64(a)
	if a < 0 {
		neg = true
		u = -u
	}
	return neg, u / 100, u % 100
}

func (a Amount) appendDecimal(b []byte, trimZeros bool) []byte {
	neg, rupiah, sen := a.split()
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, rupiah, 10)
	switch {
	case sen == 0:
	case trimZeros && sen%10 == 0:
		b = append(b, '.', byte('0'+sen/10))
	default:
		b = append(b, '.', byte('0'+sen/10), byte('0'+sen%10))
	}
	return b
}
