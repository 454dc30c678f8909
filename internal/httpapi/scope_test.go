package httpapi

import "testing"

func TestRouteScope(t *testing.T) {
	for _, c := range []struct{ method, pattern, want string }{
		{"GET", "GET /api/v1/taxpayers/{npwp}/efaktur/fakturs", "registration:read"},
		{"POST", "POST /api/v1/taxpayers/{npwp}/ebupot/slips/sign", "registration:write"},
		{"GET", "GET /api/v1/objectcodes", ""},
		{"GET", "GET /api/v1/objectcodes/{code}", ""},
		{"GET", "GET /api/v1/regencies", ""},
		{"POST", "POST /api/v1/regencies/{code}/versions", "-"},
		{"POST", "POST /api/v1/access/login", "-"},
	} {
		if got := routeScope(c.method, c.pattern); got != c.want {
			t.Errorf("routeScope(%s %s) = %q, want %q", c.method, c.pattern, got, c.want)
		}
	}
}
