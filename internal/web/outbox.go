package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/notify"
)

// OutboxLister lists the messages of the notification outbox, newest
// first; *storage.OutboxStore is one.
type OutboxLister interface {
	List(ctx context.Context, f notify.Filter) ([]notify.Message, error)
}

// outboxPageSize is the number of messages per page of the outbox.
const outboxPageSize = 25

type messageView struct {
	ID                              int64
	Created, Channel, To, Subject   string
	Body, Purpose, Status, Delivery string
	Sent                            bool
	Attempts                        int
	LastError                       string
}

type outboxPage struct {
	page
	Messages    []messageView
	Next, First string
}

// outbox handles GET /outbox?before=: the development outbox, where the
// messages the server would have sent (one-time codes above all) can be
// read without a mail server or SMS gateway. It exists only in dev-outbox
// mode; otherwise it is "not found" like any other unknown page.
func (s *server) outbox(w http.ResponseWriter, r *http.Request) error {
	if !s.devOutbox || s.outboxList == nil {
		return errs.Errorf(errs.NotFound, "there is no page at %s", r.URL.Path)
	}
	v := r.URL.Query().Get("before")
	before, err := strconv.ParseInt(v, 10, 64)
	if v != "" && (err != nil || before < 0) {
		return errs.InvalidFields("the page is not valid",
			errs.Field("before", v, "is not a page cursor; start again from the first page"))
	}
	msgs, err := s.outboxList.List(r.Context(), notify.Filter{Before: before, Limit: outboxPageSize})
	if err != nil {
		return err
	}
	p := outboxPage{page: s.newPage(w, r, "Development outbox", "outbox")}
	// The pages have no clock of their own; the time only decides whether
	// a delivery sentence shows the date.
	now := time.Now()
	for _, m := range msgs {
		p.Messages = append(p.Messages, messageView{
			ID: m.ID, Created: m.CreatedAt.In(calendar.WIB).Format("2006-01-02 15:04:05 MST"),
			Channel: string(m.Channel), To: m.To, Subject: m.Subject, Body: m.Body, Purpose: m.Purpose,
			Status: string(m.Status), Sent: m.Status == notify.Sent, Attempts: m.Attempts, LastError: m.LastError,
			Delivery: notify.Describe(m, now),
		})
	}
	if len(msgs) == outboxPageSize {
		p.Next = "/outbox?before=" + strconv.FormatInt(msgs[len(msgs)-1].ID, 10)
	}
	if before > 0 {
		p.First = "/outbox"
	}
	s.render(w, r, http.StatusOK, "outbox", p)
	return nil
}
