package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every route in routes; see openapi_test.go.
//
//go:embed openapi.yaml
var openAPIDoc []byte

// openAPI handles GET /openapi.yaml.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPIDoc)
	return nil
}
