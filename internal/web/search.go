package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registration"
)

// searchPageSize is the number of taxpayers per page of results.
const searchPageSize = 25

type summaryView struct {
	NPWP, NPWPFormatted, Name, Kind, Regency string
}

type searchPage struct {
	page
	Q, Kind  string
	Kinds    []optgroup
	Errors   *formErrors
	Results  []summaryView
	Searched bool
	// Next is the URL of the next page, First the URL of the first page
	// when this is not it.
	Next, First string
}

var kindFilter = choices("All kinds",
	string(registration.ResidentIndividual), registration.ResidentIndividual.Label(),
	string(registration.ForeignIndividual), registration.ForeignIndividual.Label(),
	string(registration.Entity), registration.Entity.Label(),
	string(registration.Government), registration.Government.Label())

// search handles GET /officer/taxpayers?q=&kind=&after=: taxpayers by
// NPWP, NIK or legacy NPWP prefix, or by part of the name, in pages.
// With htmx the form searches as the officer types and swaps in the
// results only.
func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p := searchPage{page: s.newPage(w, r, "Officer search", "search"), Q: v.Get("q"), Kind: v.Get("kind"), Kinds: kindFilter}
	q := registration.ParseQuery(p.Q)
	var fs errs.Fields
	if p.Kind != "" {
		q.Kind = registration.Kind(p.Kind)
		if !slices.Contains(registration.Kinds, q.Kind) {
			fs.Add("kind", p.Kind, "is not a kind of taxpayer; choose one from the list")
		}
	}
	after, err := strconv.ParseInt(v.Get("after"), 10, 64)
	if v.Get("after") != "" && (err != nil || after < 0) {
		fs.Add("after", v.Get("after"), "is not a page cursor; start again from the first page")
	}
	q.After, q.Limit = max(after, 0), searchPageSize
	if err := fs.Err("the search is not valid"); err != nil {
		p.Errors = errorsOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "search", p)
		return nil
	}
	rows, err := s.reg.Search(r.Context(), q)
	if err != nil {
		if errs.KindOf(err) == errs.Invalid {
			p.Errors = errorsOf(err)
			s.render(w, r, http.StatusUnprocessableEntity, "search", p)
			return nil
		}
		return err
	}
	p.Searched = true
	for _, row := range rows {
		p.Results = append(p.Results, summaryView{
			NPWP: string(row.NPWP), NPWPFormatted: row.NPWP.Format(), Name: row.Name,
			Kind: row.Kind.Label(), Regency: strings.TrimSpace(row.RegencyCode + " " + areaName(row.RegencyCode)),
		})
	}
	page := func(after int64) string {
		u := url.Values{}
		if p.Q != "" {
			u.Set("q", p.Q)
		}
		if p.Kind != "" {
			u.Set("kind", p.Kind)
		}
		if after > 0 {
			u.Set("after", fmt.Sprint(after))
		}
		if len(u) == 0 {
			return "/officer/taxpayers"
		}
		return "/officer/taxpayers?" + u.Encode()
	}
	if len(rows) == searchPageSize {
		p.Next = page(rows[len(rows)-1].ID)
	}
	if after > 0 {
		p.First = page(0)
	}
	s.render(w, r, http.StatusOK, "search", p)
	return nil
}
