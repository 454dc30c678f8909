package main

import (
	"flag"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestServeDevOutbox(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"--demo"}, http.StatusOK},
		{[]string{"--demo", "--dev-outbox=false"}, http.StatusNotFound},
		{nil, http.StatusNotFound},
		{[]string{"--dev-outbox"}, http.StatusOK},
	} {
		base, _, stop := serveInProcess(t, append([]string{"--data", t.TempDir()}, tt.args...)...)
		for _, path := range []string{"/outbox", "/api/v1/outbox"} {
			if code, body := get(t, base+path); code != tt.want {
				t.Errorf("serve %v: GET %s = %d, want %d\n%.300s", tt.args, path, code, tt.want, body)
			}
		}
		if code := stop(); code != 0 {
			t.Errorf("serve %v exited with %d", tt.args, code)
		}
	}
}

func TestNotifyFlags(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	parse := func(env map[string]string, demo bool, args ...string) (bool, error) {
		a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return env[k] }}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		nf := a.addNotifyFlags(fs)
		if err := a.parse(fs, args); err != nil {
			return false, err
		}
		dev, err := nf.devOutboxMode(a, fs, demo)
		if err != nil {
			return false, err
		}
		cfg, err := nf.workerConfig(dev, logger)
		if err != nil {
			return false, err
		}
		if (cfg.Email != nil) != (nf.smtpAddr != "") || (cfg.SMS != nil) != (nf.smsURL != "") {
			t.Errorf("args %v: senders e-mail %v, SMS %v do not follow the flags", args, cfg.Email != nil, cfg.SMS != nil)
		}
		return dev, nil
	}
	for _, tt := range []struct {
		env     map[string]string
		demo    bool
		args    []string
		want    bool
		wantErr string
	}{
		{nil, false, nil, false, ""},
		{nil, true, nil, true, ""},
		{nil, true, []string{"--dev-outbox=false"}, false, ""},
		{map[string]string{"CORETAX_DEV_OUTBOX": "false"}, true, nil, false, ""},
		{map[string]string{"CORETAX_DEV_OUTBOX": "true"}, false, nil, true, ""},
		{map[string]string{"CORETAX_DEV_OUTBOX": "yes please"}, false, nil, false, "CORETAX_DEV_OUTBOX"},
		{nil, false, []string{"--smtp-addr", "mail.example:587", "--smtp-from", "noreply@coretax.example", "--smtp-user", "u"}, false, ""},
		{map[string]string{"CORETAX_SMS_GATEWAY_URL": "https://sms.example/send", "CORETAX_SMS_TOKEN": "t"}, false, nil, false, ""},
		{nil, false, []string{"--smtp-addr", "mail.example"}, false, "host:port"},
		{nil, false, []string{"--smtp-addr", "mail.example:25", "--smtp-from", "nobody"}, false, "--smtp-from"},
		{nil, false, []string{"--smtp-user", "u"}, false, "--smtp-addr is not"},
		{nil, false, []string{"--sms-gateway-url", "sms.example"}, false, "--sms-gateway-url"},
	} {
		got, err := parse(tt.env, tt.demo, tt.args...)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("env %v demo %v args %v: error %v, want one mentioning %q", tt.env, tt.demo, tt.args, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("env %v demo %v args %v: %v", tt.env, tt.demo, tt.args, err)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("env %v demo %v args %v: dev outbox %v, want %v", tt.env, tt.demo, tt.args, got, tt.want)
		}
	}
}
