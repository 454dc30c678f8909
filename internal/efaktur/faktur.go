package efaktur

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/signing"
)

// Status is where a faktur is in its life (efaktur-xml.md §9).
type Status string

// The statuses. A draft has no number; approval signs and numbers it; an
// approved faktur ends amended (replaced by a pengganti) or cancelled.
const (
	Draft     Status = "draft"
	Approved  Status = "approved"
	Amended   Status = "amended"
	Cancelled Status = "cancelled"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{Draft, Approved, Amended, Cancelled}

// Credit is what the buyer did with an approved faktur as input VAT
// (Pajak Masukan; efaktur-xml.md §10).
type Credit string

// The credit states.
const (
	// Uncredited: not yet decided; the faktur waits in the buyer's list.
	Uncredited Credit = "uncredited"
	// Credited: credited as input VAT in CreditPeriod.
	Credited Credit = "credited"
	// NotCredited: the buyer chose not to credit it (Tidak Kreditkan),
	// e.g. because the input VAT is expensed.
	NotCredited Credit = "not_credited"
)

// Faktur is a stored VAT invoice: the Coretax invoice with its number,
// status, seller, signature and the buyer's crediting.
type Faktur struct {
	ID       int64
	SellerID int64
	// SellerNPWP is the seller's 16-digit NPWP, the file's TIN.
	SellerNPWP string
	// BuyerID is the buyer's taxpayer record when the buyer is identified
	// by a registered NPWP; 0 otherwise (NIK, passport, other ID).
	BuyerID int64
	// Number is the 17-digit kode dan nomor seri faktur pajak, empty
	// for a draft (PER-11/PJ/2025 Pasal 37(1)).
	Number string
	Status Status
	// Replaces is the faktur a pengganti replaces, 0 for a normal one;
	// ReplacedBy is the pengganti that replaced an amended faktur.
	Replaces       int64
	ReplacesNumber string
	ReplacedBy     int64
	Invoice        Invoice
	Totals         Totals
	// Source says how the faktur came in: "keyed", "amend" or "upload";
	// UploadID names the upload of an uploaded one.
	Source   string
	UploadID int64

	// Approval: the signer's name, the signature and when.
	ApprovedAt  time.Time
	ApprovedBy  string
	SignatureID int64
	// PublicID names the signature on the public verification page.
	PublicID string

	CancelledAt  time.Time
	CancelReason string

	// Buyer side.
	Credit       Credit
	CreditPeriod Period // zero unless Credited
	CreditedAt   time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts changes; a change names the version it was made
	// against.
	Version int
}

// Totals are the sums of a faktur's lines, kept with the faktur so that
// lists and returns need not read the lines.
type Totals struct {
	Gross        money.Amount // Σ round2(Price × Qty)
	Discount     money.Amount
	TaxBase      money.Amount // DPP
	OtherTaxBase money.Amount // DPP Nilai Lain
	VAT          money.Amount // PPN
	PPnBM        money.Amount
}

// Sum returns the totals of inv's lines.
func Sum(inv *Invoice) (Totals, error) {
	var t Totals
	var err error
	add := func(dst *money.Amount, v money.Amount) {
		if err == nil {
			*dst, err = dst.Add(v)
		}
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		g, gerr := mulRat(l.Price, int64(l.Qty), 100, grossRounding)
		if gerr != nil && err == nil {
			err = gerr
		}
		add(&t.Gross, g)
		add(&t.Discount, l.Discount)
		add(&t.TaxBase, l.TaxBase)
		add(&t.OtherTaxBase, l.OtherTaxBase)
		add(&t.VAT, l.VAT)
		add(&t.PPnBM, l.PPnBM)
	}
	return t, err
}

// Period is a tax period (masa pajak): a calendar month.
type Period struct {
	Year  int
	Month time.Month
}

// PeriodOf returns the period of day d.
func PeriodOf(d time.Time) Period { return Period{d.Year(), d.Month()} }

// IsZero reports whether p is the zero period.
func (p Period) IsZero() bool { return p.Year == 0 }

// String returns the period as YYYY-MM.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// Add returns the period n months after p.
func (p Period) Add(n int) Period {
	return PeriodOf(time.Date(p.Year, p.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
}

// Before reports whether p is earlier than q.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || p.Year == q.Year && p.Month < q.Month
}

// First returns the first day of p.
func (p Period) First() time.Time { return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, time.UTC) }

// ParsePeriod reads YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Period{}, err
	}
	return PeriodOf(t), nil
}

// Side says from whose side a list is read.
type Side string

// The sides.
const (
	Output Side = "output" // Pajak Keluaran: the seller's fakturs
	Input  Side = "input"  // Pajak Masukan: approved fakturs to the buyer
)

