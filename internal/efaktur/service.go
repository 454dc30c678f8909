package efaktur

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/taxid"
)

// Config holds e-Faktur's parameters.
type Config struct {
	// DeadlineDay is the day of the month after the faktur date by
	// which it must be approved (Deadline).
	DeadlineDay int
	// CreditPeriods is how many periods after the faktur's period input
	// VAT may still be credited (UU PPN Pasal 9(9); efaktur-xml.md §10).
	CreditPeriods int
}

// DefaultConfig returns the documented parameters (doc/efaktur.md).
func DefaultConfig() Config { return Config{DeadlineDay: 20, CreditPeriods: 3} }

// Register reads the taxpayer register without the access policy: a
// seller checks that its buyer is registered without being allowed to
// read the buyer's profile.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
	Profile(ctx context.Context, id int64) (registration.Profile, error)
}

// Signing opens a signer's key for a batch of documents.
type Signing interface {
	Open(ctx context.Context, family roles.Family, actingFor int64, passphrase, what string) (*signing.Signer, error)
}

// Service is e-Faktur: keying in, approving, amending and cancelling
// output fakturs, and crediting and returning input fakturs.
type Service struct {
	store    Store
	register Register
	signing  Signing
	policy   actor.Policy
	now      func() time.Time
	cfg      Config
}

// NewService returns the e-Faktur service.
func NewService(store Store, register Register, sign Signing, policy actor.Policy, now func() time.Time, cfg Config) *Service {
	return &Service{store: store, register: register, signing: sign, policy: policy, now: now, cfg: cfg}
}

// Config returns the service's parameters.
func (s *Service) Config() Config { return s.cfg }

// Today is the current day in WIB.
func (s *Service) Today() time.Time { return calendar.Day(s.now()) }

// Rules returns the access rules of e-Faktur, to be merged into the roles
// policy: drafting and reading need the tax-invoice drafter role (a
// business's invoices are not for every employee to read), approving the
// signer role (the main PIC holds both), and crediting input fakturs the
// drafter role of the buyer.
func Rules() roles.Rules {
	return roles.Rules{
		ActRead:    {Need: roles.HoldsRole, Role: roles.TaxInvoiceDrafter, Officer: roles.OfficerAudit, What: "see this taxpayer's fakturs"},
		ActDraft:   {Need: roles.HoldsRole, Role: roles.TaxInvoiceDrafter, What: "key in, upload and edit this taxpayer's faktur drafts"},
		ActApprove: {Need: roles.HoldsRole, Role: roles.TaxInvoiceSigner, What: "approve, amend and cancel this taxpayer's fakturs"},
		ActCredit:  {Need: roles.HoldsRole, Role: roles.TaxInvoiceDrafter, What: "credit this taxpayer's input fakturs and make returns of goods"},
	}
}

// Seller is what the service knows of a seller while checking its
// fakturs.
type Seller struct {
	Profile registration.Profile
	NPWP    string
}

// taxpayer resolves an NPWP in the register.
func (s *Service) taxpayer(ctx context.Context, field, npwp string) (registration.Taxpayer, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return registration.Taxpayer{}, errs.InvalidFields("the NPWP is not valid", errs.Field(field, npwp, "%s", errs.Message(err)))
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return registration.Taxpayer{}, errs.Errorf(errs.NotFound, "no taxpayer is registered with NPWP %s", n)
	}
	return t, err
}

// seller loads the seller and checks that acting on its fakturs is
// allowed.
func (s *Service) seller(ctx context.Context, npwp string, act actor.Action) (Seller, error) {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return Seller{}, err
	}
	if err := s.policy.Allow(ctx, act, t.ID); err != nil {
		return Seller{}, err
	}
	p, err := s.register.Profile(ctx, t.ID)
	if err != nil {
		return Seller{}, err
	}
	return Seller{Profile: p, NPWP: string(t.NPWP)}, nil
}

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) audit.Entry {
	return audit.For(ctx, s.now(), taxpayerID, action, detail)
}

// Form is a faktur as keyed in: the header and, per line, what the seller
// types; the amounts are computed (ComputeLine).
type Form struct {
	Date               time.Time
	TrxCode            TrxCode
	AddInfo            string
	CustomDoc          string
	CustomDocMonthYear string
	RefDesc            string
	FacilityStamp      string
	// SellerIDTKU is the seller's place of business; empty means the
	// head office.
	SellerIDTKU string
	Buyer       Buyer
	Lines       []LineInput
}

