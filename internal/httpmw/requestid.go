package httpmw

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader carries the request ID in requests and responses.
const RequestIDHeader = "X-Request-ID"

// RequestID returns the ID of the request whose context is ctx, or "" when
// the request did not pass through RequestIDs.
func RequestID(ctx context.Context) string {
	if i := infoFrom(ctx); i != nil {
		return i.id
	}
	return ""
}

// RequestIDs gives every request an ID: a sane incoming X-Request-ID (so
// that a proxy's or a client's ID follows the request through the logs) or
// a new random one. The ID is set on the response and in the context.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, i := withInfo(r)
		if i.id == "" {
			i.id = r.Header.Get(RequestIDHeader)
			if !saneID(i.id) {
				i.id = newID()
			}
		}
		w.Header().Set(RequestIDHeader, i.id)
		next.ServeHTTP(w, r)
	})
}

// saneID accepts IDs of 8 to 64 letters, digits, '-', '_' and '.', which
// covers UUIDs and the usual proxy formats and keeps log lines and
// headers free of anything a client could use to forge them.
func saneID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// newID returns 16 random bytes in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
