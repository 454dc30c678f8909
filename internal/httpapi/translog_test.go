package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/coretax/coretax/internal/httpapi"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/storage"
	"github.com/coretax/coretax/internal/storage/storagetest"
	"github.com/coretax/coretax/internal/translog"
)

func logServer(t *testing.T, db *storage.DB) *httptest.Server {
	t.Helper()
	skey, _, err := translog.LoadOrCreateKey(filepath.Join(t.TempDir(), translog.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := translog.NewService(db.TransLog(), skey, now)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Logger: logger, Now: now, TransLog: svc}), logger, nil))
	t.Cleanup(srv.Close)
	return srv
}

func getAccept(t *testing.T, srv *httptest.Server, path, accept string) response {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

type logHeadBody struct {
	Size int64  `json:"size"`
	Hash string `json:"hash"`
	Time string `json:"time"`
	Note string `json:"note"`
}

func parseHashes(t *testing.T, ss []string) []tlog.Hash {
	t.Helper()
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		h, err := tlog.ParseHash(s)
		if err != nil {
			t.Fatalf("hash %q: %v", s, err)
		}
		out[i] = h
	}
	return out
}

// TestLogRoutesProveOffline reads the log as an outsider does, without
// signing in: the key once, then heads, entries and consistency proofs,
// each checked with the translog package's pure functions.
func TestLogRoutesProveOffline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		srv := logServer(t, db)

		r := getAccept(t, srv, "/api/v1/log/key", "text/plain")
		wantStatus(t, r, http.StatusOK)
		key := strings.TrimSpace(string(r.body))
		if !strings.HasPrefix(key, translog.KeyName+"+") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("key %q (%s)", key, r.header.Get("Content-Type"))
		}
		k := decode[struct{ Key, Origin string }](t, do(t, srv, "GET", "/api/v1/log/key", "", ""))
		if k.Key != key || k.Origin != translog.Origin {
			t.Fatalf("JSON key %+v, want %q", k, key)
		}

		// The empty log has a signed head of size 0.
		r = do(t, srv, "GET", "/api/v1/log/head", "", "")
		wantStatus(t, r, http.StatusOK)
		if h := decode[logHeadBody](t, r); h.Size != 0 || h.Note == "" {
			t.Fatalf("empty head %+v", h)
		}

		var records [][]byte
		for i := 0; i < 9; i++ {
			rec, err := translog.NewRecord(fmt.Sprintf("DOC-%d", i), []byte{byte(i)}, "01AB", now().Add(time.Duration(i)*time.Minute)).Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.TransLog().Append(ctx, rec); err != nil {
				t.Fatal(err)
			}
			records = append(records, rec)
			if i == 3 {
				r = getAccept(t, srv, "/api/v1/log/head", "text/plain")
				wantStatus(t, r, http.StatusOK)
			}
		}
		old, err := translog.OpenHead(r.body, key)
		if err != nil {
			t.Fatalf("open the head of 4 records: %v\n%s", err, r.body)
		}
		if old.Size != 4 {
			t.Fatalf("old head size %d", old.Size)
		}

		jh := decode[logHeadBody](t, do(t, srv, "GET", "/api/v1/log/head", "", ""))
		head, err := translog.OpenHead([]byte(jh.Note), key)
		if err != nil {
			t.Fatal(err)
		}
		if head.Size != 9 || head.Hash.String() != jh.Hash {
			t.Fatalf("head %+v, JSON %+v", head, jh)
		}

		for i, rec := range records {
			r := do(t, srv, "GET", fmt.Sprintf("/api/v1/log/entries/%d", i), "", "")
			wantStatus(t, r, http.StatusOK)
			e := decode[struct {
				Index        int64       `json:"index"`
				Record       string      `json:"record"`
				RecordBase64 []byte      `json:"record_base64"`
				LeafHash     string      `json:"leaf_hash"`
				Proof        []string    `json:"proof"`
				Head         logHeadBody `json:"head"`
			}](t, r)
			if e.Record != string(rec) || string(e.RecordBase64) != string(rec) || e.LeafHash != tlog.RecordHash(rec).String() {
				t.Fatalf("entry %d: %+v", i, e)
			}
			eh, err := translog.OpenHead([]byte(e.Head.Note), key)
			if err != nil {
				t.Fatal(err)
			}
			proof := parseHashes(t, e.Proof)
			if err := translog.VerifyInclusion(e.RecordBase64, e.Index, proof, eh); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
			if translog.VerifyInclusion(append([]byte("x"), rec...), e.Index, proof, eh) == nil {
				t.Fatalf("a changed record %d verifies", i)
			}
		}

		// The head of 4 records is a prefix of today's.
		r = do(t, srv, "GET", "/api/v1/log/consistency?old=4", "", "")
		wantStatus(t, r, http.StatusOK)
		c := decode[struct {
			Old, New logHeadBody
			Proof    []string
		}](t, r)
		if c.Old.Size != 4 || c.New.Size != 9 || c.New.Hash != head.Hash.String() || c.Old.Hash != old.Hash.String() {
			t.Fatalf("consistency %+v", c)
		}
		if err := translog.VerifyConsistency(parseHashes(t, c.Proof), old, head); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, do(t, srv, "GET", "/api/v1/log/consistency?old=2&new=5", "", ""), http.StatusOK)

		for _, tt := range []struct {
			path   string
			status int
		}{
			{"/api/v1/log/entries/9", http.StatusNotFound},
			{"/api/v1/log/entries/-1", http.StatusUnprocessableEntity},
			{"/api/v1/log/entries/first", http.StatusUnprocessableEntity},
			{"/api/v1/log/consistency", http.StatusUnprocessableEntity},
			{"/api/v1/log/consistency?old=0", http.StatusUnprocessableEntity},
			{"/api/v1/log/consistency?old=5&new=4", http.StatusUnprocessableEntity},
			{"/api/v1/log/consistency?old=1&new=10", http.StatusNotFound},
			{"/api/v1/log/consistency?old=x", http.StatusUnprocessableEntity},
		} {
			if r := do(t, srv, "GET", tt.path, "", ""); r.status != tt.status {
				t.Errorf("GET %s = %d, want %d: %s", tt.path, r.status, tt.status, r.body)
			}
		}
	})
}

func TestLogRoutesWithoutALog(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(httpmw.Chain(httpapi.New(httpapi.Config{Logger: logger, Now: now}), logger, nil))
	defer srv.Close()
	for _, p := range []string{"/api/v1/log/head", "/api/v1/log/entries/0", "/api/v1/log/consistency?old=1", "/api/v1/log/key"} {
		if r := do(t, srv, "GET", p, "", ""); r.status != http.StatusServiceUnavailable {
			t.Errorf("GET %s without a log = %d, want 503", p, r.status)
		}
	}
}
