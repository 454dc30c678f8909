// Package taxid parses, checks and formats the identifiers of Indonesian tax
// administration: NPWP, NIK, NITKU, faktur numbers (Coretax and legacy
// NSFP), billing codes, NTPN, passport numbers and ISO 3166-1 country codes.
//
// Each identifier is its own string type holding the normalised form (digits
// only, or upper-case letters and digits), so that a NIK cannot be passed
// where an NPWP is expected without a visible conversion. A value of one of
// these types obtained from a Parse or New function is valid; converting a
// string directly (taxid.NPWP(s)) is for values read back from storage.
//
// Parsers accept what people type: dots, dashes and spaces between digits
// are ignored. They reject with a message that names the value and the rule
// broken, e.g. "NIK 5103…: month of birth 13 is not a month; months run
// 01–12". Checks that the sources do not make certain (the legacy NPWP check
// digit, a NIK's district) give warnings instead of errors.
//
// NIKs are personal data (UU 27/2022 on personal data protection): messages
// show only their first four digits, the province and regency, and never the
// birth date or serial.
//
// The facts and their sources are in shared/domain/identifiers.md; the
// regulation behind each rule is cited where the rule is written.
package taxid
