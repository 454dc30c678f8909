package registration

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/taxid"
)

// ProfileUpdate holds the fields a taxpayer may change; nil fields stay as
// they are. Names of individuals follow the population or immigration
// registry and are not changed here.
type ProfileUpdate struct {
	Version    int // the version the caller loaded
	Name       *string
	Address    *AddressInput
	Email      *string
	Mobile     *string
	StayPermit *StayPermitInput
}

// StayPermitInput is a new stay permit as typed.
type StayPermitInput struct{ Kind, Number, Expires string }

// UpdateProfile changes a taxpayer's own fields and records each changed
// field in the history.
func (s *Service) UpdateProfile(ctx context.Context, npwp string, u ProfileUpdate) (Taxpayer, error) {
	t, err := s.Taxpayer(ctx, npwp)
	if err != nil {
		return Taxpayer{}, err
	}
	if err := s.allow(ctx, ActUpdate, t.ID); err != nil {
		return Taxpayer{}, err
	}
	today := s.Today()
	old := t
	var fs errs.Fields
	if u.Name != nil {
		if !t.Kind.Individual() {
			if f := checkName("name", *u.Name); f != nil {
				fs.Append(*f)
			} else {
				t.Name = cleanName(*u.Name)
			}
		} else if cleanName(*u.Name) != t.Name {
			fs.Add("name", *u.Name, "the name of an individual follows the population or immigration registry; have the registry corrected, then the tax office updates the name")
		}
	}
	if u.Address != nil {
		a, afs := u.Address.validate()
		fs.Append(afs.Prefix("address")...)
		t.Address = a
	}
	if u.Email != nil {
		if e, f := NormalizeEmail(*u.Email); f != nil {
			fs.Append(*f)
		} else {
			t.Email = e
		}
	}
	if u.Mobile != nil {
		if m, f := NormalizeMobile(*u.Mobile); f != nil {
			fs.Append(*f)
		} else {
			t.Mobile = m
		}
	}
	if u.StayPermit != nil {
		if t.Kind != ForeignIndividual {
			fs.Add("stay_permit_kind", u.StayPermit.Kind, "only foreign individuals have a stay permit")
		} else {
			app := Application{StayPermitKind: u.StayPermit.Kind, StayPermitNumber: u.StayPermit.Number, StayPermitExpires: u.StayPermit.Expires}
			t.StayPermit, fs = stayPermit(app, today, fs)
		}
	}
	if err := fs.Err("the change has errors; correct the fields named below"); err != nil {
		return Taxpayer{}, err
	}
	if t.Kind == Entity && t.Name != old.Name {
		c, err := s.registries.Company(ctx, t.RegistryNumber)
		if err != nil {
			return Taxpayer{}, errs.InvalidFields("the new name cannot be checked", registryMiss(err, "name", t.Name, "the entity's registry number is not in the company registry; import the company registry first"))
		}
		if !registry.SameName(c.Name, t.Name) {
			return Taxpayer{}, errs.InvalidFields("the new name does not match the company registry",
				errs.Field("name", t.Name, "differs from the company registry, which has %q; a change of name is recorded in the company registry first", c.Name))
		}
	}
	if t.Kind == ForeignIndividual && t.StayPermit != old.StayPermit && t.StayPermit.Kind != "" {
		fs = s.checkImmigration(ctx, "", t.Name, t.Passport, t.Nationality, &t.StayPermit, nil, nil, today)
		if err := fs.Err("the stay permit does not match the immigration registry"); err != nil {
			return Taxpayer{}, err
		}
	}
	now := s.now().UTC()
	hist := diff(old, t, now, actor.From(ctx).String())
	if len(hist) == 0 {
		return old, nil
	}
	t.UpdatedAt = now
	return s.store.UpdateTaxpayer(ctx, t, u.Version, hist)
}

