package httpapi

import (
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIPlainScalars catches the YAML mistake that hand-edited
// OpenAPI documents make most: a plain (unquoted) value containing ": ",
// which YAML parsers reject ("mapping values are not allowed here"), so
// that client generators fail on the document.
func TestOpenAPIPlainScalars(t *testing.T) {
	re := regexp.MustCompile(`^\s*(?:- )?[A-Za-z_$][\w$-]*: (.*)$`)
	for i, line := range strings.Split(string(openAPIDoc), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v := m[1]
		if v == "" || strings.ContainsAny(v[:1], `"'|>{[&*!`) {
			continue
		}
		if strings.Contains(v, ": ") || strings.HasSuffix(v, ":") || strings.Contains(v, " #") {
			t.Errorf("openapi.yaml:%d: plain value %q contains \": \", \" #\" or ends with \":\"; quote it", i+1, v)
		}
	}
}
