package httpapi

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// openAPIOperations reads the (method, path) pairs of the paths section of
// an OpenAPI document written in the block style of openapi.yaml: paths
// indented by two spaces, methods by four.
func openAPIOperations(t *testing.T, doc []byte) []string {
	t.Helper()
	methods := map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}
	var ops []string
	inPaths, path := false, ""
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key, _, isKey := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case indent == 0:
			inPaths = line == "paths:"
		case !inPaths || !isKey:
		case indent == 2:
			path = strings.Trim(key, `"'`)
			if !strings.HasPrefix(path, "/") {
				t.Fatalf("paths: %q is not a path", path)
			}
		case indent == 4 && methods[key]:
			ops = append(ops, strings.ToUpper(key)+" "+path)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ops)
	return ops
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	var registered []string
	for _, rt := range routes {
		registered = append(registered, rt.method+" "+rt.path)
	}
	slices.Sort(registered)
	documented := openAPIOperations(t, openAPIDoc)
	for _, op := range registered {
		if !slices.Contains(documented, op) {
			t.Errorf("route %s is not in openapi.yaml", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(registered, op) {
			t.Errorf("openapi.yaml describes %s, which is not a route", op)
		}
	}
	if len(documented) == 0 {
		t.Fatal("openapi.yaml describes no operations")
	}
}

// TestRoutesRegistered checks that every route in the table answers on
// the handler New returns, rather than falling through to the 404/405
// catch-all.
func TestRoutesRegistered(t *testing.T) {
	h := New(Config{})
	mux := h.(*http.ServeMux)
	for _, rt := range routes {
		path := strings.NewReplacer("{npwp}", "5171031204900003", "{id}", "1", "{kind}", "population").Replace(rt.path)
		r := httptest.NewRequest(rt.method, path, nil)
		if _, pattern := mux.Handler(r); pattern != rt.method+" "+rt.path {
			t.Errorf("%s %s is handled by %q, want %q", rt.method, path, pattern, rt.method+" "+rt.path)
		}
	}
}

func TestServeOpenAPI(t *testing.T) {
	w := httptest.NewRecorder()
	New(Config{}).ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.yaml", nil))
	if w.Code != 200 || !bytes.HasPrefix(w.Body.Bytes(), []byte("openapi: 3.1")) || w.Header().Get("Content-Type") != "application/yaml" {
		t.Errorf("GET openapi.yaml = %d %s %.40q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}
