package ebupot

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/taxid"
)

// Register reads the taxpayer register without the access policy: a
// withholder resolves its recipients' NIKs.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
	Profile(ctx context.Context, id int64) (registration.Profile, error)
	PartiesOf(ctx context.Context, partyID int64) ([]registration.Representation, error)
}

// Signing opens a signer's key for a batch of documents.
type Signing interface {
	Open(ctx context.Context, family roles.Family, actingFor int64, passphrase, what string) (*signing.Signer, error)
}

// Service is e-Bupot.
type Service struct {
	store    Store
	register Register
	signing  Signing
	policy   actor.Policy
	now      func() time.Time
	// exemptions is the register the facilities resting on a
	// certificate are checked against (UseExemptions).
	exemptions Exemptions
}

// NewService returns the e-Bupot service.
func NewService(store Store, register Register, sign Signing, policy actor.Policy, now func() time.Time) *Service {
	return &Service{store: store, register: register, signing: sign, policy: policy, now: now}
}

// withholder is what the service knows of a withholder while checking
// its slips.
type withholder struct {
	Profile registration.Profile
	NPWP    string
}

func (w withholder) id() int64 { return w.Profile.Taxpayer.ID }

func (s *Service) taxpayer(ctx context.Context, npwp string) (registration.Taxpayer, error) {
	n, _, err := taxid.ParseNPWP(npwp)
	if err != nil {
		return registration.Taxpayer{}, errs.InvalidFields("the NPWP is not valid", errs.Field("npwp", npwp, "%s", errs.Message(err)))
	}
	t, err := s.register.TaxpayerByNPWP(ctx, n)
	if errs.Is(errs.NotFound, err) {
		return registration.Taxpayer{}, errs.Errorf(errs.NotFound, "no taxpayer is registered with NPWP %s", n)
	}
	return t, err
}

// withholder loads the withholder after checking act on the slips of
// either family (access.go); the caller checks the slip's own family once
// its type is known.
func (s *Service) withholder(ctx context.Context, npwp string, act actor.Action) (withholder, error) {
	t, err := s.taxpayer(ctx, npwp)
	if err != nil {
		return withholder{}, err
	}
	if err := s.allowEither(ctx, t.ID, act); err != nil {
		return withholder{}, err
	}
	p, err := s.register.Profile(ctx, t.ID)
	if err != nil {
		return withholder{}, err
	}
	return withholder{Profile: p, NPWP: string(t.NPWP)}, nil
}

// Allow checks that the caller may perform act for the taxpayer npwp,
// before a transport reads a request's body. For ActRead, ActDraft,
// ActCompute and ActSign it is enough to hold the role of either family
// (PPh 21/26 or unified): the call checks the slip's own family once its
// type is known.
func (s *Service) Allow(ctx context.Context, npwp string, act actor.Action) error {
	_, err := s.withholder(ctx, npwp, act)
	return err
}

func (s *Service) entry(ctx context.Context, taxpayerID int64, action, detail string) audit.Entry {
	return audit.For(ctx, s.now(), taxpayerID, action, detail)
}

// TemporaryName is the name Coretax gives the recipient of a slip made on
// a temporary TIN (ebupot.md §7).
func TemporaryName(nik string) string { return "PENERIMAPENGHASILAN#" + nik }