// diff lists the fields that differ between two versions of a taxpayer.
func diff(a, b Taxpayer, at time.Time, who string) []Change {
	var out []Change
	add := func(field, o, n string) {
		if o != n {
			out = append(out, Change{At: at, Actor: who, Action: "update", Field: field, Old: o, New: n})
		}
	}
	add("name", a.Name, b.Name)
	add("address.street", a.Address.Street, b.Address.Street)
	add("address.province_code", a.Address.ProvinceCode, b.Address.ProvinceCode)
	add("address.regency_code", a.Address.RegencyCode, b.Address.RegencyCode)
	add("address.district_code", a.Address.DistrictCode, b.Address.DistrictCode)
	add("address.postal_code", a.Address.PostalCode, b.Address.PostalCode)
	add("email", a.Email, b.Email)
	add("mobile", a.Mobile, b.Mobile)
	add("stay_permit_kind", a.StayPermit.Kind, b.StayPermit.Kind)
	add("stay_permit_number", a.StayPermit.Number, b.StayPermit.Number)
	add("stay_permit_expires", dateString(a.StayPermit.Expires), dateString(b.StayPermit.Expires))
	return out
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// PlaceInput is a new place of business as typed.
type PlaceInput struct {
	Version int
	Name    string
	Address AddressInput
}

// AddPlace registers a new place of business (a branch TKU) and gives it
// the next NITKU: the owner's NPWP followed by 000001, 000002, ...
// (PER-6/PJ/2024).
func (s *Service) AddPlace(ctx context.Context, npwp string, in PlaceInput) (PlaceOfBusiness, error) {
	t, err := s.Taxpayer(ctx, npwp)
	if err != nil {
		return PlaceOfBusiness{}, err
	}
	if err := s.allow(ctx, ActManage, t.ID); err != nil {
		return PlaceOfBusiness{}, err
	}
	var fs errs.Fields
	if f := checkName("name", in.Name); f != nil {
		fs.Append(*f)
	}
	addr, afs := in.Address.validate()
	fs.Append(afs.Prefix("address")...)
	if err := fs.Err("the place of business has errors; correct the fields named below"); err != nil {
		return PlaceOfBusiness{}, err
	}
	now := s.now().UTC()
	p := PlaceOfBusiness{TaxpayerID: t.ID, Name: cleanName(in.Name), Address: addr, CreatedAt: now}
	hist := []Change{{At: now, Actor: actor.From(ctx).String(), Action: "add_place", Field: "places_of_business", New: p.Name}}
	return s.store.AddPlace(ctx, t.ID, in.Version, p, hist)
}

// PartyInput is a new related party as typed.
type PartyInput struct {
	Version        int
	Relation       string // director, commissioner, shareholder, employee
	NPWP           string // the party's own NPWP, when registered here; required for a main PIC
	Name           string
	NIK            string
	PassportNumber string
	Nationality    string
	SharePercent   string // shareholders, e.g. "25" or "12.5"
	ValidFrom      string // YYYY-MM-DD; empty for today
	ValidUntil     string // YYYY-MM-DD; empty for open-ended
	MainPIC        bool
}

// AddParty records a related party of an entity or government agency.
// The party is checked against the reference registries: a person by NIK
// in the population registry or by passport in the immigration registry,
// and a director, commissioner or shareholder in the company registry's
// officer list. When the party is appointed main PIC, the current main PIC
// (if any) ends the day before, so that there is exactly one at a time.
func (s *Service) AddParty(ctx context.Context, npwp string, in PartyInput) (RelatedParty, error) {
	prof, err := s.Profile(ctx, npwp)
	if err != nil {
		return RelatedParty{}, err
	}
	t := prof.Taxpayer
	if err := s.allow(ctx, ActManage, t.ID); err != nil {
		return RelatedParty{}, err
	}
	today := s.Today()
	if t.Kind.Individual() {
		return RelatedParty{}, errs.Errorf(errs.Invalid, "%s is an individual; related parties and a main PIC are registered for entities and government agencies", t.NPWP)
	}
	r, fs := s.party(ctx, in, today)
	if err := fs.Err("the related party has errors; correct the fields named below"); err != nil {
		return RelatedParty{}, err
	}
	r.TaxpayerID = t.ID
	if r.PartyID == t.ID {
		return RelatedParty{}, errs.InvalidFields("a taxpayer cannot be its own related party", errs.Field("npwp", in.NPWP, "is the entity's own NPWP"))
	}
	if fs := s.checkOfficer(ctx, t, r); len(fs) > 0 {
		return RelatedParty{}, fs.Err("the related party does not match the company registry; see each field")
	}
	var endPIC int64
	var endOn time.Time
	if r.MainPIC {
		cur, ok, err := picToEnd(prof.Parties, r)
		if err != nil {
			return RelatedParty{}, err
		}
		if ok {
			endPIC, endOn = cur.ID, r.ValidFrom.AddDate(0, 0, -1)
		}
	}
	now := s.now().UTC()
	r.CreatedAt = now
	who := actor.From(ctx).String()
	desc := fmt.Sprintf("%s %s from %s", r.Relation, r.Name, dateString(r.ValidFrom))
	if r.MainPIC {
		desc += " (main PIC)"
	}
	hist := []Change{{At: now, Actor: who, Action: "add_party", Field: "related_parties", New: desc}}
	if endPIC != 0 {
		hist = append(hist, Change{At: now, Actor: who, Action: "end_party", Field: "main_pic", Old: partyName(prof.Parties, endPIC), New: "ends " + dateString(endOn)})
	}
	return s.store.AddParty(ctx, in.Version, r, endPIC, endOn, hist)
}

func partyName(ps []RelatedParty, id int64) string {
	for _, p := range ps {
		if p.ID == id {
			return p.Name
		}
	}
	return strconv.FormatInt(id, 10)
}

// picToEnd finds the main PIC whose period must end for r to take over.
// A PIC that starts on or after r's first day cannot be ended this way.
func picToEnd(parties []RelatedParty, r RelatedParty) (RelatedParty, bool, error) {
	for _, p := range parties {
		if !p.MainPIC {
			continue
		}
		if !p.ValidUntil.IsZero() && p.ValidUntil.Before(r.ValidFrom) {
			continue // ended before the new PIC starts
		}
		if !p.ValidFrom.Before(r.ValidFrom) {
			return RelatedParty{}, false, errs.InvalidFields("the main PIC periods would overlap",
				errs.Field("valid_from", dateString(r.ValidFrom), "%s is main PIC from %s; a new main PIC must start after that day, or that appointment must be ended first", p.Name, dateString(p.ValidFrom)))
		}
		if !r.ValidUntil.IsZero() && (p.ValidUntil.IsZero() || p.ValidUntil.After(r.ValidUntil)) {
			return RelatedParty{}, false, errs.InvalidFields("the main PIC periods would overlap",
				errs.Field("valid_until", dateString(r.ValidUntil), "%s remains main PIC after this day; appoint the new main PIC open-ended, or end the current one first", p.Name))
		}
		return p, true, nil
	}
	return RelatedParty{}, false, nil
}

// party validates a party input and resolves it against the register and
// the reference registries.
func (s *Service) party(ctx context.Context, in PartyInput, today time.Time) (RelatedParty, errs.Fields) {
	var fs errs.Fields
	r := RelatedParty{Relation: Relation(strings.TrimSpace(in.Relation)), MainPIC: in.MainPIC}
	if !slices.Contains(Relations, r.Relation) {
		fs.Add("relation", in.Relation, "is not a relation; use one of director, commissioner, shareholder, employee")
	}
	r.ValidFrom = today
	if strings.TrimSpace(in.ValidFrom) != "" {
		d, err := parseDate(in.ValidFrom)
		if err != nil {
			fs.Add("valid_from", in.ValidFrom, "%s", err)
		} else {
			r.ValidFrom = d
		}
	}
	if strings.TrimSpace(in.ValidUntil) != "" {
		d, err := parseDate(in.ValidUntil)
		switch {
		case err != nil:
			fs.Add("valid_until", in.ValidUntil, "%s", err)
		case d.Before(r.ValidFrom):
			fs.Add("valid_until", in.ValidUntil, "is before valid_from %s; the last day cannot come before the first", dateString(r.ValidFrom))
		default:
			r.ValidUntil = d
		}
	}
	if strings.TrimSpace(in.SharePercent) != "" {
		bp, err := parseSharePercent(in.SharePercent)
		switch {
		case err != nil:
			fs.Add("share_percent", in.SharePercent, "%s", err)
		case r.Relation != Shareholder:
			fs.Add("share_percent", in.SharePercent, "applies to shareholders only")
		default:
			r.ShareBP = bp
		}
	}
	if strings.TrimSpace(in.NPWP) != "" {
		n, _, err := taxid.ParseNPWP(in.NPWP)
		if err != nil {
			fs.Add("npwp", in.NPWP, "%s", errs.Message(err))
			return r, fs
		}
		p, err := s.store.TaxpayerByNPWP(ctx, n)
		if err != nil {
			if errs.Is(errs.NotFound, err) {
				fs.Add("npwp", in.NPWP, "no taxpayer is registered with this NPWP; register the person first, or leave NPWP empty and give NIK or passport")
			} else {
				fs.Add("npwp", in.NPWP, "could not be looked up (%s); try again", errs.Message(err))
			}
			return r, fs
		}
		r.PartyID, r.PartyNPWP, r.Name = p.ID, p.NPWP, p.Name
		r.NIK, r.Passport, r.Nationality = string(p.NIK), p.Passport, p.Nationality
		if in.Name != "" && !registry.SameName(in.Name, p.Name) {
			fs.Add("name", in.Name, "differs from the registered name %q of NPWP %s; leave the name empty to use the registered one", p.Name, p.NPWP)
		}
		if r.MainPIC && !p.Kind.Individual() {
			fs.Add("main_pic", "true", "a main PIC is a person who acts through their own account; %s is not an individual", p.NPWP)
		}
		if p.Kind == ForeignIndividual {
			fs.Append(s.checkImmigration(ctx, "", p.Name, p.Passport, p.Nationality, nil, nil, nil, today)...)
		}
		return r, fs
	}
	if r.MainPIC {
		fs.Add("npwp", in.NPWP, "is required for a main PIC: the PIC acts through their own account, so register them as a taxpayer first and give their NPWP (or NIK)")
	}
	r.Name = cleanName(in.Name)
	if f := checkName("name", in.Name); f != nil {
		fs.Append(*f)
	}
	switch {
	case strings.TrimSpace(in.NIK) != "":
		nik, err := taxid.ParseNIK(in.NIK)
		if err != nil {
			fs.Add("nik", in.NIK, "%s", errs.Message(err))
			return r, fs
		}
		r.NIK = string(nik)
		p, err := s.registries.Person(ctx, string(nik))
		if err != nil {
			fs.Append(registryMiss(err, "nik", in.NIK, "is not in the population registry; check the NIK on the KTP"))
		} else if !registry.SameName(p.Name, in.Name) {
			fs.Add("name", in.Name, "differs from the population registry, which has %q for this NIK", p.Name)
		}
	case strings.TrimSpace(in.PassportNumber) != "":
		pp, err := taxid.ParsePassport(in.PassportNumber)
		if err != nil {
			fs.Add("passport_number", in.PassportNumber, "%s", errs.Message(err))
			return r, fs
		}
		c, err := taxid.ParseCountry(in.Nationality)
		if err != nil {
			fs.Add("nationality", in.Nationality, "%s", errs.Message(err))
			return r, fs
		}
		r.Passport, r.Nationality = string(pp), string(c)
		fs.Append(s.checkImmigration(ctx, "", in.Name, r.Passport, r.Nationality, nil, nil, nil, today)...)
	case r.Relation == Shareholder:
		// A shareholder may be an entity or a person known only by name.
	default:
		fs.Add("nik", in.NIK, "a related person is identified by NPWP, NIK or passport number; give one of them")
	}
	return r, fs
}

// checkOfficer checks a director, commissioner or shareholder of an entity
// against the company registry's officer list.
func (s *Service) checkOfficer(ctx context.Context, t Taxpayer, r RelatedParty) errs.Fields {
	var fs errs.Fields
	if t.Kind != Entity || r.Relation == Employee || t.RegistryNumber == "" {
		return nil
	}
	if r.NIK == "" && r.Passport == "" {
		return nil // a shareholder known by name only
	}
	c, err := s.registries.Company(ctx, t.RegistryNumber)
	if err != nil {
		fs.Append(registryMiss(err, "relation", string(r.Relation), "the entity's registry number "+t.RegistryNumber+" is not in the company registry; import the company registry first"))
		return fs
	}
	var byName []registry.Officer
	for _, o := range c.Officers {
		if !strings.EqualFold(string(o.Position), string(r.Relation)) {
			continue
		}
		if (r.NIK != "" && o.NIK == r.NIK) || (r.Passport != "" && o.Passport == r.Passport && o.Nationality == r.Nationality) {
			return nil
		}
		if registry.SameName(o.Name, r.Name) {
			byName = append(byName, o)
		}
	}
	if len(byName) > 0 {
		o := byName[0]
		switch {
		case r.Passport != "" && o.Passport != "":
			fs.Add("passport_number", r.Passport, "differs from the company registry, which lists %s %s with passport %s (%s); if the passport was renewed, update the company registry record (and the immigration registry), then retry", r.Relation, o.Name, o.Passport, o.Nationality)
		case r.NIK != "" && o.NIK != "":
			fs.Add("nik", r.NIK, "differs from the company registry, which lists %s %s with NIK %s; check the NIK or correct the company registry, then retry", r.Relation, o.Name, o.NIK)
		default:
			fs.Add("nik", r.NIK+r.Passport, "the company registry lists %s %s but with other identification; correct the company registry record, then retry", r.Relation, o.Name)
		}
		return fs
	}
	fs.Add("relation", string(r.Relation), "%s is not listed as %s of %s (registry number %s) in the company registry; record the appointment in the company registry first, then retry", r.Name, r.Relation, c.Name, t.RegistryNumber)
	return fs
}

// parseSharePercent parses a percentage with at most 2 decimals into basis
// points.
func parseSharePercent(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, fmt.Errorf("must be a percentage with at most 2 decimals, e.g. 25 or 12.5")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.Atoi(whole)
	f, err2 := strconv.Atoi(frac)
	if err1 != nil || err2 != nil || w < 0 {
		return 0, fmt.Errorf("must be a percentage with at most 2 decimals, e.g. 25 or 12.5")
	}
	bp := w*100 + f
	if bp <= 0 || bp > 10000 {
		return 0, fmt.Errorf("must be more than 0 and at most 100")
	}
	return bp, nil
}

// EndParty sets the last day of a related party's period.
func (s *Service) EndParty(ctx context.Context, npwp string, version int, partyID int64, until string) error {
	prof, err := s.Profile(ctx, npwp)
	if err != nil {
		return err
	}
	if err := s.allow(ctx, ActManage, prof.Taxpayer.ID); err != nil {
		return err
	}
	d, err := parseDate(until)
	if err != nil {
		return errs.InvalidFields("the end date is not valid", errs.Field("valid_until", until, "%s", err))
	}
	i := slices.IndexFunc(prof.Parties, func(r RelatedParty) bool { return r.ID == partyID })
	if i < 0 {
		return errs.Errorf(errs.NotFound, "related party %d is not registered for %s", partyID, prof.Taxpayer.NPWP)
	}
	r := prof.Parties[i]
	if d.Before(r.ValidFrom) {
		return errs.InvalidFields("the end date is not valid", errs.Field("valid_until", until, "is before the party's first day %s", dateString(r.ValidFrom)))
	}
	now := s.now().UTC()
	hist := []Change{{At: now, Actor: actor.From(ctx).String(), Action: "end_party", Field: "related_parties", Old: fmt.Sprintf("%s %s until %s", r.Relation, r.Name, orOpen(r.ValidUntil)), New: "until " + dateString(d)}}
	return s.store.EndParty(ctx, prof.Taxpayer.ID, version, partyID, d, hist)
}

func orOpen(t time.Time) string {
	if t.IsZero() {
		return "open-ended"
	}
	return dateString(t)
}

// SetPKP records a PKP confirmation (pengukuhan) or revocation
// (pencabutan) effective on a date. Events are kept as history; the status
// on any day follows from them. PKP confirmation is mandatory above a
// turnover of Rp 4.8 billion a year (PMK 197/PMK.03/2013) and voluntary
// below; this records the decision, it does not make it.
func (s *Service) SetPKP(ctx context.Context, npwp string, version int, event, effective, note string) (PKPEvent, error) {
	prof, err := s.Profile(ctx, npwp)
	if err != nil {
		return PKPEvent{}, err
	}
	if err := s.allow(ctx, ActSetPKP, prof.Taxpayer.ID); err != nil {
		return PKPEvent{}, err
	}
	var fs errs.Fields
	if event != PKPConfirmed && event != PKPRevoked {
		fs.Add("event", event, "must be confirmed (pengukuhan PKP) or revoked (pencabutan PKP)")
	}
	d, err := parseDate(effective)
	if err != nil {
		fs.Add("effective_date", effective, "%s", err)
	}
	if err := fs.Err("the PKP change has errors"); err != nil {
		return PKPEvent{}, err
	}
	if n := len(prof.PKP); n > 0 && d.Before(prof.PKP[n-1].EffectiveDate) {
		return PKPEvent{}, errs.InvalidFields("PKP changes are recorded in date order",
			errs.Field("effective_date", effective, "is before the last recorded change (%s on %s); record changes in date order", prof.PKP[n-1].Event, dateString(prof.PKP[n-1].EffectiveDate)))
	}
	pkp, since := pkpOn(prof.PKP, d)
	if event == PKPConfirmed && pkp {
		return PKPEvent{}, errs.InvalidFields("the taxpayer is already PKP",
			errs.Field("event", event, "%s has been PKP since %s", prof.Taxpayer.NPWP, dateString(since)))
	}
	if event == PKPRevoked && !pkp {
		return PKPEvent{}, errs.InvalidFields("the taxpayer is not PKP",
			errs.Field("event", event, "%s is not PKP on %s; there is nothing to revoke", prof.Taxpayer.NPWP, effective))
	}
	now := s.now().UTC()
	who := actor.From(ctx).String()
	e := PKPEvent{TaxpayerID: prof.Taxpayer.ID, Event: event, EffectiveDate: d, Note: strings.TrimSpace(note), Actor: who, RecordedAt: now}
	hist := []Change{{At: now, Actor: who, Action: "pkp", Field: "pkp_status", Old: pkpLabel(pkp), New: pkpLabel(event == PKPConfirmed) + " from " + dateString(d)}}
	return s.store.AddPKPEvent(ctx, version, e, hist)
}

func pkpLabel(pkp bool) string {
	if pkp {
		return "PKP"
	}
	return "not PKP"
}

// LinkNPWP links a legacy 15-digit NPWP to the resident individual with the
// given NIK (pemadanan NIK–NPWP, PMK 112/PMK.03/2022 as amended by PMK
// 136/2023). Afterwards the legacy number finds the same taxpayer.
func (s *Service) LinkNPWP(ctx context.Context, nik string, version int, legacy, note string) (NPWPLink, error) {
	t, err := s.Taxpayer(ctx, nik)
	if err != nil {
		return NPWPLink{}, err
	}
	if err := s.allow(ctx, ActLinkNPWP, t.ID); err != nil {
		return NPWPLink{}, err
	}
	if t.Kind != ResidentIndividual {
		return NPWPLink{}, errs.InvalidFields("only resident individuals use their NIK as NPWP",
			errs.Field("nik", nik, "%s is a %s; a legacy NPWP is linked to a resident individual's NIK", t.NPWP, t.Kind.Label()))
	}
	n, _, err := taxid.ParseNPWP(legacy)
	if err != nil {
		return NPWPLink{}, errs.InvalidFields("the legacy NPWP is not valid", errs.Field("legacy_npwp", legacy, "%s", errs.Message(err)))
	}
	if _, ok := n.Legacy(); !ok {
		return NPWPLink{}, errs.InvalidFields("the legacy NPWP is not valid", errs.Field("legacy_npwp", legacy, "is a NIK, not a legacy NPWP; give the old 15-digit number"))
	}
	if other, err := s.store.TaxpayerByNPWP(ctx, n); err == nil {
		if other.ID == t.ID {
			return NPWPLink{}, errs.InvalidFields("already linked", errs.Field("legacy_npwp", legacy, "is already linked to %s", t.NPWP))
		}
		return NPWPLink{}, Taken("legacy_npwp", legacy)
	} else if !errs.Is(errs.NotFound, err) {
		return NPWPLink{}, err
	}
	now := s.now().UTC()
	who := actor.From(ctx).String()
	l := NPWPLink{LegacyNPWP: n, TaxpayerID: t.ID, LinkedAt: now, Actor: who, Note: strings.TrimSpace(note)}
	hist := []Change{{At: now, Actor: who, Action: "link_npwp", Field: "legacy_npwp", New: n.Format()}}
	if err := s.store.AddLink(ctx, version, l, hist); err != nil {
		return NPWPLink{}, err
	}
	return l, nil
}
