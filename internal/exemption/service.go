package exemption

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/taxid"
)

// Register reads the taxpayer register without the access policy.
type Register interface {
	TaxpayerByNPWP(ctx context.Context, npwp taxid.NPWP) (registration.Taxpayer, error)
}

// Service is the register of exemption certificates.
type Service struct {
	store    Store
	register Register
	policy   actor.Policy
	now      func() time.Time
}

// NewService returns the register's service.
func NewService(store Store, register Register, policy actor.Policy, now func() time.Time) *Service {
	return &Service{store: store, register: register, policy: policy, now: now}
}

// Input is a certificate as an officer keys it in. Dates are YYYY-MM-DD.
type Input struct {
	Kind        string
	Number      string
	TaxTypes    []string
	ObjectCodes []string
	ValidFrom   string
	ValidUntil  string
	Office      string
}

// Number rule. The notes give no format for SKB or Suket numbers (DJP
// letters are numbered like "KET-00012/SKB/WPJ.17/KP.0303/2026", but no
// source fixes it), so the rule is permissive and marked unverified:
// 5 to 60 characters of letters, digits and the separators "-", "/", "."
// and space, with at least one digit; stored trimmed and in capitals so
// that a slip's reference matches however it was typed.
const (
	minNumber = 5
	maxNumber = 60
)

// NormalizeNumber returns a certificate number as it is stored and
// compared: trimmed, inner runs of spaces made one, in capitals.
func NormalizeNumber(n string) string {
	return strings.ToUpper(strings.Join(strings.Fields(n), " "))
}

// checkNumber applies the number rule to a normalised number.
func checkNumber(n string) string {
	if len(n) < minNumber || len(n) > maxNumber {
		return fmt.Sprintf("holds %d characters; a certificate number has %d to %d, e.g. KET-00012/SKB/WPJ.17/KP.0303/2026", len(n), minNumber, maxNumber)
	}
	digit := false
	for _, r := range n {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'A' && r <= 'Z', r == '-', r == '/', r == '.', r == ' ':
		default:
			return fmt.Sprintf("contains %q; a certificate number has letters, digits and - / . only, as printed on the letter", r)
		}
	}
	if !digit {
		return "has no digit; type the number as printed on the letter, e.g. KET-00012/SKB/WPJ.17/KP.0303/2026"
	}
	return ""
}

// isObjectCode reports whether s has the form NN-NNN-NN.
func isObjectCode(s string) bool {
	if len(s) != 9 || s[2] != '-' || s[6] != '-' {
		return false
	}
	for i, r := range s {
		if i != 2 && i != 6 && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func parseDay(field, s string, required bool, fs *errs.Fields) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			fs.Add(field, "", "is required, as YYYY-MM-DD")
		}
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		fs.Add(field, s, "is not a date; write YYYY-MM-DD, e.g. 2026-01-15")
	}
	return d
}

