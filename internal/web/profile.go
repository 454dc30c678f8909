package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/httpmw"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// historyPage is the number of changes shown per page of the history.
const historyPage = 20

func profileURL(npwp string) string { return "/taxpayers/" + url.PathEscape(npwp) }

// flashes are the confirmations shown after a successful form, keyed by
// the done= parameter of the redirect.
var flashes = map[string]string{
	"registered":  "The taxpayer is registered. The NPWP below is in force from today.",
	"place":       "The place of business is added, with its NITKU.",
	"party":       "The related party is added.",
	"party_ended": "The related party's last day is recorded.",
	"pkp":         "The PKP status change is recorded.",
	"link":        "The legacy NPWP is linked; it now finds this taxpayer too.",
}

// Views of a profile.

type taxpayerView struct {
	NPWP, NPWPFormatted, Kind, KindLabel, Name string
	NIK, BirthDate, Sex                        string
	Passport, Nationality                      string
	StayPermit                                 string
	EntityForm, DeedNumber, RegistryNumber     string
	Address                                    addressView
	Email, Mobile                              string
	RegisteredAt, UpdatedAt                    string
	Version                                    int
	Individual, Resident                       bool
}

type addressView struct {
	Street, Province, Regency, District, PostalCode string
}

func newAddressView(a registration.Address) addressView {
	return addressView{
		Street:     a.Street,
		Province:   a.ProvinceCode + " " + areaName(a.ProvinceCode),
		Regency:    a.RegencyCode + " " + areaName(a.RegencyCode),
		District:   a.DistrictCode + " " + areaName(a.DistrictCode),
		PostalCode: a.PostalCode,
	}
}

type placeView struct {
	Seq                    int
	NITKU, Name, CreatedAt string
	HeadOffice             bool
	Address                addressView
}

type partyView struct {
	ID                             int64
	Relation, Name, NPWP, Identity string
	NPWPFormatted                  string
	SharePercent                   string
	MainPIC, Active                bool
	ValidFrom, ValidUntil          string
	EndValue                       string // the end form's value, after a rejected submission
	EndErrors                      *formErrors
}

type pkpEventView struct {
	Event, EffectiveDate, Note, Actor, RecordedAt string
}

type linkView struct {
	LegacyNPWP, LinkedAt, Actor, Note string
}

type changeView struct {
	At, Actor, Action, Field, Old, New string
}

// Forms on the profile page, as typed.

type placeForm struct {
	Name    string
	Address addressForm
	Errors  *formErrors
}

type partyForm struct {
	Relation, NPWP, Name, NIK, PassportNumber, Nationality string
	SharePercent, ValidFrom, ValidUntil, MainPIC           string
	Errors                                                 *formErrors
}

type pkpForm struct {
	Event, EffectiveDate, Note string
	Errors                     *formErrors
}

type linkForm struct {
	LegacyNPWP, Note string
	Errors           *formErrors
}

// profileForms holds the state of the profile's forms; all empty on a
// plain GET, one filled after a rejected submission.
type profileForms struct {
	PlaceForm placeForm
	PartyForm partyForm
	PKPForm   pkpForm
	LinkForm  linkForm
	EndParty  int64 // the party whose end form was rejected
	EndValue  string
	EndErrs   *formErrors
}

type profilePage struct {
	page
	Flash    string
	Today    string
	Taxpayer taxpayerView
	Places   []placeView
	Parties  []partyView
	MainPIC  *partyView
	PKP      bool
	PKPSince string
	Events   []pkpEventView
	Links    []linkView
	History  []changeView
	// Older is the URL of the next page of history, Newest the URL of
	// the first one when this is not it.
	Older, Newest string
	HasParties    bool // entities and government agencies have related parties
	profileForms
	Relations []optgroup
	PKPEvents []optgroup
}

func newTaxpayerView(t registration.Taxpayer) taxpayerView {
	v := taxpayerView{
		NPWP:           string(t.NPWP),
		NPWPFormatted:  t.NPWP.Format(),
		Kind:           string(t.Kind),
		KindLabel:      t.Kind.Label(),
		Name:           t.Name,
		NIK:            string(t.NIK),
		BirthDate:      date(t.BirthDate),
		Sex:            map[string]string{"M": "male", "F": "female"}[t.Sex],
		Passport:       t.Passport,
		Nationality:    t.Nationality,
		EntityForm:     string(t.EntityForm),
		DeedNumber:     t.DeedNumber,
		RegistryNumber: t.RegistryNumber,
		Address:        newAddressView(t.Address),
		Email:          t.Email,
		Mobile:         t.Mobile,
		RegisteredAt:   timestamp(t.RegisteredAt),
		UpdatedAt:      timestamp(t.UpdatedAt),
		Version:        t.Version,
		Individual:     t.Kind.Individual(),
		Resident:       t.Kind == registration.ResidentIndividual,
	}
	if p := t.StayPermit; p.Kind != "" {
		v.StayPermit = p.Kind + " " + p.Number
		if !p.Expires.IsZero() {
			v.StayPermit += ", expires " + date(p.Expires)
		}
	}
	return v
}

