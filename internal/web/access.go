package web

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
)

// principalFrom returns the principal of a request. It is the one place
// that decides who is browsing: the person of a live session cookie (with
// the taxpayer they act for), else an anonymous visitor known by network
// address. A cookie that names no live session counts for nothing, so a
// cookie planted before sign-in can never become a session: sign-in always
// issues a new ID.
//
// Authorization is not decided here nor in any handler: each Service asks
// its Policy whether the principal may act on each taxpayer, and the pages
// show what it answers.
func (s *server) principalFrom(r *http.Request) actor.Actor {
	addr := clientIP(r)
	if s.access != nil {
		if c, err := r.Cookie(access.CookieName); err == nil && c.Value != "" {
			if v, err := s.access.Resolve(r.Context(), c.Value); err == nil {
				return v.Actor(addr)
			}
		}
	}
	return actor.Actor{Kind: actor.Anonymous, Address: addr}
}

// setSession sets (or, with raw empty, clears) the session cookie, and
// gives the forms a new CSRF token at every sign-in, switch and sign-out,
// so that a token planted or read before cannot serve the new session.
func (s *server) setSession(w http.ResponseWriter, raw string) {
	http.SetCookie(w, access.Cookie(raw, !s.insecureCookies))
	var b [32]byte
	_, _ = rand.Read(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: base64.RawURLEncoding.EncodeToString(b[:]), Path: "/",
		HttpOnly: true, Secure: !s.insecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *server) accessService() (*access.Service, error) {
	if s.access == nil {
		return nil, errs.E(errs.Unavailable, "accounts are not enabled on this server")
	}
	return s.access, nil
}

func webClient(r *http.Request) access.Client {
	return access.Client{Address: clientIP(r), UserAgent: r.UserAgent()}
}

// accessPage is the view of the sign-in, activation and reset pages.
type accessPage struct {
	page
	Step    string // which form of the page to show
	Notice  string
	Errors  *formErrors
	Login   string
	ID      string
	Channel string
	Token   string
	Offer   access.ActivationOffer
	Sent    access.CodeSent
	// Delivery says what happened to the newest code.
	Delivery string
}

func (s *server) renderAccess(w http.ResponseWriter, r *http.Request, status int, name, title string, p accessPage) {
	p.page = s.newPage(w, r, title, name)
	s.render(w, r, status, name, p)
}

// accessRejected re-renders a form with status 422 when err is the user's to
// fix, and passes any other error on.
func (s *server) accessRejected(w http.ResponseWriter, r *http.Request, err error, name, title string, p accessPage) error {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.Conflict, errs.Unauthenticated, errs.Forbidden, errs.NotFound:
		p.Errors = errorsOf(err)
		s.renderAccess(w, r, http.StatusUnprocessableEntity, name, title, p)
		return nil
	case errs.Unavailable:
		p.Errors = errorsOf(err)
		s.renderAccess(w, r, http.StatusServiceUnavailable, name, title, p)
		return nil
	}
	return err
}

var notices = map[string]string{
	"activated": "Your account is active. Sign in with your NIK or NPWP and the password you chose.",
	"reset":     "Your password has been changed and every session signed out. Sign in with the new password.",
	"signedout": "You have signed out.",
	"expired":   "Your session has ended. Sign in again.",
}

// loginForm shows GET /login.
func (s *server) loginForm(w http.ResponseWriter, r *http.Request) error {
	s.renderAccess(w, r, http.StatusOK, "login", "Sign in", accessPage{Step: "password", Notice: notices[r.URL.Query().Get("done")]})
	return nil
}

// login handles POST /login: the password step.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	p := accessPage{Step: "password", Login: r.PostForm.Get("login")}
	res, err := svc.Login(r.Context(), p.Login, r.PostForm.Get("password"), webClient(r))
	if err != nil {
		return s.accessRejected(w, r, err, "login", "Sign in", p)
	}
	s.setSession(w, res.SessionID)
	if res.SecondStep {
		return seeOther(w, r, "/login/second-step")
	}
	return seeOther(w, r, "/account/security")
}

// secondStepForm shows GET /login/second-step.
func (s *server) secondStepForm(w http.ResponseWriter, r *http.Request) error {
	s.renderAccess(w, r, http.StatusOK, "login", "Two-step verification", accessPage{Step: "second"})
	return nil
}