// build computes and checks one slip for w: compute's rules, then the
// register and the withholder's other slips.
func (s *Service) build(ctx context.Context, w withholder, in Input) (Slip, problems, error) {
	var months []money.Amount
	var credited money.Amount
	var ps problems
	// Resolve the recipient.
	r := &in.Recipient
	r.TIN = strings.TrimSpace(r.TIN)
	if !nonResident(in.Type) && r.Kind != objectcode.NonResident && len(r.TIN) == 16 && digits(r.TIN) {
		t, err := s.register.TaxpayerByNPWP(ctx, taxid.NPWP(r.TIN))
		switch {
		case err == nil:
			r.ID, r.Temporary = t.ID, false
			if strings.TrimSpace(r.Name) == "" {
				r.Name = t.Name
			}
		case errs.Is(errs.NotFound, err):
			// An unregistered NIK: a temporary TIN (ebupot.md §7).
			r.ID, r.Temporary, r.Name = 0, true, TemporaryName(r.TIN)
		default:
			return Slip{}, nil, err
		}
	}
	if Annual(in.Type) {
		var err error
		months, credited, err = s.monthly(ctx, w, in)
		if err != nil {
			return Slip{}, nil, err
		}
	}
	if err := s.offerCertificate(ctx, &in); err != nil {
		return Slip{}, nil, err
	}
	sl, cps := compute(in, w.NPWP, months, credited)
	ps = append(ps, cps...)
	sl.WithholderID, sl.WithholderNPWP = w.id(), w.NPWP
	if len(ps) > 0 {
		return sl, ps, nil
	}
	if !hasPlace(w.Profile.Places, sl.PlaceNITKU) {
		ps.add("place_nitku", sl.PlaceNITKU, "is not a registered place of business of %s", w.NPWP)
	}
	if Annual(sl.Type) && sl.Recipient.Temporary {
		ps.add("recipient.tin", sl.Recipient.TIN, "NIK %s is not registered, so its slips use a temporary TIN; a %s needs a registered NIK: cancel the monthly slips made on the temporary TIN and make them again once the NIK is registered (ebupot.md §7)", sl.Recipient.TIN, sl.Type)
	}
	withholderRules(w, &sl, &ps)
	// Tenure: a permanent-employee code needs the recipient to be this
	// withholder's employee.
	if sl.Recipient.Kind == objectcode.PermanentEmployee && !sl.Recipient.Temporary {
		if err := s.tenure(ctx, w, &sl, &ps); err != nil {
			return sl, nil, err
		}
	}
	if needsCertificate(sl.Facility) {
		// An SKB or Suket only with an active certificate of the
		// recipient covering the code (exemptions.go).
		if err := s.checkCertificate(ctx, &sl, &ps); err != nil {
			return sl, nil, err
		}
	}
	// One slip per recipient, code and period for the monthly and annual
	// slips; December (the last period) of a permanent employee is on
	// the BPA1 only (ebupot.md §4, §7).
	switch sl.Type {
	case objectcode.BPMP:
		if sl.Period.Month == 12 && sl.Recipient.Kind == objectcode.PermanentEmployee {
			ps.add("month", "12", "December is the last period of a permanent employee: its tax is computed on the %s for the year, not on a BPMP", w.annualType())
		}
		if err := s.unique(ctx, w, &sl, &ps); err != nil {
			return sl, nil, err
		}
		a1, err := s.store.List(ctx, Filter{WithholderID: w.id(), Type: w.annualType(), Year: sl.Period.Year, RecipientTIN: sl.Recipient.TIN, Current: true, Limit: 10})
		if err != nil {
			return sl, nil, err
		}
		for _, a := range a1 {
			if a.Status != Cancelled && sl.Period.Month >= a.MonthEnd {
				ps.add("month", fmt.Sprint(sl.Period.Month), "the %s %s already settles %d up to month %d; cancel or correct it first", a.Type, label(a), sl.Period.Year, a.MonthEnd)
			}
		}
	case objectcode.BPA1, objectcode.BPA2:
		if err := s.unique(ctx, w, &sl, &ps); err != nil {
			return sl, nil, err
		}
	case objectcode.BPPU, objectcode.BPNR:
		if err := s.sameDocument(ctx, w, &sl, &ps); err != nil {
			return sl, nil, err
		}
	}
	return sl, ps, nil
}

func label(s Slip) string {
	if s.Number != "" {
		return s.Number
	}
	return fmt.Sprintf("draft %d", s.ID)
}

// tenure checks that a permanent employee is this withholder's employee
// in the period; one registered as an employee elsewhere is refused with
// the code to use instead.
func (s *Service) tenure(ctx context.Context, w withholder, sl *Slip, ps *problems) error {
	day := sl.Period.First()
	for _, p := range w.Profile.Parties {
		if p.Relation == registration.Employee && (p.PartyID == sl.Recipient.ID || p.NIK == sl.Recipient.TIN) && activeInMonth(p, day) {
			return nil
		}
	}
	elsewhere := ""
	reps, err := s.register.PartiesOf(ctx, sl.Recipient.ID)
	if err != nil {
		return err
	}
	for _, r := range reps {
		if r.Relation == registration.Employee && r.TaxpayerID != w.id() && activeInMonth(r.RelatedParty, day) {
			elsewhere = fmt.Sprintf(" (they are registered as an employee of %s %s, which does not make them yours)", r.EntityNPWP, r.EntityName)
		}
	}
	ps.add("object_code", sl.ObjectCode, "%s is for permanent employees, but %s is not registered as an employee of %s in %d-%02d%s; a recipient paid without a permanent contract is a non-employee: use 21-100-20 (services) or 21-100-07 (experts) on a BP21, or register the employee first",
		sl.ObjectCode, sl.Recipient.TIN, w.NPWP, sl.Period.Year, sl.Period.Month, elsewhere)
	return nil
}

func activeInMonth(p registration.RelatedParty, first time.Time) bool {
	last := first.AddDate(0, 1, -1)
	return !p.ValidFrom.After(last) && (p.ValidUntil.IsZero() || !p.ValidUntil.Before(first))
}

