package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// The PBJT pages: the Bali regions' configuration, every value shown with
// its status and source, and a taxpayer's portfolio of properties
// (doc/pbjt.md).

func (s *server) pbjtService() (*pbjt.Service, error) {
	if s.pbjt == nil {
		return nil, errs.E(errs.Unavailable, "regional tax (PBJT) is not served by this server")
	}
	return s.pbjt, nil
}

// valueView is a configured value as a page shows it: the text, and a
// mark unless it is verified.
type valueView struct {
	Text, Status, Source string
	Verified             bool
}

func viewValue[T any](v pbjt.Value[T], format func(T) string) valueView {
	out := valueView{Status: string(v.Status), Source: v.Source, Verified: v.Status == pbjt.Verified}
	if v.Known() {
		out.Text = format(v.Value)
	} else {
		out.Text = "not known"
	}
	return out
}

func dayOfNextMonth(d int) string { return fmt.Sprintf("day %d of the following month", d) }

type regionView struct {
	Code, Name, From, Note, Recorded string
	Values                           []labelledValue
}

type labelledValue struct {
	Label string
	valueView
}

func newRegionView(v pbjt.Version) regionView {
	out := regionView{Code: v.RegencyCode, Name: v.Name(), From: date(v.From), Note: v.Note}
	if !v.Default() {
		out.Recorded = fmt.Sprintf("recorded by %s on %s", v.RecordedBy, v.RecordedAt.UTC().Format(time.DateOnly))
	}
	text := func(s string) string { return s }
	out.Values = []labelledValue{
		{"PBJT rate (jasa perhotelan)", viewValue(v.Rate, pbjt.Rate.String)},
		{"Declaration (SPTPD) due", viewValue(v.FilingDay, dayOfNextMonth)},
		{"Payment due", viewValue(v.PaymentDay, dayOfNextMonth)},
		{"Interest on late payment", viewValue(v.InterestPerMonth, func(r pbjt.Rate) string { return r.String() + " a month" })},
		{"Interest runs for at most", viewValue(v.InterestMaxMonths, func(n int) string { return fmt.Sprintf("%d months", n) })},
		{"Fine for a late declaration", viewValue(v.LateFilingFine, func(a money.Amount) string { return a.Display() })},
		{"Declaration layout", viewValue(v.FormLayout, text)},
		{"Declaration numbers", viewValue(v.Numbering, text)},
		{"Payment codes (kode bayar)", viewValue(v.PaymentCode, text)},
		{"Office", viewValue(v.Office, text)},
		{"Regulation", viewValue(v.Regulation, text)},
	}
	return out
}

type regionsPage struct {
	page
	On      string
	Regions []regionView
}

// regions handles GET /regencies?on=: the configuration of the nine Bali
// regions in force on a day. Public.
func (s *server) regions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	day := calendar.Day(time.Now())
	if v := strings.TrimSpace(r.URL.Query().Get("on")); v != "" {
		if day, err = time.Parse(time.DateOnly, v); err != nil {
			return errs.InvalidFields("the page is not valid", errs.Field("on", v, "is not a date; write YYYY-MM-DD"))
		}
	}
	vs, err := svc.Regions(r.Context(), day)
	if err != nil {
		return err
	}
	p := regionsPage{page: s.newPage(w, r, "Regional tax on accommodation (PBJT) in Bali", "regencies"), On: date(day)}
	for _, v := range vs {
		p.Regions = append(p.Regions, newRegionView(v))
	}
	s.render(w, r, http.StatusOK, "pbjt_regions", p)
	return nil
}

type holdingView struct {
	ID                                 int64
	Name, Kind, Region, NPWPD, Address string
	Operator                           bool
	Share                              string
	Rate                               valueView
	FilingPeriod, FilingDue            string
	PaymentPeriod, PaymentDue          string
	DueVerified                        bool
	DueNote                            string
	Units                              int
	// Undeclared is the oldest ended month not declared, with its filing
	// deadline and whether it has passed; Declarations is false when the
	// declarations are not served.
	Declarations      bool
	Undeclared        string
	UndeclaredDue     string
	UndeclaredOverdue bool
}

type propertiesPage struct {
	page
	NPWP     string
	Holdings []holdingView
}

// properties handles GET /taxpayers/{npwp}/properties: the portfolio,
// each property with its region, rate and next deadlines.
func (s *server) properties(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.pbjtService()
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	hs, err := svc.Portfolio(r.Context(), npwp)
	if err != nil {
		return err
	}
	p := propertiesPage{page: s.newPage(w, r, "Properties", "properties"), NPWP: npwp}
	for _, h := range hs {
		pr := h.Property
		v := holdingView{ID: pr.ID, Name: pr.Name, Kind: pr.Kind.Label(), Region: h.Region.Name(), NPWPD: pr.NPWPD, Operator: h.Operator,
			Address: pr.Address.Street, Rate: viewValue(h.Region.Rate, pbjt.Rate.String), Units: len(pr.Units),
			FilingPeriod: h.FilingPeriod.String(), FilingDue: date(h.FilingDue), PaymentPeriod: h.PaymentPeriod.String(),
			PaymentDue: date(h.PaymentDue), DueNote: h.DueNote,
			DueVerified: h.Region.FilingDay.Status == pbjt.Verified && h.Region.PaymentDay.Status == pbjt.Verified}
		if h.Share > 0 {
			v.Share = fmt.Sprintf("%d.%02d %%", h.Share/100, h.Share%100)
		}
		if s.pbjtDeclarations != nil {
			// The next declaration: the oldest ended month not declared.
			ov, err := s.pbjtDeclarations.Overview(r.Context(), npwp, pr.ID)
			if err != nil {
				return err
			}
			v.Declarations = true
			if n := ov.Next; n != nil {
				v.Undeclared, v.UndeclaredDue, v.UndeclaredOverdue = n.Period.String(), date(n.FilingDue), n.Overdue
			}
		}
		p.Holdings = append(p.Holdings, v)
	}
	s.render(w, r, http.StatusOK, "pbjt_properties", p)
	return nil
}