// secondStep handles POST /login/second-step.
func (s *server) secondStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	p := accessPage{Step: "second"}
	c, _ := r.Cookie(access.CookieName)
	if c == nil {
		return seeOther(w, r, "/login?done=expired")
	}
	res, err := svc.SecondStep(r.Context(), c.Value, r.PostForm.Get("code"), webClient(r))
	if err != nil {
		return s.accessRejected(w, r, err, "login", "Two-step verification", p)
	}
	s.setSession(w, res.SessionID)
	return seeOther(w, r, "/account/security")
}

// logout handles POST /logout.
func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, _ := r.Cookie(access.CookieName); c != nil && s.access != nil {
		if err := s.access.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setSession(w, "")
	return seeOther(w, r, "/login?done=signedout")
}

// activateForm shows GET /activate.
// With ?step=complete&id=... it shows the code form again with the
// delivery status of the newest code.
func (s *server) activateForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := accessPage{Step: "find"}
	if q.Get("step") == "complete" && s.access != nil {
		p.Step, p.ID = "complete", q.Get("id")
		d, err := s.access.ActivationDelivery(r.Context(), p.ID)
		if err != nil {
			return s.accessRejected(w, r, err, "activate", "Activate your account", accessPage{Step: "find", ID: p.ID})
		}
		p.Delivery = d
	}
	s.renderAccess(w, r, http.StatusOK, "activate", "Activate your account", p)
	return nil
}

// activate handles POST /activate, one step at a time: find the taxpayer,
// send the code, then check the code and set the password.
func (s *server) activate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	f := r.PostForm
	p := accessPage{Step: f.Get("step"), ID: strings.TrimSpace(f.Get("id")), Channel: f.Get("channel")}
	const title = "Activate your account"
	switch p.Step {
	case "send":
		if p.Sent, err = svc.SendActivationCode(r.Context(), p.ID, p.Channel, clientIP(r)); err != nil {
			p.Offer, _ = svc.StartActivation(r.Context(), p.ID)
			p.Step = "choose"
			return s.accessRejected(w, r, err, "activate", title, p)
		}
		p.Step = "complete"
		if p.Delivery, err = svc.ActivationDelivery(r.Context(), p.ID); err != nil {
			return err
		}
	case "complete":
		if _, err := svc.Activate(r.Context(), p.ID, f.Get("code"), f.Get("password")); err != nil {
			return s.accessRejected(w, r, err, "activate", title, p)
		}
		return seeOther(w, r, "/login?done=activated")
	default:
		p.Step = "find"
		if p.Offer, err = svc.StartActivation(r.Context(), p.ID); err != nil {
			return s.accessRejected(w, r, err, "activate", title, p)
		}
		p.Step = "choose"
	}
	s.renderAccess(w, r, http.StatusOK, "activate", title, p)
	return nil
}

// resetForm shows GET /reset.
func (s *server) resetForm(w http.ResponseWriter, r *http.Request) error {
	s.renderAccess(w, r, http.StatusOK, "reset", "Reset your password", accessPage{Step: "request", Channel: "email"})
	return nil
}

// reset handles POST /reset: ask for a code or a link, then set the new
// password with the code.
func (s *server) reset(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	f := r.PostForm
	p := accessPage{Step: f.Get("step"), ID: strings.TrimSpace(f.Get("id")), Channel: f.Get("channel")}
	const title = "Reset your password"
	if p.Step == "complete" {
		if err := svc.ResetPassword(r.Context(), p.ID, f.Get("code"), f.Get("password")); err != nil {
			return s.accessRejected(w, r, err, "reset", title, p)
		}
		s.setSession(w, "")
		return seeOther(w, r, "/login?done=reset")
	}
	link := p.Channel == "link"
	channel := p.Channel
	if link {
		channel = "email"
	}
	p.Step = "request"
	if p.Sent, err = svc.RequestReset(r.Context(), p.ID, channel, link, clientIP(r)); err != nil {
		return s.accessRejected(w, r, err, "reset", title, p)
	}
	p.Step = "complete"
	if link {
		p.Step = "linksent"
	}
	s.renderAccess(w, r, http.StatusOK, "reset", title, p)
	return nil
}

