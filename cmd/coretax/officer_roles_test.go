package main

import (
	"strings"
	"testing"
)

func TestOfficerRoles(t *testing.T) {
	env := map[string]string{"CORETAX_DATA": t.TempDir()}
	code, out, errOut := run(t, env, "officer", "grant", "--username", "budi", "--role", "officer.registration")
	if code != 0 || out != "officer budi now holds officer.registration (search the register, read and correct profiles, PKP status, legacy NPWP links)\n" {
		t.Fatalf("grant: status %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "officer", "grant", "--username", "budi", "--role", "officer.registration"); code != 1 || !strings.Contains(errOut, "already holds") {
		t.Errorf("grant twice: status %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, env, "officer", "grant", "--username", "budi", "--role", "officer.boss"); code != 1 || !strings.Contains(errOut, "officer.boss") {
		t.Errorf("unknown role: status %d, %q", code, errOut)
	}
	code, out, _ = run(t, env, "officer", "roles")
	if code != 0 || !strings.HasPrefix(out, "budi\tofficer.registration\tgranted ") || !strings.Contains(out, "by system:officer-cli:") {
		t.Errorf("roles: status %d, %q", code, out)
	}
	if code, out, _ := run(t, env, "officer", "revoke", "--username", "budi", "--role", "officer.registration"); code != 0 || out != "officer budi no longer holds officer.registration\n" {
		t.Errorf("revoke: status %d, %q", code, out)
	}
	if code, out, _ := run(t, env, "audit", "verify"); code != 0 || !strings.HasPrefix(out, "audit log intact: 2 entries") {
		t.Errorf("audit after grant and revoke: status %d, %q", code, out)
	}
	for _, args := range [][]string{{"officer"}, {"officer", "promote"}, {"officer", "grant", "--username", "budi"}} {
		if code, _, errOut := run(t, env, args...); code != 2 || !strings.Contains(errOut, "coretax officer --help") {
			t.Errorf("%v: status %d, stderr %q", args, code, errOut)
		}
	}
}