// Invoice computes the invoice of in. A line that cannot be computed is
// reported with its field.
func (in Form) Invoice(sellerNPWP string) (Invoice, error) {
	inv := Invoice{Date: calendar.Midnight(in.Date), Option: "Normal", TrxCode: in.TrxCode, AddInfo: in.AddInfo, CustomDoc: in.CustomDoc,
		CustomDocMonthYear: in.CustomDocMonthYear, RefDesc: strings.TrimSpace(in.RefDesc), FacilityStamp: in.FacilityStamp,
		SellerIDTKU: in.SellerIDTKU, Buyer: in.Buyer}
	if inv.SellerIDTKU == "" {
		inv.SellerIDTKU = sellerNPWP + taxid.HeadOfficeSuffix
	}
	b := &inv.Buyer
	b.Name, b.Address, b.Email = strings.TrimSpace(b.Name), strings.TrimSpace(b.Address), strings.TrimSpace(b.Email)
	if b.Country == "" {
		b.Country = "IDN"
	}
	switch b.Document {
	case BuyerTIN:
		if b.DocumentNumber == "" {
			b.DocumentNumber = "-"
		}
		if b.IDTKU == "" && len(b.TIN) == 16 {
			b.IDTKU = b.TIN + taxid.HeadOfficeSuffix
		}
	case BuyerNationalID, BuyerPassport, BuyerOtherID:
		if b.TIN == "" {
			b.TIN = NoTIN
		}
		if b.IDTKU == "" {
			b.IDTKU = taxid.HeadOfficeSuffix
		}
	}
	var fields []errs.FieldError
	if len(in.Lines) == 0 {
		fields = append(fields, errs.Field("lines", "", "a faktur needs at least one line"))
	}
	if _, ok := TrxCodes[in.TrxCode]; !ok {
		fields = append(fields, errs.Field("trx_code", string(in.TrxCode), "is not a transaction code; use 01–10 (04 for most deliveries under PMK 131/2024)"))
	}
	if inv.Date.IsZero() {
		fields = append(fields, errs.Field("date", "", "is required; write the invoice date as YYYY-MM-DD"))
	}
	if len(fields) > 0 {
		return inv, errs.InvalidFields("the faktur cannot be computed", fields...)
	}
	for i, li := range in.Lines {
		l, err := ComputeLine(inv.Date, in.TrxCode, li)
		if err != nil {
			fields = append(fields, errs.Field(fmt.Sprintf("lines[%d]", i), li.Name, "%s", errs.Message(err)))
			continue
		}
		inv.Lines = append(inv.Lines, l)
	}
	if len(fields) > 0 {
		return inv, errs.InvalidFields("the faktur cannot be computed", fields...)
	}
	return inv, nil
}

// apiFields names the API field of each header element.
var apiFields = [numHeader]string{
	hDate: "date", hOpt: "option", hTrx: "trx_code", hAddInfo: "add_info", hCustomDoc: "custom_doc",
	hCustomDocMonthYear: "custom_doc_month_year", hRefDesc: "reference", hFacilityStamp: "facility_stamp",
	hSellerIDTKU: "seller_nitku", hBuyerTin: "buyer.tin", hBuyerDocument: "buyer.document", hBuyerCountry: "buyer.country",
	hBuyerDocumentNumber: "buyer.document_number", hBuyerName: "buyer.name", hBuyerAdress: "buyer.address",
	hBuyerEmail: "buyer.email", hBuyerIDTKU: "buyer.nitku", hList: "lines",
}

var apiLineFields = [numLine]string{
	lOpt: "kind", lCode: "code", lName: "name", lUnit: "unit", lPrice: "price", lQty: "quantity", lDiscount: "discount",
	lTaxBase: "tax_base", lOtherTaxBase: "other_tax_base", lVATRate: "vat_rate", lVAT: "vat", lSTLGRate: "ppnbm_rate", lSTLG: "ppnbm",
}