// resetLinkForm shows GET /reset/link?token=...: the form for the new
// password of an e-mailed link.
func (s *server) resetLinkForm(w http.ResponseWriter, r *http.Request) error {
	s.renderAccess(w, r, http.StatusOK, "reset", "Choose a new password", accessPage{Step: "link", Token: r.URL.Query().Get("token")})
	return nil
}

// resetLink handles POST /reset/link.
func (s *server) resetLink(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	p := accessPage{Step: "link", Token: r.PostForm.Get("token")}
	if err := svc.ResetPasswordByLink(r.Context(), p.Token, r.PostForm.Get("password")); err != nil {
		return s.accessRejected(w, r, err, "reset", "Choose a new password", p)
	}
	s.setSession(w, "")
	return seeOther(w, r, "/login?done=reset")
}

// securityPage is the view of the security settings.
type securityPage struct {
	page
	Account   access.Account
	Sessions  []access.Session
	Tokens    []access.Token
	Current   string // the current session's hash
	Notice    string
	Errors    *formErrors
	Form      string // the form the errors belong to
	Enrolment *access.Enrolment
	QR        template.URL // data: URI of the enrolment's QR code (a PNG this server made)
	Recovery  []string
	NewToken  string
	Modules   []string
	Now       time.Time
}

var securityNotices = map[string]string{
	"password":   "Your password has been changed. Your other sessions have been signed out.",
	"twostepoff": "Two-step verification is off.",
	"revoked":    "The token has been revoked.",
	"switched":   "You now act for the taxpayer shown in the banner.",
	"back":       "You act for yourself again.",
}

// security shows GET /account/security.
func (s *server) security(w http.ResponseWriter, r *http.Request) error {
	return s.renderSecurity(w, r, http.StatusOK, securityPage{Notice: securityNotices[r.URL.Query().Get("done")]})
}

func (s *server) renderSecurity(w http.ResponseWriter, r *http.Request, status int, p securityPage) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	if actor.From(ctx).AccountID == 0 {
		return seeOther(w, r, "/login")
	}
	if p.Account, err = svc.Account(ctx); err != nil {
		return err
	}
	if p.Sessions, err = svc.Sessions(ctx); err != nil {
		return err
	}
	if p.Account.Kind == access.TaxpayerAccount {
		if p.Tokens, err = svc.Tokens(ctx); err != nil {
			return err
		}
	}
	if p.Enrolment != nil && len(p.Enrolment.QRPNG) > 0 {
		p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(p.Enrolment.QRPNG))
	}
	p.Current = actor.From(ctx).SessionID
	p.Modules = access.Modules
	p.Now = time.Now()
	p.page = s.newPage(w, r, "Security settings", "security")
	s.render(w, r, status, "security", p)
	return nil
}

// securityRejected re-renders the security page with the errors next to
// the form that caused them.
func (s *server) securityRejected(w http.ResponseWriter, r *http.Request, err error, form string) error {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.Conflict, errs.Forbidden, errs.NotFound:
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, securityPage{Errors: errorsOf(err), Form: form})
	}
	return err
}

// changePassword handles POST /account/password.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	if err := svc.ChangePassword(r.Context(), r.PostForm.Get("current_password"), r.PostForm.Get("new_password")); err != nil {
		return s.securityRejected(w, r, err, "password")
	}
	return seeOther(w, r, "/account/security?done=password")
}

// enrolTwoStep handles POST /account/two-step/enrol: the page shows the
// QR code and asks for a code from the app.
func (s *server) enrolTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	e, err := svc.BeginTOTP(r.Context())
	if err != nil {
		return s.securityRejected(w, r, err, "twostep")
	}
	return s.renderSecurity(w, r, http.StatusOK, securityPage{Enrolment: &e})
}

// confirmTwoStep handles POST /account/two-step/confirm: the page shows
// the recovery codes, this once.
func (s *server) confirmTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	codes, err := svc.ConfirmTOTP(r.Context(), r.PostForm.Get("code"))
	if err != nil {
		p := securityPage{Errors: errorsOf(err), Form: "twostep"}
		if e, perr := svc.PendingTOTP(r.Context()); perr == nil {
			p.Enrolment = &e
		}
		if errs.KindOf(err) == errs.Internal {
			return err
		}
		return s.renderSecurity(w, r, http.StatusUnprocessableEntity, p)
	}
	return s.renderSecurity(w, r, http.StatusOK, securityPage{Recovery: codes})
}

