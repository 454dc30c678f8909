// Package exemption is the register of exemption certificates: the
// letters a KPP issues to a taxpayer so that income paid to it is not
// withheld at the normal rate — an SKB (surat keterangan bebas) for PPh
// 21, 22 or 23, an SKB on the transfer of land and buildings, a
// certificate of deposit-interest exemption, and the Suket PP 55 (the
// statement that the taxpayer is under the 0.5 % final regime of PP
// 55/2022).
//
// In Coretax these are the "Fasilitas Aktif" of the taxpayer's profile:
// they are attached to the holder and offered to a withholder who makes a
// slip for it, so a withholder can use a facility only when the recipient
// really holds it (shared/domain/coretax-modules.md §7, ebupot.md §2.1 and
// the Coretaxpedia bupot FAQ in ebupot.md). Officers holding
// officer.registration record and revoke certificates; the holder and
// those acting for it read them. e-Bupot asks the register, through a
// small interface of its own, whether a recipient holds an active
// certificate covering a slip (Service.Covering).
//
// The rules as implemented: doc/exemptions.md.
package exemption

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/roles"
)

// Kind is the kind of exemption certificate.
type Kind string

// The kinds. Each corresponds to one TaxCertificate value of the
// e-Bupot slips (ebupot.md §2.1), which is how a withholder names it.
const (
	SKB21 Kind = "skb-pph21" // SKB PPh 21 (TaxExAr21, BP21)
	SKB22 Kind = "skb-pph22" // SKB PPh 22 (TaxExAr22, BPPU)
	SKB23 Kind = "skb-pph23" // SKB PPh 23 (TaxExAr23, BPPU)
	// SKBLand is the SKB on the final PPh 4(2) of a transfer of land and
	// buildings (TaxExIntPhtb, BPPU).
	SKBLand Kind = "skb-pph4-2-land"
	// DepositInterest exempts interest on deposits and savings from the
	// final PPh 4(2) (TaxExIntDep; BPPU, BPCY, DDBU).
	DepositInterest Kind = "exempt-deposit-interest"
	// SuketPP55 is the Surat Keterangan of PP 55/2022 (formerly PP
	// 23/2018): the holder pays the 0.5 % final PPh itself on its gross
	// turnover, so a buyer does not withhold PPh 22 or 23 from it (PP23,
	// BPPU).
	SuketPP55 Kind = "suket-pp55"
)

// TaxType is the income tax a certificate relieves.
type TaxType string

// The tax types. The first two digits of a tax object code are the last
// two of the KAP the tax is paid under (411121 PPh 21, 411122 PPh 22,
// 411124 PPh 23, 411128 final PPh 4(2); codes.csv of
// internal/ebupot/objectcode), which is how a slip's code is matched to
// a certificate's tax types (TaxTypeOfCode).
const (
	PPh21  TaxType = "pph21"
	PPh22  TaxType = "pph22"
	PPh23  TaxType = "pph23"
	PPh4_2 TaxType = "pph4-2"
)

// TaxTypes lists the tax types in display order.
var TaxTypes = []TaxType{PPh21, PPh22, PPh23, PPh4_2}

// Label is the tax type's name as DJP writes it.
func (t TaxType) Label() string {
	switch t {
	case PPh21:
		return "PPh 21"
	case PPh22:
		return "PPh 22"
	case PPh23:
		return "PPh 23"
	case PPh4_2:
		return "PPh 4(2)"
	}
	return string(t)
}

// TaxTypeOfCode returns the tax type of a tax object code ("24-104-01" is
// PPh 23), and false for a code of another tax (PPh 26, PPh 15) or not a
// code at all.
func TaxTypeOfCode(code string) (TaxType, bool) {
	if len(code) < 2 {
		return "", false
	}
	switch code[:2] {
	case "21":
		return PPh21, true
	case "22":
		return PPh22, true
	case "24":
		return PPh23, true
	case "28":
		return PPh4_2, true
	}
	return "", false
}

// KindInfo describes a kind of certificate.
type KindInfo struct {
	Kind Kind
	// Name is the kind's name for pages and messages.
	Name string
	// Facility is the TaxCertificate value of a slip made under it.
	Facility string
	// TaxTypes are the taxes a certificate of the kind may cover; a
	// certificate recorded without tax types covers all of them.
	TaxTypes []TaxType
	// Unverified says the notes do not confirm the kind's scope: kept
	// as recorded reference data until the regulation is read.
	Unverified bool
	// Source is where the kind comes from.
	Source string
}

// Kinds are the kinds of certificate, with the facility each is named by
// on a slip. The facility values are "likely" in the notes (the XSDs and
// templates of the converters, ebupot.md §2.1); the tax types of the SKBs
// follow from their names. DTP is not here: PPh 21 DTP is granted by
// criteria in a PMK (pph21.md §10), not by a letter to the recipient, so
// e-Bupot checks it by those criteria.
var Kinds = []KindInfo{
	{Kind: SKB21, Name: "SKB PPh 21", Facility: "TaxExAr21", TaxTypes: []TaxType{PPh21},
		Source: "ebupot.md §2.1 (TaxExAr21, BP21); coretax-modules.md §7"},
	{Kind: SKB22, Name: "SKB PPh 22", Facility: "TaxExAr22", TaxTypes: []TaxType{PPh22},
		Source: "ebupot.md §2.1 (TaxExAr22, BPPU); coretax-modules.md §7"},
	{Kind: SKB23, Name: "SKB PPh 23", Facility: "TaxExAr23", TaxTypes: []TaxType{PPh23},
		Source: "ebupot.md §2.1 (TaxExAr23, BPPU); coretax-modules.md §7"},
	{Kind: SKBLand, Name: "SKB PPh 4(2) on a transfer of land and buildings", Facility: "TaxExIntPhtb", TaxTypes: []TaxType{PPh4_2},
		Source: "ebupot.md §2.1 (TaxExIntPhtb, BPPU); coretax-modules.md §7"},
	{Kind: DepositInterest, Name: "Exemption of deposit interest", Facility: "TaxExIntDep", TaxTypes: []TaxType{PPh4_2}, Unverified: true,
		Source: "ebupot.md §2.1 (TaxExIntDep: \"exemption on deposit interest\"); the letter and its scope are not in the notes"},
	{Kind: SuketPP55, Name: "Suket PP 55/2022 (0.5 % final PPh)", Facility: "PP23", TaxTypes: []TaxType{PPh22, PPh23, PPh4_2}, Unverified: true,
		Source: "ebupot.md §2.1 (PP23: SK PP 23/55 UMKM), §6 (28-423-01); coretax-modules.md §7; which withholdings it replaces is not in the notes"},
}