// FieldErrors turns problems of a keyed-in faktur into field errors named
// as the API and the forms name them (lines[0].price).
func FieldErrors(ps []Problem) []errs.FieldError {
	out := make([]errs.FieldError, 0, len(ps))
	for _, p := range ps {
		name := p.Field
		if p.Line > 0 {
			if f := indexOf(lineElements[:], p.Field); f >= 0 {
				name = fmt.Sprintf("lines[%d].%s", p.Line-1, apiLineFields[f])
			}
		} else if h := indexOf(headerElements[:], p.Field); h >= 0 {
			name = apiFields[h]
		}
		msg := p.Message
		if p.Fix != "" {
			msg += "; " + p.Fix
		}
		out = append(out, errs.Field(name, p.Value, "%s", msg))
	}
	return out
}

// check validates inv for seller as the server does: every rule of
// Validate, then the register: the seller is PKP on the invoice date and
// SellerIDTKU is one of its places; a buyer identified by NPWP is
// registered and BuyerIDTKU is one of its places. It returns the
// problems and the buyer's taxpayer ID (0 when the buyer is not
// identified by NPWP).
func (s *Service) check(ctx context.Context, inv *Invoice, sel Seller, opts Options, buyers map[string]buyerInfo) ([]Problem, int64, error) {
	return s.checkRegister(ctx, inv, sel, Validate(inv, sel.NPWP, opts), buyers)
}

// checkRegister adds to ps, the problems Validate found in inv, those of
// the register (see check).
func (s *Service) checkRegister(ctx context.Context, inv *Invoice, sel Seller, ps []Problem, buyers map[string]buyerInfo) ([]Problem, int64, error) {
	v := &validator{inv: inv, ps: ps}
	if !inv.Date.IsZero() && !inv.bad[hDate] {
		if ok, _ := sel.Profile.PKPOn(inv.Date); !ok {
			v.at(hDate, RuleRegistry, inv.Date.Format(time.DateOnly), fmt.Sprintf("the seller %s is not a PKP on %s, so it cannot issue a faktur", sel.NPWP, inv.Date.Format(time.DateOnly)),
				"only a PKP issues fakturs; the KPP confirms PKP status (pengukuhan PKP)")
		}
	}
	if isDigits(inv.SellerIDTKU, 22) && inv.SellerIDTKU[:16] == sel.NPWP && !hasPlace(sel.Profile.Places, inv.SellerIDTKU) {
		v.at(hSellerIDTKU, RuleRegistry, inv.SellerIDTKU, "SellerIDTKU is not a registered place of business of the seller",
			"use "+placeList(sel.Profile.Places))
	}
	var buyerID int64
	b := inv.Buyer
	if b.Document == BuyerTIN && isDigits(b.TIN, 16) && b.TIN != NoTIN {
		info, ok := buyers[b.TIN]
		if !ok {
			var err error
			info, err = s.buyer(ctx, b.TIN)
			if err != nil {
				return nil, 0, err
			}
			if buyers != nil {
				buyers[b.TIN] = info
			}
		}
		switch {
		case info.id == 0:
			v.at(hBuyerTin, RuleRegistry, b.TIN, fmt.Sprintf("no taxpayer is registered with NPWP %s", b.TIN),
				"check the buyer's NPWP; a buyer without one is identified by National ID, Passport or Other ID")
		case b.TIN == sel.NPWP:
			v.at(hBuyerTin, RuleValue, b.TIN, "the buyer is the seller itself", "a faktur is issued to another party")
		default:
			buyerID = info.id
			if isDigits(b.IDTKU, 22) && b.IDTKU[:16] == b.TIN && !info.places[b.IDTKU] {
				v.at(hBuyerIDTKU, RuleRegistry, b.IDTKU, "BuyerIDTKU is not a registered place of business of the buyer",
					"use the buyer's NITKU; "+b.TIN+"000000 is its head office")
			}
		}
	}
	return v.ps, buyerID, nil
}

type buyerInfo struct {
	id     int64
	places map[string]bool
}

func (s *Service) buyer(ctx context.Context, tin string) (buyerInfo, error) {
	n, _, err := taxid.ParseNPWP(tin)
	if err != nil {
		return buyerInfo{}, nil
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return buyerInfo{}, nil
	}
	if err != nil {
		return buyerInfo{}, err
	}
	p, err := s.register.Profile(ctx, t.ID)
	if err != nil {
		return buyerInfo{}, err
	}
	info := buyerInfo{id: t.ID, places: map[string]bool{}}
	for _, pl := range p.Places {
		info.places[string(pl.NITKU)] = true
	}
	return info, nil
}

