package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTPConfig configures an SMTPSender.
type SMTPConfig struct {
	// Addr is the mail server's host:port, e.g. "mail.example:587".
	Addr string
	// From is the sender, an address with an optional display name:
	// "Coretax <noreply@coretax.example>".
	From string
	// Username and Password log in with PLAIN authentication; empty
	// Username means no login. PLAIN is only used over TLS (or to a
	// server on localhost).
	Username, Password string
	// LocalName is the name given in EHLO; "localhost" by default.
	LocalName string
	// TLS is the configuration for STARTTLS; nil verifies the server's
	// certificate for the host of Addr against the system's roots.
	TLS *tls.Config
	// Now dates messages; time.Now by default.
	Now func() time.Time
}

// SMTPSender delivers e-mail through one SMTP server (net/smtp): STARTTLS
// whenever the server offers it, PLAIN authentication when configured,
// and an RFC 5322 message with a UTF-8 text/plain body.
type SMTPSender struct {
	cfg  SMTPConfig
	host string
	from *mail.Address
}

// NewSMTPSender checks cfg and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("SMTP address %q: want host:port, e.g. mail.example:587", cfg.Addr)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q: want an e-mail address such as \"Coretax <noreply@coretax.example>\": %v", cfg.From, err)
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SMTPSender{cfg: cfg, host: host, from: from}, nil
}

// Send delivers m to its recipient through the server.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return &DeliveryError{Reason: "the e-mail address is not valid", Detail: err.Error(), Permanent: true}
	}
	msg, err := s.compose(m, to)
	if err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return &DeliveryError{Reason: "the mail server cannot be reached", Detail: err.Error()}
	}
	defer conn.Close()
	// Bound the whole conversation by ctx.
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return smtpError("the mail server did not greet us", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return smtpError("the mail server refused our greeting", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := s.cfg.TLS.Clone()
		if tc == nil {
			tc = &tls.Config{}
		}
		if tc.ServerName == "" {
			tc.ServerName = s.host
		}
		if err := c.StartTLS(tc); err != nil {
			return &DeliveryError{Reason: "the TLS handshake with the mail server failed", Detail: err.Error()}
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &DeliveryError{Reason: "the mail server offers no login", Detail: "a user is configured but the server does not advertise AUTH"}
		}
		// PlainAuth refuses to send the password without TLS except to
		// localhost.
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host)); err != nil {
			return &DeliveryError{Reason: "the mail server refused our login", Detail: err.Error()}
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return smtpError("the mail server refused the sender", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return smtpError("the mail server refused the address", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpError("the mail server refused the message", err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpError("the message could not be sent to the mail server", err)
	}
	if err := w.Close(); err != nil {
		return smtpError("the mail server refused the message", err)
	}
	// The message is accepted once DATA is answered; a failed QUIT does
	// not undo that.
	c.Quit()
	return nil
}

// smtpError classifies an error of the SMTP conversation: a 5xx reply is
// permanent, anything else (4xx, a broken connection) worth retrying.
func smtpError(reason string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &DeliveryError{Reason: reason, Detail: fmt.Sprintf("%d %s", te.Code, te.Msg), Permanent: te.Code >= 500}
	}
	return &DeliveryError{Reason: reason, Detail: err.Error()}
}

// compose writes m as an RFC 5322 message with a quoted-printable UTF-8
// body; header values that are not plain ASCII are encoded as RFC 2047
// encoded words.
func (s *SMTPSender) compose(m Message, to *mail.Address) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("message ID: %w", err)
	}
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", s.cfg.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encode body: %w", err)
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}
