package httpapi

import (
	"errors"
	"mime"
	"net/http"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/registry"
)

// maxImportBody is the largest registry file accepted in one request.
const maxImportBody = 64 << 20

// importJSON is the outcome of a registry import.
type importJSON struct {
	Kind      string `json:"kind"`
	Rows      int    `json:"rows"`
	Records   int    `json:"records"`
	Inserted  int    `json:"inserted"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// importRegistry handles POST /registries/{kind}/import. The body is the
// file itself, CSV (text/csv) or JSON (application/json), in the format of
// doc/registries.md. The import is all or nothing: a bad row stores
// nothing and the 422 lists every problem with its position in the file.
func (s *server) importRegistry(w http.ResponseWriter, r *http.Request) error {
	kind, err := registry.ParseKind(r.PathValue("kind"))
	if err != nil {
		return errs.Errorf(errs.NotFound, "there is no registry %q; the registries are population, company and immigration", r.PathValue("kind"))
	}
	format, err := importFormat(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	if s.registry == nil {
		return errs.E(errs.Unavailable, "registry imports are not available on this server")
	}
	res, err := s.registry.Import(r.Context(), kind, format, http.MaxBytesReader(w, r.Body, maxImportBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errs.Errorf(errs.Invalid, "the file is larger than %d bytes; split it into several imports", tooLarge.Limit).Wrap(err)
		}
		return err
	}
	writeJSON(w, http.StatusOK, importJSON{
		Kind:      string(res.Kind),
		Rows:      res.Rows,
		Records:   res.Records,
		Inserted:  res.Inserted,
		Updated:   res.Updated,
		Unchanged: res.Unchanged,
	})
	return nil
}

// importFormat picks the import format from the Content-Type.
func importFormat(ct string) (registry.Format, error) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		switch mt {
		case "text/csv":
			return registry.CSV, nil
		case "application/json":
			return registry.JSON, nil
		}
	}
	return "", errs.InvalidFields("the file's format is not known",
		errs.Field("Content-Type", ct, "must be text/csv for a CSV file or application/json for a JSON file"))
}
