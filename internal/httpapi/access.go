package httpapi

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
)

// principalFrom returns the principal of a request. It is the one place that
// decides who is calling: an API token in "Authorization: Bearer ...",
// else the session cookie of a signed-in browser, else an anonymous caller
// known by network address. A token must carry the scope of the route
// (routeScope); a bad or revoked token is an error, never anonymous.
//
// Authorization is not decided here nor in any handler: each Service asks
// its Policy whether the principal may act on each taxpayer.
func (s *server) principalFrom(r *http.Request) (actor.Actor, error) {
	anon := actor.Actor{Kind: actor.Anonymous, Address: clientAddress(r)}
	if s.access == nil {
		return anon, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, raw, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
			return anon, errs.E(errs.Unauthenticated, `the Authorization header must be "Bearer " followed by an API token`)
		}
		tok, a, err := s.access.ResolveToken(r.Context(), raw, anon.Address)
		if err != nil {
			return anon, err
		}
		scope := routeScope(r.Method, r.Pattern)
		switch {
		case scope == "-":
			return anon, errs.E(errs.Forbidden, "API tokens cannot be used on this route; sign in with a password instead")
		case scope != "" && !tok.Allows(scope):
			return anon, errs.Errorf(errs.Forbidden, "the API token does not have the scope %s that this route needs; it has %s", scope, strings.Join(tok.Scopes, ", "))
		}
		return a, nil
	}
	if c, err := r.Cookie(access.CookieName); err == nil && c.Value != "" {
		if v, err := s.access.Resolve(r.Context(), c.Value); err == nil {
			// A browser sends the cookie with any request to this site;
			// a changing request must also say Content-Type:
			// application/json, which a page on another origin cannot
			// send without a CORS preflight this server never grants.
			if !safeMethod(r.Method) {
				if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
					return anon, errs.E(errs.Forbidden, "a request signed in with the session cookie that changes something must be sent with Content-Type: application/json")
				}
			}
			return v.Actor(anon.Address), nil
		}
	}
	return anon, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// routeScope is the token scope a route needs: "module:read" for GET and
// "module:write" otherwise on a module's routes, "" for routes open to
// every token, "-" for routes no token may use (access itself, imports).
func routeScope(method, pattern string) string {
	_, path, _ := strings.Cut(pattern, " ")
	rw := "write"
	if method == http.MethodGet || method == http.MethodHead {
		rw = "read"
	}
	switch {
	case strings.HasPrefix(path, Prefix+"/taxpayers"):
		return "registration:" + rw
	case path == Prefix+"/compliance/records", path == Prefix+"/compliance/imports":
		// Third-party data from a platform or bank (doc/compliance.md).
		return "compliance:" + rw
	case strings.HasPrefix(path, Prefix+"/id/"), path == Prefix+"/openapi.yaml",
		strings.HasPrefix(path, Prefix+"/objectcodes"), rw == "read" && strings.HasPrefix(path, Prefix+"/regencies"):
		// Public reference data: the tax object codes and the regions'
		// PBJT configuration.
		return ""
	}
	return "-"
}

func (s *server) accessService() (*access.Service, error) {
	if s.access == nil {
		return nil, errs.E(errs.Unavailable, "accounts are not enabled on this server")
	}
	return s.access, nil
}

func (s *server) client(r *http.Request) access.Client {
	return access.Client{Address: clientAddress(r), UserAgent: r.UserAgent()}
}

func (s *server) setSession(w http.ResponseWriter, raw string) {
	http.SetCookie(w, access.Cookie(raw, !s.insecureCookies))
}

type idRequest struct {
	ID      string `json:"id"`
	Channel string `json:"channel"`
	Code    string `json:"code"`
	Token   string `json:"token"`
	Link    bool   `json:"link"`
	// Password is the new password.
	Password string `json:"password"`
}

type destinationJSON struct {
	Channel string `json:"channel"`
	To      string `json:"to"`
}

type offerJSON struct {
	NPWP         string            `json:"npwp"`
	Name         string            `json:"name"`
	Destinations []destinationJSON `json:"destinations"`
}