// Info returns the description of kind k.
func Info(k Kind) (KindInfo, bool) {
	for _, i := range Kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}

// KindOfFacility returns the kind a slip's facility (TaxCertificate)
// needs, and false when the facility is not one of a certificate.
func KindOfFacility(facility string) (Kind, bool) {
	for _, i := range Kinds {
		if i.Facility == facility {
			return i.Kind, true
		}
	}
	return "", false
}

// Certificate is an exemption certificate recorded for a taxpayer.
type Certificate struct {
	ID         int64
	TaxpayerID int64
	// NPWP is the holder's NPWP, filled on reads.
	NPWP   string
	Kind   Kind
	Number string
	// TaxTypes are the taxes the certificate covers; ObjectCodes, when
	// not empty, narrow it to these tax object codes.
	TaxTypes    []TaxType
	ObjectCodes []string
	// ValidFrom and ValidUntil are calendar days (UTC midnight);
	// ValidUntil is zero for a certificate without an end date, valid
	// until revoked.
	ValidFrom  time.Time
	ValidUntil time.Time
	// Office is the issuing tax office, e.g. "KPP Pratama Badung Utara".
	Office string
	// RecordedBy is the officer who recorded it.
	RecordedBy string
	// RevokedFrom is the first day on which a revoked certificate no
	// longer holds; zero while it is not revoked.
	RevokedFrom  time.Time
	RevokeReason string
	RevokedBy    string

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// ActiveOn reports whether the certificate holds on the calendar day.
func (c Certificate) ActiveOn(day time.Time) bool {
	switch {
	case day.Before(c.ValidFrom):
		return false
	case !c.ValidUntil.IsZero() && day.After(c.ValidUntil):
		return false
	case !c.RevokedFrom.IsZero() && !day.Before(c.RevokedFrom):
		return false
	}
	return true
}

// Covers reports whether the certificate covers a tax object code: the
// code's tax type is one of its tax types, and the code is one of its
// object codes when it names any.
func (c Certificate) Covers(code string) bool {
	t, ok := TaxTypeOfCode(code)
	if !ok || !slices.Contains(c.TaxTypes, t) {
		return false
	}
	return len(c.ObjectCodes) == 0 || slices.Contains(c.ObjectCodes, code)
}

// State is the certificate's state on a day, for pages: "active",
// "revoked", "expired" or "not yet valid".
func (c Certificate) State(day time.Time) string {
	switch {
	case !c.RevokedFrom.IsZero() && !day.Before(c.RevokedFrom):
		return "revoked"
	case !c.ValidUntil.IsZero() && day.After(c.ValidUntil):
		return "expired"
	case day.Before(c.ValidFrom):
		return "not yet valid"
	}
	return "active"
}

// Scope says what the certificate covers: "PPh 23" or "PPh 23: 24-104-01,
// 24-104-14".
func (c Certificate) Scope() string {
	names := make([]string, len(c.TaxTypes))
	for i, t := range c.TaxTypes {
		names[i] = t.Label()
	}
	s := strings.Join(names, ", ")
	if len(c.ObjectCodes) > 0 {
		s += ": " + strings.Join(c.ObjectCodes, ", ")
	}
	return s
}

// Store keeps the certificates. Each method that changes state is one
// transaction with its audit entry.
type Store interface {
	// CreateCertificate stores c and sets its ID and Version; a
	// Conflict when a certificate of the same kind has the number.
	CreateCertificate(ctx context.Context, c *Certificate, ev audit.Entry) error
	// RevokeCertificate records the revocation of certificate id at
	// version, from the day from, and returns the certificate; a
	// Conflict when it was changed meanwhile.
	RevokeCertificate(ctx context.Context, id int64, version int, from time.Time, reason, by string, at time.Time, ev audit.Entry) (Certificate, error)
	// Certificate returns one certificate, or NotFound.
	Certificate(ctx context.Context, id int64) (Certificate, error)
	// CertificatesOf returns the taxpayer's certificates, newest valid
	// from first.
	CertificatesOf(ctx context.Context, taxpayerID int64) ([]Certificate, error)
}

// The actions of the register.
const (
	ActRead   actor.Action = "exemption.read"   // see a taxpayer's certificates
	ActRecord actor.Action = "exemption.record" // record and revoke certificates
)

// Rules returns the access rules of the register: officers holding
// officer.registration record and revoke certificates (the KPP issues
// them); the holder's own login, its active related parties and accepted
// consultants read them, as do those officers.
func Rules() roles.Rules {
	return roles.Rules{
		ActRead:   {Need: roles.Related, Officer: roles.OfficerRegistration, What: "see this taxpayer's exemption certificates"},
		ActRecord: {Need: roles.OfficerOnly, Officer: roles.OfficerRegistration, What: "record and revoke exemption certificates"},
	}
}
