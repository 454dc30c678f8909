// Package registration keeps the taxpayer register: resident and foreign
// individuals, entities and government agencies, their places of business
// (TKU, identified by NITKU), related parties with the one main PIC of an
// entity, PKP (VAT-registered) status, links from legacy NPWPs to NIKs, and
// the history of every change.
//
// Registration is checked against the reference registries (population,
// company, immigration) and every mismatch is explained field by field.
// Legal basis: UU KUP Pasal 2 as amended by UU HPP (NIK as NPWP), PMK
// 112/PMK.03/2022 and PER-6/PJ/2024 (16-digit NPWP and NITKU).
package registration

import (
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/taxid"
)

// Kind is the kind of taxpayer.
type Kind string

// The kinds of taxpayer.
const (
	// ResidentIndividual is a person registered with a NIK; the NIK is
	// their NPWP (UU KUP Pasal 2(1a) as amended by UU HPP).
	ResidentIndividual Kind = "resident_individual"
	// ForeignIndividual is a person identified by passport; DJP gives
	// them a 16-digit NPWP of "0" + a 15-digit legacy-form number.
	ForeignIndividual Kind = "foreign_individual"
	// Entity is a badan: PT, PT PMA, CV, firm, foundation, cooperative.
	Entity Kind = "entity"
	// Government is an instansi pemerintah.
	Government Kind = "government"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{ResidentIndividual, ForeignIndividual, Entity, Government}

// Label is the kind's English name for pages.
func (k Kind) Label() string {
	switch k {
	case ResidentIndividual:
		return "Resident individual"
	case ForeignIndividual:
		return "Foreign individual"
	case Entity:
		return "Entity (badan)"
	case Government:
		return "Government agency"
	}
	return string(k)
}

// Individual reports whether the kind is a natural person.
func (k Kind) Individual() bool { return k == ResidentIndividual || k == ForeignIndividual }

// EntityForm is the legal form of an entity.
type EntityForm string

// The legal forms an entity can have.
const (
	PT          EntityForm = "PT"          // Perseroan Terbatas
	PTPMA       EntityForm = "PT_PMA"      // PT with foreign investment (Penanaman Modal Asing)
	CV          EntityForm = "CV"          // Commanditaire Vennootschap
	Firm        EntityForm = "FIRMA"       // partnership (Firma)
	Foundation  EntityForm = "YAYASAN"     // foundation
	Cooperative EntityForm = "KOPERASI"    // cooperative
	OtherEntity EntityForm = "OTHER_BADAN" // any other badan (associations, permanent establishments)
)

// EntityForms lists the legal forms in display order.
var EntityForms = []EntityForm{PT, PTPMA, CV, Firm, Foundation, Cooperative, OtherEntity}

// Address is a postal address with the official area codes of Kemendagri.
type Address struct {
	Street       string
	ProvinceCode string // 2 digits, e.g. 51 (Bali)
	RegencyCode  string // 4 digits, e.g. 5103 (Badung)
	DistrictCode string // 6 digits, e.g. 510301 (Kuta Selatan)
	PostalCode   string // 5 digits
}

// StayPermit is a foreigner's limited (KITAS) or permanent (KITAP) stay
// permit.
type StayPermit struct {
	Kind    string // "KITAS" or "KITAP"
	Number  string
	Expires time.Time // zero for none recorded
}

// Taxpayer is a registered taxpayer.
type Taxpayer struct {
	ID   int64
	NPWP taxid.NPWP
	Kind Kind
	Name string

	// Individuals.
	NIK         taxid.NIK // resident individuals
	BirthDate   time.Time
	Sex         string // "M" or "F"
	Passport    string // foreign individuals
	Nationality string // ISO 3166-1 alpha-3
	StayPermit  StayPermit

	// Entities.
	EntityForm     EntityForm
	DeedNumber     string
	RegistryNumber string

	Address Address
	Email   string // normalised to lower case
	Mobile  string // E.164, e.g. +6281234567890

	RegisteredAt time.Time
	UpdatedAt    time.Time
	Version      int
}

// PlaceOfBusiness is a tempat kegiatan usaha (TKU): the head office (Seq 0,
// NITKU suffix 000000) or a branch. Since PER-6/PJ/2024 branches have no
// NPWP of their own; they are identified by NITKU.
type PlaceOfBusiness struct {
	TaxpayerID int64
	Seq        int
	NITKU      taxid.NITKU
	Name       string
	Address    Address
	CreatedAt  time.Time
}

// HeadOffice reports whether p is the taxpayer's own (head office) place.
func (p PlaceOfBusiness) HeadOffice() bool { return p.Seq == 0 }

// Relation is how a related party (pihak terkait) relates to an entity.
type Relation string

// The relations a party can have.
const (
	Director     Relation = "director"
	Commissioner Relation = "commissioner"
	Shareholder  Relation = "shareholder"
	Employee     Relation = "employee"
)

// Relations lists the relations in display order.
var Relations = []Relation{Director, Commissioner, Shareholder, Employee}

// RelatedParty is a person (or, for shareholders, an entity) related to an
// entity, for a period. At most one related party of an entity is its main
// PIC (penanggung jawab utama) on any day.
type RelatedParty struct {
	ID         int64
	TaxpayerID int64
	// PartyID is the related party's own taxpayer record, when it has
	// one; a main PIC must have one (they act through their own account).
	PartyID     int64
	PartyNPWP   taxid.NPWP
	Relation    Relation
	Name        string
	NIK         string
	Passport    string
	Nationality string
	// ShareBP is a shareholder's share in basis points (1/100 of a
	// percent); 0 when not a shareholder.
	ShareBP    int
	MainPIC    bool
	ValidFrom  time.Time
	ValidUntil time.Time // zero: open-ended
	CreatedAt  time.Time
}

// ActiveOn reports whether the party's period covers day d.
func (r RelatedParty) ActiveOn(d time.Time) bool {
	d = calendar.Midnight(d)
	return !d.Before(r.ValidFrom) && (r.ValidUntil.IsZero() || !d.After(r.ValidUntil))
}

// Representation is a related-party row seen from the party: the entity
// the person is related to, with its NPWP and name, so that a person's
// list of the taxpayers they act for needs no further lookups.
type Representation struct {
	RelatedParty
	EntityNPWP taxid.NPWP
	EntityName string
}

// PKPEvent is a change of PKP (Pengusaha Kena Pajak, VAT-registered
// entrepreneur) status.
type PKPEvent struct {
	ID            int64
	TaxpayerID    int64
	Event         string // "confirmed" (pengukuhan) or "revoked" (pencabutan)
	EffectiveDate time.Time
	Note          string
	Actor         string
	RecordedAt    time.Time
}

// The PKP events.
const (
	PKPConfirmed = "confirmed"
	PKPRevoked   = "revoked"
)

// NPWPLink links a legacy 15-digit NPWP to a resident individual whose NIK
// is now their NPWP (pemadanan NIK–NPWP).
type NPWPLink struct {
	LegacyNPWP taxid.NPWP
	TaxpayerID int64
	LinkedAt   time.Time
	Actor      string
	Note       string
}

// Change is one row of a taxpayer's history: who changed which field when,
// from what to what.
type Change struct {
	ID         int64
	TaxpayerID int64
	At         time.Time
	Actor      string
	Action     string // "register", "update", "add_place", "add_party", "end_party", "pkp", "link_npwp"
	Field      string
	Old        string
	New        string
}

// Profile is a taxpayer with everything registered about it.
type Profile struct {
	Taxpayer Taxpayer
	Places   []PlaceOfBusiness
	Parties  []RelatedParty
	PKP      []PKPEvent
	Links    []NPWPLink
}

// PKPOn reports whether the taxpayer is PKP on day d and since when.
func (p Profile) PKPOn(d time.Time) (bool, time.Time) {
	return pkpOn(p.PKP, d)
}

// MainPICOn returns the main PIC on day d.
func (p Profile) MainPICOn(d time.Time) (RelatedParty, bool) {
	for _, r := range p.Parties {
		if r.MainPIC && r.ActiveOn(d) {
			return r, true
		}
	}
	return RelatedParty{}, false
}

func pkpOn(events []PKPEvent, d time.Time) (bool, time.Time) {
	d = calendar.Midnight(d)
	pkp, since := false, time.Time{}
	for _, e := range events { // ordered by effective date, then id
		if e.EffectiveDate.After(d) {
			break
		}
		pkp = e.Event == PKPConfirmed
		if pkp {
			since = e.EffectiveDate
		}
	}
	return pkp, since
}

// Summary is a search result row.
type Summary struct {
	ID          int64
	NPWP        taxid.NPWP
	Kind        Kind
	Name        string
	RegencyCode string
}
