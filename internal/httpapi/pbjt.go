package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// The PBJT routes: the Bali regions' configuration and a taxpayer's
// properties (doc/pbjt.md).

func (s *server) pbjtService() (*pbjt.Service, error) {
	if s.pbjt == nil {
		return nil, errs.E(errs.Unavailable, "regional tax (PBJT) is not served by this server")
	}
	return s.pbjt, nil
}

type pbjtValueJSON[T any] struct {
	Value  T      `json:"value"`
	Status string `json:"status"`
	Source string `json:"source"`
}

func valueOut[T any](v pbjt.Value[T]) pbjtValueJSON[T] {
	return pbjtValueJSON[T]{Value: v.Value, Status: string(v.Status), Source: v.Source}
}

type regionJSON struct {
	Code              string                `json:"code"`
	Name              string                `json:"name"`
	From              string                `json:"from"`
	Regulation        pbjtValueJSON[string] `json:"regulation"`
	Office            pbjtValueJSON[string] `json:"office"`
	Rate              pbjtValueJSON[int64]  `json:"rate_bp"`
	FilingDay         pbjtValueJSON[int]    `json:"filing_day"`
	PaymentDay        pbjtValueJSON[int]    `json:"payment_day"`
	InterestPerMonth  pbjtValueJSON[int64]  `json:"interest_bp_per_month"`
	InterestMaxMonths pbjtValueJSON[int]    `json:"interest_max_months"`
	LateFilingFine    pbjtValueJSON[int64]  `json:"late_filing_fine_sen"`
	FormLayout        pbjtValueJSON[string] `json:"form_layout"`
	Numbering         pbjtValueJSON[string] `json:"numbering"`
	PaymentCode       pbjtValueJSON[string] `json:"payment_code"`
	Note              string                `json:"note"`
	RecordedBy        *string               `json:"recorded_by"`
	RecordedAt        *string               `json:"recorded_at"`
}

func regionOut(v pbjt.Version) regionJSON {
	out := regionJSON{Code: v.RegencyCode, Name: v.Name(), From: v.From.Format(time.DateOnly),
		Regulation: valueOut(v.Regulation), Office: valueOut(v.Office),
		Rate:      pbjtValueJSON[int64]{Value: int64(v.Rate.Value), Status: string(v.Rate.Status), Source: v.Rate.Source},
		FilingDay: valueOut(v.FilingDay), PaymentDay: valueOut(v.PaymentDay),
		InterestPerMonth: pbjtValueJSON[int64]{Value: int64(v.InterestPerMonth.Value), Status: string(v.InterestPerMonth.Status),
			Source: v.InterestPerMonth.Source},
		InterestMaxMonths: valueOut(v.InterestMaxMonths),
		LateFilingFine: pbjtValueJSON[int64]{Value: v.LateFilingFine.Value.Sen(), Status: string(v.LateFilingFine.Status),
			Source: v.LateFilingFine.Source},
		FormLayout: valueOut(v.FormLayout), Numbering: valueOut(v.Numbering), PaymentCode: valueOut(v.PaymentCode), Note: v.Note}
	if !v.Default() {
		at := v.RecordedAt.UTC().Format(time.RFC3339)
		out.RecordedBy, out.RecordedAt = &v.RecordedBy, &at
	}
	return out
}

