package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
)

// securityLogPageSize is the number of entries per page of the log.
const securityLogPageSize = 50

// auditEntryView is one row of the security log: who, when, from where,
// what.
type auditEntryView struct {
	Seq     int64
	At      string // WIB
	Actor   string
	Address string
	Action  string
	Detail  string
}

type securityLogPage struct {
	page
	// Taxpayer is the NPWP whose log is shown; empty for the signed-in
	// person's own.
	Taxpayer string
	Entries  []auditEntryView
	// Next is the URL of the page of older entries, First the URL of the
	// newest page when this is not it.
	Next, First string
}

// securityLog handles GET /security-log?taxpayer=&before=: the signed-in
// person's security log (their account, their own taxpayer record and the
// taxpayer they act for), or with taxpayer= the log of one taxpayer they
// may read. Nobody signed in is asked to sign in.
func (s *server) securityLog(w http.ResponseWriter, r *http.Request) error {
	if s.audit == nil {
		return errs.E(errs.Unavailable, "the security log is not available on this server")
	}
	q := r.URL.Query()
	p := securityLogPage{page: s.newPage(w, r, "Security log", "security-log"), Taxpayer: strings.TrimSpace(q.Get("taxpayer"))}
	var before int64
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return errs.InvalidFields("the page cursor is not valid", errs.Field("before", b, "is not a page cursor; start again from the newest entries"))
		}
		before = n
	}
	ctx := r.Context()
	var lp audit.Page
	var err error
	if p.Taxpayer != "" {
		t, terr := s.reg.Taxpayer(ctx, p.Taxpayer)
		if terr != nil {
			return terr
		}
		p.Taxpayer = t.NPWP.String()
		p.Title = "Security log of " + t.Name
		lp, err = s.audit.Log(ctx, audit.Filter{TaxpayerIDs: []int64{t.ID}, Before: before, Limit: securityLogPageSize})
	} else {
		lp, err = s.audit.Mine(ctx, before, securityLogPageSize)
	}
	if err != nil {
		return err
	}
	for _, e := range lp.Entries {
		p.Entries = append(p.Entries, auditEntryView{Seq: e.Seq, At: e.At.In(calendar.WIB).Format("2006-01-02 15:04:05 MST"),
			Actor: e.Actor, Address: e.Address, Action: e.Action, Detail: e.Detail})
	}
	link := func(before int64) string {
		v := url.Values{}
		if p.Taxpayer != "" {
			v.Set("taxpayer", p.Taxpayer)
		}
		if before != 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/security-log"
		}
		return "/security-log?" + v.Encode()
	}
	if lp.Next != 0 {
		p.Next = link(lp.Next)
	}
	if before != 0 {
		p.First = link(0)
	}
	s.render(w, r, http.StatusOK, "securitylog", p)
	return nil
}
