package efaktur

import (
	"fmt"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/errs"
)

// SerialLimit is one more than the largest NSFP serial: the serial part of
// the number has 11 digits (identifiers.md §4.1).
const SerialLimit = 100_000_000_000

// Number returns the 17-digit kode dan nomor seri faktur pajak: the
// 2-digit transaction code, the 2-digit status (00 normal, then 01, 02, …
// counting replacements) and the 13-digit NSFP, itself the 2-digit year
// and an 11-digit serial (PER-11/PJ/2025 Pasal 37(1); the year-and-serial
// split of the NSFP as Ortax describes it, identifiers.md §4.1).
func Number(trx TrxCode, replacements, year int, serial int64) (string, error) {
	if _, ok := TrxCodes[trx]; !ok {
		return "", errs.Errorf(errs.Invalid, "transaction code %s: not a code", errs.Quote(string(trx)))
	}
	if replacements < 0 || replacements > 99 {
		return "", errs.Errorf(errs.Invalid, "a faktur can be replaced at most 99 times, not %d", replacements)
	}
	if serial < 1 || serial >= SerialLimit {
		return "", fmt.Errorf("NSFP serial %d out of range", serial)
	}
	return fmt.Sprintf("%s%02d%02d%011d", trx, replacements, year%100, serial), nil
}

// Replacement returns the number of the pengganti of the faktur numbered
// n under transaction code trx: the same NSFP, the status part one higher.
func Replacement(n string, trx TrxCode) (string, error) {
	if len(n) != 17 {
		return "", fmt.Errorf("faktur number %q is not 17 digits", n)
	}
	st, err := strconv.Atoi(n[2:4])
	if err != nil {
		return "", fmt.Errorf("faktur number %q: status part: %w", n, err)
	}
	if st >= 99 {
		return "", errs.Errorf(errs.Conflict, "faktur %s has been replaced 99 times, the most its number can count", n)
	}
	return fmt.Sprintf("%s%02d%s", trx, st+1, n[4:]), nil
}

// Deadline is the last day on which a faktur dated day can be approved
// (uploaded and signed): day DeadlineDay of the following month
// (PER-11/PJ/2025 Pasal 44 as the product reads it; PER-03/PJ/2022 had
// the 15th; efaktur-xml.md §9 marks the day "likely", so it is
// configuration: Config.DeadlineDay).
func Deadline(day time.Time, deadlineDay int) time.Time {
	return time.Date(day.Year(), day.Month()+1, deadlineDay, 0, 0, 0, 0, time.UTC)
}

// Window returns the invoice dates that can be approved on day today:
// from the first day of the earliest month whose deadline has not passed
// to today (a faktur is not dated in the future).
func Window(today time.Time, deadlineDay int) (from, to time.Time) {
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	from = first
	if prev := first.AddDate(0, -1, 0); !today.After(Deadline(prev, deadlineDay)) {
		from = prev
	}
	return from, today
}
