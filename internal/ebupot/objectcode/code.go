// Package objectcode holds the tax object codes (kode objek pajak) of
// Coretax's e-Bupot as dated reference data: which slip types accept each
// code, which recipients it is for, whether the income is taxed finally,
// how the tax is computed, its reference rate and deemed share, and the
// KAP-KJS the tax is paid under.
//
// The list is embedded from data/codes.csv and parsed once, on first use.
// It follows the Coretax list (PER-11/PJ/2025 Lampiran, from 1 January 2025
// under PMK 81/2024); codes of the 2024 e-Bupot 21/26 list that Coretax
// dropped are kept with their end date, so that a slip which still uses
// one is refused with the code to use instead. doc/ebupot-object-codes.md
// describes the model, the file and how to update it.
//
// The package is pure: no storage, no clock. Every function takes the day
// on which the code is used (the slip's withholding date).
package objectcode

import (
	"fmt"
	"strings"
	"time"
)

// SlipType is an e-Bupot document type (ebupot.md §1).
type SlipType string

// The slip types. BPSP, BPCY and DDBU are held because some codes are used
// only on them (self payment, aggregated withholding).
const (
	BPMP SlipType = "BPMP" // monthly slip of permanent employees (TER)
	BP21 SlipType = "BP21" // PPh 21 other than permanent employees
	BP26 SlipType = "BP26" // PPh 26 on non-resident individuals
	BPA1 SlipType = "BPA1" // year-end slip, non-government employers
	BPA2 SlipType = "BPA2" // year-end slip, government employers
	BPPU SlipType = "BPPU" // unified slip, PPh 4(2), 15, 22, 23 from residents
	BPNR SlipType = "BPNR" // unified slip for non-residents
	BPSP SlipType = "BPSP" // self payment (penyetoran sendiri)
	BPCY SlipType = "BPCY" // aggregated withholding (digunggung)
	DDBU SlipType = "DDBU" // documents treated as unified slips
)

// SlipTypes lists every slip type in the order Coretax's menu shows them.
var SlipTypes = []SlipType{BPMP, BP21, BP26, BPA1, BPA2, BPPU, BPNR, BPSP, BPCY, DDBU}

// ParseSlipType accepts a slip type in any letter case.
func ParseSlipType(s string) (SlipType, error) {
	t := SlipType(strings.ToUpper(strings.TrimSpace(s)))
	for _, k := range SlipTypes {
		if k == t {
			return t, nil
		}
	}
	return "", fmt.Errorf("slip type %q is not one of %s", s, joinSlips(SlipTypes, ", "))
}

func joinSlips(ss []SlipType, sep string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, sep)
}

// RecipientKind is the recipient's relation to the payer, as the PPh 21
// methods distinguish them (pph21.md §1; PMK 168/2023).
type RecipientKind string

// The recipient kinds.
const (
	PermanentEmployee    RecipientKind = "permanent-employee"     // pegawai tetap, including civil servants
	Pensioner            RecipientKind = "pensioner"              // receives a pension
	NonPermanentEmployee RecipientKind = "non-permanent-employee" // pegawai tidak tetap: paid monthly, daily, weekly, per unit or lump sum
	NonEmployee          RecipientKind = "non-employee"           // bukan pegawai: paid for work or services without an employment contract
	BoardMember          RecipientKind = "board-member"           // commissioner or supervisor who is not an employee
	FormerEmployee       RecipientKind = "former-employee"        // mantan pegawai
	Participant          RecipientKind = "participant"            // peserta kegiatan: meetings, training, competitions
	NonResident          RecipientKind = "non-resident"           // PPh 26 and final PPh from non-residents
	Resident             RecipientKind = "resident"               // resident person or entity under the unified (unifikasi) regime
	Other                RecipientKind = "other"                  // anyone else a code names
)

// RecipientKinds lists every recipient kind.
var RecipientKinds = []RecipientKind{PermanentEmployee, Pensioner, NonPermanentEmployee, NonEmployee, BoardMember, FormerEmployee, Participant, NonResident, Resident, Other}

// recipientWords describes each kind for Check's messages: who is a
// recipient of the kind, what the kind is called, and the plural used in
// "21-100-01 is for permanent employees".
var recipientWords = map[RecipientKind]struct{ who, what, plural string }{
	PermanentEmployee:    {"a recipient employed on a permanent contract", "a permanent employee (pegawai tetap)", "permanent employees"},
	Pensioner:            {"a recipient paid a pension", "a pensioner", "pensioners"},
	NonPermanentEmployee: {"a recipient paid by the month, day, week, unit or job without a permanent contract", "a non-permanent employee (pegawai tidak tetap)", "non-permanent employees"},
	NonEmployee:          {"a recipient paid for a project or a service without an employment contract", "a non-employee (bukan pegawai)", "non-employees"},
	BoardMember:          {"a commissioner or supervisor who is not an employee", "a board member", "board members who are not employees"},
	FormerEmployee:       {"a recipient paid after their employment ended", "a former employee", "former employees"},
	Participant:          {"a recipient paid for taking part in a meeting, training, competition or other activity", "a participant (peserta kegiatan)", "participants of activities"},
	NonResident:          {"a recipient resident abroad", "a non-resident (PPh 26)", "non-residents"},
	Resident:             {"a resident person or entity paid under the unified regime", "a resident taxpayer", "resident taxpayers"},
	Other:                {"this recipient", "of another kind", "other recipients"},
}

