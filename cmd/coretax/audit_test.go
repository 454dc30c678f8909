package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/storage"
)

func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CORETAX_DATA": dir}
	code, out, errOut := run(t, env, "audit", "verify")
	if code != 0 || out != "audit log intact: 0 entries, head "+audit.Genesis.String()+"\n" {
		t.Fatalf("empty log: status %d\n%s%s", code, out, errOut)
	}

	ctx := context.Background()
	db, err := storage.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"one", "two", "three"} {
		if err := db.Audit().Append(ctx, audit.Entry{Actor: "system:test", Action: "test.append", Detail: d}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ = run(t, nil, "audit", "verify", "--data", dir)
	if code != 0 || !regexp.MustCompile(`^audit log intact: 3 entries, head [0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("intact log: status %d, %q", code, out)
	}

	if _, err := db.SQL().ExecContext(ctx, `UPDATE audit_log SET detail = 'zwei' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ = run(t, env, "audit", "verify")
	if code != 1 || !strings.HasPrefix(out, "audit log broken at entry 2: its content does not match its hash") {
		t.Errorf("tampered log: status %d, %q", code, out)
	}

	for _, args := range [][]string{{"audit"}, {"audit", "check"}, {"audit", "verify", "extra"}} {
		if code, _, errOut := run(t, env, args...); code != 2 || !strings.Contains(errOut, "coretax audit --help") {
			t.Errorf("%v: status %d, stderr %q", args, code, errOut)
		}
	}
}

// The server reads the audit log that its writes produce, and verify
// checks it afterwards.
func TestServeAuditLog(t *testing.T) {
	dir := t.TempDir()
	base, _, stop := serveInProcess(t, "--data", dir, "--demo")
	// The employee reads his own log; the villa owner may not read it.
	employee := signIn(t, base, "5171031204900003", "wirawan kopi pagi")
	code, body := getWith(t, employee, base+"/api/v1/audit?taxpayer=5171031204900003")
	if code != http.StatusOK || !strings.Contains(body, `"action": "registration.register"`) {
		t.Errorf("GET /api/v1/audit = %d:\n%.600s", code, body)
	}
	owner := signIn(t, base, "5104050502680001", "sudarma sawah hijau")
	if code, body := getWith(t, owner, base+"/api/v1/audit?taxpayer=5171031204900003"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("another taxpayer's log = %d, want 403 or 404:\n%.300s", code, body)
	}
	if code, body := get(t, base+"/security-log"); code != http.StatusUnauthorized || !strings.Contains(body, "sign in to see your security log") {
		t.Errorf("GET /security-log anonymously = %d:\n%.600s", code, body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited with %d", code)
	}
	code, out, _ := run(t, nil, "audit", "verify", "--data", dir)
	if code != 0 || !strings.HasPrefix(out, "audit log intact: ") || strings.HasPrefix(out, "audit log intact: 0 ") {
		t.Errorf("verify after the demo: status %d, %q", code, out)
	}
}
