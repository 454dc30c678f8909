// Package httpmw holds the middleware shared by the JSON API and the web
// pages: request IDs, access logs, panic recovery, security headers and
// Prometheus metrics.
//
// The middleware keeps one small record per request in the context (its
// ID and, once routing has happened, the route pattern) so that every
// layer reports the same request under the same names, however the muxes
// are nested.
package httpmw

import (
	"context"
	"log/slog"
	"net/http"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Wrap wraps h in mws. The first middleware is the outermost: it sees the
// request first and the response last.
func Wrap(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Chain wraps the server's root handler in the standard stack, outermost
// first: request IDs, access log, metrics (when m is not nil), panic
// recovery and security headers. Recovery sits inside the log and the
// metrics so that a panic is logged and counted as the 500 it becomes.
func Chain(h http.Handler, logger *slog.Logger, m *Metrics) http.Handler {
	mws := []Middleware{RequestIDs, AccessLog(logger)}
	if m != nil {
		mws = append(mws, m.Middleware)
	}
	mws = append(mws, Recover(logger), SecurityHeaders)
	return Wrap(h, mws...)
}

// info is what the middleware knows about a request. It lives in the
// context as a pointer so that inner layers can fill in what outer layers
// report (the route pattern is only known after routing).
type info struct {
	id      string
	pattern string
}

type ctxKey struct{}

func infoFrom(ctx context.Context) *info {
	i, _ := ctx.Value(ctxKey{}).(*info)
	return i
}

// withInfo returns r with an info record in its context, reusing the one
// already there.
func withInfo(r *http.Request) (*http.Request, *info) {
	if i := infoFrom(r.Context()); i != nil {
		return r, i
	}
	i := &info{}
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, i)), i
}

// NoteRoute records the pattern that routed r (r.Pattern, set by
// http.ServeMux) for the access log and the metrics. Handlers registered
// on a ServeMux call it first; a request that matched no pattern keeps an
// empty route. Calling it on a request outside this middleware does
// nothing.
func NoteRoute(r *http.Request) {
	if i := infoFrom(r.Context()); i != nil && r.Pattern != "" {
		i.pattern = r.Pattern
	}
}

// Route returns the pattern recorded for the request in ctx, or "" before
// routing or when no pattern matched.
func Route(ctx context.Context) string {
	if i := infoFrom(ctx); i != nil {
		return i.pattern
	}
	return ""
}