// ParseRecipientKind accepts a recipient kind by its name
// ("non-employee"), in any letter case.
func ParseRecipientKind(s string) (RecipientKind, error) {
	k := RecipientKind(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := recipientWords[k]; ok {
		return k, nil
	}
	names := make([]string, len(RecipientKinds))
	for i, r := range RecipientKinds {
		names[i] = string(r)
	}
	return "", fmt.Errorf("recipient kind %q is not one of %s", s, strings.Join(names, ", "))
}

// Basis is how the tax on a code's income is computed.
type Basis string

// The bases.
const (
	TERMonthly  Basis = "ter-monthly"  // TER bulanan × monthly gross (PP 58/2023 Pasal 2)
	TERDaily    Basis = "ter-daily"    // TER harian × daily gross (PP 58/2023 Pasal 2)
	Article17   Basis = "article17"    // UU PPh Pasal 17(1)(a) layers on the deemed share of gross
	Flat        Basis = "flat"         // one rate on the deemed share of gross (Rate)
	FinalLayers Basis = "final-layers" // final rate layers for lump sums (PP 68/2009)
)

var bases = []Basis{TERMonthly, TERDaily, Article17, Flat, FinalLayers}

// Percent is a percentage in hundredths: 264 is 2.64 %, 10000 is 100 %.
type Percent int64

// String returns the percentage without trailing zeros and without a sign,
// "2.64", "0.5", "20", as Coretax XML writes Rate and Deemed.
func (p Percent) String() string {
	s := fmt.Sprintf("%d.%02d", p/100, p%100)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Rate is a code's reference rate. Set is false when the code fixes no
// single rate: the rate comes from a table (TER, Pasal 17 layers, final
// layers) or the domain notes give several rates for the code.
type Rate struct {
	Percent Percent
	Set     bool
}

// String returns the rate as Percent.String does, or "" when not set.
func (r Rate) String() string {
	if !r.Set {
		return ""
	}
	return r.Percent.String()
}

// Code is one version of a tax object code: what it meant from ValidFrom
// to ValidUntil.
type Code struct {
	Code       string          // "21-100-01": AA-BBB-CC
	Name       string          // the object of tax, in English
	Slips      []SlipType      // the slip types that accept the code
	Recipients []RecipientKind // who the code is for
	Final      bool            // the tax is final (PPh final), not credited in the annual return
	Basis      Basis           // how the tax is computed
	Rate       Rate            // the reference rate, for Basis Flat
	// DeemedPercent is the share of gross that forms the tax base (Coretax
	// XML Deemed); 0 when the notes give none.
	DeemedPercent Percent
	KAP           string    // kode akun pajak, "411121"
	KJS           string    // kode jenis setoran, "100"
	ValidFrom     time.Time // first day the code may be used
	ValidUntil    time.Time // last day the code may be used; zero while it is in force
	// Replacement lists the codes to use instead, for a code that was
	// retired; empty when the Coretax list has none or the code continues.
	Replacement []string
	Source      string // the list or regulation, and how sure the row is
}

// AcceptsSlip reports whether the code may be reported on slip type s.
func (c Code) AcceptsSlip(s SlipType) bool {
	for _, t := range c.Slips {
		if t == s {
			return true
		}
	}
	return false
}

// IsFor reports whether the code is for recipients of kind k.
func (c Code) IsFor(k RecipientKind) bool {
	for _, r := range c.Recipients {
		if r == k {
			return true
		}
	}
	return false
}

// InForce reports whether the code may be used on day.
func (c Code) InForce(day time.Time) bool {
	return !day.Before(c.ValidFrom) && (c.ValidUntil.IsZero() || !day.After(c.ValidUntil))
}

// KAPKJS returns "411121-100".
func (c Code) KAPKJS() string { return c.KAP + "-" + c.KJS }

// shortName is the name as it reads after "use 21-100-20 for": up to its
// first colon, the first letter lowered unless the first word is an
// acronym (APBN/APBD, UMKM).
func (c Code) shortName() string {
	n, _, _ := strings.Cut(c.Name, ": ")
	if len(n) > 1 && n[0] >= 'A' && n[0] <= 'Z' && n[1] >= 'a' && n[1] <= 'z' {
		n = strings.ToLower(n[:1]) + n[1:]
	}
	return n
}