type codeSentJSON struct {
	Channel   string    `json:"channel"`
	To        string    `json:"to"`
	ExpiresAt time.Time `json:"expires_at"`
	ResendAt  time.Time `json:"resend_at"`
}

func codeSentOut(c access.CodeSent) codeSentJSON {
	return codeSentJSON{string(c.Channel), c.Masked, c.ExpiresAt, c.ResendAt}
}

type accountJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Login      string `json:"login"`
	Name       string `json:"name"`
	TwoStep    bool   `json:"two_step"`
	ActingFor  string `json:"acting_for,omitempty"`
	SecondStep bool   `json:"second_step_required,omitempty"`
}

func accountOut(a access.Account) accountJSON {
	return accountJSON{ID: a.ID, Kind: string(a.Kind), Login: a.Login(), Name: a.Name, TwoStep: a.TOTPEnabled}
}

// startActivation handles POST /access/activation.
func (s *server) startActivation(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q idRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	o, err := svc.StartActivation(r.Context(), q.ID)
	if err != nil {
		return err
	}
	out := offerJSON{NPWP: o.NPWP, Name: o.Name}
	for _, d := range o.Destinations {
		out.Destinations = append(out.Destinations, destinationJSON{string(d.Channel), d.Masked})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// sendActivationCode handles POST /access/activation/code.
func (s *server) sendActivationCode(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q idRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	sent, err := svc.SendActivationCode(r.Context(), q.ID, q.Channel, clientAddress(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, codeSentOut(sent))
	return nil
}

// activationStatus handles GET /access/activation/status?id=...: what
// happened to the newest activation code, in one sentence.
func (s *server) activationStatus(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	d, err := svc.ActivationDelivery(r.Context(), r.URL.Query().Get("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"delivery": d})
	return nil
}

// activate handles POST /access/activation/complete.
func (s *server) activate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q idRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	a, err := svc.Activate(r.Context(), q.ID, q.Code, q.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, accountOut(a))
	return nil
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
	Code     string `json:"code"`
}

// login handles POST /access/login: it sets the session cookie.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q loginRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	res, err := svc.Login(r.Context(), q.Login, q.Password, s.client(r))
	if err != nil {
		return err
	}
	s.setSession(w, res.SessionID)
	out := accountOut(res.Account)
	out.SecondStep = res.SecondStep
	writeJSON(w, http.StatusOK, out)
	return nil
}

// secondStep handles POST /access/login/second-step.
func (s *server) secondStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q loginRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	c, _ := r.Cookie(access.CookieName)
	if c == nil {
		return errs.E(errs.Unauthenticated, "send the password first: the second step needs the session cookie of POST /api/v1/access/login")
	}
	res, err := svc.SecondStep(r.Context(), c.Value, q.Code, s.client(r))
	if err != nil {
		return err
	}
	s.setSession(w, res.SessionID)
	writeJSON(w, http.StatusOK, accountOut(res.Account))
	return nil
}

// logout handles POST /access/logout.
func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	if c, _ := r.Cookie(access.CookieName); c != nil {
		if err := svc.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setSession(w, "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// logoutEverywhere handles POST /access/logout-everywhere.
func (s *server) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	n, err := svc.LogoutEverywhere(r.Context())
	if err != nil {
		return err
	}
	s.setSession(w, "")
	writeJSON(w, http.StatusOK, map[string]int{"ended": n})
	return nil
}

// me handles GET /access/me.
func (s *server) me(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	a, err := svc.Account(r.Context())
	if err != nil {
		return err
	}
	out := accountOut(a)
	out.ActingFor = actor.From(r.Context()).ActingFor
	writeJSON(w, http.StatusOK, out)
	return nil
}

type sessionJSON struct {
	Address   string    `json:"address"`
	UserAgent string    `json:"user_agent"`
	Current   bool      `json:"current"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
	ActingFor int64     `json:"acting_for_taxpayer_id,omitempty"`
}

// sessions handles GET /access/sessions.
func (s *server) sessions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	ss, err := svc.Sessions(r.Context())
	if err != nil {
		return err
	}
	cur := actor.From(r.Context()).SessionID
	out := []sessionJSON{}
	for _, x := range ss {
		out = append(out, sessionJSON{x.Address, x.UserAgent, x.IDHash == cur, x.CreatedAt, x.LastSeen, x.ExpiresAt, x.ActingForID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
	return nil
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword handles POST /access/password.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q passwordRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	if err := svc.ChangePassword(r.Context(), q.CurrentPassword, q.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requestReset handles POST /access/reset.
func (s *server) requestReset(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q idRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	if q.Link && q.Channel == "" {
		q.Channel = "email"
	}
	sent, err := svc.RequestReset(r.Context(), q.ID, q.Channel, q.Link, clientAddress(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, codeSentOut(sent))
	return nil
}

// completeReset handles POST /access/reset/complete: with id and code, or
// with the token of an e-mailed link.
func (s *server) completeReset(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q idRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	if q.Token != "" {
		err = svc.ResetPasswordByLink(r.Context(), q.Token, q.Password)
	} else {
		err = svc.ResetPassword(r.Context(), q.ID, q.Code, q.Password)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// enrolTwoStep handles POST /access/two-step/enrol.
func (s *server) enrolTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	e, err := svc.BeginTOTP(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"secret": e.Secret, "otpauth_uri": e.URI})
	return nil
}

// confirmTwoStep handles POST /access/two-step/confirm.
func (s *server) confirmTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q loginRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	codes, err := svc.ConfirmTOTP(r.Context(), q.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string][]string{"recovery_codes": codes})
	return nil
}

// disableTwoStep handles POST /access/two-step/disable.
func (s *server) disableTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q loginRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	if err := svc.DisableTOTP(r.Context(), q.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type tokenRequest struct {
	Name   string   `json:"name"`
	NPWP   string   `json:"npwp"`
	Scopes []string `json:"scopes"`
	Days   int      `json:"days"`
}

type tokenJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	NPWP      string     `json:"npwp"`
	Scopes    []string   `json:"scopes"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Token     string     `json:"token,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(t access.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, NPWP: t.NPWP, Scopes: t.Scopes, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
		RevokedAt: timePtr(t.RevokedAt), LastUsed: timePtr(t.LastUsed)}
}

// createToken handles POST /access/tokens: the token's secret is in the
// answer, and only there.
func (s *server) createToken(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q tokenRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	raw, t, err := svc.CreateToken(r.Context(), access.TokenRequest{Name: q.Name, NPWP: q.NPWP, Scopes: q.Scopes, Days: q.Days})
	if err != nil {
		return err
	}
	out := tokenOut(t)
	out.Token = raw
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// tokens handles GET /access/tokens.
func (s *server) tokens(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	ts, err := svc.Tokens(r.Context())
	if err != nil {
		return err
	}
	out := []tokenJSON{}
	for _, t := range ts {
		out = append(out, tokenOut(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

// revokeToken handles POST /access/tokens/{id}/revoke.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errs.InvalidFields("the token ID is not valid", errs.Field("id", r.PathValue("id"), "give the numeric ID of one of your tokens"))
	}
	if err := svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type switchRequest struct {
	NPWP string `json:"npwp"`
}

// actFor handles POST /access/acting-for: the session acts for the
// taxpayer with the NPWP (empty: for oneself) under a new session ID.
func (s *server) actFor(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q switchRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	c, _ := r.Cookie(access.CookieName)
	if c == nil {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	raw, err := svc.Switch(r.Context(), c.Value, q.NPWP, s.client(r))
	if err != nil {
		return err
	}
	s.setSession(w, raw)
	writeJSON(w, http.StatusOK, map[string]string{"acting_for": q.NPWP})
	return nil
}

type unlockRequest struct {
	Login string `json:"login"`
}

// unlock handles POST /access/unlock (officers).
func (s *server) unlock(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	var q unlockRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	a, err := svc.Unlock(r.Context(), q.Login)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accountOut(a))
	return nil
}
