package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// run runs coretax with args and returns the exit status and the output.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code := a.main(context.Background(), args)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	code, out, _ := run(t, nil)
	if code != 2 || !strings.Contains(out, "serve") || !strings.Contains(out, "migrate") || !strings.Contains(out, "id") {
		t.Errorf("no arguments: status %d, usage:\n%s", code, out)
	}
	code, _, errOut := run(t, nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: status %d, stderr %q", code, errOut)
	}
	for _, c := range commands() {
		code, out, _ := run(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: coretax "+c.name) {
			t.Errorf("%s --help: status %d, output:\n%s", c.name, code, out)
		}
	}
	code, _, errOut = run(t, nil, "serve", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Errorf("bad flag: status %d, stderr %q", code, errOut)
	}
}

func TestMigrateAndVersion(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, map[string]string{"CORETAX_DATA": dir}, "migrate")
	if code != 0 || !strings.Contains(out, "applied 0001_registration") || !strings.Contains(out, filepath.Join(dir, "coretax.db")) {
		t.Fatalf("migrate: status %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, nil, "migrate", "--data", dir)
	if code != 0 || strings.Contains(out, "applied") {
		t.Errorf("second migrate applied again: %s", out)
	}
	code, out, _ = run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "coretax ") {
		t.Errorf("version: %d %q", code, out)
	}
	code, _, errOut = run(t, nil, "migrate", "--database-url", "mysql://x")
	if code != 1 || !strings.Contains(errOut, "unsupported scheme") {
		t.Errorf("bad URL: %d %q", code, errOut)
	}
}
