package main

import (
	"context"
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