func newPartyView(r registration.RelatedParty, today time.Time) partyView {
	v := partyView{
		ID:            r.ID,
		Relation:      string(r.Relation),
		Name:          r.Name,
		NPWP:          string(r.PartyNPWP),
		NPWPFormatted: r.PartyNPWP.Format(),
		MainPIC:       r.MainPIC,
		Active:        r.ActiveOn(today),
		ValidFrom:     date(r.ValidFrom),
		ValidUntil:    date(r.ValidUntil),
		SharePercent:  sharePercent(r.ShareBP),
	}
	switch {
	case r.NIK != "":
		v.Identity = "NIK " + r.NIK
	case r.Passport != "":
		v.Identity = "passport " + r.Passport + " (" + r.Nationality + ")"
	}
	return v
}

func sharePercent(bp int) string {
	if bp == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// timestamp renders a moment in WIB, the zone of the tax office.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.WIB).Format("2006-01-02 15:04 WIB")
}

var relationChoices = choices("Choose the relation",
	"director", "Director (direktur)",
	"commissioner", "Commissioner (komisaris)",
	"shareholder", "Shareholder (pemegang saham)",
	"employee", "Employee (pegawai)")

var pkpEventChoices = choices("Choose the change",
	registration.PKPConfirmed, "Confirmed as PKP (pengukuhan)",
	registration.PKPRevoked, "PKP revoked (pencabutan)")

// profile handles GET /taxpayers/{npwp}?before=: the profile with its
// forms and a page of the history.
func (s *server) profile(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfile(w, r, http.StatusOK, profileForms{})
}

// renderProfile loads the taxpayer and renders the profile page with the
// given form state. A request for a number that is not the taxpayer's
// canonical NPWP (a formatted NPWP, a legacy NPWP) is redirected to it.
func (s *server) renderProfile(w http.ResponseWriter, r *http.Request, status int, forms profileForms) error {
	ctx := r.Context()
	npwp := r.PathValue("npwp")
	prof, err := s.reg.Profile(ctx, npwp)
	if err != nil {
		return err
	}
	t := prof.Taxpayer
	if string(t.NPWP) != npwp && r.Method == http.MethodGet {
		u := profileURL(string(t.NPWP))
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		return seeOther(w, r, u)
	}
	var before int64
	if r.Method == http.MethodGet {
		before, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	}
	hist, err := s.reg.History(ctx, npwp, max(before, 0), historyPage)
	if err != nil {
		return err
	}
	today := s.reg.Today()
	p := profilePage{
		page:         s.newPage(w, r, t.Name, ""),
		Today:        date(today),
		Taxpayer:     newTaxpayerView(t),
		HasParties:   !t.Kind.Individual(),
		profileForms: forms,
		Relations:    relationChoices,
		PKPEvents:    pkpEventChoices,
	}
	if r.Method == http.MethodGet {
		p.Flash = flashes[r.URL.Query().Get("done")]
	}
	for _, pl := range prof.Places {
		p.Places = append(p.Places, placeView{
			Seq: pl.Seq, NITKU: string(pl.NITKU), Name: pl.Name, CreatedAt: timestamp(pl.CreatedAt),
			HeadOffice: pl.HeadOffice(), Address: newAddressView(pl.Address),
		})
	}
	for _, rp := range prof.Parties {
		v := newPartyView(rp, today)
		if rp.ID == forms.EndParty {
			v.EndValue, v.EndErrors = forms.EndValue, forms.EndErrs
		}
		p.Parties = append(p.Parties, v)
	}
	if pic, ok := prof.MainPICOn(today); ok {
		v := newPartyView(pic, today)
		p.MainPIC = &v
	}
	var since time.Time
	p.PKP, since = prof.PKPOn(today)
	p.PKPSince = date(since)
	for _, e := range prof.PKP {
		p.Events = append(p.Events, pkpEventView{Event: e.Event, EffectiveDate: date(e.EffectiveDate), Note: e.Note, Actor: e.Actor, RecordedAt: timestamp(e.RecordedAt)})
	}
	for _, l := range prof.Links {
		p.Links = append(p.Links, linkView{LegacyNPWP: l.LegacyNPWP.Format(), LinkedAt: timestamp(l.LinkedAt), Actor: l.Actor, Note: l.Note})
	}
	for _, c := range hist {
		p.History = append(p.History, changeView{At: timestamp(c.At), Actor: c.Actor, Action: c.Action, Field: c.Field, Old: c.Old, New: c.New})
	}
	base := profileURL(string(t.NPWP))
	if len(hist) == historyPage {
		p.Older = fmt.Sprintf("%s?before=%d#history", base, hist[len(hist)-1].ID)
	}
	if before > 0 {
		p.Newest = base + "#history"
	}
	s.render(w, r, status, "profile", p)
	return nil
}

// formVersion reads the version the form was rendered with.
func formVersion(r *http.Request) (int, error) {
	s := r.PostForm.Get("version")
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, errs.InvalidFields("the form is incomplete", errs.Field("version", s, "is missing; reload the page and submit the form again"))
	}
	return v, nil
}

// rejected re-renders the profile with a form's errors when the Service
// rejected the input (422, or 409 for a clash or a stale version), and
// passes any other error on.
func (s *server) rejected(w http.ResponseWriter, r *http.Request, err error, prefix string, set func(*profileForms, *formErrors)) error {
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict {
		return err
	}
	fe := errorsOf(err)
	fe.Prefix = prefix
	var forms profileForms
	set(&forms, fe)
	return s.renderProfile(w, r, httpmw.Status(k), forms)
}
