package taxid

import (
	"fmt"

	"github.com/coretax/coretax/internal/errs"
)

// BillingCode is a kode billing (ID billing): the 15-digit number, unique
// per requested payment, under which a tax payment is made (identifiers.md
// §5). It has no check digit. Its first digit is said to tell DJP codes
// (0–3) from customs and PNBP codes, but that is unverified, so it is not
// checked.
type BillingCode string

// ParseBillingCode parses a billing code. Dots, dashes and spaces are
// ignored.
func ParseBillingCode(s string) (BillingCode, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", invalid("billing code "+errs.Quote(s), []string{problem + "; a billing code is 15 digits"})
	}
	if len(d) != 15 {
		return "", invalid("billing code "+errs.Quote(s), []string{fmt.Sprintf("has %d digits; a billing code has 15", len(d))})
	}
	return BillingCode(d), nil
}

// String returns the 15 digits.
func (b BillingCode) String() string { return string(b) }

// Format returns the billing code for display: its 15 digits, as the bank
// channels ask for it.
func (b BillingCode) Format() string { return string(b) }

// NTPN is a Nomor Transaksi Penerimaan Negara, the 16-character number the
// state revenue module (MPN) gives a payment once it reaches the state
// account, printed on the Bukti Penerimaan Negara. It is made of letters and
// digits (identifiers.md §5: length sure, alphabet likely) and kept upper
// case.
type NTPN string

// ParseNTPN parses an NTPN: 16 letters A–Z and digits, in any case; dots,
// dashes and spaces are ignored.
func ParseNTPN(s string) (NTPN, error) {
	c, problem := alnumOnly(s)
	if problem != "" {
		return "", invalid("NTPN "+errs.Quote(s), []string{problem + "; an NTPN is 16 letters and digits"})
	}
	if len(c) != 16 {
		return "", invalid("NTPN "+errs.Quote(s), []string{fmt.Sprintf("has %d letters and digits; an NTPN has 16", len(c))})
	}
	return NTPN(c), nil
}

// String returns the 16 characters.
func (n NTPN) String() string { return string(n) }

// Format returns the NTPN for display: its 16 characters, upper case.
func (n NTPN) Format() string { return string(n) }
