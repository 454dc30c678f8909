package taxid

import (
	"fmt"
	"strconv"

	"github.com/coretax/coretax/internal/errs"
)

// FakturNumber is the kode and nomor seri of a Coretax faktur pajak (from
// 1 January 2025): 17 digits, a 2-digit kode transaksi (01–10), a 2-digit
// kode status (00 for a normal faktur) and the 13-digit NSFP that Coretax
// assigns when the faktur is approved (PER-11/PJ/2025 Pasal 37(1)). The NSFP
// is a 2-digit year and an 11-digit serial (Ortax; identifiers.md §4.1).
type FakturNumber string

// ParseFakturNumber parses a Coretax faktur number. Dots, dashes and spaces
// are ignored. The transaction code must be 01–10 (PER-11/PJ/2025). The
// status code is not checked beyond being 2 digits: how replacements are
// counted in it has not been published (identifiers.md §4.1).
func ParseFakturNumber(s string) (FakturNumber, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", invalid("faktur number "+errs.Quote(s), []string{problem + "; a Coretax faktur number is 17 digits"})
	}
	if len(d) != 17 {
		msg := fmt.Sprintf("has %d digits; a Coretax faktur number has 17 (PER-11/PJ/2025 Pasal 37)", len(d))
		if len(d) == 16 {
			msg += "; 16 digits is a legacy e-Faktur number (NSFP)"
		}
		return "", invalid("faktur number "+errs.Quote(s), []string{msg})
	}
	if code := atoi2(d[:2]); code < 1 || code > 10 {
		return "", invalid("faktur number "+errs.Quote(s), []string{fmt.Sprintf("transaction code %s is not one of 01–10 (PER-11/PJ/2025)", d[:2])})
	}
	return FakturNumber(d), nil
}

// String returns the 17 digits.
func (f FakturNumber) String() string { return string(f) }

// Format returns the number as AA.BB.CC.XXXXXXXXXXX (transaction code,
// status, year, serial), the layout Ortax describes.
func (f FakturNumber) Format() string {
	if len(f) != 17 {
		return string(f)
	}
	return string(f[:2] + "." + f[2:4] + "." + f[4:6] + "." + f[6:])
}

// TransactionCode returns the kode transaksi, "01"–"10".
func (f FakturNumber) TransactionCode() string { return part(string(f), 17, 0, 2) }

// Status returns the kode status, "00" for a normal faktur.
func (f FakturNumber) Status() string { return part(string(f), 17, 2, 4) }

// NSFP returns the 13-digit nomor seri faktur pajak.
func (f FakturNumber) NSFP() string { return part(string(f), 17, 4, 17) }

// Year returns the year in the NSFP: 2000 plus its two digits, since Coretax
// numbers start in 2025.
func (f FakturNumber) Year() int {
	if len(f) != 17 {
		return 0
	}
	return 2000 + atoi2(string(f[4:6]))
}

// Serial returns the 11-digit serial of the NSFP.
func (f FakturNumber) Serial() string { return part(string(f), 17, 6, 17) }

// NSFP is a faktur number of the legacy e-Faktur system (before 2025):
// 16 digits KKS.CCC-YY.NNNNNNNN, a 2-digit transaction code, a 1-digit
// status (0 normal, 1 replacement) and the 13-digit serial: 3-digit branch
// code, 2-digit year and 8-digit number (PER-13/PJ/2010; identifiers.md
// §4.2). Coretax e-Bupot still accepts it where a faktur is referenced.
type NSFP string

// ParseNSFP parses a legacy faktur number, e.g. "010.000-24.00000001".
// Dots, dashes and spaces are ignored.
func ParseNSFP(s string) (NSFP, error) {
	d, problem := digitsOnly(s)
	if problem != "" {
		return "", invalid("legacy faktur number "+errs.Quote(s), []string{problem + "; a legacy faktur number is 16 digits, KKS.CCC-YY.NNNNNNNN"})
	}
	if len(d) != 16 {
		return "", invalid("legacy faktur number "+errs.Quote(s), []string{fmt.Sprintf("has %d digits; a legacy faktur number has 16, KKS.CCC-YY.NNNNNNNN", len(d))})
	}
	var problems []string
	if d[:2] == "00" {
		problems = append(problems, "transaction code 00 is not a transaction code; codes start at 01")
	}
	if d[2] != '0' && d[2] != '1' {
		problems = append(problems, fmt.Sprintf("status %c is not a status; 0 is normal, 1 a replacement", d[2]))
	}
	if len(problems) > 0 {
		return "", invalid("legacy faktur number "+errs.Quote(s), problems)
	}
	return NSFP(d), nil
}

// String returns the 16 digits.
func (n NSFP) String() string { return string(n) }

// Format returns the number as KKS.CCC-YY.NNNNNNNN.
func (n NSFP) Format() string {
	if len(n) != 16 {
		return string(n)
	}
	return string(n[:3] + "." + n[3:6] + "-" + n[6:8] + "." + n[8:])
}

// TransactionCode returns the 2-digit kode transaksi.
func (n NSFP) TransactionCode() string { return part(string(n), 16, 0, 2) }

// IsReplacement reports whether the faktur replaced an earlier one (status 1).
func (n NSFP) IsReplacement() bool { return len(n) == 16 && n[2] == '1' }

// Year returns 2000 plus the 2-digit year.
func (n NSFP) Year() int {
	if len(n) != 16 {
		return 0
	}
	y, _ := strconv.Atoi(string(n[6:8]))
	return 2000 + y
}

// Serial returns the 13-digit serial: branch code, year and number.
func (n NSFP) Serial() string { return part(string(n), 16, 3, 16) }

// part returns s[i:j] when s has length n, and "" otherwise, so that
// accessors of a zero value do not panic.
func part(s string, n, i, j int) string {
	if len(s) != n {
		return ""
	}
	return s[i:j]
}
