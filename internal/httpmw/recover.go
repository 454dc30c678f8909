package httpmw

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
)

// Recover turns a panic in a handler into a logged error and a 500
// response, so that one faulty request neither kills the server nor
// leaves the client with a dropped connection. The panic value and the
// stack are logged with the request ID; the client sees only the request
// ID. A response that has already started cannot be replaced and is cut
// short. http.ErrAbortHandler is passed on, as net/http expects.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, i := withInfo(r)
			rec := record(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic in handler",
					slog.String("panic", fmt.Sprint(v)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("request_id", i.id),
					slog.String("stack", string(debug.Stack())),
				)
				if rec.status != 0 {
					panic(http.ErrAbortHandler)
				}
				writeInternal(rec, r, i.id)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// writeInternal writes a 500 in the form the client asked for: the API's
// JSON error shape for API paths and JSON clients, plain text otherwise.
func writeInternal(w http.ResponseWriter, r *http.Request, id string) {
	const msg = "internal error; the failure has been logged"
	h := w.Header()
	h.Del("Content-Length")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json") {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		body := map[string]any{"error": map[string]any{"kind": "internal", "message": msg, "request_id": id}}
		_ = json.NewEncoder(w).Encode(body)
		return
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, "%s (request ID %s)\n", msg, id)
}