// unique refuses a second current slip of the type for the recipient,
// code and period.
func (s *Service) unique(ctx context.Context, w withholder, sl *Slip, ps *problems) error {
	others, err := s.store.List(ctx, Filter{WithholderID: w.id(), Type: sl.Type, Year: sl.Period.Year, Month: sl.Period.Month,
		RecipientTIN: sl.Recipient.TIN, ObjectCode: sl.ObjectCode, Current: true, Limit: 10})
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.Status != Cancelled && o.ID != sl.Replaces && o.ID != sl.ID {
			ps.add("recipient.tin", sl.Recipient.TIN, "already has %s %s for %s in %d-%02d: one slip per recipient, object code and period; correct that slip instead",
				o.Type, label(o), sl.ObjectCode, sl.Period.Year, sl.Period.Month)
		}
	}
	return nil
}

// monthly returns the twelve monthly grosses of a BPA1 from the
// withholder's current signed BPMPs for the recipient in the months
// before MonthEnd, the last month's gross from in.Gross, and the tax of
// those BPMPs.
func (s *Service) monthly(ctx context.Context, w withholder, in Input) ([]money.Amount, money.Amount, error) {
	months := make([]money.Amount, 12)
	end := in.MonthEnd
	if end == 0 {
		end = 12
	}
	if end < 1 || end > 12 {
		return months, 0, nil
	}
	var credited money.Amount
	ss, err := s.store.List(ctx, Filter{WithholderID: w.id(), Type: objectcode.BPMP, Year: in.Year, RecipientTIN: strings.TrimSpace(in.Recipient.TIN), Current: true, Limit: MaxLimit})
	if err != nil {
		return nil, 0, err
	}
	for _, b := range ss {
		if b.Status != Signed || b.Period.Month >= end || b.Period.Month < 1 {
			continue
		}
		months[b.Period.Month-1] += b.Gross
		credited += b.Tax
	}
	months[end-1] += in.Gross
	return months, credited, nil
}

func hasPlace(ps []registration.PlaceOfBusiness, nitku string) bool {
	for _, p := range ps {
		if string(p.NITKU) == nitku {
			return true
		}
	}
	return false
}

func invalid(msg string, ps problems, prefix string) error {
	fs := make([]errs.FieldError, len(ps))
	for i, p := range ps {
		fs[i] = p
		fs[i].Field = prefix + p.Field
	}
	return errs.InvalidFields(msg, fs...)
}

// Calculate computes a slip for the withholder npwp without storing it:
// the tax and its explanation, with every rule applied.
func (s *Service) Calculate(ctx context.Context, npwp string, in Input) (Slip, error) {
	w, err := s.withholder(ctx, npwp, ActCompute)
	if err != nil {
		return Slip{}, err
	}
	if err := s.allowType(ctx, w.id(), ActCompute, in.Type); err != nil {
		return Slip{}, err
	}
	sl, ps, err := s.build(ctx, w, in)
	if err != nil {
		return Slip{}, err
	}
	if len(ps) > 0 {
		return sl, invalid(fmt.Sprintf("the slip has %d problem(s)", len(ps)), ps, "")
	}
	return sl, nil
}

// Create keys in a draft slip for the withholder npwp.
func (s *Service) Create(ctx context.Context, npwp string, in Input) (Slip, error) {
	w, err := s.withholder(ctx, npwp, ActDraft)
	if err != nil {
		return Slip{}, err
	}
	if err := s.allowType(ctx, w.id(), ActDraft, in.Type); err != nil {
		return Slip{}, err
	}
	sl, ps, err := s.build(ctx, w, in)
	if err != nil {
		return Slip{}, err
	}
	if len(ps) > 0 {
		return Slip{}, invalid(fmt.Sprintf("the slip has %d problem(s)", len(ps)), ps, "")
	}
	s.stamp(&sl)
	ev := s.entry(ctx, w.id(), "ebupot.draft", fmt.Sprintf("%s draft for %s, %s %d-%02d: tax %s", sl.Type, sl.Recipient.TIN, sl.ObjectCode, sl.Period.Year, sl.Period.Month, sl.Tax.XML()))
	if err := s.store.CreateDrafts(ctx, []*Slip{&sl}, ev); err != nil {
		return Slip{}, err
	}
	return sl, nil
}

func (s *Service) stamp(sl *Slip) {
	now := s.now().UTC()
	sl.Status, sl.CreatedAt, sl.UpdatedAt, sl.Version = Draft, now, now, 1
}

// RowResult is the outcome of one row of a batch: the draft it made, or
// its problems.
type RowResult struct {
	Row      int
	SlipID   int64
	Tax      money.Amount
	Problems []errs.FieldError
}

