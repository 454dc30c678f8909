package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/taxid"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until the server answers 200. The bound is
// generous: with --demo the server seals and opens signing keys with the
// real argon2id cost several times before it is ready, which the race
// detector slows tenfold.
func waitReady(t *testing.T, base string, done <-chan int) {
	t.Helper()
	for i := 0; i < 2400; i++ {
		select {
		case code := <-done:
			t.Fatalf("server exited with status %d before it was ready", code)
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return getWith(t, http.DefaultClient, url)
}

// getWith is get with a client, e.g. one signed in by signIn.
func getWith(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// serveInProcess runs 'coretax serve' with args until the returned stop
// function is called; stop returns the exit status.
func serveInProcess(t *testing.T, args ...string) (base string, out *syncBuffer, stop func() int) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	a := &app{stdin: strings.NewReader(""), stdout: out, stderr: errOut, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	// The test client speaks plain HTTP, so the session cookie must not be
	// marked Secure.
	go func() { done <- a.main(ctx, append([]string{"serve", "--addr", addr, "--insecure-cookies"}, args...)) }()
	base = "http://" + addr
	waitReady(t, base, done)
	return base, out, func() int {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Logf("server log:\n%s", errOut.String())
			}
			return code
		case <-time.After(20 * time.Second):
			t.Fatal("server did not shut down")
			return -1
		}
	}
}

// signIn signs in through the API and returns a client that carries the
// session cookie.
func signIn(t *testing.T, base, login, password string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	resp, err := c.Post(base+"/api/v1/access/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s = %d: %s", login, resp.StatusCode, b)
	}
	return c
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	base, out, stop := serveInProcess(t, "--data", dir, "--demo")
	if !strings.Contains(out.String(), "Demo world loaded") || !strings.Contains(out.String(), "petugas kpp badung") {
		t.Errorf("stdout does not list what to try and the accounts:\n%s", out.String())
	}
	officer := signIn(t, base, "budi", "petugas kpp badung")
	for _, tt := range []struct {
		path, want string
		c          *http.Client
	}{
		{"/healthz", "ok", http.DefaultClient},
		{"/readyz", "ready", http.DefaultClient},
		{"/api/v1/openapi.yaml", "openapi: 3.1", http.DefaultClient},
		{"/", "coretax", http.DefaultClient},
		{"/", "sudarma sawah hijau", http.DefaultClient},
		{"/api/v1/taxpayers?q=surya", "PT Surya Kencana Villas", officer},
		{"/officer/taxpayers?q=surya", "PT Surya Kencana Villas", officer},
	} {
		code, body := getWith(t, tt.c, base+tt.path)
		if code != http.StatusOK || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d, body without %q:\n%.400s", tt.path, code, tt.want, body)
		}
	}
	// Without signing in, the register is closed.
	if code, _ := get(t, base+"/api/v1/taxpayers?q=surya"); code != http.StatusUnauthorized {
		t.Errorf("anonymous search = %d, want 401", code)
	}
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, "go_sql_") || !strings.Contains(body, "/healthz") {
		t.Errorf("GET /metrics = %d, want request and database metrics:\n%.600s", code, body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited with %d on SIGINT-like cancel, want 0", code)
	}

	// A second start on the same data directory serves what is there and
	// loads nothing more.
	base, out, stop = serveInProcess(t, "--data", dir, "--demo")
	if strings.Contains(out.String(), "Demo world loaded") {
		t.Errorf("demo loaded again into a data directory with data")
	}
	officer = signIn(t, base, "budi", "petugas kpp badung")
	if code, body := getWith(t, officer, base+"/api/v1/taxpayers?q=surya"); code != http.StatusOK || strings.Count(body, `"npwp"`) != 1 {
		t.Errorf("after restart: %d %s, want the one demo company", code, body)
	}
	stop()
}

// TestCrashLosesNothing registers a taxpayer through the API of a real
// coretax process, kills it with SIGKILL the moment the response arrives,
// and checks that the registration is in the database.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "coretax")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	people := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(people, []byte("nik,name,birth_date,sex,street,province_code,regency_code,district_code\n"+
		"5104050502680001,I KETUT SUDARMA,1968-02-05,M,Jl. Raya Pengosekan,51,5104,510405\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "registry", "import", "--kind", "population", "--data", dir, people).CombinedOutput(); err != nil {
		t.Fatalf("registry import: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", dir)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan int, 1)
	go func() { cmd.Wait(); exited <- cmd.ProcessState.ExitCode() }()
	base := "http://" + addr
	waitReady(t, base, exited)

	body := `{"kind":"resident_individual","name":"I Ketut Sudarma","nik":"5104050502680001",
		"address":{"street":"Jl. Raya Pengosekan","province_code":"51","regency_code":"5104","district_code":"510405","postal_code":"80571"},
		"email":"ketut@villa.example","mobile":"0878 6100 7788"}`
	resp, err := http.Post(base+"/api/v1/taxpayers", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// Kill before reading anything more: the acknowledgement is all the
	// client has.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	status := resp.StatusCode
	resp.Body.Close()
	<-exited
	if status != http.StatusCreated {
		t.Fatalf("POST /api/v1/taxpayers = %d, want 201\n%s", status, logs.String())
	}

	db, err := storage.OpenSQLite(context.Background(), filepath.Join(dir, storage.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tp, err := db.Registration().TaxpayerByNPWP(context.Background(), taxid.NPWP("5104050502680001"))
	if err != nil {
		t.Fatalf("registration lost after kill -9: %v", err)
	}
	if tp.Email != "ketut@villa.example" {
		t.Errorf("stored e-mail = %q", tp.Email)
	}
}
