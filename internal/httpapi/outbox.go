package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// OutboxLister lists the messages of the notification outbox, newest
// first; *storage.OutboxStore is one.
type OutboxLister interface {
	List(ctx context.Context, f notify.Filter) ([]notify.Message, error)
}

// messageJSON is a message of the development outbox. Delivery is the
// sentence a user would be shown about it.
type messageJSON struct {
	ID         int64      `json:"id"`
	Channel    string     `json:"channel"`
	To         string     `json:"to"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body"`
	Purpose    string     `json:"purpose"`
	TaxpayerID *int64     `json:"taxpayer_id"`
	AccountID  *int64     `json:"account_id"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error"`
	CreatedAt  time.Time  `json:"created_at"`
	NextAt     time.Time  `json:"next_at"`
	SentAt     *time.Time `json:"sent_at"`
	Delivery   string     `json:"delivery"`
}

// outboxJSON is a page of the outbox. Next is the cursor of the following
// page (pass it as before=), null on the last page.
type outboxJSON struct {
	Messages []messageJSON `json:"messages"`
	Next     *string       `json:"next"`
}

// outbox handles GET /outbox?before=&limit=&account_id=&taxpayer_id=: the
// development outbox, where one-time codes can be read without a mail
// server. It exists only when the server runs with --dev-outbox; otherwise
// it answers 404 like any path that is not a route.
func (s *server) outbox(w http.ResponseWriter, r *http.Request) error {
	if !s.devOutbox || s.outboxList == nil {
		return errNoRoute(r.URL.Path)
	}
	var fs errs.Fields
	f := notify.Filter{
		Before:     queryInt(r, "before", &fs),
		AccountID:  queryInt(r, "account_id", &fs),
		TaxpayerID: queryInt(r, "taxpayer_id", &fs),
	}
	limit := queryInt(r, "limit", &fs)
	if err := fs.Err("the query parameters are not valid"); err != nil {
		return err
	}
	f.Limit = notify.DefaultPage
	if limit > 0 {
		f.Limit = int(min(limit, notify.MaxPage))
	}
	msgs, err := s.outboxList.List(r.Context(), f)
	if err != nil {
		return err
	}
	now := s.now()
	out := outboxJSON{Messages: make([]messageJSON, 0, len(msgs))}
	for _, m := range msgs {
		j := messageJSON{ID: m.ID, Channel: string(m.Channel), To: m.To, Subject: m.Subject, Body: m.Body, Purpose: m.Purpose,
			TaxpayerID: optionalID(m.TaxpayerID), AccountID: optionalID(m.AccountID), Status: string(m.Status),
			Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt, NextAt: m.NextAt,
			Delivery: notify.Describe(m, now)}
		if !m.SentAt.IsZero() {
			j.SentAt = &m.SentAt
		}
		out.Messages = append(out.Messages, j)
	}
	if len(msgs) == f.Limit {
		out.Next = cursor(msgs[len(msgs)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
