package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/translog"
)

// TestServeCreatesTheLogKeyAndServesTheLog starts the server on a fresh
// data directory: the log key is created there, the public log routes
// answer without sign-in, and a restart keeps the same key.
func TestServeCreatesTheLogKeyAndServesTheLog(t *testing.T) {
	dir := t.TempDir()
	get := func(base, path string) string {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "text/plain")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", path, res.StatusCode, b)
		}
		return string(b)
	}
	base, _, stop := serveInProcess(t, "--data", dir)
	key := strings.TrimSpace(get(base, "/api/v1/log/key"))
	head, err := translog.OpenHead([]byte(get(base, "/api/v1/log/head")), key)
	if err != nil || head.Size != 0 {
		t.Fatalf("head %+v, %v", head, err)
	}
	stop()
	pub, err := os.ReadFile(filepath.Join(dir, translog.KeyFile+".pub"))
	if err != nil || strings.TrimSpace(string(pub)) != key {
		t.Fatalf("%s holds %q (%v), the server serves %q", translog.KeyFile+".pub", pub, err, key)
	}

	base, _, stop = serveInProcess(t, "--data", dir)
	defer stop()
	if again := strings.TrimSpace(get(base, "/api/v1/log/key")); again != key {
		t.Errorf("after a restart the key is %q, was %q", again, key)
	}
}