func hasPlace(ps []registration.PlaceOfBusiness, nitku string) bool {
	for _, p := range ps {
		if string(p.NITKU) == nitku {
			return true
		}
	}
	return false
}

func placeList(ps []registration.PlaceOfBusiness) string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.NITKU))
	}
	if len(out) == 0 {
		return "a registered NITKU"
	}
	return "one of " + strings.Join(out, ", ")
}

// Options returns the validation options of the server on day today:
// the approval window (Window).
func (s *Service) Options() Options {
	from, to := Window(s.Today(), s.cfg.DeadlineDay)
	return Options{DateFrom: from, DateTo: to}
}

// build computes, validates and checks a keyed-in faktur.
func (s *Service) build(ctx context.Context, sel Seller, in Form, opts Options) (Faktur, error) {
	inv, err := in.Invoice(sel.NPWP)
	if err != nil {
		return Faktur{}, err
	}
	ps, buyerID, err := s.check(ctx, &inv, sel, opts, nil)
	if err != nil {
		return Faktur{}, err
	}
	if len(ps) > 0 {
		return Faktur{}, errs.InvalidFields(fmt.Sprintf("the faktur has %d problem(s)", len(ps)), FieldErrors(ps)...)
	}
	t, err := Sum(&inv)
	if err != nil {
		return Faktur{}, errs.InvalidFields("the faktur's totals are out of range", errs.Field("lines", "", "%s", err))
	}
	return Faktur{SellerID: sel.Profile.Taxpayer.ID, SellerNPWP: sel.NPWP, BuyerID: buyerID, Invoice: inv, Totals: t}, nil
}

// draftOptions are the checks of a draft: the date window is checked
// only at approval, so that a draft can be prepared early or kept.
var draftOptions = Options{}

// CreateDraft keys in a draft faktur for the seller npwp.
func (s *Service) CreateDraft(ctx context.Context, npwp string, in Form) (Faktur, error) {
	sel, err := s.seller(ctx, npwp, ActDraft)
	if err != nil {
		return Faktur{}, err
	}
	f, err := s.build(ctx, sel, in, draftOptions)
	if err != nil {
		return Faktur{}, err
	}
	now := s.now().UTC()
	f.Status, f.Source, f.Credit, f.CreatedAt, f.UpdatedAt, f.Version = Draft, "keyed", Uncredited, now, now, 1
	ev := s.entry(ctx, f.SellerID, "efaktur.draft", fmt.Sprintf("faktur draft keyed in: %s to %s, PPN %s", f.Invoice.Date.Format(time.DateOnly), f.Invoice.Buyer.Name, f.Totals.VAT.XML()))
	return s.store.CreateDraft(ctx, f, ev)
}

// own returns faktur id of the seller npwp after checking act.
func (s *Service) own(ctx context.Context, npwp string, id int64, act actor.Action) (Seller, Faktur, error) {
	sel, err := s.seller(ctx, npwp, act)
	if err != nil {
		return Seller{}, Faktur{}, err
	}
	f, err := s.store.Faktur(ctx, id)
	if err != nil {
		return Seller{}, Faktur{}, err
	}
	if f.SellerID != sel.Profile.Taxpayer.ID {
		return Seller{}, Faktur{}, errs.Errorf(errs.NotFound, "taxpayer %s has no faktur %d", sel.NPWP, id)
	}
	return sel, f, nil
}

// UpdateDraft replaces the contents of a draft edited from version.
func (s *Service) UpdateDraft(ctx context.Context, npwp string, id int64, version int, in Form) (Faktur, error) {
	sel, old, err := s.own(ctx, npwp, id, ActDraft)
	if err != nil {
		return Faktur{}, err
	}
	if old.Status != Draft {
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s is %s; only a draft can be edited (amend an approved faktur instead)", old.Number, old.Status)
	}
	f, err := s.build(ctx, sel, in, draftOptions)
	if err != nil {
		return Faktur{}, err
	}
	f.ID, f.Status, f.Source, f.Credit, f.CreatedAt, f.UpdatedAt, f.Version = id, Draft, old.Source, Uncredited, old.CreatedAt, s.now().UTC(), version
	ev := s.entry(ctx, f.SellerID, "efaktur.draft.update", fmt.Sprintf("faktur draft %d edited", id))
	return s.store.UpdateDraft(ctx, f, ev)
}

