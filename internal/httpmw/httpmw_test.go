package httpmw

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func stack(t *testing.T, logs *bytes.Buffer, m *Metrics) http.Handler {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		NoteRoute(r)
		if RequestID(r.Context()) == "" {
			t.Error("RequestID in handler = \"\", want an ID")
		}
		io.WriteString(w, "thing "+r.PathValue("id"))
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		NoteRoute(r)
		panic("boom")
	})
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	return Chain(mux, logger, m)
}

func TestRequestID(t *testing.T) {
	h := stack(t, new(bytes.Buffer), NewMetrics())
	for _, tc := range []struct {
		in   string
		keep bool
	}{
		{"", false},
		{"abc-123_DEF.456", true},
		{"short", false},
		{"has space in it", false},
		{"new\nline-injected", false},
		{strings.Repeat("a", 65), false},
	} {
		r := httptest.NewRequest("GET", "/things/1", nil)
		if tc.in != "" {
			r.Header.Set(RequestIDHeader, tc.in)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get(RequestIDHeader)
		if tc.keep && got != tc.in {
			t.Errorf("incoming %q: response ID = %q, want it kept", tc.in, got)
		}
		if !tc.keep && (got == tc.in || len(got) != 32) {
			t.Errorf("incoming %q: response ID = %q, want a new 32-character ID", tc.in, got)
		}
	}
}

func TestAccessLogAndHeaders(t *testing.T) {
	var logs bytes.Buffer
	h := stack(t, &logs, NewMetrics())
	r := httptest.NewRequest("GET", "/things/42", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if got, want := w.Body.String(), "thing 42"; got != want {
		t.Fatalf("body = %q, want %q", got, want)
	}
	for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if w.Header().Get(k) == "" {
			t.Errorf("header %s missing", k)
		}
	}
	if !strings.Contains(w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks frame-ancestors 'none'", w.Header().Get("Content-Security-Policy"))
	}
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", logs.String(), err)
	}
	want := map[string]any{"method": "GET", "path": "/things/42", "route": "GET /things/{id}", "status": float64(200), "bytes": float64(8), "request_id": w.Header().Get(RequestIDHeader)}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v", k, line[k], v)
		}
	}
	if _, ok := line["duration"]; !ok {
		t.Error("log has no duration")
	}
}

func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	h := stack(t, &logs, NewMetrics())
	r := httptest.NewRequest("GET", "/panic", nil)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 500 {
		t.Fatalf("status = %d, want 500", w.Code)
	}
	id := w.Header().Get(RequestIDHeader)
	var body struct {
		Error struct {
			Kind      string `json:"kind"`
			Message   string `json:"message"`
			RequestID string `json:"request_id"`
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	if body.Error.Kind != "internal" || body.Error.RequestID != id || strings.Contains(body.Error.Message, "boom") {
		t.Errorf("body = %+v, want kind internal, request ID %s and no panic value", body.Error, id)
	}
	if !strings.Contains(logs.String(), `"panic":"boom"`) || !strings.Contains(logs.String(), id) {
		t.Errorf("logs %q lack the panic value or the request ID", logs.String())
	}
}

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	h := stack(t, new(bytes.Buffer), m)
	for _, p := range []string{"/things/1", "/things/2", "/nowhere", "/panic"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	out := w.Body.String()
	for _, want := range []string{
		`coretax_http_requests_total{route="GET /things/{id}",status="2xx"} 2`,
		`coretax_http_requests_total{route="unmatched",status="4xx"} 1`,
		`coretax_http_requests_total{route="GET /panic",status="5xx"} 1`,
		`coretax_http_request_duration_seconds_count{route="GET /things/{id}",status="2xx"} 2`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(out, `/things/1"`) {
		t.Error("metrics are labelled with a raw path")
	}
}