// Batch is a payroll batch: many slips keyed in or uploaded together.
type Batch struct {
	ID           int64
	WithholderID int64
	Source       string
	Rows         []RowResult
	Created      int
	Rejected     int
	CreatedAt    time.Time
}

// BatchStore keeps payroll batches with their per-row results.
type BatchStore interface {
	// CreateBatch stores the drafts of b's good rows and b with every
	// row's result, in one transaction: the batch and its drafts exist
	// together or not at all.
	CreateBatch(ctx context.Context, b *Batch, ss []*Slip, ev audit.Entry) error
	// Batch returns a batch.
	Batch(ctx context.Context, id int64) (Batch, error)
}

// MaxBatch is the most rows one batch holds.
const MaxBatch = 5000

// CreateBatch keys in many slips for the withholder npwp at once: every
// good row becomes a draft, every bad row is reported with its problems
// (fields prefixed rows[i].), and one bad row does not lose the good
// ones. The batch and its drafts are stored in one transaction.
func (s *Service) CreateBatch(ctx context.Context, npwp, source string, ins []Input, bs BatchStore) (Batch, error) {
	if len(ins) == 0 || len(ins) > MaxBatch {
		return Batch{}, errs.InvalidFields("the batch is empty or too large", errs.Field("rows", fmt.Sprint(len(ins)), "give 1 to %d rows", MaxBatch))
	}
	w, err := s.withholder(ctx, npwp, ActDraft)
	if err != nil {
		return Batch{}, err
	}
	rows := make([]batchRow, len(ins))
	for i, in := range ins {
		// A row of no known type is refused with its problem, not here.
		if _, err := objectcode.ParseSlipType(string(in.Type)); err == nil {
			if err := s.allowType(ctx, w.id(), ActDraft, in.Type); err != nil {
				return Batch{}, err
			}
		}
		rows[i] = batchRow{row: i + 1, in: in}
	}
	return s.runBatch(ctx, w, source, rows, bs)
}

// batchRow is one row of a batch: its position, its input and the
// problems found before it reached the service (a file's structure).
type batchRow struct {
	row, line int // 1-based row; the XML line of a file's row, else 0
	in        Input
	problems  []errs.FieldError
	// annual says the row states the year's gross, as an A1 row of a
	// Coretax file does, rather than the last month's.
	annual bool
}