// Check turns an Input into a certificate for the taxpayer, with every
// problem named by its field. It is a pure rule: the number's uniqueness
// is checked by the store.
func Check(in Input, taxpayerID int64) (Certificate, error) {
	var fs errs.Fields
	c := Certificate{TaxpayerID: taxpayerID, Kind: Kind(strings.TrimSpace(in.Kind)), Number: NormalizeNumber(in.Number),
		Office: strings.Join(strings.Fields(in.Office), " ")}
	info, ok := Info(c.Kind)
	if !ok {
		names := make([]string, len(Kinds))
		for i, k := range Kinds {
			names[i] = string(k.Kind)
		}
		fs.Add("kind", in.Kind, "is not a kind of exemption certificate; use one of %s", strings.Join(names, ", "))
	}
	if msg := checkNumber(c.Number); msg != "" {
		fs.Add("number", in.Number, "%s", msg)
	}
	for _, t := range in.TaxTypes {
		tt := TaxType(strings.TrimSpace(t))
		if tt == "" || slices.Contains(c.TaxTypes, tt) {
			continue
		}
		if ok && !slices.Contains(info.TaxTypes, tt) {
			allowed := make([]string, len(info.TaxTypes))
			for i, a := range info.TaxTypes {
				allowed[i] = string(a)
			}
			fs.Add("tax_types", t, "a %s covers %s only", info.Name, strings.Join(allowed, ", "))
			continue
		}
		c.TaxTypes = append(c.TaxTypes, tt)
	}
	if len(c.TaxTypes) == 0 && ok {
		c.TaxTypes = slices.Clone(info.TaxTypes)
	}
	for _, code := range in.ObjectCodes {
		code = strings.TrimSpace(code)
		if code == "" || slices.Contains(c.ObjectCodes, code) {
			continue
		}
		t, known := TaxTypeOfCode(code)
		switch {
		case !isObjectCode(code):
			fs.Add("object_codes", code, "is not a tax object code; write NN-NNN-NN, e.g. 24-104-01")
		case !ok:
			// The kind is refused already; its tax types are unknown.
		case !known || !slices.Contains(c.TaxTypes, t):
			fs.Add("object_codes", code, "is not a code of %s, which the certificate covers", c.Scope())
		default:
			c.ObjectCodes = append(c.ObjectCodes, code)
		}
	}
	c.ValidFrom = parseDay("valid_from", in.ValidFrom, true, &fs)
	c.ValidUntil = parseDay("valid_until", in.ValidUntil, false, &fs)
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && c.ValidUntil.Before(c.ValidFrom) {
		fs.Add("valid_until", in.ValidUntil, "is before valid from %s", c.ValidFrom.Format(time.DateOnly))
	}
	if n := len(c.Office); n < 3 || n > 120 {
		fs.Add("office", in.Office, "name the issuing tax office in 3 to 120 characters, e.g. KPP Pratama Badung Utara")
	}
	return c, fs.Err("the certificate is not valid")
}

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

// allowed loads the taxpayer npwp after checking act.
func (s *Service) allowed(ctx context.Context, npwp string, act actor.Action) (registration.Taxpayer, error) {
	t, err := s.taxpayer(ctx, npwp)
	if err != nil {
		return t, err
	}
	return t, s.policy.Allow(ctx, act, t.ID)
}

// Allow checks that the caller may perform act for the taxpayer npwp,
// before a transport reads a request's body.
func (s *Service) Allow(ctx context.Context, npwp string, act actor.Action) error {
	_, err := s.allowed(ctx, npwp, act)
	return err
}

// Record records a certificate issued to the taxpayer npwp.
func (s *Service) Record(ctx context.Context, npwp string, in Input) (Certificate, error) {
	t, err := s.allowed(ctx, npwp, ActRecord)
	if err != nil {
		return Certificate{}, err
	}
	c, err := Check(in, t.ID)
	if err != nil {
		return Certificate{}, err
	}
	now := s.now().UTC()
	c.NPWP, c.RecordedBy, c.CreatedAt, c.UpdatedAt = string(t.NPWP), actor.From(ctx).ID, now, now
	ev := audit.For(ctx, now, t.ID, "exemption.record", fmt.Sprintf("%s %s recorded (%s, valid %s, issued by %s)",
		c.Kind, c.Number, c.Scope(), validity(c), c.Office))
	if err := s.store.CreateCertificate(ctx, &c, ev); err != nil {
		return Certificate{}, err
	}
	return c, nil
}

func validity(c Certificate) string {
	if c.ValidUntil.IsZero() {
		return "from " + c.ValidFrom.Format(time.DateOnly) + " until revoked"
	}
	return c.ValidFrom.Format(time.DateOnly) + " to " + c.ValidUntil.Format(time.DateOnly)
}