// DeleteDraft deletes a draft at version.
func (s *Service) DeleteDraft(ctx context.Context, npwp string, id int64, version int) error {
	_, old, err := s.own(ctx, npwp, id, ActDraft)
	if err != nil {
		return err
	}
	if old.Status != Draft {
		return errs.Errorf(errs.Conflict, "faktur %s is %s; only a draft can be deleted (cancel an approved faktur instead)", old.Number, old.Status)
	}
	return s.store.DeleteDraft(ctx, id, version, s.entry(ctx, old.SellerID, "efaktur.draft.delete", fmt.Sprintf("faktur draft %d deleted", id)))
}

// Ref names a faktur at the version it was seen at.
type Ref struct {
	ID      int64
	Version int
}

// MaxApprove is the most drafts one approval signs.
const MaxApprove = signing.MaxBatch

// Approve signs and numbers drafts of the seller npwp with one passphrase
// entry. Each draft is checked again as on the day of approval (the
// approval window, the register); if any fails, nothing is approved and
// the error lists each failing draft. Numbers are allocated inside the
// approving transaction, so a failed approval leaves no gap.
func (s *Service) Approve(ctx context.Context, npwp string, refs []Ref, passphrase string) ([]Faktur, error) {
	if len(refs) == 0 || len(refs) > MaxApprove {
		return nil, errs.InvalidFields("nothing to approve", errs.Field("fakturs", "", "holds %d fakturs; give 1 to %d", len(refs), MaxApprove))
	}
	sel, err := s.seller(ctx, npwp, ActApprove)
	if err != nil {
		return nil, err
	}
	opts := s.Options()
	fs := make([]*Faktur, 0, len(refs))
	var fields []errs.FieldError
	buyers := map[string]buyerInfo{}
	seen := map[int64]bool{}
	for i, r := range refs {
		name := fmt.Sprintf("fakturs[%d]", i)
		if seen[r.ID] {
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is named twice"))
			continue
		}
		seen[r.ID] = true
		f, err := s.store.Faktur(ctx, r.ID)
		if errs.Is(errs.NotFound, err) || err == nil && f.SellerID != sel.Profile.Taxpayer.ID {
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is not a faktur of %s", sel.NPWP))
			continue
		}
		if err != nil {
			return nil, err
		}
		if f.Status != Draft {
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is %s (%s); only drafts are approved", f.Status, f.Number))
			continue
		}
		if f.Version != r.Version {
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "was changed (version %d, you saw %d); reload it and approve again", f.Version, r.Version))
			continue
		}
		ps, buyerID, err := s.check(ctx, &f.Invoice, sel, opts, buyers)
		if err != nil {
			return nil, err
		}
		for _, fe := range FieldErrors(ps) {
			fields = append(fields, errs.Field(name+"."+fe.Field, fe.Value, "%s", fe.Message))
		}
		f.BuyerID = buyerID
		fs = append(fs, &f)
	}
	if len(fields) > 0 {
		return nil, errs.InvalidFields("no faktur was approved", fields...)
	}
	signer, err := s.signing.Open(ctx, roles.TaxInvoice, sel.Profile.Taxpayer.ID, passphrase, fmt.Sprintf("approving %d faktur(s)", len(fs)))
	if err != nil {
		return nil, err
	}
	if err := s.approve(ctx, sel, fs, signer); err != nil {
		return nil, err
	}
	out := make([]Faktur, len(fs))
	for i, f := range fs {
		out[i] = *f
	}
	return out, nil
}

// approve stores fs approved, signed by signer.
func (s *Service) approve(ctx context.Context, sel Seller, fs []*Faktur, signer *signing.Signer) error {
	now := s.now().UTC()
	name, err := s.signerName(ctx, signer)
	if err != nil {
		return err
	}
	for _, f := range fs {
		f.ApprovedAt, f.ApprovedBy, f.Status, f.Credit, f.UpdatedAt = now, name, Approved, Uncredited, now
		if f.CreatedAt.IsZero() {
			f.CreatedAt = now
		}
	}
	ev := s.entry(ctx, sel.Profile.Taxpayer.ID, "efaktur.approve", fmt.Sprintf("%d faktur(s) approved and signed with certificate %d", len(fs), signer.CertificateSerial()))
	return s.store.Approve(ctx, fs, signFunc(signer), ev)
}