// runBatch computes and checks every row and stores the batch: the good
// rows as drafts, every row's result.
func (s *Service) runBatch(ctx context.Context, w withholder, source string, rows []batchRow, bs BatchStore) (Batch, error) {
	b := Batch{WithholderID: w.id(), Source: source, CreatedAt: s.now().UTC()}
	var good []*Slip
	seen := map[string]int{}
	for _, r := range rows {
		res := RowResult{Row: r.row}
		ps := problems(r.problems)
		if len(ps) == 0 && r.annual {
			// The last month's gross is the year's less the signed
			// monthly slips'.
			annual := r.in.Gross
			r.in.Gross = 0
			months, _, err := s.monthly(ctx, w, r.in)
			if err != nil {
				return Batch{}, err
			}
			if r.in.Gross = annual - sum(months); r.in.Gross <= 0 {
				ps.add("SalaryPensionJhtTht", annual.XML(), "the year's gross is not more than the %s on the signed monthly slips of %s; the A1 states the whole year's income, the last month included", sum(months).XML(), r.in.Recipient.TIN)
			}
		}
		if len(ps) == 0 {
			sl, bps, err := s.build(ctx, w, r.in)
			if err != nil {
				return Batch{}, err
			}
			ps = bps
			key := fmt.Sprintf("%s|%s|%s|%d-%d", sl.Type, sl.Recipient.TIN, sl.ObjectCode, sl.Period.Year, sl.Period.Month)
			if j, dup := seen[key]; dup && (sl.Type == objectcode.BPMP || Annual(sl.Type)) {
				ps.add("recipient.tin", sl.Recipient.TIN, "row %d already has a %s for this recipient, code and period: one slip per recipient, object code and period", j, sl.Type)
			}
			seen[key] = r.row
			if len(ps) == 0 {
				s.stamp(&sl)
				good = append(good, &sl)
				res.Tax = sl.Tax
				b.Created++
				b.Rows = append(b.Rows, res)
				continue
			}
		}
		if r.line > 0 && len(r.problems) == 0 {
			// The file's structural problems name their line already.
			for i := range ps {
				ps[i].Message = fmt.Sprintf("XML line %d: %s", r.line, ps[i].Message)
			}
		}
		res.Problems = ps
		b.Rejected++
		b.Rows = append(b.Rows, res)
	}
	ev := s.entry(ctx, w.id(), "ebupot.batch", fmt.Sprintf("payroll batch (%s): %d drafts, %d rows rejected", source, b.Created, b.Rejected))
	if err := bs.CreateBatch(ctx, &b, good, ev); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// own returns slip id of withholder npwp after checking act.
func (s *Service) own(ctx context.Context, npwp string, id int64, act actor.Action) (withholder, Slip, error) {
	w, err := s.withholder(ctx, npwp, act)
	if err != nil {
		return withholder{}, Slip{}, err
	}
	sl, err := s.store.Slip(ctx, id)
	if err != nil {
		return withholder{}, Slip{}, err
	}
	if sl.WithholderID != w.id() {
		return withholder{}, Slip{}, errs.Errorf(errs.NotFound, "withholder %s has no slip %d", w.NPWP, id)
	}
	return w, sl, nil
}

// DeleteDraft deletes a draft at version.
func (s *Service) DeleteDraft(ctx context.Context, npwp string, id int64, version int) error {
	w, sl, err := s.own(ctx, npwp, id, ActDraft)
	if err != nil {
		return err
	}
	if err := s.allowType(ctx, w.id(), ActDraft, sl.Type); err != nil {
		return err
	}
	if sl.Status != Draft {
		return errs.Errorf(errs.Conflict, "slip %s is %s; only a draft can be deleted (cancel a signed slip instead)", label(sl), sl.Status)
	}
	return s.store.DeleteDraft(ctx, id, version, s.entry(ctx, w.id(), "ebupot.draft.delete", fmt.Sprintf("%s draft %d deleted", sl.Type, id)))
}

// Ref names a slip at the version it was seen at.
type Ref struct {
	ID      int64
	Version int
}

// family is the signing family of a slip type.
func family(t objectcode.SlipType) roles.Family {
	switch t {
	case objectcode.BPPU, objectcode.BPNR, objectcode.BPSP, objectcode.BPCY, objectcode.DDBU:
		return roles.WithholdingUnified
	}
	return roles.Withholding2126
}

// Sign signs and publishes drafts of the withholder npwp with one
// passphrase entry, all or nothing: each is numbered and signed in one
// transaction, and then appears in its recipient's slips received
// (unless made on a temporary TIN).
func (s *Service) Sign(ctx context.Context, npwp string, refs []Ref, passphrase string) ([]Slip, error) {
	if len(refs) == 0 || len(refs) > signing.MaxBatch {
		return nil, errs.InvalidFields("nothing to sign", errs.Field("slips", "", "holds %d slips; give 1 to %d", len(refs), signing.MaxBatch))
	}
	w, err := s.withholder(ctx, npwp, ActSign)
	if err != nil {
		return nil, err
	}
	var ss []*Slip
	var fields []errs.FieldError
	fam := roles.Family("")
	for i, r := range refs {
		name := fmt.Sprintf("slips[%d]", i)
		sl, err := s.store.Slip(ctx, r.ID)
		if errs.Is(errs.NotFound, err) || err == nil && sl.WithholderID != w.id() {
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is not a slip of %s", w.NPWP))
			continue
		}
		if err != nil {
			return nil, err
		}
		switch {
		case sl.Status != Draft:
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is %s (%s); only drafts are signed", sl.Status, label(sl)))
			continue
		case sl.Version != r.Version:
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "was changed (version %d, you saw %d); reload it", sl.Version, r.Version))
			continue
		case fam != "" && family(sl.Type) != fam:
			fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "is a %s slip; sign PPh 21/26 and unified slips separately", sl.Type))
			continue
		}
		if needsCertificate(sl.Facility) {
			// The certificate may have been revoked since the draft was
			// made: check it again before publishing.
			var ps problems
			if err := s.checkCertificate(ctx, &sl, &ps); err != nil {
				return nil, err
			}
			if len(ps) > 0 {
				fields = append(fields, errs.Field(name, fmt.Sprint(r.ID), "%s", ps[0].Message))
				continue
			}
		}
		fam = family(sl.Type)
		ss = append(ss, &sl)
	}
	if len(fields) > 0 {
		return nil, errs.InvalidFields("no slip was signed", fields...)
	}
	if err := s.allowType(ctx, w.id(), ActSign, ss[0].Type); err != nil {
		return nil, err
	}
	signer, err := s.signing.Open(ctx, fam, w.id(), passphrase, fmt.Sprintf("signing %d withholding slip(s)", len(ss)))
	if err != nil {
		return nil, err
	}
	name, err := s.signerName(ctx, signer)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	for _, sl := range ss {
		sl.Status, sl.SignedAt, sl.SignedBy, sl.UpdatedAt = Signed, now, name, now
	}
	ev := s.entry(ctx, w.id(), "ebupot.sign", fmt.Sprintf("%d slip(s) signed with certificate %d", len(ss), signer.CertificateSerial()))
	// The notices are written once the slips are numbered, in the
	// signing transaction (notice.go).
	notices, err := s.notices(ctx, w, NoticePublished, ss, "")
	if err != nil {
		return nil, err
	}
	if err := s.store.Sign(ctx, ss, signFunc(signer), notices, ev); err != nil {
		return nil, err
	}
	out := make([]Slip, len(ss))
	for i, sl := range ss {
		out[i] = *sl
	}
	return out, nil
}

