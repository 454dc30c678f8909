package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/errs"
)

// auditEntryJSON is one entry of the audit log. Hash and prev_hash let a
// client check the chain it was given.
type auditEntryJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	AccountID  *int64    `json:"account_id"`
	TaxpayerID *int64    `json:"taxpayer_id"`
	Action     string    `json:"action"`
	Address    string    `json:"address"`
	Detail     string    `json:"detail"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// auditPageJSON is a page of the audit log, newest first.
type auditPageJSON struct {
	Entries []auditEntryJSON `json:"entries"`
	Next    *string          `json:"next"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func auditEntryOut(e audit.Entry) auditEntryJSON {
	return auditEntryJSON{Seq: e.Seq, At: e.At, Actor: e.Actor, AccountID: optionalID(e.AccountID),
		TaxpayerID: optionalID(e.TaxpayerID), Action: e.Action, Address: e.Address, Detail: e.Detail,
		PrevHash: e.PrevHash.String(), Hash: e.Hash.String()}
}

// auditLog handles GET /audit?taxpayer=&before=&limit=: the security log
// of one taxpayer, or without taxpayer the caller's own (their account,
// their taxpayer record and the taxpayer they act for). Who may read what
// is the audit Service's decision.
func (s *server) auditLog(w http.ResponseWriter, r *http.Request) error {
	if s.audit == nil {
		return errs.E(errs.Unavailable, "the audit log is not available on this server")
	}
	var fs errs.Fields
	before := queryInt(r, "before", &fs)
	limit := queryInt(r, "limit", &fs)
	if limit > audit.MaxLimit {
		fs.Add("limit", r.URL.Query().Get("limit"), "must be at most %d", audit.MaxLimit)
	}
	if err := fs.Err("the query parameters are not valid"); err != nil {
		return err
	}
	ctx := r.Context()
	var p audit.Page
	var err error
	if npwp := strings.TrimSpace(r.URL.Query().Get("taxpayer")); npwp != "" {
		t, terr := s.reg.Taxpayer(ctx, npwp)
		if terr != nil {
			var e *errs.Error
			if errors.As(terr, &e) {
				for i := range e.Fields {
					if e.Fields[i].Field == "npwp" {
						e.Fields[i].Field = "taxpayer" // the query parameter's name
					}
				}
			}
			return terr
		}
		p, err = s.audit.Log(ctx, audit.Filter{TaxpayerIDs: []int64{t.ID}, Before: before, Limit: int(limit)})
	} else {
		p, err = s.audit.Mine(ctx, before, int(limit))
	}
	if err != nil {
		return err
	}
	out := auditPageJSON{Entries: make([]auditEntryJSON, 0, len(p.Entries))}
	for _, e := range p.Entries {
		out.Entries = append(out.Entries, auditEntryOut(e))
	}
	if p.Next != 0 {
		out.Next = cursor(p.Next)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
