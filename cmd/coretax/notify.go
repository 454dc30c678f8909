package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/coretax/coretax/internal/notify"
)

// notifyFlags configure the delivery of the notification outbox: the
// SMTP server, the SMS gateway and the development outbox. Secrets come
// only from the environment, never from flags (which other users of the
// machine can read in the process list).
type notifyFlags struct {
	smtpAddr, smtpFrom, smtpUser string
	smsURL                       string
	devOutbox                    bool
	devOutboxErr                 error
	// smtpPassword and smsToken come from CORETAX_SMTP_PASSWORD and
	// CORETAX_SMS_TOKEN.
	smtpPassword, smsToken string
}

func (a *app) addNotifyFlags(fs *flag.FlagSet) *notifyFlags {
	nf := &notifyFlags{smtpPassword: a.getenv("CORETAX_SMTP_PASSWORD"), smsToken: a.getenv("CORETAX_SMS_TOKEN")}
	fs.StringVar(&nf.smtpAddr, "smtp-addr", a.envDefault("CORETAX_SMTP_ADDR", ""),
		"SMTP server host:port for e-mail; empty for none (env CORETAX_SMTP_ADDR)")
	fs.StringVar(&nf.smtpFrom, "smtp-from", a.envDefault("CORETAX_SMTP_FROM", "Coretax <noreply@coretax.invalid>"),
		"sender of e-mail (env CORETAX_SMTP_FROM)")
	fs.StringVar(&nf.smtpUser, "smtp-user", a.envDefault("CORETAX_SMTP_USER", ""),
		"SMTP user for PLAIN login over TLS; the password comes from env CORETAX_SMTP_PASSWORD (env CORETAX_SMTP_USER)")
	fs.StringVar(&nf.smsURL, "sms-gateway-url", a.envDefault("CORETAX_SMS_GATEWAY_URL", ""),
		"URL of the SMS gateway; the bearer token comes from env CORETAX_SMS_TOKEN; empty for none (env CORETAX_SMS_GATEWAY_URL)")
	if v := a.getenv("CORETAX_DEV_OUTBOX"); v != "" {
		nf.devOutbox, nf.devOutboxErr = strconv.ParseBool(v)
	}
	fs.BoolVar(&nf.devOutbox, "dev-outbox", nf.devOutbox,
		"keep messages that have no configured sender for the /outbox page; on by default with --demo (env CORETAX_DEV_OUTBOX)")
	return nf
}

// devOutboxMode decides dev-outbox mode after parsing: the flag or
// CORETAX_DEV_OUTBOX when given, else on exactly when the demo is.
func (nf *notifyFlags) devOutboxMode(a *app, fs *flag.FlagSet, demo bool) (bool, error) {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "dev-outbox" })
	if set {
		return nf.devOutbox, nil
	}
	if v := a.getenv("CORETAX_DEV_OUTBOX"); v != "" {
		if nf.devOutboxErr != nil {
			return false, &usageError{msg: fmt.Sprintf("CORETAX_DEV_OUTBOX %q: use true or false", v)}
		}
		return nf.devOutbox, nil
	}
	return demo, nil
}

// workerConfig checks the flags and returns the configuration of the
// outbox worker with the configured senders.
func (nf *notifyFlags) workerConfig(devOutbox bool, logger *slog.Logger) (notify.WorkerConfig, error) {
	cfg := notify.WorkerConfig{DevOutbox: devOutbox, Logger: logger}
	if nf.smtpAddr != "" {
		s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: nf.smtpAddr, From: nf.smtpFrom, Username: nf.smtpUser, Password: nf.smtpPassword})
		if err != nil {
			return notify.WorkerConfig{}, &usageError{msg: "--smtp-addr, --smtp-from: " + err.Error()}
		}
		cfg.Email = s
	} else if nf.smtpUser != "" {
		return notify.WorkerConfig{}, &usageError{msg: "--smtp-user is set but --smtp-addr is not: name the SMTP server as host:port"}
	}
	if nf.smsURL != "" {
		g, err := notify.NewSMSGateway(nf.smsURL, nf.smsToken)
		if err != nil {
			return notify.WorkerConfig{}, &usageError{msg: "--sms-gateway-url: " + err.Error()}
		}
		cfg.SMS = g
	}
	logger.Info("notifications", "smtp", nf.smtpAddr, "sms_gateway", nf.smsURL != "", "dev_outbox", devOutbox)
	if cfg.Email == nil && cfg.SMS == nil && !devOutbox {
		logger.Warn("no SMTP server, no SMS gateway and no --dev-outbox: one-time codes cannot be delivered and fail at once")
	}
	return cfg, nil
}