func (s *Service) signerName(ctx context.Context, signer *signing.Signer) (string, error) {
	p, err := s.register.Profile(ctx, signer.SignerID())
	if err != nil {
		return "", fmt.Errorf("signer %d: %w", signer.SignerID(), err)
	}
	return p.Taxpayer.Name, nil
}

func signFunc(signer *signing.Signer) SignFunc {
	return func(sl *Slip) (signing.Prepared, error) {
		doc, err := Document(sl)
		if err != nil {
			return signing.Prepared{}, err
		}
		p, err := signer.Prepare(doc)
		if err != nil {
			return signing.Prepared{}, err
		}
		sl.PublicID = p.Signature.PublicID
		return p, nil
	}
}

// Document returns the document signed for a slip: its number, revision
// and every field that the slip states, as JSON with a fixed field order.
func Document(sl *Slip) ([]byte, error) {
	type doc struct {
		Type            string `json:"type"`
		Number          string `json:"number"`
		Revision        int    `json:"revision"`
		Withholder      string `json:"withholder"`
		Place           string `json:"place_nitku"`
		Year            int    `json:"year"`
		Month           int    `json:"month"`
		MonthStart      int    `json:"month_start,omitempty"`
		MonthEnd        int    `json:"month_end,omitempty"`
		Recipient       string `json:"recipient"`
		Name            string `json:"name"`
		Status          string `json:"ptkp,omitempty"`
		Code            string `json:"object_code"`
		Facility        string `json:"facility"`
		FacilityRef     string `json:"facility_ref,omitempty"`
		Gross           string `json:"gross"`
		Deemed          string `json:"deemed"`
		Rate            string `json:"rate"`
		Tax             string `json:"tax"`
		Withheld        string `json:"withheld"`
		DTP             string `json:"dtp"`
		Document        string `json:"document,omitempty"`
		DocumentNumber  string `json:"document_number,omitempty"`
		WithholdingDate string `json:"withholding_date"`
		SignedAt        string `json:"signed_at"`
		// The unified and BPA2 slips' own fields, left out when empty.
		RecipientNITKU string `json:"recipient_nitku,omitempty"`
		Country        string `json:"country,omitempty"`
		NIP            string `json:"nip,omitempty"`
		Final          bool   `json:"final,omitempty"`
		Treasurer      string `json:"treasurer,omitempty"`
		SP2D           string `json:"sp2d,omitempty"`
	}
	return json.Marshal(doc{Type: string(sl.Type), Number: sl.Number, Revision: sl.Revision, Withholder: sl.WithholderNPWP, Place: sl.PlaceNITKU,
		Year: sl.Period.Year, Month: sl.Period.Month, MonthStart: sl.MonthStart, MonthEnd: sl.MonthEnd, Recipient: sl.Recipient.TIN,
		Name: sl.Recipient.Name, Status: sl.Recipient.Status, Code: sl.ObjectCode, Facility: string(sl.Facility), FacilityRef: sl.FacilityRef,
		Gross: sl.Gross.XML(), Deemed: sl.Deemed.String(), Rate: sl.Rate.String(), Tax: sl.Tax.XML(), Withheld: sl.Withheld.XML(), DTP: sl.DTPTax.XML(),
		Document: sl.Document, DocumentNumber: sl.DocumentNumber, WithholdingDate: sl.WithholdingDate.Format(time.DateOnly),
		SignedAt: sl.SignedAt.UTC().Format(time.RFC3339), RecipientNITKU: sl.Recipient.NITKU, NIP: sl.Recipient.NIP, Final: sl.Final && Unified(sl.Type),
		Treasurer: string(sl.Treasurer), SP2D: sl.SP2D, Country: unifiedCountry(sl)})
}

