// Package web serves the server-rendered pages: a home page, taxpayer
// registration, the taxpayer profile with its forms, and the officer
// search. Templates and static files are embedded.
//
// Every page works without JavaScript; htmx (static/htmx.min.js) adds
// live search, inline checks and area lists that follow the chosen
// province. Forms follow POST-redirect-GET, are re-rendered with status
// 422 and the messages next to the fields when the input is rejected,
// and carry a CSRF token checked on every POST (see csrf.go).
package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config holds what the pages show.
type Config struct {
	Registration *registration.Service
	// Logger receives the causes of internal errors. When nil, the
	// default logger is used.
	Logger *slog.Logger
	// DemoNotes are shown on the home page when the server runs with
	// demo data: what to try.
	DemoNotes []string
	// Outbox lists the notification outbox for the /outbox page, which
	// is not found unless DevOutbox is set (and Outbox is not nil).
	Outbox    OutboxLister
	DevOutbox bool
	// Audit reads the security log. When nil, the security log page
	// answers 503.
	Audit *audit.Service
	// Access signs people in. When nil, everyone is anonymous and the
	// sign-in pages answer 503.
	Access *access.Service
	// InsecureCookies leaves Secure off the session cookie, for
	// plain-http use.
	InsecureCookies bool
	// Roles serves people and roles, consultant invitations and the
	// "why can't I" checklist. When nil, those pages answer 503.
	Roles *roles.Service
	// AuthCode serves the authorization-code wizard and the officer
	// queue. When nil, those pages answer 503.
	AuthCode *authcode.Service
	// Signing serves the public verification page of signatures. When
	// nil, that page answers 503.
	Signing *signing.Service
	// EFaktur serves the e-Faktur pages (/taxpayers/{npwp}/efaktur/...).
	EFaktur *efaktur.Service
	// EBupot serves the e-Bupot pages (/taxpayers/{npwp}/ebupot/...).
	EBupot *ebupot.Service
	// EBupotBatches stores the payroll batches the payroll page saves.
	// When nil, saving a payroll answers 503 (calculating still works).
	EBupotBatches ebupot.BatchStore
	// Exemptions serves the exemption certificates of a taxpayer
	// (/taxpayers/{npwp}/exemptions) and the officer's way in
	// (/officer/exemptions). When nil, those pages answer 503.
	Exemptions *exemption.Service
	// EFakturUploads runs bulk uploads (/taxpayers/{npwp}/efaktur/uploads).
	// When nil, those pages answer 503.
	EFakturUploads *efaktur.Uploads
	// PBJT serves the regions' configuration (/regencies) and the
	// portfolio of properties; when nil those pages answer 503.
	PBJT *pbjt.Service
	// PBJTBookings serves a property's bookings and imports
	// (/taxpayers/{npwp}/properties/{id}/bookings); when nil those pages
	// answer 503.
	PBJTBookings *pbjt.Bookings
	// PBJTDeclarations serves a property's declarations
	// (/taxpayers/{npwp}/properties/{id}/declarations); when nil those
	// pages answer 503.
	PBJTDeclarations *pbjt.Declarations
	// Cases serves the officer's compliance pages (/officer/compliance/...)
	// and the taxpayer's self-check and letters; when nil those pages
	// answer 503.
	Cases *casework.Service
	// Compliance serves the thresholds of the compliance engine
	// (/officer/compliance/settings); when nil that page answers 503.
	Compliance *compliance.Service
	// PBJTIncomeTax serves the villa owner's income tax view
	// (/taxpayers/{npwp}/income-tax/{year}); when nil those pages answer
	// 503.
	PBJTIncomeTax *pbjt.IncomeTaxes
}