// signFunc signs the canonical document of a numbered faktur.
func signFunc(signer *signing.Signer) SignFunc {
	return func(f *Faktur) (signing.Prepared, error) {
		doc, err := Document(f)
		if err != nil {
			return signing.Prepared{}, err
		}
		p, err := signer.Prepare(doc)
		if err != nil {
			return signing.Prepared{}, err
		}
		f.PublicID = p.Signature.PublicID
		return p, nil
	}
}

// signerName returns the name of the person who signs with signer, as
// the faktur shows it.
func (s *Service) signerName(ctx context.Context, signer *signing.Signer) (string, error) {
	p, err := s.register.Profile(ctx, signer.SignerID())
	if err != nil {
		return "", fmt.Errorf("signer %d: %w", signer.SignerID(), err)
	}
	return p.Taxpayer.Name, nil
}

// Amend replaces the approved faktur id (seen at version) of the seller
// npwp with a pengganti keyed in as in, signed with passphrase. The buyer's
// identity cannot change by amendment: a faktur to the wrong buyer is
// cancelled and issued anew (PER-11/PJ/2025; efaktur-xml.md §9). A faktur
// the buyer has credited is amended only after the buyer uncredits it.
func (s *Service) Amend(ctx context.Context, npwp string, id int64, version int, in Form, passphrase string) (Faktur, error) {
	sel, old, err := s.own(ctx, npwp, id, ActApprove)
	if err != nil {
		return Faktur{}, err
	}
	switch {
	case old.Status != Approved:
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %d is %s; only an approved faktur can be amended", id, old.Status)
	case old.Version != version:
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %s was changed (version %d, you saw %d); reload it and amend again", old.Number, old.Version, version)
	case old.Credit == Credited:
		return Faktur{}, errs.Errorf(errs.Conflict, "the buyer has credited faktur %s in %s; the buyer must uncredit it before it is amended", old.Number, old.CreditPeriod)
	}
	ob, nb := old.Invoice.Buyer, in.Buyer
	if nb.Document == "" {
		in.Buyer = ob
	} else if nb.Document != ob.Document || nb.TIN != ob.TIN && !(nb.TIN == "" && ob.TIN == NoTIN) || nb.DocumentNumber != ob.DocumentNumber && nb.DocumentNumber != "" && ob.DocumentNumber != "-" {
		return Faktur{}, errs.InvalidFields("the buyer cannot be changed by amendment",
			errs.Field("buyer", nb.TIN+nb.DocumentNumber, "differs from the buyer of faktur %s; cancel it and issue a new faktur to the right buyer", old.Number))
	}
	f, err := s.build(ctx, sel, in, draftOptions)
	if err != nil {
		return Faktur{}, err
	}
	if f.Invoice.Date.Year() != old.Invoice.Date.Year() {
		return Faktur{}, errs.InvalidFields("the pengganti keeps the year of the faktur it replaces",
			errs.Field("date", f.Invoice.Date.Format(time.DateOnly), "is in %d, but faktur %s is of %d; its NSFP carries the year", f.Invoice.Date.Year(), old.Number, old.Invoice.Date.Year()))
	}
	signer, err := s.signing.Open(ctx, roles.TaxInvoice, sel.Profile.Taxpayer.ID, passphrase, "amending faktur "+old.Number)
	if err != nil {
		return Faktur{}, err
	}
	name, err := s.signerName(ctx, signer)
	if err != nil {
		return Faktur{}, err
	}
	now := s.now().UTC()
	f.Status, f.Source, f.Credit, f.Replaces, f.ReplacesNumber = Approved, "amend", Uncredited, old.ID, old.Number
	f.ApprovedAt, f.ApprovedBy, f.CreatedAt, f.UpdatedAt, f.Version = now, name, now, now, 1
	ev := s.entry(ctx, sel.Profile.Taxpayer.ID, "efaktur.amend", fmt.Sprintf("faktur %s amended; pengganti signed with certificate %d", old.Number, signer.CertificateSerial()))
	if err := s.store.Amend(ctx, old, &f, signFunc(signer), ev); err != nil {
		return Faktur{}, err
	}
	return f, nil
}

