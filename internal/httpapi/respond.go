package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
)

// handle adapts a handler that returns an error to http.Handler. It is
// the one place where errors become responses: the status follows the
// error's kind, the body is errorBody, and the cause of an internal or
// unavailable error is logged with the request ID and never sent.
func (s *server) handle(h func(*server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpmw.NoteRoute(r)
		w.Header().Set("Cache-Control", "no-store")
		a, err := s.principalFrom(r)
		r = r.WithContext(actor.With(r.Context(), a))
		if err == nil {
			err = h(s, w, r)
		}
		if err == nil {
			return
		}
		s.writeError(w, r, err)
	})
}

// errorBody is the shape of every error response.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Kind      string      `json:"kind"`
	Message   string      `json:"message"`
	Fields    []fieldJSON `json:"fields,omitempty"`
	RequestID string      `json:"request_id"`
}

type fieldJSON struct {
	Field   string `json:"field"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	id := httpmw.RequestID(r.Context())
	kind := errs.KindOf(err)
	status := httpmw.Status(kind)
	var tooLarge *http.MaxBytesError
	var method *methodError
	switch {
	case errors.As(err, &tooLarge):
		status = http.StatusRequestEntityTooLarge
	case errors.As(err, &method):
		status = http.StatusMethodNotAllowed
	}
	if kind == errs.Internal || kind == errs.Unavailable {
		s.logger.ErrorContext(r.Context(), "request failed",
			slog.String("err", err.Error()),
			slog.String("kind", kind.String()),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("request_id", id))
	}
	body := errorBody{Error: errorJSON{Kind: kind.String(), Message: errs.Message(err), RequestID: id}}
	if kind != errs.Internal {
		for _, f := range errs.FieldsOf(err) {
			body.Error.Fields = append(body.Error.Fields, fieldJSON(f))
		}
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as the JSON body of a response with the status,
// indented and without HTML escaping, as the CLI prints JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		// Every response shape is a plain struct of strings, numbers
		// and slices; failing to encode one is a programming error.
		panic(fmt.Sprintf("httpapi: encode %T: %v", v, err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// methodError is returned for a path that exists under other methods.
type methodError struct{ err *errs.Error }

func (e *methodError) Error() string { return e.err.Error() }
func (e *methodError) Unwrap() error { return e.err }

func errMethod(method, allow string) error {
	return &methodError{errs.Errorf(errs.Invalid, "method %s is not allowed here; use %s", method, allow)}
}

func errNoRoute(path string) error {
	return errs.Errorf(errs.NotFound, "no API route matches %s; the routes are listed in %s/openapi.yaml", path, Prefix)
}