// server holds the dependencies of the handlers.
type server struct {
	reg       *registration.Service
	logger    *slog.Logger
	demoNotes []string
	pages     map[string]*template.Template
	audit     *audit.Service
	access    *access.Service
	roles     *roles.Service
	authcode  *authcode.Service
	signing   *signing.Service
	efaktur   *efaktur.Service
	uploads   *efaktur.Uploads
	pbjt      *pbjt.Service
	ebupot    *ebupot.Service
	// ebupotBatches stores the payroll page's batches.
	ebupotBatches ebupot.BatchStore
	// exemptions serves the exemption certificates pages.
	exemptions *exemption.Service
	// pbjtBookings serves a property's bookings pages.
	pbjtBookings *pbjt.Bookings
	// pbjtDeclarations serves a property's declarations pages.
	pbjtDeclarations *pbjt.Declarations
	// cases serves the compliance pages.
	cases *casework.Service
	// compliance serves the thresholds page.
	compliance *compliance.Service
	// pbjtIncomeTax serves the owner's income tax page.
	pbjtIncomeTax *pbjt.IncomeTaxes
	// insecureCookies leaves Secure off the session cookie.
	insecureCookies bool

	// outboxList serves the development outbox when devOutbox is set.
	outboxList OutboxLister
	devOutbox  bool
}

// route is one page or form of the site.
type route struct {
	pattern string
	h       func(*server, http.ResponseWriter, *http.Request) error
}

