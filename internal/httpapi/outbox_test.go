package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/storage/storagetest"
)

func TestOutboxAPI(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	var ids []int64
	for _, to := range []string{"made@mail.example", "+6281234564411", "ayu@mail.example"} {
		ch := notify.Email
		if to[0] == '+' {
			ch = notify.SMS
		}
		id, err := db.Outbox().Enqueue(ctx, notify.Message{Channel: ch, To: to, Subject: "Kode aktivasi", Body: "Kode Anda: 482913",
			Purpose: "activation_code", AccountID: 3, CreatedAt: now()})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// The SMS is sent at 10:00 WIB.
	if _, err := db.Outbox().Claim(ctx, now(), 60e9, 10); err != nil {
		t.Fatal(err)
	}
	if err := db.Outbox().MarkSent(ctx, ids[1], 1, now()); err != nil {
		t.Fatal(err)
	}

	serve := func(dev bool) *httptest.Server {
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h := httpapi.New(httpapi.Config{Outbox: db.Outbox(), DevOutbox: dev, Logger: logger, Now: now})
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		t.Cleanup(srv.Close)
		return srv
	}
	type page struct {
		Messages []struct {
			ID       int64   `json:"id"`
			To       string  `json:"to"`
			Body     string  `json:"body"`
			Status   string  `json:"status"`
			SentAt   *string `json:"sent_at"`
			Delivery string  `json:"delivery"`
		} `json:"messages"`
		Next *string `json:"next"`
	}

	srv := serve(true)
	p := decode[page](t, do(t, srv, "GET", "/api/v1/outbox?limit=2", "", ""))
	if len(p.Messages) != 2 || p.Messages[0].ID != ids[2] || p.Messages[1].ID != ids[1] || p.Next == nil {
		t.Fatalf("first page = %+v, want messages %d and %d and a next cursor", p, ids[2], ids[1])
	}
	sms := p.Messages[1]
	if sms.To != "+6281234564411" || sms.Body != "Kode Anda: 482913" || sms.Status != "sent" || sms.SentAt == nil ||
		sms.Delivery != "sent by SMS to +62 812 **** 4411 at 10:00 WIB" {
		t.Errorf("sent SMS = %+v", sms)
	}
	p = decode[page](t, do(t, srv, "GET", "/api/v1/outbox?limit=2&before="+*p.Next, "", ""))
	if len(p.Messages) != 1 || p.Messages[0].ID != ids[0] || p.Next != nil || p.Messages[0].Delivery != "being sent by e-mail to m***@mail.example" {
		t.Errorf("second page = %+v, want message %d being sent, and no next", p, ids[0])
	}
	if p := decode[page](t, do(t, srv, "GET", "/api/v1/outbox?account_id=4", "", "")); len(p.Messages) != 0 {
		t.Errorf("another account's outbox = %+v, want empty", p)
	}
	wantError(t, do(t, srv, "GET", "/api/v1/outbox?before=x", "", ""), http.StatusUnprocessableEntity, "invalid", "before")

	// Without dev-outbox mode the route does not exist.
	wantError(t, do(t, serve(false), "GET", "/api/v1/outbox", "", ""), http.StatusNotFound, "not_found", "")
}