// regencies handles GET /regencies?on=: the configuration of the nine
// Bali regions in force on a day, today (WIB) by default. Public.
func (s *server) regencies(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	var fs errs.Fields
	on := dayParam(&fs, "on", r.URL.Query().Get("on"))
	if err := fs.Err("the query cannot be read"); err != nil {
		return err
	}
	if on.IsZero() {
		on = calendar.Day(s.now())
	}
	vs, err := svc.Regions(r.Context(), on)
	if err != nil {
		return err
	}
	out := struct {
		On      string       `json:"on"`
		Regions []regionJSON `json:"regions"`
	}{On: on.Format(time.DateOnly), Regions: make([]regionJSON, len(vs))}
	for i, v := range vs {
		out.Regions[i] = regionOut(v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type unitJSON struct {
	Name  string `json:"name"`
	Rooms int    `json:"rooms"`
}

type ownerJSON struct {
	NPWP  string  `json:"npwp"`
	Name  string  `json:"name,omitempty"`
	Share int     `json:"share_bp"`
	From  string  `json:"from"`
	Until *string `json:"until"`
}

type propertyJSON struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	Address     addressJSON `json:"address"`
	RegencyCode string      `json:"regency_code"`
	NPWPD       *string     `json:"npwpd"`
	Units       []unitJSON  `json:"units"`
	Owners      []ownerJSON `json:"owners"`
	CreatedAt   string      `json:"created_at"`
	UpdatedAt   string      `json:"updated_at"`
	Version     int         `json:"version"`
}

func propertyOut(p pbjt.Property) propertyJSON {
	a := p.Address
	out := propertyJSON{ID: p.ID, Name: p.Name, Kind: string(p.Kind), RegencyCode: p.RegencyCode,
		Address: addressJSON{Street: a.Street, ProvinceCode: a.ProvinceCode, RegencyCode: a.RegencyCode, DistrictCode: a.DistrictCode, PostalCode: a.PostalCode},
		Units:   make([]unitJSON, len(p.Units)), Owners: make([]ownerJSON, len(p.Owners)),
		CreatedAt: p.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339), Version: p.Version}
	if p.NPWPD != "" {
		out.NPWPD = &p.NPWPD
	}
	for i, u := range p.Units {
		out.Units[i] = unitJSON(u)
	}
	for i, o := range p.Owners {
		out.Owners[i] = ownerJSON{NPWP: o.NPWP, Name: o.Name, Share: o.Share, From: o.From.Format(time.DateOnly), Until: optionalDay(o.Until)}
	}
	return out
}

func optionalDay(d time.Time) *string {
	if d.IsZero() {
		return nil
	}
	s := d.Format(time.DateOnly)
	return &s
}

type dueJSON struct {
	Period string  `json:"period"`
	Due    *string `json:"due"`
}

type holdingJSON struct {
	Property propertyJSON `json:"property"`
	Operator bool         `json:"operator"`
	Share    int          `json:"share_bp"`
	Region   regionJSON   `json:"region"`
	Filing   dueJSON      `json:"filing"`
	Payment  dueJSON      `json:"payment"`
	DueNote  string       `json:"due_note"`
	// NextDeclaration is the oldest ended month not declared; absent
	// when the declarations are not served, null when every month is
	// declared (doc/pbjt-declarations.md).
	NextDeclaration *nextDeclarationJSON `json:"next_declaration,omitempty"`
}

type nextDeclarationJSON struct {
	Month   *string `json:"month"`
	Due     *string `json:"due"`
	Overdue bool    `json:"overdue"`
}

// properties handles GET /taxpayers/{npwp}/properties: the portfolio,
// every property the taxpayer operates or owns today with its region's
// configuration and its next deadlines.
func (s *server) properties(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	hs, err := svc.Portfolio(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	out := struct {
		Properties []holdingJSON `json:"properties"`
	}{Properties: make([]holdingJSON, len(hs))}
	for i, h := range hs {
		out.Properties[i] = holdingJSON{Property: propertyOut(h.Property), Operator: h.Operator, Share: h.Share, Region: regionOut(h.Region),
			Filing:  dueJSON{Period: h.FilingPeriod.String(), Due: optionalDay(h.FilingDue)},
			Payment: dueJSON{Period: h.PaymentPeriod.String(), Due: optionalDay(h.PaymentDue)}, DueNote: h.DueNote}
		if s.pbjtDeclarations != nil {
			ov, err := s.pbjtDeclarations.Overview(r.Context(), r.PathValue("npwp"), h.Property.ID)
			if err != nil {
				return err
			}
			next := &nextDeclarationJSON{}
			if n := ov.Next; n != nil {
				m := n.Period.String()
				next.Month, next.Due, next.Overdue = &m, optionalDay(n.FilingDue), n.Overdue
			}
			out.Properties[i].NextDeclaration = next
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type propertyForm struct {
	Name    string      `json:"name"`
	Kind    string      `json:"kind"`
	Address addressJSON `json:"address"`
	NPWPD   string      `json:"npwpd"`
	Units   []unitJSON  `json:"units"`
	Owners  []struct {
		NPWP  string `json:"npwp"`
		Share int    `json:"share_bp"`
		From  string `json:"from"`
		Until string `json:"until"`
	} `json:"owners"`
}

func (q propertyForm) input() (pbjt.PropertyInput, error) {
	in := pbjt.PropertyInput{Name: q.Name, Kind: q.Kind, Address: q.Address.input(), NPWPD: q.NPWPD}
	for _, u := range q.Units {
		in.Units = append(in.Units, pbjt.Unit(u))
	}
	var fs errs.Fields
	for i, o := range q.Owners {
		f := fmt.Sprintf("owners[%d]", i)
		in.Owners = append(in.Owners, pbjt.OwnerInput{NPWP: o.NPWP, Share: o.Share,
			From: dayParam(&fs, f+".from", o.From), Until: dayParam(&fs, f+".until", o.Until)})
	}
	return in, fs.Err("the property is not valid")
}

// registerProperty handles POST /taxpayers/{npwp}/properties: registers a
// property to the taxpayer; its region is derived from the address.
func (s *server) registerProperty(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.Allow(r.Context(), npwp, pbjt.ActManage); err != nil {
		return err
	}
	var q propertyForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	in, err := q.input()
	if err != nil {
		return err
	}
	p, err := svc.RegisterProperty(r.Context(), npwp, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, propertyOut(p))
	return nil
}

// regionVersions handles GET /regencies/{code}/versions: every version of
// a region, oldest first, the shipped ones and those officers added.
// Public.
func (s *server) regionVersions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	vs, err := svc.RegionVersions(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := struct {
		Versions []regionJSON `json:"versions"`
	}{Versions: make([]regionJSON, len(vs))}
	for i, v := range vs {
		out.Versions[i] = regionOut(v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// versionForm is a version of a region's configuration as an officer
// enters it: every value with its status and source.
type versionForm struct {
	From              string                `json:"from"`
	Regulation        pbjtValueJSON[string] `json:"regulation"`
	Office            pbjtValueJSON[string] `json:"office"`
	Rate              pbjtValueJSON[int64]  `json:"rate_bp"`
	FilingDay         pbjtValueJSON[int]    `json:"filing_day"`
	PaymentDay        pbjtValueJSON[int]    `json:"payment_day"`
	InterestPerMonth  pbjtValueJSON[int64]  `json:"interest_bp_per_month"`
	InterestMaxMonths pbjtValueJSON[int]    `json:"interest_max_months"`
	LateFilingFine    pbjtValueJSON[int64]  `json:"late_filing_fine_sen"`
	FormLayout        pbjtValueJSON[string] `json:"form_layout"`
	Numbering         pbjtValueJSON[string] `json:"numbering"`
	// PaymentCode may be left out: the version then gets
	// pbjt.DefaultPaymentCode.
	PaymentCode pbjtValueJSON[string] `json:"payment_code"`
	Note        string                `json:"note"`
}

func valueIn[T any](v pbjtValueJSON[T]) pbjt.Value[T] {
	return pbjt.Value[T]{Value: v.Value, Status: pbjt.Status(v.Status), Source: v.Source}
}

func (q versionForm) version(code string) (pbjt.Version, error) {
	var fs errs.Fields
	from := dayParam(&fs, "from", q.From)
	v := pbjt.Version{RegencyCode: code, From: from, Regulation: valueIn(q.Regulation), Office: valueIn(q.Office),
		Rate:      pbjt.Value[pbjt.Rate]{Value: pbjt.Rate(q.Rate.Value), Status: pbjt.Status(q.Rate.Status), Source: q.Rate.Source},
		FilingDay: valueIn(q.FilingDay), PaymentDay: valueIn(q.PaymentDay),
		InterestPerMonth: pbjt.Value[pbjt.Rate]{Value: pbjt.Rate(q.InterestPerMonth.Value), Status: pbjt.Status(q.InterestPerMonth.Status),
			Source: q.InterestPerMonth.Source},
		InterestMaxMonths: valueIn(q.InterestMaxMonths),
		LateFilingFine: pbjt.Value[money.Amount]{Value: money.Amount(q.LateFilingFine.Value), Status: pbjt.Status(q.LateFilingFine.Status),
			Source: q.LateFilingFine.Source},
		FormLayout: valueIn(q.FormLayout), Numbering: valueIn(q.Numbering), PaymentCode: valueIn(q.PaymentCode), Note: q.Note}
	return v, fs.Err("the regional configuration is not valid")
}

// addRegionVersion handles POST /regencies/{code}/versions: an officer
// holding officer.regional adds a version in force from its first day.
func (s *server) addRegionVersion(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	if err := svc.AllowConfigure(r.Context()); err != nil {
		return err
	}
	var q versionForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	v, err := q.version(r.PathValue("code"))
	if err != nil {
		return err
	}
	if v, err = svc.AddVersion(r.Context(), v); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, regionOut(v))
	return nil
}
