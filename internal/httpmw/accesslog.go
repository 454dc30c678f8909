package httpmw

import (
	"log/slog"
	"net/http"
	"time"
)

// AccessLog logs one line per request: method, path, route pattern,
// status, duration, bytes written and request ID. Server errors are
// logged at level Error, client errors at Warn, the rest at Info.
func AccessLog(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, i := withInfo(r)
			start := time.Now()
			rec := record(w)
			defer func() {
				status := rec.code()
				level := slog.LevelInfo
				switch {
				case status >= 500:
					level = slog.LevelError
				case status >= 400:
					level = slog.LevelWarn
				}
				logger.LogAttrs(r.Context(), level, "http request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("route", i.pattern),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)),
					slog.Int64("bytes", rec.bytes),
					slog.String("request_id", i.id),
				)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
