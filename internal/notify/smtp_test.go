package notify_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/notify"
)

// fakeSMTP is an SMTP server on 127.0.0.1 that speaks enough of the
// protocol for net/smtp and records what it receives.
type fakeSMTP struct {
	ln  net.Listener
	tls *tls.Config // offer STARTTLS when set
	// rcptReply answers RCPT TO; "250 OK" when empty.
	rcptReply string

	mu   sync.Mutex
	got  []received
	done sync.WaitGroup
}

type received struct {
	from, to string
	auth     string // the decoded AUTH PLAIN response
	tls      bool   // the message came over TLS
	data     string
}

func newFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.done.Add(1)
			go func() { defer s.done.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.done.Wait() })
	return s
}

func (s *fakeSMTP) Addr() string { return s.ln.Addr().String() }

func (s *fakeSMTP) Received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	var cur received
	tp.PrintfLine("220 fake.example ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"250-fake.example", "250-8BITMIME", "250-AUTH PLAIN"}
			if s.tls != nil && !cur.tls {
				ext = append(ext, "250-STARTTLS")
			}
			for _, e := range ext {
				tp.PrintfLine("%s", e)
			}
			tp.PrintfLine("250 SIZE 10240000")
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, tp, cur.tls = tc, textproto.NewConn(tc), true
		case "AUTH":
			_, resp, _ := strings.Cut(arg, " ")
			b, _ := base64.StdEncoding.DecodeString(resp)
			cur.auth = string(b)
			tp.PrintfLine("235 2.7.0 accepted")
		case "MAIL":
			cur.from = strings.Trim(strings.TrimPrefix(arg, "FROM:"), "<>")
			if i := strings.Index(cur.from, ">"); i >= 0 {
				cur.from = cur.from[:i]
			}
			tp.PrintfLine("250 OK")
		case "RCPT":
			cur.to = strings.Trim(strings.TrimPrefix(arg, "TO:"), "<>")
			if s.rcptReply != "" {
				tp.PrintfLine("%s", s.rcptReply)
				continue
			}
			tp.PrintfLine("250 OK")
		case "DATA":
			tp.PrintfLine("354 end with .")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			cur.data = string(b)
			s.mu.Lock()
			s.got = append(s.got, cur)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			tp.PrintfLine("250 OK")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 not implemented")
		}
	}
}

func TestSMTPSenderMessage(t *testing.T) {
	srv := newFakeSMTP(t)
	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.Addr(), From: "Coretax Badung <noreply@coretax.example>",
		Username: "mailer", Password: "s3cr&t/pw", Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	body := "Kode aktivasi Anda: 482913.\nBerlaku 5 menit — jangan berikan kepada siapa pun.\n.a line that starts with a dot\n"
	m := notify.Message{Channel: notify.Email, To: "made.wirawan@mail.example", Subject: "Kode aktivasi — Coretax", Body: body}
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if r.from != "noreply@coretax.example" || r.to != "made.wirawan@mail.example" {
		t.Errorf("envelope from %q to %q, want noreply@coretax.example to made.wirawan@mail.example", r.from, r.to)
	}
	if r.auth != "\x00mailer\x00s3cr&t/pw" {
		t.Errorf("AUTH PLAIN response %q, want the configured user and password", r.auth)
	}
	msg, err := mail.ReadMessage(strings.NewReader(r.data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, r.data)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, m.Subject)
	}
	if raw := msg.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?q?") {
		t.Errorf("Subject %q is not Q-encoded", raw)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Coretax Badung" || from[0].Address != "noreply@coretax.example" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != m.To {
		t.Errorf("To = %v (%v), want %s", to, err, m.To)
	}
	if date, err := msg.Header.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date = %v (%v), want %v", date, err, t0)
	}
	if id := msg.Header.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@coretax\.example>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want <random hex@coretax.example>", id)
	}
	for k, want := range map[string]string{"MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "quoted-printable"} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, line := range strings.Split(r.data, "\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"); got != body {
		t.Errorf("body = %q, want %q", got, body)
	}
}

func TestSMTPSenderStartTLS(t *testing.T) {
	// httptest's certificate is valid for 127.0.0.1.
	https := httptest.NewTLSServer(http.NotFoundHandler())
	defer https.Close()
	roots := x509.NewCertPool()
	roots.AddCert(https.Certificate())

	srv := newFakeSMTP(t)
	srv.tls = &tls.Config{Certificates: https.TLS.Certificates}
	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.Addr(), From: "noreply@coretax.example",
		Username: "mailer", Password: "pw", TLS: &tls.Config{RootCAs: roots}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(context.Background(), notify.Message{Channel: notify.Email, To: "ayu@mail.example", Subject: "Kode", Body: "123456"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Received(); len(got) != 1 || !got[0].tls || got[0].auth != "\x00mailer\x00pw" {
		t.Errorf("received %+v, want one message over TLS after the login", got)
	}

	// A certificate the sender cannot verify stops the delivery.
	untrusting, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.Addr(), From: "noreply@coretax.example"})
	if err != nil {
		t.Fatal(err)
	}
	err = untrusting.Send(context.Background(), notify.Message{Channel: notify.Email, To: "ayu@mail.example", Body: "123456"})
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Reason != "the TLS handshake with the mail server failed" {
		t.Errorf("Send with an unverifiable certificate = %v, want a TLS handshake failure", err)
	}
}

func TestSMTPSenderErrors(t *testing.T) {
	tests := []struct {
		name      string
		rcpt      string
		to        string
		reason    string
		permanent bool
	}{
		{"unknown user", "550 5.1.1 no such user", "nobody@mail.example", "the mail server refused the address", true},
		{"greylisted", "451 4.7.1 try again later", "made@mail.example", "the mail server refused the address", false},
		{"bad address", "", "not an address", "the e-mail address is not valid", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeSMTP(t)
			srv.rcptReply = tt.rcpt
			sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: srv.Addr(), From: "noreply@coretax.example"})
			if err != nil {
				t.Fatal(err)
			}
			err = sender.Send(context.Background(), notify.Message{Channel: notify.Email, To: tt.to, Body: "x"})
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.Reason != tt.reason || de.Permanent != tt.permanent {
				t.Errorf("Send = %#v, want reason %q, permanent %v", err, tt.reason, tt.permanent)
			}
			if len(srv.Received()) != 0 {
				t.Errorf("the server received a message")
			}
		})
	}

	// Nobody listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: addr, From: "noreply@coretax.example"})
	if err != nil {
		t.Fatal(err)
	}
	err = sender.Send(context.Background(), notify.Message{Channel: notify.Email, To: "made@mail.example", Body: "x"})
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Reason != "the mail server cannot be reached" || de.Permanent {
		t.Errorf("Send to a closed port = %v, want a retryable unreachable error", err)
	}
}

func TestNewSMTPSenderChecksConfig(t *testing.T) {
	for _, cfg := range []notify.SMTPConfig{
		{Addr: "mail.example", From: "noreply@coretax.example"},
		{Addr: "mail.example:587", From: "noreply"},
		{Addr: "mail.example:587", From: ""},
	} {
		if _, err := notify.NewSMTPSender(cfg); err == nil {
			t.Errorf("NewSMTPSender(%+v) succeeded, want an error", cfg)
		}
	}
}
