package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// searchJSON is a page of search results in ID order. Next is the cursor
// for the following page (pass it as after=), null on the last page.
type searchJSON struct {
	Taxpayers []summaryJSON `json:"taxpayers"`
	Next      *string       `json:"next"`
}

// search handles GET /taxpayers?q=&kind=&after=&limit=. A q of digits
// (separators allowed) is a prefix of an NPWP, NIK or legacy NPWP; any
// other q is part of a name.
func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	var fs errs.Fields
	v := r.URL.Query()
	q := registration.ParseQuery(v.Get("q"))
	if k := strings.TrimSpace(v.Get("kind")); k != "" {
		q.Kind = registration.Kind(k)
		if !slices.Contains(registration.Kinds, q.Kind) {
			fs.Add("kind", k, "is not a kind of taxpayer; use resident_individual, foreign_individual, entity or government, or leave it out for all")
		}
	}
	q.After = queryInt(r, "after", &fs)
	limit := pageLimit(queryInt(r, "limit", &fs))
	q.Limit = limit
	if err := fs.Err("the query parameters are not valid"); err != nil {
		return err
	}
	rows, err := s.reg.Search(r.Context(), q)
	if err != nil {
		return err
	}
	out := searchJSON{Taxpayers: make([]summaryJSON, 0, len(rows))}
	for _, row := range rows {
		out.Taxpayers = append(out.Taxpayers, summaryOut(row))
	}
	if len(rows) == limit {
		out.Next = cursor(rows[len(rows)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