var routes = []route{
	{"GET /{$}", (*server).home},
	{"GET /register", (*server).registerForm},
	{"POST /register", (*server).register},
	{"GET /register/check", (*server).check},
	{"GET /areas", (*server).areas},
	{"GET /taxpayers/{npwp}", (*server).profile},
	{"POST /taxpayers/{npwp}/places", (*server).addPlace},
	{"POST /taxpayers/{npwp}/parties", (*server).addParty},
	{"POST /taxpayers/{npwp}/parties/{id}/end", (*server).endParty},
	{"POST /taxpayers/{npwp}/pkp", (*server).setPKP},
	{"POST /taxpayers/{npwp}/links", (*server).linkNPWP},
	{"GET /officer/taxpayers", (*server).search},
	{"GET /security-log", (*server).securityLog},
	{"GET /outbox", (*server).outbox},
	{"GET /login", (*server).loginForm},
	{"POST /login", (*server).login},
	{"GET /login/second-step", (*server).secondStepForm},
	{"POST /login/second-step", (*server).secondStep},
	{"POST /logout", (*server).logout},
	{"GET /activate", (*server).activateForm},
	{"POST /activate", (*server).activate},
	{"GET /reset", (*server).resetForm},
	{"POST /reset", (*server).reset},
	{"GET /reset/link", (*server).resetLinkForm},
	{"POST /reset/link", (*server).resetLink},
	{"GET /account/security", (*server).security},
	{"POST /account/password", (*server).changePassword},
	{"POST /account/two-step/enrol", (*server).enrolTwoStep},
	{"POST /account/two-step/confirm", (*server).confirmTwoStep},
	{"POST /account/two-step/disable", (*server).disableTwoStep},
	{"POST /account/logout-everywhere", (*server).logoutEverywhere},
	{"POST /account/tokens", (*server).createToken},
	{"POST /account/tokens/{id}/revoke", (*server).revokeToken},
	{"POST /account/acting-for", (*server).actFor},
	{"GET /officer/accounts", (*server).unlockForm},
	{"GET /taxpayers/{npwp}/roles", (*server).people},
	{"POST /taxpayers/{npwp}/roles", (*server).grantRole},
	{"POST /taxpayers/{npwp}/roles/{id}/revoke", (*server).revokeRole},
	{"POST /taxpayers/{npwp}/consultants", (*server).invite},
	{"POST /taxpayers/{npwp}/consultants/{id}/revoke", (*server).revokeConsultant},
	{"GET /access/invitations", (*server).invitations},
	{"POST /access/invitations/{id}/accept", (*server).acceptInvitation},
	{"POST /access/invitations/{id}/decline", (*server).declineInvitation},
	{"GET /access/why", (*server).why},
	{"POST /officer/accounts/unlock", (*server).unlock},
	{"GET /authcode", (*server).authCodeWizard},
	{"POST /authcode/start", (*server).authCodeStart},
	{"POST /authcode/{id}/resend", (*server).authCodeResend},
	{"POST /authcode/{id}/confirm", (*server).authCodeConfirm},
	{"POST /authcode/{id}/verify", (*server).authCodeVerify},
	{"POST /authcode/{id}/issue", (*server).authCodeIssue},
	{"POST /authcode/renew", (*server).authCodeRenew},
	{"POST /authcode/revoke", (*server).authCodeRevoke},
	{"GET /authcode/letter", (*server).authCodeLetter},
	{"GET /officer/authcode", (*server).authCodeQueue},
	{"POST /officer/authcode/{id}/decision", (*server).authCodeDecide},
	{"POST /officer/authcode/reset", (*server).authCodeReset},
	{"GET /verify/{id}", (*server).verify},
	{"GET /sign", (*server).signForm},
	{"POST /sign", (*server).sign},
	{"GET /sign/{id}", (*server).signResult},
	{"GET /regencies", (*server).regions},
	{"GET /taxpayers/{npwp}/properties", (*server).properties},
	{"GET /taxpayers/{npwp}/properties/{id}/bookings", (*server).bookings},
	{"POST /taxpayers/{npwp}/properties/{id}/bookings/imports", (*server).importBookings},
	{"POST /taxpayers/{npwp}/properties/{id}/bookings", (*server).addBooking},
	{"GET /taxpayers/{npwp}/properties/{id}/declarations", (*server).declarations},
	{"POST /taxpayers/{npwp}/properties/{id}/declarations", (*server).fileDeclaration},
	{"POST /taxpayers/{npwp}/properties/{id}/declarations/{month}/payments", (*server).payDeclaration},
	{"GET /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/pdf", (*server).declarationPDF},
	{"GET /taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/csv", (*server).declarationCSV},
	{"GET /taxpayers/{npwp}/income-tax", (*server).incomeTaxThisYear},
	{"GET /taxpayers/{npwp}/income-tax/{year}", (*server).incomeTax},
	{"POST /taxpayers/{npwp}/income-tax/{year}/choices", (*server).chooseIncomeTax},
	{"POST /taxpayers/{npwp}/income-tax/{year}/leases", (*server).markLease},
	{"POST /taxpayers/{npwp}/income-tax/{year}/expenses", (*server).stateExpenses},
	{"GET /taxpayers/{npwp}/efaktur", (*server).efakturList},
	{"GET /taxpayers/{npwp}/efaktur/uploads", (*server).uploadForm},
	{"POST /taxpayers/{npwp}/efaktur/uploads", (*server).createUpload},
	{"GET /taxpayers/{npwp}/efaktur/uploads/{id}", (*server).uploadJob},
	{"POST /taxpayers/{npwp}/efaktur/uploads/{id}/cancel", (*server).cancelUpload},
	{"POST /taxpayers/{npwp}/efaktur/approve", (*server).approveSelected},
	{"GET /taxpayers/{npwp}/efaktur/new", (*server).newFakturForm},
	{"POST /taxpayers/{npwp}/efaktur/new", (*server).createFaktur},
	{"GET /taxpayers/{npwp}/efaktur/input", (*server).efakturInput},
	{"GET /taxpayers/{npwp}/efaktur/fakturs/{id}", (*server).fakturDetail},
	{"GET /taxpayers/{npwp}/efaktur/fakturs/{id}/edit", (*server).editFakturForm},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/edit", (*server).editFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/delete", (*server).deleteFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/approve", (*server).approveFaktur},
	{"GET /taxpayers/{npwp}/efaktur/fakturs/{id}/amend", (*server).amendFakturForm},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/amend", (*server).amendFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/cancel", (*server).cancelFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/credit", (*server).creditFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/not-credit", (*server).notCreditFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/uncredit", (*server).uncreditFaktur},
	{"POST /taxpayers/{npwp}/efaktur/fakturs/{id}/return", (*server).returnGoods},
	{"GET /taxpayers/{npwp}/ebupot", (*server).ebupotList},
	{"GET /taxpayers/{npwp}/ebupot/payroll", (*server).payrollPage},
	{"POST /taxpayers/{npwp}/ebupot/payroll", (*server).payroll},
	{"POST /taxpayers/{npwp}/ebupot/payroll/upload", (*server).uploadPayroll},
	{"POST /taxpayers/{npwp}/ebupot/sign", (*server).signSlips},
	{"GET /taxpayers/{npwp}/ebupot/unified", (*server).unifiedSlipPage},
	{"POST /taxpayers/{npwp}/ebupot/unified", (*server).createUnifiedSlip},
	{"GET /taxpayers/{npwp}/ebupot/received", (*server).ebupotReceived},
	{"GET /taxpayers/{npwp}/ebupot/slips/{id}", (*server).slipDetail},
	{"POST /taxpayers/{npwp}/ebupot/slips/{id}/delete", (*server).deleteSlip},
	{"POST /taxpayers/{npwp}/ebupot/slips/{id}/sign", (*server).signSlip},
	{"POST /taxpayers/{npwp}/ebupot/slips/{id}/correct", (*server).correctSlip},
	{"POST /taxpayers/{npwp}/ebupot/slips/{id}/cancel", (*server).cancelSlip},
	{"GET /taxpayers/{npwp}/exemptions", (*server).listExemptions},
	{"POST /taxpayers/{npwp}/exemptions", (*server).recordExemption},
	{"POST /taxpayers/{npwp}/exemptions/{id}/revoke", (*server).revokeExemption},
	{"GET /officer/exemptions", (*server).officerExemptions},
	{"GET /objectcodes", (*server).objectCodes},
	{"GET /officer/compliance", (*server).complianceDashboard},
	{"GET /officer/compliance/flags", (*server).complianceFlags},
	{"GET /officer/compliance/risks", (*server).complianceRisks},
	{"GET /officer/compliance/evidence", (*server).complianceEvidence},
	{"GET /officer/compliance/cases", (*server).complianceCases},
	{"POST /officer/compliance/cases", (*server).openComplianceCase},
	{"GET /officer/compliance/cases/{id}", (*server).complianceCase},
	{"POST /officer/compliance/cases/{id}/assign", (*server).assignComplianceCase},
	{"POST /officer/compliance/cases/{id}/letter", (*server).sendComplianceLetter},
	{"GET /officer/compliance/cases/{id}/letter/pdf", (*server).complianceLetterPDF},
	{"POST /officer/compliance/cases/{id}/reply", (*server).recordComplianceReply},
	{"POST /officer/compliance/cases/{id}/close", (*server).closeComplianceCase},
	{"GET /officer/compliance/settings", (*server).complianceSettings},
	{"POST /officer/compliance/settings", (*server).addComplianceSettings},
	{"GET /taxpayers/{npwp}/self-check", (*server).selfCheck},
	{"GET /taxpayers/{npwp}/self-check/correction", (*server).correctionForm},
	{"POST /taxpayers/{npwp}/self-check/correction", (*server).fileCorrection},
	{"GET /taxpayers/{npwp}/letters", (*server).taxpayerLetters},
	{"GET /taxpayers/{npwp}/letters/{id}", (*server).taxpayerLetter},
	{"POST /taxpayers/{npwp}/letters/{id}/response", (*server).respondLetter},
	{"GET /taxpayers/{npwp}/letters/{id}/pdf", (*server).taxpayerLetterPDF},
}

