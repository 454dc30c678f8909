package registration

import (
	"context"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/taxid"
)

// Store persists the register. Each method that changes state is one
// transaction that also writes the history rows it is given; methods that
// change an existing taxpayer take the version the caller loaded and fail
// with a Conflict when the profile has changed since (optimistic locking).
// Lookups return a NotFound error, never a zero value and nil.
type Store interface {
	// CreateTaxpayer stores a new taxpayer with its head office (seq 0).
	// When t.NPWP is empty the store allocates one inside the transaction
	// from the counter named by alloc.Scope, building it with alloc.Make.
	// Duplicate NIK, e-mail, mobile, passport or registry number fail with
	// the Conflict built by Taken.
	CreateTaxpayer(ctx context.Context, t Taxpayer, head PlaceOfBusiness, alloc *NPWPAllocation, links []NPWPLink, history []Change) (Taxpayer, error)

	// TaxpayerByNPWP finds a taxpayer by its NPWP, or by a legacy NPWP
	// linked to it.
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (Taxpayer, error)
	// TaxpayerByID finds a taxpayer by its internal ID.
	TaxpayerByID(ctx context.Context, id int64) (Taxpayer, error)
	// Profile loads a taxpayer with its places, parties, PKP events and
	// links.
	Profile(ctx context.Context, id int64) (Profile, error)

	// UpdateTaxpayer stores new values of an existing taxpayer's own
	// fields.
	UpdateTaxpayer(ctx context.Context, t Taxpayer, version int, history []Change) (Taxpayer, error)
	// AddPlace stores a new place of business; the store allocates its
	// sequence number and NITKU.
	AddPlace(ctx context.Context, taxpayerID int64, version int, p PlaceOfBusiness, history []Change) (PlaceOfBusiness, error)
	// AddParty stores a related party. When endPIC is set, the main PIC
	// with that ID ends on endPICOn in the same transaction.
	AddParty(ctx context.Context, version int, r RelatedParty, endPIC int64, endPICOn time.Time, history []Change) (RelatedParty, error)
	// EndParty sets the last day of a related party's period.
	EndParty(ctx context.Context, taxpayerID int64, version int, partyID int64, until time.Time, history []Change) error
	// AddPKPEvent records a PKP status change.
	AddPKPEvent(ctx context.Context, version int, e PKPEvent, history []Change) (PKPEvent, error)
	// AddLink records a legacy NPWP link.
	AddLink(ctx context.Context, version int, l NPWPLink, history []Change) error

	// History returns a taxpayer's changes, newest first, after the
	// cursor (a change ID; 0 for the first page).
	History(ctx context.Context, taxpayerID int64, before int64, limit int) ([]Change, error)
	// Search finds taxpayers whose NPWP, NIK or legacy NPWP starts with
	// q.Number, or whose name contains q.Name, in ID order after q.After.
	Search(ctx context.Context, q Query) ([]Summary, error)
	// PartiesOf returns the related-party rows naming the taxpayer
	// partyID as the party, i.e. the entities the person represents, with
	// each entity's NPWP and name.
	PartiesOf(ctx context.Context, partyID int64) ([]Representation, error)
}

// NPWPAllocation tells the store how to allocate an NPWP for a taxpayer who
// has no NIK: a serial from the counter Scope, turned into an NPWP by Make.
type NPWPAllocation struct {
	Scope string
	Make  func(serial int64) (taxid.NPWP, error)
}

// Query selects taxpayers for Search.
type Query struct {
	Number string // digits: prefix of NPWP, NIK or legacy NPWP
	Name   string // case-insensitive substring of the name
	Kind   Kind   // empty for all
	After  int64  // cursor: the last ID of the previous page
	Limit  int
}

// Taken builds the Conflict returned when a unique field (an e-mail
// address, a mobile number, a NIK, a passport, a registry number) already
// belongs to another taxpayer. It does not say which taxpayer.
func Taken(field, value string) *errs.Error {
	var msg string
	switch field {
	case "email":
		msg = "this e-mail address is already registered to another taxpayer; each e-mail address belongs to one taxpayer: use another address, or ask the holder to change theirs first"
	case "mobile":
		msg = "this mobile number is already registered to another taxpayer; each mobile number belongs to one taxpayer: use another number, or ask the holder to change theirs first"
	case "nik":
		msg = "a taxpayer with this NIK is already registered; a person registers once: sign in to that account or ask the tax office to reset its access"
	case "passport_number":
		msg = "a taxpayer with this passport is already registered; a person registers once: if the passport was renewed, update that taxpayer's passport instead"
	case "registry_number":
		msg = "an entity with this company registry number is already registered"
	case "legacy_npwp":
		msg = "this legacy NPWP is already linked to a taxpayer"
	default:
		msg = "already registered to another taxpayer"
	}
	return &errs.Error{
		Kind:    errs.Conflict,
		Message: "the registration clashes with an existing taxpayer",
		Fields:  []errs.FieldError{{Field: field, Value: value, Message: msg}},
	}
}

// StaleVersion is returned when a profile changed after the caller loaded
// it.
func StaleVersion(npwp taxid.NPWP) *errs.Error {
	return errs.Errorf(errs.Conflict, "the profile of %s changed after it was loaded; reload it and apply the change again", npwp)
}
