package access

import (
	"net/http"
	"time"
)

// CookieName is the name of the session cookie, shared by the pages and
// the API.
const CookieName = "coretax_session"

// Cookie returns the session cookie holding raw: HttpOnly, SameSite=Lax,
// Secure unless secure is false (plain-http local use), without an expiry
// so that it ends with the browser (the server ends it sooner). An empty
// raw returns a cookie that deletes it.
func Cookie(raw string, secure bool) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: raw, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if raw == "" {
		c.MaxAge = -1
		c.Expires = time.Unix(1, 0)
	}
	return c
}