// Patterns lists the method and path patterns of the pages ("GET
// /taxpayers/{npwp}"), for tests that check every page.
func Patterns() []string {
	out := make([]string, len(routes))
	for i, rt := range routes {
		out[i] = rt.pattern
	}
	return out
}

// New returns the handler of the pages. Mount it at "/" on the server's
// mux, inside httpmw.Chain (which sets the security headers the pages rely
// on: the content security policy allows scripts and styles from this
// origin only).
func New(cfg Config) (http.Handler, error) {
	s := &server{reg: cfg.Registration, logger: cfg.Logger, demoNotes: cfg.DemoNotes}
	s.audit = cfg.Audit
	s.outboxList, s.devOutbox = cfg.Outbox, cfg.DevOutbox
	s.access, s.insecureCookies = cfg.Access, cfg.InsecureCookies
	s.roles = cfg.Roles
	s.authcode = cfg.AuthCode
	s.signing = cfg.Signing
	s.efaktur = cfg.EFaktur
	s.uploads = cfg.EFakturUploads
	s.pbjt = cfg.PBJT
	s.pbjtBookings = cfg.PBJTBookings
	s.pbjtDeclarations = cfg.PBJTDeclarations
	s.cases = cfg.Cases
	s.compliance = cfg.Compliance
	s.pbjtIncomeTax = cfg.PBJTIncomeTax
	s.ebupot, s.ebupotBatches = cfg.EBupot, cfg.EBupotBatches
	s.exemptions = cfg.Exemptions
	if s.logger == nil {
		s.logger = slog.Default()
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.handle(rt.h))
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpmw.NoteRoute(r)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
	mux.Handle("/", s.handle(func(s *server, w http.ResponseWriter, r *http.Request) error {
		return errs.Errorf(errs.NotFound, "there is no page at %s", r.URL.Path)
	}))
	return mux, nil
}