// disableTwoStep handles POST /account/two-step/disable.
func (s *server) disableTwoStep(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	if err := svc.DisableTOTP(r.Context(), r.PostForm.Get("password")); err != nil {
		return s.securityRejected(w, r, err, "twostep")
	}
	return seeOther(w, r, "/account/security?done=twostepoff")
}

// logoutEverywhere handles POST /account/logout-everywhere.
func (s *server) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	if _, err := svc.LogoutEverywhere(r.Context()); err != nil {
		return err
	}
	s.setSession(w, "")
	return seeOther(w, r, "/login?done=signedout")
}

// createToken handles POST /account/tokens: the page shows the token's
// secret, this once.
func (s *server) createToken(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	f := r.PostForm
	days, _ := strconv.Atoi(f.Get("days"))
	raw, _, err := svc.CreateToken(r.Context(), access.TokenRequest{Name: f.Get("name"), NPWP: strings.TrimSpace(f.Get("npwp")), Scopes: f["scopes"], Days: days})
	if err != nil {
		return s.securityRejected(w, r, err, "token")
	}
	return s.renderSecurity(w, r, http.StatusOK, securityPage{NewToken: raw})
}

// revokeToken handles POST /account/tokens/{id}/revoke.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	id, err := formID(r, "token")
	if err != nil {
		return err
	}
	if err := svc.RevokeToken(r.Context(), id); err != nil {
		return s.securityRejected(w, r, err, "token")
	}
	return seeOther(w, r, "/account/security?done=revoked")
}

// actFor handles POST /account/acting-for: act for the taxpayer with the
// NPWP, or (empty) for oneself. The session gets a new ID.
func (s *server) actFor(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	c, _ := r.Cookie(access.CookieName)
	if c == nil {
		return seeOther(w, r, "/login")
	}
	npwp := strings.TrimSpace(r.PostForm.Get("npwp"))
	raw, err := svc.Switch(r.Context(), c.Value, npwp, webClient(r))
	if err != nil {
		return s.securityRejected(w, r, err, "actfor")
	}
	s.setSession(w, raw)
	if npwp == "" {
		return seeOther(w, r, "/account/security?done=back")
	}
	return seeOther(w, r, "/taxpayers/"+url.PathEscape(npwp))
}

// unlockPage is the view of the officer's unlock page.
type unlockPage struct {
	page
	Errors *formErrors
	Login  string
	Done   string
}

// unlockForm shows GET /officer/accounts.
func (s *server) unlockForm(w http.ResponseWriter, r *http.Request) error {
	if actor.From(r.Context()).Kind != actor.Officer {
		return errs.E(errs.Forbidden, "only a signed-in tax officer unlocks accounts; sign in with your officer user name")
	}
	p := unlockPage{Done: r.URL.Query().Get("unlocked")}
	p.page = s.newPage(w, r, "Unlock an account", "unlock")
	s.render(w, r, http.StatusOK, "unlock", p)
	return nil
}

// unlock handles POST /officer/accounts/unlock.
func (s *server) unlock(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.accessService()
	if err != nil {
		return err
	}
	p := unlockPage{Login: strings.TrimSpace(r.PostForm.Get("login"))}
	acc, err := svc.Unlock(r.Context(), p.Login)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid {
			p.Errors = errorsOf(err)
			p.page = s.newPage(w, r, "Unlock an account", "unlock")
			s.render(w, r, http.StatusUnprocessableEntity, "unlock", p)
			return nil
		}
		return err
	}
	return seeOther(w, r, "/officer/accounts?unlocked="+url.QueryEscape(acc.Login()))
}

// clientIP is the address of the peer. Forwarding headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// formErrorsFor returns the errors when they belong to the form named
// want, so that a rejected form does not mark fields of the same name in
// the other forms of a page.
func formErrorsFor(fe *formErrors, form, want string) *formErrors {
	if form == want {
		return fe
	}
	return nil
}