// Cancel cancels the approved faktur id (seen at version) of the seller
// npwp. A faktur the buyer has credited is cancelled only after the
// buyer uncredits it: cancellation needs the buyer's agreement
// (efaktur-xml.md §9).
func (s *Service) Cancel(ctx context.Context, npwp string, id int64, version int, reason string) (Faktur, error) {
	_, old, err := s.own(ctx, npwp, id, ActApprove)
	if err != nil {
		return Faktur{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Faktur{}, errs.InvalidFields("say why the faktur is cancelled", errs.Field("reason", "", "is required, e.g. \"the transaction was cancelled\""))
	case len(reason) > 500:
		return Faktur{}, errs.InvalidFields("the reason is too long", errs.Field("reason", reason[:40]+"…", "holds %d characters; at most 500", len(reason)))
	case old.Status != Approved:
		return Faktur{}, errs.Errorf(errs.Conflict, "faktur %d is %s; only an approved faktur can be cancelled (delete a draft instead)", id, old.Status)
	case old.Credit == Credited:
		return Faktur{}, errs.Errorf(errs.Conflict, "the buyer has credited faktur %s in %s; the buyer must uncredit it before it is cancelled", old.Number, old.CreditPeriod)
	}
	ev := s.entry(ctx, old.SellerID, "efaktur.cancel", fmt.Sprintf("faktur %s cancelled: %s", old.Number, reason))
	return s.store.Cancel(ctx, id, version, s.now().UTC(), reason, ev)
}

// Faktur returns a faktur seen by the taxpayer npwp: its seller, or its
// buyer once approved.
func (s *Service) Faktur(ctx context.Context, npwp string, id int64) (Faktur, error) {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return Faktur{}, err
	}
	if err := s.policy.Allow(ctx, ActRead, t.ID); err != nil {
		return Faktur{}, err
	}
	f, err := s.store.Faktur(ctx, id)
	if err != nil {
		return Faktur{}, err
	}
	if f.SellerID != t.ID && (f.BuyerID != t.ID || f.Status == Draft) {
		return Faktur{}, errs.Errorf(errs.NotFound, "taxpayer %s has no faktur %d", t.NPWP, id)
	}
	return f, nil
}

// List returns a page of the fakturs of the taxpayer npwp from side
// f.Side, newest first; pass the last ID as f.After for the next page.
func (s *Service) List(ctx context.Context, npwp string, f Filter) ([]Faktur, error) {
	t, err := s.taxpayer(ctx, "npwp", npwp)
	if err != nil {
		return nil, err
	}
	if err := s.policy.Allow(ctx, ActRead, t.ID); err != nil {
		return nil, err
	}
	f.TaxpayerID = t.ID
	if err := f.normalise(); err != nil {
		return nil, err
	}
	return s.store.List(ctx, f)
}

func (f *Filter) normalise() error {
	switch f.Side {
	case "":
		f.Side = Output
	case Output, Input:
	default:
		return errs.InvalidFields("unknown side", errs.Field("side", string(f.Side), "use output (Pajak Keluaran) or input (Pajak Masukan)"))
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultLimit
	case f.Limit < 0 || f.Limit > MaxLimit:
		return errs.InvalidFields("the page size is out of range", errs.Field("limit", fmt.Sprint(f.Limit), "give 1 to %d", MaxLimit))
	}
	if f.Status != "" && !validStatus(f.Status) {
		return errs.InvalidFields("unknown status", errs.Field("status", string(f.Status), "use draft, approved, amended or cancelled"))
	}
	if f.Side == Input && f.Status == Draft {
		return errs.InvalidFields("a buyer sees no drafts", errs.Field("status", string(f.Status), "use approved, amended or cancelled"))
	}
	if f.Credit != "" && f.Credit != Uncredited && f.Credit != Credited && f.Credit != NotCredited {
		return errs.InvalidFields("unknown credit state", errs.Field("credit", string(f.Credit), "use uncredited, credited or not_credited"))
	}
	return nil
}

func validStatus(st Status) bool {
	for _, s := range Statuses {
		if s == st {
			return true
		}
	}
	return false
}

// Each calls fn for every faktur of npwp matching f, in pages, newest
// first, until fn returns an error: the export of a whole period, with
// no ceiling on the number of rows.
func (s *Service) Each(ctx context.Context, npwp string, f Filter, fn func(*Faktur) error) error {
	f.Limit = MaxLimit
	for {
		page, err := s.List(ctx, npwp, f)
		if err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.After = page[len(page)-1].ID
	}
}