// Filter selects fakturs for a list or an export.
type Filter struct {
	Side Side
	// TaxpayerID is the seller (Output) or the buyer (Input).
	TaxpayerID int64
	Status     Status // empty: any
	Credit     Credit // empty: any (input side)
	// Period selects fakturs dated in it; zero: any.
	Period Period
	// From and To bound the faktur date, inclusive; zero: open.
	From, To time.Time
	TrxCode  TrxCode
	// Counterparty is the buyer's (Output) or seller's (Input) NPWP.
	Counterparty string
	// Number is a prefix of the faktur number.
	Number string
	// Reference is the seller's RefDesc, exact.
	Reference string
	// UploadID selects the fakturs of one upload.
	UploadID int64
	// After is the cursor: the ID of the last faktur of the previous
	// page; lists run newest first (descending ID).
	After int64
	// Limit is the page size; 0 means DefaultLimit. Exports page through
	// every row.
	Limit int
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Retur is a return of goods (nota retur) by the buyer against an input
// faktur: it reduces the seller's output VAT and the buyer's input VAT
// in the period of the return (UU PPN Pasal 5A).
type Retur struct {
	ID        int64
	Number    string // RET-<buyer NPWP>-<year>-<serial>
	FakturID  int64
	BuyerID   int64
	SellerID  int64
	Date      time.Time
	Period    Period
	Lines     []ReturLine
	Totals    Totals
	CreatedAt time.Time
	CreatedBy string
}

// ReturLine is the returned part of one faktur line.
type ReturLine struct {
	Line         int // 1-based line of the faktur
	Qty          Quantity
	TaxBase      money.Amount
	OtherTaxBase money.Amount
	VAT          money.Amount
	PPnBM        money.Amount
}

// SignFunc signs a faktur inside the storing transaction, once its number
// is set: it returns the prepared signature that the store saves with the
// faktur. A store may call it for several fakturs of a batch at once, from
// several goroutines (never twice for one faktur), so it must be safe for
// concurrent use; signing.Signer.Prepare is.
type SignFunc func(f *Faktur) (signing.Prepared, error)

// Store keeps fakturs. Every method that changes state is one
// transaction that also writes its audit entry.
type Store interface {
	// CreateDraft stores a new draft and returns it with its ID.
	CreateDraft(ctx context.Context, f Faktur, ev audit.Entry) (Faktur, error)
	// UpdateDraft replaces a draft's invoice; f.Version is the version
	// it was edited from. A Conflict error when the draft changed or is
	// no longer a draft.
	UpdateDraft(ctx context.Context, f Faktur, ev audit.Entry) (Faktur, error)
	// DeleteDraft deletes a draft at version.
	DeleteDraft(ctx context.Context, id int64, version int, ev audit.Entry) error

	// Approve stores fs approved, in one transaction: a faktur with ID 0
	// is inserted, one with an ID must still be the draft at its
	// Version. For each, in order, the store allocates the next NSFP
	// serial of the faktur's year (counter "nsfp", scope the year) and
	// sets Number with Status "00"; then it calls sign for each
	// (concurrently, see SignFunc) and saves the signatures
	// (transparency log included) and the fakturs. Any error rolls
	// everything back, so that no number is lost. ev is written once,
	// for the batch.
	Approve(ctx context.Context, fs []*Faktur, sign SignFunc, ev audit.Entry) error
	// Amend marks old (at old.Version, approved, not credited) amended
	// and stores repl, its pengganti, approved with the number of old
	// whose status part is one higher, signed with sign; one
	// transaction.
	Amend(ctx context.Context, old Faktur, repl *Faktur, sign SignFunc, ev audit.Entry) error
	// Cancel marks an approved, uncredited faktur at version cancelled.
	Cancel(ctx context.Context, id int64, version int, at time.Time, reason string, ev audit.Entry) (Faktur, error)

	// Faktur returns a faktur with its lines.
	Faktur(ctx context.Context, id int64) (Faktur, error)
	// FakturByNumber returns the faktur with a number.
	FakturByNumber(ctx context.Context, number string) (Faktur, error)
	// List returns a page of fakturs matching f, newest first, with
	// their lines.
	List(ctx context.Context, f Filter) ([]Faktur, error)

	// SetCredit records the buyer's decision on an approved faktur at
	// version.
	SetCredit(ctx context.Context, id int64, version int, c Credit, p Period, at time.Time, ev audit.Entry) (Faktur, error)
	// CreateRetur stores a return of goods; it fails with a Conflict
	// when a line's returned quantity, with the earlier returns of the
	// faktur, would exceed the line's quantity (checked in the
	// transaction).
	CreateRetur(ctx context.Context, r Retur, ev audit.Entry) (Retur, error)
	// Returs lists the returns against a faktur, oldest first.
	Returs(ctx context.Context, fakturID int64) ([]Retur, error)
}

// The actions of e-Faktur, decided by the roles policy (Rules).
const (
	ActRead    actor.Action = "efaktur.read"    // see a taxpayer's output or input fakturs
	ActDraft   actor.Action = "efaktur.draft"   // key in, edit, upload and delete drafts
	ActApprove actor.Action = "efaktur.approve" // approve, amend and cancel fakturs
	ActCredit  actor.Action = "efaktur.credit"  // credit input fakturs and make returns
)
