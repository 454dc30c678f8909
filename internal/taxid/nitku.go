package taxid

import (
	"fmt"

	"github.com/coretax/coretax/internal/errs"
)

// NITKU is a Nomor Identitas Tempat Kegiatan Usaha (ID TKU), the number of
// one place of business: 22 digits, the owner's 16-digit NPWP followed by a
// 6-digit suffix, 000000 for the head office (or the individual's own place)
// and 000001, 000002, … for further places (PER-6/PJ/2024 Pasal 1;
// identifiers.md §2). It replaced the branch NPWP: branches no longer have
// an NPWP of their own.
type NITKU string

// HeadOfficeSuffix is the suffix of the head office's NITKU.
const HeadOfficeSuffix = "000000"

// ParseNITKU parses a NITKU. Dots, dashes and spaces are ignored. The first
// 16 digits must be a valid NPWP (see ParseNPWP, whose warnings are
// returned); the suffix is any 6 digits.
func ParseNITKU(s string) (NITKU, []string, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", nil, invalid(subject("NITKU", s, d), []string{problem + "; a NITKU is 22 digits: the owner's 16-digit NPWP and a 6-digit place number"})
	}
	if len(d) != 22 {
		return "", nil, invalid(subject("NITKU", s, d), []string{fmt.Sprintf("has %d digits; a NITKU has 22: the owner's 16-digit NPWP and a 6-digit place number, 000000 for the head office", len(d))})
	}
	owner, warnings, err := ParseNPWP(d[:16])
	if err != nil {
		return "", nil, errs.Errorf(errs.Invalid, "NITKU %s: its first 16 digits are not a valid NPWP: %s", maskNITKU(d), errs.Message(err))
	}
	return NITKU(string(owner) + d[16:]), warnings, nil
}

// maskNITKU hides the birth date and serial when the owner part is a NIK.
func maskNITKU(d string) string {
	if d[0] != '0' {
		return maskNIK(d) + d[16:]
	}
	return d
}

// NewNITKU returns the NITKU of place seq of owner: 0 for the head office,
// 1, 2, … for further places of business.
func NewNITKU(owner NPWP, seq int) (NITKU, error) {
	if len(owner) != 16 || !isDigits(string(owner)) {
		return "", errs.Errorf(errs.Invalid, "NITKU for NPWP %s: the owner must be a 16-digit NPWP", errs.Quote(string(owner)))
	}
	if seq < 0 || seq > 999_999 {
		return "", errs.Errorf(errs.Invalid, "NITKU for NPWP %s: place number %d must be between 0 (head office) and 999999", owner.Format(), seq)
	}
	return NITKU(fmt.Sprintf("%s%06d", owner, seq)), nil
}

// String returns the 22 digits.
func (n NITKU) String() string { return string(n) }

// Format returns the NITKU for display: its 22 digits. Coretax shows and
// files it bare (SellerIDTKU, BuyerIDTKU), and the sources give no grouping.
func (n NITKU) Format() string { return string(n) }

// Owner returns the NPWP of the taxpayer the place belongs to.
func (n NITKU) Owner() NPWP {
	if len(n) != 22 {
		return ""
	}
	return NPWP(n[:16])
}

// Suffix returns the 6-digit place number, "000000" for the head office.
func (n NITKU) Suffix() string {
	if len(n) != 22 {
		return ""
	}
	return string(n[16:])
}

// IsHeadOffice reports whether the NITKU is its owner's head office.
func (n NITKU) IsHeadOffice() bool { return n.Suffix() == HeadOfficeSuffix }
