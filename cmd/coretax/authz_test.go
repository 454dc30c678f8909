package main

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/web"
)

// apiRoutes reads the (method, path) pairs of the API document that the
// server serves; a test in httpapi keeps that document equal to the routes
// the server registers, so this is every route.
func apiRoutes(t *testing.T, base string) [][2]string {
	t.Helper()
	code, doc := get(t, base+"/api/v1/openapi.yaml")
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.yaml = %d", code)
	}
	var out [][2]string
	var path string
	inPaths := false
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "paths:":
			inPaths = true
		case inPaths && len(line) > 0 && line[0] != ' ':
			inPaths = false
		case inPaths && strings.HasPrefix(line, "  /"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case inPaths && strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     "):
			m := strings.TrimSuffix(strings.TrimSpace(line), ":")
			switch m {
			case "get", "post", "put", "patch", "delete":
				out = append(out, [2]string{strings.ToUpper(m), path})
			}
		}
	}
	if len(out) < 20 {
		t.Fatalf("read only %d routes from the API document", len(out))
	}
	return out
}

// bodyFor returns a request body that passes the transport's own checks
// (the registration changes need the version they are based on), so that
// the request reaches the service, where access is decided.
func bodyFor(method, path string) []byte {
	switch {
	case method == "GET":
		return nil
	case method == "PATCH", strings.HasSuffix(path, "/places"), strings.HasSuffix(path, "/parties"),
		strings.HasSuffix(path, "/end"), strings.HasSuffix(path, "/pkp-events"), strings.HasSuffix(path, "/legacy-npwps"):
		return []byte(`{"version": 1}`)
	case strings.HasSuffix(path, "/access/unlock"):
		return []byte(`{"login": "5171031204900003"}`)
	}
	return []byte(`{}`)
}

func send(t *testing.T, c *http.Client, method, url string) (int, string) {
	t.Helper()
	body := bytes.NewReader(bodyFor(method, strings.SplitN(url, "?", 2)[0]))
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestEveryRouteGuardsOtherTaxpayers tries every API route that names a
// taxpayer on taxpayers the caller has nothing to do with: anonymously
// (401), and signed in as the demo villa owner, who is neither a related
// party nor a consultant of the demo company or the employee (403 or 404,
// never an answer). ID-guessing of related parties, grants and
// invitations goes through the same routes with the other taxpayer's
// NPWP. The villa owner's own record answers, so the test is not vacuous.
func TestEveryRouteGuardsOtherTaxpayers(t *testing.T) {
	base, _, stop := serveInProcess(t, "--data", t.TempDir(), "--demo")
	defer stop()
	owner := signIn(t, base, "5104050502680001", "sudarma sawah hijau")
	routes := apiRoutes(t, base)
	others := []string{"0010000016000000", "5171031204900003", "0080000011000000"}
	checked := 0
	for _, r := range routes {
		method, path := r[0], r[1]
		if !strings.Contains(path, "{npwp}") {
			continue
		}
		for _, npwp := range others {
			url := base + strings.NewReplacer("{npwp}", npwp, "{id}", "1").Replace(path)
			if code, body := send(t, http.DefaultClient, method, url); code != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s = %d, want 401\n%.300s", method, url, code, body)
			}
			if code, body := send(t, owner, method, url); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("villa owner %s %s = %d, want 403 or 404\n%.300s", method, url, code, body)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("checked %d route and taxpayer pairs, expected every taxpayer route", checked)
	}

	// Routes without a taxpayer in the path that reach others' data.
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/v1/taxpayers?q=surya"},
		{"GET", "/api/v1/audit?taxpayer=0010000016000000"},
		{"GET", "/api/v1/access/why?taxpayer=0010000016000000&action=registration.read"},
		{"POST", "/api/v1/registries/population/import"},
		{"POST", "/api/v1/access/unlock"},
	} {
		code, body := send(t, owner, tt.method, base+tt.path)
		if tt.path == "/api/v1/access/why?taxpayer=0010000016000000&action=registration.read" {
			// The checklist answers for the caller, and must say no.
			if code != http.StatusOK || !strings.Contains(body, `"met": false`) {
				t.Errorf("villa owner %s %s = %d, want a checklist with an unmet condition\n%.300s", tt.method, tt.path, code, body)
			}
			continue
		}
		if code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("villa owner %s %s = %d, want 403 or 404\n%.300s", tt.method, tt.path, code, body)
		}
	}

	// The owner's own record answers.
	for _, p := range []string{"", "/profile", "/history", "/represented"} {
		if code, body := getWith(t, owner, base+"/api/v1/taxpayers/5104050502680001"+p); code != http.StatusOK {
			t.Errorf("own GET %s = %d\n%.300s", p, code, body)
		}
	}
}

// TestEveryPageGuardsOtherTaxpayers does for the pages what
// TestEveryRouteGuardsOtherTaxpayers does for the API: every page that
// names a taxpayer refuses the villa owner for other taxpayers and asks
// anonymous visitors to sign in. Form posts carry a valid CSRF token, so
// that the refusal comes from the access policy, not from the CSRF check.
func TestEveryPageGuardsOtherTaxpayers(t *testing.T) {
	base, _, stop := serveInProcess(t, "--data", t.TempDir(), "--demo")
	defer stop()
	owner := signIn(t, base, "5104050502680001", "sudarma sawah hijau")
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	anon := &http.Client{Jar: jar}
	for _, c := range []*http.Client{owner, anon} {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if code, _ := getWith(t, c, base+"/register"); code != http.StatusOK { // sets the CSRF cookie
			t.Fatalf("GET /register = %d", code)
		}
	}
	token := func(c *http.Client) string {
		u, _ := url.Parse(base)
		for _, k := range c.Jar.Cookies(u) {
			if k.Name == "coretax_csrf" {
				return k.Value
			}
		}
		t.Fatal("no CSRF cookie")
		return ""
	}
	page := func(c *http.Client, method, u string) (int, string) {
		t.Helper()
		var req *http.Request
		if method == "POST" {
			form := url.Values{"csrf_token": {token(c)}, "version": {"1"}}
			req, _ = http.NewRequest(method, u, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req, _ = http.NewRequest(method, u, nil)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	checked := 0
	for _, p := range web.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if !strings.Contains(path, "{npwp}") {
			continue
		}
		for _, npwp := range []string{"0010000016000000", "5171031204900003", "0080000011000000"} {
			u := base + strings.NewReplacer("{npwp}", npwp, "{id}", "1").Replace(path)
			if code, body := page(anon, method, u); code != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s = %d, want 401\n%.300s", method, u, code, body)
			}
			if code, body := page(owner, method, u); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("villa owner %s %s = %d, want 403 or 404\n%.300s", method, u, code, body)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("checked %d page and taxpayer pairs, expected every taxpayer page", checked)
	}
	if code, body := page(owner, "GET", base+"/taxpayers/5104050502680001"); code != http.StatusOK {
		t.Errorf("own profile page = %d\n%.300s", code, body)
	}
}
