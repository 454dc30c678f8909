// Package ebupot is e-Bupot: the withholding slips (bukti potong) a
// withholder issues for the income tax it withholds, computed by the
// PPh 21/26 engine (internal/pph21) under the tax object codes
// (internal/ebupot/objectcode), checked by the rules of Coretax, signed,
// published to the recipient, corrected and cancelled.
//
// Facts and sources: shared/domain/ebupot.md and pph21.md; the rules as
// implemented: doc/ebupot.md.
package ebupot

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

// Status is where a slip is in its life.
type Status string

// The statuses. A signed slip is published to its recipient; correcting it
// makes a new revision under the same number and marks the old one
// corrected, which is kept (ebupot.md §5).
const (
	Draft     Status = "draft"
	Signed    Status = "signed"
	Corrected Status = "corrected"
	Cancelled Status = "cancelled"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{Draft, Signed, Corrected, Cancelled}

// Facility is the TaxCertificate of a slip: the facility under which the
// tax is withheld (ebupot.md §2.1).
type Facility string

// The facilities.
const (
	NoFacility Facility = "N/A"          // tanpa fasilitas
	DTP        Facility = "DTP"          // PPh ditanggung pemerintah
	SKB21      Facility = "TaxExAr21"    // surat keterangan bebas PPh 21
	COD        Facility = "COD"          // treaty relief with a certificate of domicile
	OtherBasis Facility = "ETC"          // another legal basis: rate or deemed may differ from the reference
	SKB22      Facility = "TaxExAr22"    // SKB PPh 22 (BPPU)
	SKB23      Facility = "TaxExAr23"    // SKB PPh 23 (BPPU)
	SKBDeposit Facility = "TaxExIntDep"  // exemption on deposit interest (BPPU)
	SKBLand    Facility = "TaxExIntPhtb" // SKB on the transfer of land or buildings (BPPU)
	PP23       Facility = "PP23"         // Suket PP 23/2018, PP 55/2022: UMKM final 0.5 % (BPPU)
)

// facilitiesBySlip are the TaxCertificate values each slip type takes
// (ebupot.md §2.1).
var facilitiesBySlip = map[objectcode.SlipType][]Facility{
	objectcode.BPMP: {NoFacility, DTP, OtherBasis},
	objectcode.BP21: {NoFacility, SKB21, DTP, OtherBasis},
	objectcode.BP26: {NoFacility, COD, DTP, OtherBasis},
	objectcode.BPA1: {NoFacility, DTP, OtherBasis},
	// The A2 file has no TaxCertificate (ebupot.md §3.5): a BPA2 is
	// without facility.
	objectcode.BPA2: {NoFacility},
	objectcode.BPPU: {NoFacility, SKB22, SKB23, SKBDeposit, SKBLand, DTP, PP23, OtherBasis},
	objectcode.BPNR: {NoFacility, COD, DTP, OtherBasis},
}

// Facilities returns the TaxCertificate values slip type t takes.
func Facilities(t objectcode.SlipType) []Facility {
	return append([]Facility(nil), facilitiesBySlip[t]...)
}

// Treasurer is GovTreasurerOpt of a unified slip: whether a government
// treasurer withholds, and how the payment was made (ebupot.md §2.1).
type Treasurer string

// The treasurer options.
const (
	NoTreasurer Treasurer = "N/A"     // not a government treasurer
	Imprest     Treasurer = "Imprest" // uang persediaan (UP)
	Direct      Treasurer = "Direct"  // langsung (LS): SP2DNumber required
)

// Recipient is who received the income.
type Recipient struct {
	// TIN is the 16-digit NIK or NPWP of a resident, or the foreign TIN
	// of a non-resident.
	TIN string
	// ID is the recipient's taxpayer record, 0 when not registered.
	ID int64
	// Temporary says the NIK is not registered: the slip is made on a
	// temporary TIN, named PENERIMAPENGHASILAN#<NIK>, and is neither
	// delivered to the recipient nor pre-filled in their annual return
	// (ebupot.md §7).
	Temporary bool
	Name      string
	Resident  bool
	// Passport, Country (ISO 3166-1 alpha-3) and Address for
	// non-residents.
	Passport string
	Country  string
	Address  string
	// Kind is the recipient's tenure as the withholder declares it.
	Kind objectcode.RecipientKind
	// Status is the PTKP status at the start of the year (TK/0 … K/3).
	Status string
	// Position is the job title (BPMP, BPA1, BPA2).
	Position string
	// NIP is the civil servant's NIP or the TNI/Polri member's NRP and
	// Rank their rank or grade (BPA2: CounterpartNipNrp, CounterpartRank).
	NIP  string `json:",omitempty"`
	Rank string `json:",omitempty"`
	// NITKU is the recipient's place of business receiving the income
	// (BPPU: IDPlaceOfBusinessActivityOfIncomeRecipient), the TIN
	// followed by 000000 for the head office.
	NITKU string `json:",omitempty"`
	// BirthDate, BirthCity and Kitas of a non-resident (BPNR, optional).
	BirthDate time.Time `json:",omitzero"`
	BirthCity string    `json:",omitempty"`
	Kitas     string    `json:",omitempty"`
}

// Slip is a withholding slip.
type Slip struct {
	ID             int64
	WithholderID   int64
	WithholderNPWP string
	Type           objectcode.SlipType
	// Number is given when the slip is first signed and kept by its
	// corrections; Revision counts corrections (0 for the original).
	Number   string
	Revision int
	Status   Status
	// Replaces is the revision a correction replaces; ReplacedBy the one
	// that replaced a corrected slip.
	Replaces   int64
	ReplacedBy int64
	Period     Period
	// MonthStart and MonthEnd are the months an annual slip (BPA1,
	// BPA2) covers.
	MonthStart, MonthEnd int
	Recipient            Recipient
	ObjectCode           string
	Facility             Facility
	// FacilityRef is the number of the facility's document: the SKB, or
	// the certificate of domicile (CounterpartReceiptNumber) for COD.
	FacilityRef string
	// QualifyingShareholding: the recipient, a non-resident company paid
	// dividends (27-101-01) under facility COD, holds at least the
	// treaty's qualifying shareholding, so the treaty table's
	// dividends-qualifying row gives the rate (Input.QualifyingShareholding).
	QualifyingShareholding bool `json:",omitempty"`
	// Gross is the income (for BPA1 and BPA2, the year's gross in the
	// months covered; for BPPU the TaxBase, for BPNR the GrossIncome);
	// Deemed the share of it that is the base; Rate the rate
	// applied (TER, the Pasal 17 layer reached, or the flat rate).
	Gross  money.Amount
	Deemed objectcode.Percent
	Rate   pph21.Rate
	// Tax is the tax due; Withheld what the withholder withholds; DTP
	// what the government bears (Tax = Withheld + DTP). For BPA1 Tax is
	// the year's tax and Withheld what is due in the last period after
	// the monthly slips (Credited).
	Tax      money.Amount
	Withheld money.Amount
	DTPTax   money.Amount
	// Credited is, on a BPA1, the tax of the year's monthly slips.
	Credited money.Amount
	// Explanation is the engine's steps and citations.
	Explanation Explanation
	// Document is the payment's reference document (Document,
	// DocumentNumber, DocumentDate).
	Document       string
	DocumentNumber string
	DocumentDate   time.Time
	// PlaceNITKU is the withholder's paying place of business.
	PlaceNITKU      string
	WithholdingDate time.Time
	// BatchID is the payroll batch the slip came from, 0 when keyed in.
	BatchID int64
	// Final says the tax is final: the code's, or a PP23 facility's
	// (unified slips).
	Final bool `json:",omitempty"`
	// Treasurer and SP2D are GovTreasurerOpt and SP2DNumber of a unified
	// slip withheld by a government treasurer.
	Treasurer Treasurer `json:",omitempty"`
	SP2D      string    `json:",omitempty"`

	SignedAt    time.Time
	SignedBy    string
	SignatureID int64
	PublicID    string

	CancelledAt  time.Time
	CancelReason string

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Explanation is why the tax is what it is.
type Explanation struct {
	Method    pph21.Method
	Category  pph21.Category
	Steps     []pph21.Step
	Citations []string
}

// Period is a tax period (masa pajak).
type Period struct {
	Year  int
	Month int
}

// First returns the first day of p.
func (p Period) First() time.Time {
	return time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
}

// Filter selects slips.
type Filter struct {
	// WithholderID selects a withholder's slips; RecipientID the slips
	// published to a recipient (signed, corrected or cancelled, never
	// drafts nor temporary-TIN slips).
	WithholderID int64
	RecipientID  int64
	Type         objectcode.SlipType
	Status       Status
	Year, Month  int
	RecipientTIN string
	ObjectCode   string
	Number       string
	BatchID      int64
	// Current keeps only the latest revision of each number (and
	// drafts).
	Current bool
	// After is the cursor (the last ID of the previous page); newest
	// first.
	After int64
	Limit int
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// SignFunc signs a numbered slip inside the storing transaction.
type SignFunc func(s *Slip) (signing.Prepared, error)

// Store keeps slips. Every method that changes state is one transaction
// with its audit entry.
type Store interface {
	// CreateDrafts stores new drafts.
	CreateDrafts(ctx context.Context, ss []*Slip, ev audit.Entry) error
	// DeleteDraft deletes a draft at version.
	DeleteDraft(ctx context.Context, id int64, version int, ev audit.Entry) error
	// Sign numbers (counter "bupot" scoped by withholder, type and year),
	// signs with sign and stores as signed each draft of ss at its
	// Version, in one transaction that also stores the messages of
	// notices in the outbox.
	Sign(ctx context.Context, ss []*Slip, sign SignFunc, notices NoticeFunc, ev audit.Entry) error
	// Correct stores repl, signed, as the next revision of old (signed,
	// at old.Version) and marks old corrected, with the messages of
	// notices in the outbox.
	Correct(ctx context.Context, old Slip, repl *Slip, sign SignFunc, notices NoticeFunc, ev audit.Entry) error
	// Cancel marks a signed slip at version cancelled, with the notices
	// in the outbox.
	Cancel(ctx context.Context, id int64, version int, at time.Time, reason string, notices []notify.Message, ev audit.Entry) (Slip, error)
	// Slip returns one slip.
	Slip(ctx context.Context, id int64) (Slip, error)
	// List returns a page of slips, newest first.
	List(ctx context.Context, f Filter) ([]Slip, error)
}

// The actions of e-Bupot, decided by the roles policy (Rules).
const (
	ActRead     actor.Action = "ebupot.read"      // see a withholder's slips
	ActDraft    actor.Action = "ebupot.draft"     // key in, upload and delete PPh 21/26 drafts
	ActSign     actor.Action = "ebupot.sign"      // sign, correct and cancel PPh 21/26 slips
	ActReceived actor.Action = "ebupot.received"  // see the slips one has received
	ActCompute  actor.Action = "ebupot.calculate" // compute PPh 21/26 without storing
	// The unified slips (BPPU, BPNR) have their own roles (access.go).
	ActReadUnified  actor.Action = "ebupot.unified.read"  // see a withholder's unified slips
	ActDraftUnified actor.Action = "ebupot.unified.draft" // key in, compute, upload and delete unified slips
	ActSignUnified  actor.Action = "ebupot.unified.sign"  // sign, correct and cancel unified slips
)

// Rules returns e-Bupot's access rules. The PPh 21/26 slips (BPMP, BP21,
// BP26, BPA1, BPA2) need the withholding 21/26 drafter and signer roles,
// the unified slips (BPPU, BPNR) the unified drafter and signer roles;
// the main PIC holds every role. The payroll slips state people's pay, so
// reading them needs the 21/26 drafter role, not just any relation to the
// withholder: an employee sees their own slips among the slips received,
// not their colleagues', and a holder of the unified roles only sees the
// unified slips (access.go).
func Rules() roles.Rules {
	return roles.Rules{
		ActRead: {Need: roles.HoldsRole, Role: roles.Withholding2126Drafter, Officer: roles.OfficerAudit,
			What: "see this withholder's PPh 21/26 slips (BPMP, BP21, BP26, BPA1, BPA2)"},
		ActDraft: {Need: roles.HoldsRole, Role: roles.Withholding2126Drafter,
			What: "key in and upload this withholder's PPh 21/26 slips (BPMP, BP21, BP26, BPA1, BPA2)"},
		ActSign: {Need: roles.HoldsRole, Role: roles.Withholding2126Signer,
			What: "sign, correct and cancel this withholder's PPh 21/26 slips (BPMP, BP21, BP26, BPA1, BPA2)"},
		ActReceived: {Need: roles.Related, Officer: roles.OfficerAudit, What: "see the slips this taxpayer received"},
		ActCompute: {Need: roles.HoldsRole, Role: roles.Withholding2126Drafter,
			What: "compute PPh 21/26 for this withholder"},
		ActReadUnified: {Need: roles.HoldsRole, Role: roles.WithholdingUnifiedDrafter, Officer: roles.OfficerAudit,
			What: "see this withholder's unified slips (BPPU, BPNR)"},
		ActDraftUnified: {Need: roles.HoldsRole, Role: roles.WithholdingUnifiedDrafter,
			What: "key in, compute and upload this withholder's unified slips (BPPU, BPNR)"},
		ActSignUnified: {Need: roles.HoldsRole, Role: roles.WithholdingUnifiedSigner,
			What: "sign, correct and cancel this withholder's unified slips (BPPU, BPNR)"},
	}
}
