package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/notify"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/web"
)

func TestOutboxPage(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	for i := range 30 {
		m := notify.Message{Channel: notify.Email, To: fmt.Sprintf("p%d@mail.example", i), Subject: "Kode aktivasi",
			Body: fmt.Sprintf("Kode aktivasi Anda: %06d", i), Purpose: "activation_code", CreatedAt: now()}
		if i == 29 {
			m.Channel, m.To, m.Subject, m.Body = notify.SMS, "+6281234564411", "", "Kode <b>482913</b>"
		}
		if _, err := db.Outbox().Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	serve := func(dev bool) *site {
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		h, err := web.New(web.Config{Outbox: db.Outbox(), DevOutbox: dev, Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpmw.Chain(h, logger, nil))
		t.Cleanup(srv.Close)
		return &site{t: t, srv: srv, c: srv.Client()}
	}

	s := serve(true)
	p := s.get("/outbox")
	want(t, p, http.StatusOK, "Development outbox", "&#43;6281234564411", "Kode &lt;b&gt;482913&lt;/b&gt;",
		"waiting to be sent by SMS to &#43;62 812 **** 4411", "p5@mail.example", `href="/outbox?before=`)
	if strings.Contains(p.body, "p4@mail.example") {
		t.Error("the first page shows more than 25 messages")
	}
	p = s.get("/outbox?before=6")
	want(t, p, http.StatusOK, "p4@mail.example", "Kode aktivasi Anda: 000000", `href="/outbox"`)
	if strings.Contains(p.body, "p5@mail.example") {
		t.Error("the second page repeats the first")
	}
	want(t, s.get("/outbox?before=x"), http.StatusUnprocessableEntity, "page cursor")

	// Without dev-outbox mode the page does not exist.
	want(t, serve(false).get("/outbox"), http.StatusNotFound)
}
