package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestOfficerAddAndUnlock(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, nil, "officer", "add", "--username", "siti", "--name", "Siti Aminah", "--data", dir)
	if code != 0 || !strings.Contains(out, "initial password") {
		t.Fatalf("officer add = %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "officer", "add", "--username", "siti", "--name", "Siti Lain", "--data", dir)
	if code == 0 || !strings.Contains(errOut, "taken") {
		t.Fatalf("duplicate officer = %d\n%s", code, errOut)
	}
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader("password\n"), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := a.main(context.Background(), []string{"officer", "add", "--username", "agus", "--name", "Agus", "--password-stdin", "--data", dir}); code == 0 || !strings.Contains(stderr.String(), "common") {
		t.Fatalf("common password from stdin = %d\n%s", code, stderr.String())
	}
	stdout.Reset()
	a.stdin = strings.NewReader("ruang arsip lantai dua\n")
	if code := a.main(context.Background(), []string{"officer", "add", "--username", "agus", "--name", "Agus", "--password-stdin", "--data", dir}); code != 0 || strings.Contains(stdout.String(), "initial password") {
		t.Fatalf("password from stdin = %d\n%s%s", code, stdout.String(), stderr.String())
	}
	code, out, errOut = run(t, nil, "officer", "reset", "--username", "agus", "--data", dir)
	if code != 0 || !strings.Contains(out, "new password") {
		t.Fatalf("reset = %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "officer", "reset", "--username", "nobody", "--data", dir)
	if code == 0 || !strings.Contains(errOut, "no officer account") {
		t.Fatalf("reset of an unknown officer = %d\n%s", code, errOut)
	}
	code, out, errOut = run(t, nil, "officer", "unlock", "--login", "agus", "--data", dir)
	if code != 0 || !strings.Contains(out, "agus unlocked") {
		t.Fatalf("unlock = %d\n%s%s", code, out, errOut)
	}
}
