package casework

import (
	"context"
	"fmt"
	"time"

	"github.com/coretax/coretax/internal/area"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pbjt"
)

// Cell is one region and month of the dashboard: what was declared beside
// what third parties report guests paid.
type Cell struct {
	Regency string
	Period  string // "2026-10"
	// Declared is the sum of the current declarations' bases.
	Declared     money.Amount
	Declarations int
	// ThirdParty is the largest gross any one source reports for the
	// region and month: a PJAP's feed and an OTA's own feed report the
	// same stays, so adding sources would count them twice; the largest
	// is a floor of what guests paid.
	ThirdParty money.Amount
	Source     string // the source of ThirdParty
	Records    int
}

// SourceTotal is one source's booking records of a region and month, as
// the store sums them (records corrected by a later record left out).
type SourceTotal struct {
	Regency, Period, Source string
	Gross                   money.Amount
	Records                 int
}

// DeclaredTotal is the current declarations of a region and month.
type DeclaredTotal struct {
	Regency, Period string
	Base            money.Amount
	Declarations    int
}

// DashboardStore sums declarations and third-party records per region and
// month, for months from..to inclusive ("2026-01").
type DashboardStore interface {
	DeclaredTotals(ctx context.Context, from, to string) ([]DeclaredTotal, error)
	SourceTotals(ctx context.Context, from, to string) ([]SourceTotal, error)
}

// Dashboard is the officer's overview: declared against third-party gross
// per region and month.
type Dashboard struct {
	From, To string
	// Regions lists the regions in code order with their months.
	Regions []RegionSeries
}

// RegionSeries is one region's months, oldest first, every month of the
// range present (zero where nothing was declared or reported).
type RegionSeries struct {
	Regency string
	Name    string
	Cells   []Cell
	// The totals over the months.
	Declared, ThirdParty money.Amount
}

// Gap is ThirdParty − Declared, or zero when declared exceeds it.
func (r RegionSeries) Gap() money.Amount {
	if r.ThirdParty > r.Declared {
		return r.ThirdParty - r.Declared
	}
	return 0
}

// WithDashboard lets the service serve the dashboard.
func (s *Service) WithDashboard(store DashboardStore) *Service {
	s.dashboard = store
	return s
}

// MaxDashboardMonths bounds the dashboard's range.
const MaxDashboardMonths = 36

// months lists the months from..to inclusive.
func months(from, to string) ([]string, error) {
	var fs errs.Fields
	f, err := time.Parse("2006-01", from)
	if err != nil {
		fs.Add("from", from, "is not a month; write YYYY-MM, e.g. 2026-01")
	}
	t, err := time.Parse("2006-01", to)
	if err != nil {
		fs.Add("to", to, "is not a month; write YYYY-MM, e.g. 2026-12")
	}
	if err := fs.Err("the range is not valid"); err != nil {
		return nil, err
	}
	if t.Before(f) {
		return nil, errs.InvalidFields("the range is not valid", errs.Field("to", to, "is before from (%s)", from))
	}
	var out []string
	for m := f; !m.After(t); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
		if len(out) > MaxDashboardMonths {
			return nil, errs.InvalidFields("the range is too long", errs.Field("to", to, "is more than %d months after from", MaxDashboardMonths))
		}
	}
	return out, nil
}

// Dashboard returns declared against third-party gross for each Bali
// region and each month from..to.
func (s *Service) Dashboard(ctx context.Context, from, to string) (Dashboard, error) {
	if err := s.policy.Allow(ctx, ActCases, 0); err != nil {
		return Dashboard{}, err
	}
	if s.dashboard == nil {
		return Dashboard{}, errs.E(errs.Unavailable, "the dashboard is not served by this server")
	}
	ms, err := months(from, to)
	if err != nil {
		return Dashboard{}, err
	}
	decl, err := s.dashboard.DeclaredTotals(ctx, from, to)
	if err != nil {
		return Dashboard{}, fmt.Errorf("declared totals: %w", err)
	}
	src, err := s.dashboard.SourceTotals(ctx, from, to)
	if err != nil {
		return Dashboard{}, fmt.Errorf("third-party totals: %w", err)
	}
	return Assemble(from, to, ms, decl, src)
}

// Assemble builds the dashboard from the totals.
func Assemble(from, to string, ms []string, decl []DeclaredTotal, src []SourceTotal) (Dashboard, error) {
	cells := map[string]*Cell{}
	d := Dashboard{From: from, To: to}
	for _, code := range pbjt.Regions {
		r := RegionSeries{Regency: code, Name: regionName(code)}
		for _, m := range ms {
			r.Cells = append(r.Cells, Cell{Regency: code, Period: m})
		}
		d.Regions = append(d.Regions, r)
	}
	for i := range d.Regions {
		for j := range d.Regions[i].Cells {
			c := &d.Regions[i].Cells[j]
			cells[c.Regency+"/"+c.Period] = c
		}
	}
	for _, t := range decl {
		c, ok := cells[t.Regency+"/"+t.Period]
		if !ok {
			continue
		}
		c.Declared += t.Base
		c.Declarations += t.Declarations
	}
	for _, t := range src {
		c, ok := cells[t.Regency+"/"+t.Period]
		if !ok {
			continue
		}
		if t.Gross > c.ThirdParty || t.Gross == c.ThirdParty && (c.Source == "" || t.Source < c.Source) {
			c.ThirdParty, c.Source, c.Records = t.Gross, t.Source, t.Records
		}
	}
	for i := range d.Regions {
		r := &d.Regions[i]
		for _, c := range r.Cells {
			var e1, e2 error
			r.Declared, e1 = r.Declared.Add(c.Declared)
			r.ThirdParty, e2 = r.ThirdParty.Add(c.ThirdParty)
			if e1 != nil || e2 != nil {
				return Dashboard{}, fmt.Errorf("dashboard totals of %s overflow", r.Regency)
			}
		}
	}
	return d, nil
}

// regionName is the region's name from the area codes, the code if
// unknown.
func regionName(code string) string {
	if a, ok := area.Regency(code); ok {
		return a.Name
	}
	return code
}