// Correct replaces the signed slip id (seen at version) with a
// correction computed from in and signed with passphrase: the same number,
// the next revision and the same tax period (ebupot.md §5). The old
// revision is kept, marked corrected.
func (s *Service) Correct(ctx context.Context, npwp string, id int64, version int, in Input, passphrase string) (Slip, error) {
	w, old, err := s.own(ctx, npwp, id, ActSign)
	if err != nil {
		return Slip{}, err
	}
	if err := s.allowType(ctx, w.id(), ActSign, old.Type); err != nil {
		return Slip{}, err
	}
	switch {
	case old.Status != Signed:
		return Slip{}, errs.Errorf(errs.Conflict, "slip %s is %s; only a signed slip can be corrected", label(old), old.Status)
	case old.Version != version:
		return Slip{}, errs.Errorf(errs.Conflict, "slip %s was changed (version %d, you saw %d); reload it", old.Number, old.Version, version)
	case in.Type != "" && in.Type != old.Type:
		return Slip{}, errs.InvalidFields("a correction keeps the slip type", errs.Field("type", string(in.Type), "is not %s; cancel the slip and make a %s instead", old.Type, in.Type))
	case (in.Year != 0 && in.Year != old.Period.Year) || (in.Month != 0 && in.Month != old.Period.Month && !Annual(old.Type)):
		return Slip{}, errs.InvalidFields("a correction keeps the tax period", errs.Field("month", fmt.Sprintf("%d-%02d", in.Year, in.Month), "the period stays %d-%02d (ebupot.md §5)", old.Period.Year, old.Period.Month))
	}
	in.Type, in.Year = old.Type, old.Period.Year
	if !Annual(old.Type) {
		in.Month = old.Period.Month
	}
	sl, ps, err := s.buildCorrection(ctx, w, in, old)
	if err != nil {
		return Slip{}, err
	}
	if len(ps) > 0 {
		return Slip{}, invalid(fmt.Sprintf("the correction has %d problem(s)", len(ps)), ps, "")
	}
	signer, err := s.signing.Open(ctx, family(old.Type), w.id(), passphrase, "correcting slip "+old.Number)
	if err != nil {
		return Slip{}, err
	}
	name, err := s.signerName(ctx, signer)
	if err != nil {
		return Slip{}, err
	}
	now := s.now().UTC()
	sl.Status, sl.Number, sl.Revision, sl.Replaces = Signed, old.Number, old.Revision+1, old.ID
	sl.SignedAt, sl.SignedBy, sl.CreatedAt, sl.UpdatedAt, sl.Version = now, name, now, now, 1
	ev := s.entry(ctx, w.id(), "ebupot.correct", fmt.Sprintf("slip %s corrected (revision %d): tax %s, was %s", old.Number, sl.Revision, sl.Tax.XML(), old.Tax.XML()))
	notices, err := s.notices(ctx, w, NoticeCorrected, correctionNoticed(old, &sl), "")
	if err != nil {
		return Slip{}, err
	}
	if err := s.store.Correct(ctx, old, &sl, signFunc(signer), notices, ev); err != nil {
		return Slip{}, err
	}
	return sl, nil
}

func (s *Service) buildCorrection(ctx context.Context, w withholder, in Input, old Slip) (Slip, problems, error) {
	// The correction replaces old: the uniqueness check must not count it.
	sl, ps, err := s.build(ctx, w, in)
	if err != nil {
		return sl, nil, err
	}
	var keep problems
	for _, p := range ps {
		if (p.Field == "recipient.tin" || p.Field == "document_number") && strings.Contains(p.Message, label(old)) {
			continue
		}
		keep = append(keep, p)
	}
	return sl, keep, nil
}