// Revoke revokes the certificate id of the taxpayer npwp, seen at
// version, from the day from (YYYY-MM-DD; empty for today): from that day
// on it no longer relieves a slip.
func (s *Service) Revoke(ctx context.Context, npwp string, id int64, version int, from, reason string) (Certificate, error) {
	t, err := s.allowed(ctx, npwp, ActRecord)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.store.Certificate(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && c.TaxpayerID != t.ID {
		return Certificate{}, errs.Errorf(errs.NotFound, "taxpayer %s has no exemption certificate %d", t.NPWP, id)
	}
	if err != nil {
		return Certificate{}, err
	}
	var fs errs.Fields
	day := calendar.Day(s.now())
	if strings.TrimSpace(from) != "" {
		day = parseDay("revoked_from", from, true, &fs)
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		fs.Add("reason", "", "say why the certificate is revoked, e.g. \"the holder's turnover passed Rp 4.8 billion\"")
	case len(reason) > 500:
		fs.Add("reason", reason[:40]+"…", "holds %d characters; at most 500", len(reason))
	}
	if !day.IsZero() && day.Before(c.ValidFrom) {
		fs.Add("revoked_from", from, "is before the certificate is valid (%s); a certificate that never held is revoked from its first day", c.ValidFrom.Format(time.DateOnly))
	}
	if err := fs.Err("the certificate was not revoked"); err != nil {
		return Certificate{}, err
	}
	switch {
	case !c.RevokedFrom.IsZero():
		return Certificate{}, errs.Errorf(errs.Conflict, "certificate %s was already revoked from %s", c.Number, c.RevokedFrom.Format(time.DateOnly))
	case c.Version != version:
		return Certificate{}, errs.Errorf(errs.Conflict, "certificate %s was changed (version %d, you saw %d); reload it", c.Number, c.Version, version)
	}
	now := s.now().UTC()
	ev := audit.For(ctx, now, t.ID, "exemption.revoke", fmt.Sprintf("%s %s revoked from %s: %s", c.Kind, c.Number, day.Format(time.DateOnly), reason))
	out, err := s.store.RevokeCertificate(ctx, id, version, day, reason, actor.From(ctx).ID, now, ev)
	if err != nil {
		return Certificate{}, err
	}
	out.NPWP = string(t.NPWP)
	return out, nil
}

// List returns the certificates of the taxpayer npwp, newest first.
func (s *Service) List(ctx context.Context, npwp string) ([]Certificate, error) {
	t, err := s.allowed(ctx, npwp, ActRead)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.CertificatesOf(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i].NPWP = string(t.NPWP)
	}
	return cs, nil
}

// Certificate returns one certificate of the taxpayer npwp.
func (s *Service) Certificate(ctx context.Context, npwp string, id int64) (Certificate, error) {
	t, err := s.allowed(ctx, npwp, ActRead)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.store.Certificate(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && c.TaxpayerID != t.ID {
		return Certificate{}, errs.Errorf(errs.NotFound, "taxpayer %s has no exemption certificate %d", t.NPWP, id)
	}
	c.NPWP = string(t.NPWP)
	return c, err
}

// Covering returns the numbers of the certificates of the taxpayer that
// a slip under the facility (its TaxCertificate value) can rest on: of
// the facility's kind, active on the day and covering the object code.
// It reads without the access policy: a withholder checks its recipient's
// facility without seeing the recipient's profile. A facility that is
// not one of a certificate has none.
func (s *Service) Covering(ctx context.Context, taxpayerID int64, facility, objectCode string, day time.Time) ([]string, error) {
	kind, ok := KindOfFacility(facility)
	if !ok {
		return nil, nil
	}
	cs, err := s.store.CertificatesOf(ctx, taxpayerID)
	if err != nil {
		return nil, err
	}
	return Covering(cs, kind, objectCode, calendar.Midnight(day)), nil
}

// Covering returns the numbers of the certificates of kind among cs that
// are active on day and cover the object code.
func Covering(cs []Certificate, kind Kind, objectCode string, day time.Time) []string {
	var out []string
	for _, c := range cs {
		if c.Kind == kind && c.ActiveOn(day) && c.Covers(objectCode) {
			out = append(out, c.Number)
		}
	}
	return out
}

// Today is the current day in WIB.
func (s *Service) Today() time.Time { return calendar.Day(s.now()) }
