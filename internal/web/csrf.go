package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"

	"github.com/coretax/coretax/internal/errs"
)

// CSRF protection by double submission: a random token lives in an
// HttpOnly, SameSite=Lax cookie and is repeated in a hidden field of every
// form. Another site can make a browser send the cookie (SameSite=Lax
// already stops that for cross-site POSTs in current browsers) but cannot
// read it, so it cannot put the same value in the form.

const (
	csrfCookie = "coretax_csrf"
	csrfField  = "csrf_token"
)

// csrfToken returns the request's token, setting a new cookie when the
// request has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{
		Name:     csrfCookie,
		Value:    tok,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	// Later calls in the same request must see the same token: replace
	// any malformed token cookie in the request with the new one.
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, c := range cookies {
		if c.Name != csrfCookie {
			r.AddCookie(c)
		}
	}
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: tok})
	return tok
}

// csrfError rejects a POST whose token is missing or does not match.
type csrfError struct{ msg string }

func (e *csrfError) Error() string { return "csrf: " + e.msg }

// checkCSRF compares the form's token with the cookie's in constant time.
func checkCSRF(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return &csrfError{"Your browser did not send the security cookie that comes with this site's forms. " +
			"Allow cookies for this site, reload the form and submit it again."}
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get(csrfField)), []byte(c.Value)) != 1 {
		return &csrfError{"The form's security token does not match: the form may have been sent from another site, " +
			"or it is older than your current session. Nothing was changed. Go back, reload the page and submit the form again."}
	}
	return nil
}

// maxUpload is the largest file a multipart form may carry; the whole
// body may hold maxFormOverhead bytes more for the other fields.
const (
	maxUpload       = 10 << 20
	maxFormOverhead = 64 << 10
)

// parseForm reads the form of a POST, a multipart one (a file upload)
// included, whose body is limited to maxUpload and kept in memory.
func parseForm(r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(nil, r.Body, maxUpload+maxFormOverhead)
		err := r.ParseMultipartForm(maxUpload + maxFormOverhead)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errs.InvalidFields("the upload is too large", errs.Field("document", "", "is larger than %d MiB", maxUpload>>20))
		}
		if err != nil {
			return &csrfError{"The form could not be read. Reload it and submit it again."}
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return &csrfError{"The form could not be read. Reload it and submit it again."}
	}
	return nil
}