// Cancel cancels the signed slip id (seen at version) of withholder npwp,
// with a reason: the transaction it records was cancelled (ebupot.md §5).
func (s *Service) Cancel(ctx context.Context, npwp string, id int64, version int, reason string) (Slip, error) {
	w, old, err := s.own(ctx, npwp, id, ActSign)
	if err != nil {
		return Slip{}, err
	}
	if err := s.allowType(ctx, w.id(), ActSign, old.Type); err != nil {
		return Slip{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Slip{}, errs.InvalidFields("say why the slip is cancelled", errs.Field("reason", "", "is required, e.g. \"the payment was not made\""))
	case len(reason) > 500:
		return Slip{}, errs.InvalidFields("the reason is too long", errs.Field("reason", reason[:40]+"…", "holds %d characters; at most 500", len(reason)))
	case old.Status != Signed:
		return Slip{}, errs.Errorf(errs.Conflict, "slip %s is %s; only a signed slip can be cancelled (delete a draft instead)", label(old), old.Status)
	}
	ev := s.entry(ctx, w.id(), "ebupot.cancel", fmt.Sprintf("slip %s cancelled: %s", old.Number, reason))
	notices, err := s.notices(ctx, w, NoticeCancelled, []*Slip{&old}, reason)
	if err != nil {
		return Slip{}, err
	}
	return s.store.Cancel(ctx, id, version, s.now().UTC(), reason, notices(), ev)
}

// Slip returns a slip seen by the taxpayer npwp: its withholder, or its
// recipient once published.
func (s *Service) Slip(ctx context.Context, npwp string, id int64) (Slip, error) {
	t, err := s.taxpayer(ctx, npwp)
	if err != nil {
		return Slip{}, err
	}
	if err := s.allowEither(ctx, t.ID, ActRead); err != nil {
		return Slip{}, err
	}
	sl, err := s.store.Slip(ctx, id)
	if err != nil {
		return Slip{}, err
	}
	if sl.WithholderID != t.ID && (sl.Recipient.ID != t.ID || sl.Status == Draft || sl.Recipient.Temporary) {
		return Slip{}, errs.Errorf(errs.NotFound, "taxpayer %s has no slip %d", t.NPWP, id)
	}
	if err := s.allowType(ctx, t.ID, ActRead, sl.Type); err != nil {
		return Slip{}, err
	}
	return sl, nil
}

// List returns a page of the withholder npwp's slips, newest first. A
// caller who may read the unified slips only (access.go) sees those
// only; asking such a caller's list for a PPh 21/26 type is refused with
// the role it needs.
func (s *Service) List(ctx context.Context, npwp string, f Filter) ([]Slip, error) {
	t, err := s.taxpayer(ctx, npwp)
	if err != nil {
		return nil, err
	}
	if err := s.allowEither(ctx, t.ID, ActRead); err != nil {
		return nil, err
	}
	f.WithholderID, f.RecipientID = t.ID, 0
	if err := f.normalise(); err != nil {
		return nil, err
	}
	all := s.allowFamily(ctx, t.ID, ActRead, false)
	switch {
	case all == nil:
		return s.store.List(ctx, f)
	case !errs.Is(errs.Forbidden, all):
		return nil, all
	case f.Type != "":
		if err := s.allowType(ctx, t.ID, ActRead, f.Type); err != nil {
			return nil, err
		}
		return s.store.List(ctx, f)
	}
	return s.listTypes(ctx, f, unifiedTypes)
}

// unifiedTypes are the slip types of the unified family.
var unifiedTypes = []objectcode.SlipType{objectcode.BPPU, objectcode.BPNR}

// listTypes returns the page of f (which names no type) among the slips
// of the types ts: each type's page from the store, merged newest first.
func (s *Service) listTypes(ctx context.Context, f Filter, ts []objectcode.SlipType) ([]Slip, error) {
	var out []Slip
	for _, t := range ts {
		tf := f
		tf.Type = t
		page, err := s.store.List(ctx, tf)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Received returns a page of the slips published to the taxpayer npwp
// ("slips received").
func (s *Service) Received(ctx context.Context, npwp string, f Filter) ([]Slip, error) {
	t, err := s.taxpayer(ctx, npwp)
	if err != nil {
		return nil, err
	}
	if err := s.policy.Allow(ctx, ActReceived, t.ID); err != nil {
		return nil, err
	}
	f.WithholderID, f.RecipientID = 0, t.ID
	if err := f.normalise(); err != nil {
		return nil, err
	}
	if f.Status == Draft {
		return nil, errs.InvalidFields("a recipient sees no drafts", errs.Field("status", string(f.Status), "use signed, corrected or cancelled"))
	}
	return s.store.List(ctx, f)
}

// Each calls fn for every slip of the withholder npwp matching f.
func (s *Service) Each(ctx context.Context, npwp string, f Filter, fn func(*Slip) error) error {
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

func (f *Filter) normalise() error {
	switch {
	case f.Limit == 0:
		f.Limit = DefaultLimit
	case f.Limit < 0 || f.Limit > MaxLimit:
		return errs.InvalidFields("the page size is out of range", errs.Field("limit", fmt.Sprint(f.Limit), "give 1 to %d", MaxLimit))
	}
	if f.Status != "" {
		ok := false
		for _, st := range Statuses {
			ok = ok || st == f.Status
		}
		if !ok {
			return errs.InvalidFields("unknown status", errs.Field("status", string(f.Status), "use draft, signed, corrected or cancelled"))
		}
	}
	if f.Type != "" {
		if _, err := objectcode.ParseSlipType(string(f.Type)); err != nil {
			return errs.InvalidFields("unknown slip type", errs.Field("type", string(f.Type), "%s", err))
		}
	}
	return nil
}

// Today is the current day in WIB.
func (s *Service) Today() time.Time { return calendar.Day(s.now()) }