// parsePages parses each page template together with the layout and the
// shared partials.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// handle adapts a handler that returns an error. It checks the CSRF token
// of every POST, puts the principal in the context, and renders an error
// page for an error the handler did not handle itself.
func (s *server) handle(h func(*server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpmw.NoteRoute(r)
		w.Header().Set("Cache-Control", "no-store")
		r = r.WithContext(actor.With(r.Context(), s.principalFrom(r)))
		var err error
		if r.Method == http.MethodPost {
			err = checkCSRF(r)
		}
		if err == nil {
			err = h(s, w, r)
		}
		if err != nil {
			s.renderError(w, r, err)
		}
	})
}

// errorPage is the view of an error.
type errorPage struct {
	page
	Status  int
	Heading string
	Message string
}

func (s *server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	p := errorPage{page: s.newPage(w, r, "Error", "")}
	var csrf *csrfError
	switch kind := errs.KindOf(err); {
	case errors.As(err, &csrf):
		p.Status, p.Heading = http.StatusForbidden, "This form cannot be accepted"
		p.Message = csrf.msg
	case kind == errs.Internal || kind == errs.Unavailable:
		p.Status = http.StatusInternalServerError
		p.Heading = "Something went wrong on our side"
		if kind == errs.Unavailable {
			p.Status, p.Heading = http.StatusServiceUnavailable, "The service is unavailable"
		}
		p.Message = errs.Message(err)
		s.logger.ErrorContext(r.Context(), "page failed",
			slog.String("err", err.Error()),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("request_id", p.RequestID))
	default:
		p.Status = httpmw.Status(kind)
		p.Heading = map[errs.Kind]string{
			errs.Invalid:         "The request is not valid",
			errs.NotFound:        "Not found",
			errs.Conflict:        "The request clashes with what is stored",
			errs.Unauthenticated: "Please sign in",
			errs.Forbidden:       "You may not do this",
		}[kind]
		p.Message = errs.Message(err)
		for _, f := range errs.FieldsOf(err) {
			p.Message += "; " + f.Field + ": " + f.Message
		}
	}
	p.Title = p.Heading
	s.render(w, r, p.Status, "error", p)
}

// page is what the layout needs from every view.
type page struct {
	Title     string
	Nav       string // the active navigation entry: home, register, search
	CSRF      string // the token for the forms of the page
	RequestID string
	// Actor is who is signed in and whom they act for, for the banner.
	Actor actor.Actor
}

func (s *server) newPage(w http.ResponseWriter, r *http.Request, title, nav string) page {
	return page{Title: title, Nav: nav, CSRF: csrfToken(w, r), RequestID: httpmw.RequestID(r.Context()), Actor: actor.From(r.Context())}
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.renderTemplate(w, r, status, name, "layout", data)
}

// renderFragment renders one named template of a page without the layout,
// for htmx requests.
func (s *server) renderFragment(w http.ResponseWriter, r *http.Request, status int, page, fragment string, data any) {
	s.renderTemplate(w, r, status, page, fragment, data)
}

func (s *server) renderTemplate(w http.ResponseWriter, r *http.Request, status int, page, name string, data any) {
	t, ok := s.pages[page]
	var b strings.Builder
	var err error
	if !ok {
		err = fmt.Errorf("no template %s", page)
	} else {
		err = t.ExecuteTemplate(&b, name, data)
	}
	if err != nil {
		s.logger.ErrorContext(r.Context(), "render page", slog.String("page", page), slog.String("err", err.Error()),
			slog.String("request_id", httpmw.RequestID(r.Context())))
		http.Error(w, "internal error; the failure has been logged (request ID "+httpmw.RequestID(r.Context())+")", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// seeOther redirects after a successful POST (POST-redirect-GET).
func seeOther(w http.ResponseWriter, r *http.Request, url string) error {
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// date renders a date as YYYY-MM-DD, or "" for none.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
