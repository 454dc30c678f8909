// Package httpapi is the JSON API under /api/v1: registration of
// taxpayers, their profiles and history, officer search, identifier
// checks and imports of the reference registries.
//
// Handlers return an error; one adapter (handle) turns it into a response
// whose status follows the error's kind and whose body is the error shape
// described in openapi.yaml. JSON request and response shapes are structs
// of this package, never tags on domain types. Every route is listed once,
// in the routes table, which a test compares with openapi.yaml.
package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/access"
	"github.com/coretax/coretax/internal/audit"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/exemption"
	"github.com/coretax/coretax/internal/pbjt"
	"github.com/coretax/coretax/internal/registration"
	"github.com/coretax/coretax/internal/registry"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/translog"
)

// Importer imports a reference registry file; *registry.Service is one.
type Importer interface {
	Import(ctx context.Context, kind registry.Kind, format registry.Format, r io.Reader) (registry.Result, error)
}

// Config holds what the API serves.
type Config struct {
	Registration *registration.Service
	// Registry imports the reference registries. When nil, the import
	// route answers 503.
	Registry Importer
	// Logger receives the causes of internal errors. When nil, the
	// default logger is used.
	Logger *slog.Logger
	// Now is the clock (it dates a NIK's century in identifier checks).
	// When nil, time.Now is used.
	Now func() time.Time
	// Audit reads the security log. When nil, the audit route answers
	// 503.
	Audit *audit.Service
	// Roles serves people and roles, consultants and the access
	// diagnostic. When nil, those routes answer 503.
	Roles *roles.Service
	// Access resolves API tokens and session cookies and serves the
	// /access routes. When nil, every caller is anonymous and those
	// routes answer 503.
	Access *access.Service
	// InsecureCookies leaves the Secure attribute off the session cookie,
	// for plain-http local use.
	InsecureCookies bool
	// Outbox lists the notification outbox for GET /outbox, which
	// answers 404 unless DevOutbox is set (and Outbox is not nil).
	Outbox    OutboxLister
	DevOutbox bool
	// TransLog serves the public transparency log routes under /log.
	// When nil, those routes answer 503.
	TransLog *translog.Service
	// AuthCode serves the authorization-code wizard under /authcode.
	// When nil, those routes answer 503.
	AuthCode *authcode.Service
	// Signing signs documents and serves signatures and certificate
	// status. When nil, those routes answer 503.
	Signing *signing.Service
	// EFaktur serves VAT invoices (/taxpayers/{npwp}/efaktur/...).
	EFaktur *efaktur.Service
	// EBupot serves withholding slips (/taxpayers/{npwp}/ebupot/...)
	// with EBupotBatches keeping their payroll batches; when either is
	// nil, those routes answer 503.
	EBupot        *ebupot.Service
	EBupotBatches ebupot.BatchStore
	// Exemptions serves the register of exemption certificates
	// (/taxpayers/{npwp}/exemptions). When nil, those routes answer 503.
	Exemptions *exemption.Service
	// EFakturUploads runs bulk uploads (/taxpayers/{npwp}/efaktur/uploads).
	// When nil, those routes answer 503.
	EFakturUploads *efaktur.Uploads
	// PBJT serves the Bali regions' configuration (/regencies) and
	// properties (/taxpayers/{npwp}/properties). When nil, those routes
	// answer 503.
	PBJT *pbjt.Service
	// PBJTBookings serves a property's imports and bookings
	// (/taxpayers/{npwp}/properties/{id}/imports and /bookings). When
	// nil, those routes answer 503.
	PBJTBookings *pbjt.Bookings
	// Compliance serves the compliance engine: third-party records,
	// the matching job, flags and the self-check (doc/compliance.md).
	// When nil, those routes answer 503.
	Compliance *compliance.Service
	// PBJTDeclarations serves a property's monthly declarations
	// (/taxpayers/{npwp}/properties/{id}/declarations). When nil, those
	// routes answer 503.
	PBJTDeclarations *pbjt.Declarations
	// PBJTIncomeTax serves the villa owner's income tax view
	// (/taxpayers/{npwp}/income-tax/{year}) and lease marks. When nil,
	// those routes answer 503.
	PBJTIncomeTax *pbjt.IncomeTaxes
	// Cases serves the compliance case work (/compliance/cases, /risks,
	// /dashboard) and the taxpayer's letters and voluntary correction.
	// When nil, those routes answer 503.
	Cases *casework.Service
}

// server holds the dependencies of the handlers.
type server struct {
	reg      *registration.Service
	registry Importer
	logger   *slog.Logger
	now      func() time.Time
	audit    *audit.Service
	roles    *roles.Service
	access   *access.Service
	// insecureCookies leaves Secure off the session cookie.
	insecureCookies bool
	// outboxList serves the development outbox when devOutbox is set.
	outboxList OutboxLister
	devOutbox  bool
	// translog serves the public transparency log.
	translog *translog.Service
	authcode *authcode.Service
	signing  *signing.Service
	// efaktur serves VAT invoices; nil answers 503.
	efaktur *efaktur.Service
	// uploads runs e-Faktur bulk uploads; nil answers 503.
	uploads *efaktur.Uploads
	// pbjt serves regional tax; nil answers 503.
	pbjt *pbjt.Service
	// bookings serves a property's imports and bookings; nil answers 503.
	bookings *pbjt.Bookings
	// compliance serves the compliance engine; nil answers 503.
	compliance *compliance.Service
	// pbjtDeclarations serves a property's declarations; nil answers 503.
	pbjtDeclarations *pbjt.Declarations
	// incomeTax serves the villa owner's income tax view; nil answers
	// 503.
	incomeTax *pbjt.IncomeTaxes
	// cases serves compliance case work; nil answers 503.
	cases *casework.Service
	// ebupot serves withholding slips and bupotBatches keeps their
	// payroll batches; nil answers 503.
	ebupot       *ebupot.Service
	bupotBatches ebupot.BatchStore
	// exemptions serves exemption certificates; nil answers 503.
	exemptions *exemption.Service
}

// route is one entry of the API: a method and a ServeMux path pattern.
type route struct {
	method string
	path   string
	h      func(*server, http.ResponseWriter, *http.Request) error
}

// Prefix is the path under which the API is served.
const Prefix = "/api/v1"

// routes is the API. openapi.yaml describes exactly these (method, path)
// pairs; TestOpenAPIMatchesRoutes keeps the two in step.
var routes = []route{
	{"GET", "/api/v1/openapi.yaml", (*server).openAPI},
	{"POST", "/api/v1/taxpayers", (*server).register},
	{"GET", "/api/v1/taxpayers", (*server).search},
	{"GET", "/api/v1/taxpayers/{npwp}", (*server).taxpayer},
	{"PATCH", "/api/v1/taxpayers/{npwp}", (*server).updateProfile},
	{"GET", "/api/v1/taxpayers/{npwp}/profile", (*server).profile},
	{"GET", "/api/v1/taxpayers/{npwp}/history", (*server).history},
	{"GET", "/api/v1/taxpayers/{npwp}/represented", (*server).represented},
	{"POST", "/api/v1/taxpayers/{npwp}/places", (*server).addPlace},
	{"POST", "/api/v1/taxpayers/{npwp}/parties", (*server).addParty},
	{"POST", "/api/v1/taxpayers/{npwp}/parties/{id}/end", (*server).endParty},
	{"POST", "/api/v1/taxpayers/{npwp}/pkp-events", (*server).setPKP},
	{"POST", "/api/v1/taxpayers/{npwp}/legacy-npwps", (*server).linkNPWP},
	{"GET", "/api/v1/id/check", (*server).checkID},
	{"POST", "/api/v1/registries/{kind}/import", (*server).importRegistry},
	{"GET", "/api/v1/audit", (*server).auditLog},
	{"GET", "/api/v1/roles", (*server).roleCatalogue},
	{"GET", "/api/v1/taxpayers/{npwp}/roles", (*server).people},
	{"POST", "/api/v1/taxpayers/{npwp}/roles", (*server).grantRole},
	{"POST", "/api/v1/taxpayers/{npwp}/roles/{id}/revoke", (*server).revokeRole},
	{"POST", "/api/v1/taxpayers/{npwp}/consultants", (*server).appoint},
	{"POST", "/api/v1/taxpayers/{npwp}/consultants/{id}/revoke", (*server).revokeAppointment},
	{"GET", "/api/v1/taxpayers/{npwp}/invitations", (*server).invitations},
	{"POST", "/api/v1/taxpayers/{npwp}/invitations/{id}/accept", (*server).acceptInvitation},
	{"POST", "/api/v1/taxpayers/{npwp}/invitations/{id}/decline", (*server).declineInvitation},
	{"GET", "/api/v1/access/why", (*server).why},
	{"POST", "/api/v1/access/activation", (*server).startActivation},
	{"POST", "/api/v1/access/activation/code", (*server).sendActivationCode},
	{"POST", "/api/v1/access/activation/complete", (*server).activate},
	{"GET", "/api/v1/access/activation/status", (*server).activationStatus},
	{"POST", "/api/v1/access/login", (*server).login},
	{"POST", "/api/v1/access/login/second-step", (*server).secondStep},
	{"POST", "/api/v1/access/logout", (*server).logout},
	{"POST", "/api/v1/access/logout-everywhere", (*server).logoutEverywhere},
	{"GET", "/api/v1/access/me", (*server).me},
	{"GET", "/api/v1/access/sessions", (*server).sessions},
	{"POST", "/api/v1/access/password", (*server).changePassword},
	{"POST", "/api/v1/access/reset", (*server).requestReset},
	{"POST", "/api/v1/access/reset/complete", (*server).completeReset},
	{"POST", "/api/v1/access/two-step/enrol", (*server).enrolTwoStep},
	{"POST", "/api/v1/access/two-step/confirm", (*server).confirmTwoStep},
	{"POST", "/api/v1/access/two-step/disable", (*server).disableTwoStep},
	{"GET", "/api/v1/access/tokens", (*server).tokens},
	{"POST", "/api/v1/access/tokens", (*server).createToken},
	{"POST", "/api/v1/access/tokens/{id}/revoke", (*server).revokeToken},
	{"POST", "/api/v1/access/acting-for", (*server).actFor},
	{"POST", "/api/v1/access/unlock", (*server).unlock},
	{"GET", "/api/v1/outbox", (*server).outbox},
	{"GET", "/api/v1/log/head", (*server).logHead},
	{"GET", "/api/v1/log/entries/{index}", (*server).logEntry},
	{"GET", "/api/v1/log/consistency", (*server).logConsistency},
	{"GET", "/api/v1/log/key", (*server).logKey},
	{"GET", "/api/v1/authcode/profiles", (*server).authCodeProfiles},
	{"GET", "/api/v1/authcode/request", (*server).authCodeCurrent},
	{"POST", "/api/v1/authcode/requests", (*server).authCodeStart},
	{"POST", "/api/v1/authcode/requests/{id}/code", (*server).authCodeResend},
	{"POST", "/api/v1/authcode/requests/{id}/confirm", (*server).authCodeConfirm},
	{"POST", "/api/v1/authcode/requests/{id}/verify", (*server).authCodeVerify},
	{"POST", "/api/v1/authcode/requests/{id}/issue", (*server).authCodeIssue},
	{"GET", "/api/v1/authcode/queue", (*server).authCodeQueue},
	{"POST", "/api/v1/authcode/requests/{id}/decision", (*server).authCodeDecide},
	{"POST", "/api/v1/authcode/reset", (*server).authCodeReset},
	{"POST", "/api/v1/signatures", (*server).sign},
	{"GET", "/api/v1/signatures/{id}", (*server).signature},
	{"GET", "/api/v1/signatures/{id}/bundle", (*server).signatureBundle},
	{"GET", "/api/v1/certificates/mine", (*server).myCertificate},
	{"POST", "/api/v1/certificates/mine/renew", (*server).renewMyCertificate},
	{"POST", "/api/v1/certificates/mine/revoke", (*server).revokeMyCertificate},
	{"POST", "/api/v1/signing-jobs", (*server).signBatch},
	{"GET", "/api/v1/signing-jobs/{id}", (*server).signingJob},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/uploads", (*server).createUpload},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/uploads", (*server).listUploads},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/uploads/{id}", (*server).upload},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/uploads/{id}/problems", (*server).uploadProblems},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/uploads/{id}/cancel", (*server).cancelUpload},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs", (*server).createFaktur},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/fakturs", (*server).listFakturs},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/approve", (*server).approveFakturs},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}", (*server).faktur},
	{"PUT", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}", (*server).updateFaktur},
	{"DELETE", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}", (*server).deleteFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/amend", (*server).amendFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/cancel", (*server).cancelFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/credit", (*server).creditFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/uncredit", (*server).uncreditFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/not-credit", (*server).notCreditFaktur},
	{"POST", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/returns", (*server).returnGoods},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/returns", (*server).returs},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/fakturs/{id}/pdf", (*server).fakturPDF},
	{"GET", "/api/v1/taxpayers/{npwp}/efaktur/export", (*server).exportFakturs},
	{"GET", "/api/v1/regencies", (*server).regencies},
	{"GET", "/api/v1/regencies/{code}/versions", (*server).regionVersions},
	{"POST", "/api/v1/regencies/{code}/versions", (*server).addRegionVersion},
	{"GET", "/api/v1/taxpayers/{npwp}/properties", (*server).properties},
	{"POST", "/api/v1/taxpayers/{npwp}/properties", (*server).registerProperty},
	{"POST", "/api/v1/taxpayers/{npwp}/properties/{id}/imports", (*server).importBookings},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/imports/{job}", (*server).bookingImport},
	{"POST", "/api/v1/taxpayers/{npwp}/properties/{id}/bookings", (*server).addBooking},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/bookings", (*server).listBookings},
	{"PUT", "/api/v1/taxpayers/{npwp}/properties/{id}/bookings/{booking}/lease", (*server).markLease},
	{"GET", "/api/v1/taxpayers/{npwp}/income-tax/{year}", (*server).incomeTaxView},
	{"POST", "/api/v1/taxpayers/{npwp}/income-tax/{year}/choices", (*server).chooseIncomeTax},
	{"PUT", "/api/v1/taxpayers/{npwp}/income-tax/{year}/expenses", (*server).stateIncomeTaxExpenses},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations", (*server).listDeclarations},
	{"POST", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations", (*server).fileDeclaration},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations/{month}", (*server).declarationAccount},
	{"POST", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations/{month}/payments", (*server).payDeclaration},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/pdf", (*server).declarationPDF},
	{"GET", "/api/v1/taxpayers/{npwp}/properties/{id}/declarations/{month}/revisions/{revision}/csv", (*server).declarationCSV},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/calculate", (*server).calculateSlip},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/slips", (*server).createSlip},
	{"GET", "/api/v1/taxpayers/{npwp}/ebupot/slips", (*server).listSlips},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/slips/sign", (*server).signSlips},
	{"GET", "/api/v1/taxpayers/{npwp}/ebupot/slips/{id}", (*server).slip},
	{"DELETE", "/api/v1/taxpayers/{npwp}/ebupot/slips/{id}", (*server).deleteSlip},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/slips/{id}/correct", (*server).correctSlip},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/slips/{id}/cancel", (*server).cancelSlip},
	{"POST", "/api/v1/taxpayers/{npwp}/ebupot/batches", (*server).createBatch},
	{"GET", "/api/v1/taxpayers/{npwp}/ebupot/batches/{id}", (*server).batch},
	{"GET", "/api/v1/taxpayers/{npwp}/ebupot/export", (*server).exportSlips},
	{"GET", "/api/v1/taxpayers/{npwp}/ebupot/received", (*server).receivedSlips},
	{"GET", "/api/v1/taxpayers/{npwp}/exemptions", (*server).listExemptions},
	{"POST", "/api/v1/taxpayers/{npwp}/exemptions", (*server).recordExemption},
	{"GET", "/api/v1/taxpayers/{npwp}/exemptions/{id}", (*server).exemptionCertificate},
	{"POST", "/api/v1/taxpayers/{npwp}/exemptions/{id}/revoke", (*server).revokeExemption},
	{"GET", "/api/v1/objectcodes", (*server).objectCodes},
	{"POST", "/api/v1/compliance/records", (*server).postRecords},
	{"POST", "/api/v1/compliance/imports", (*server).postImport},
	{"POST", "/api/v1/compliance/runs", (*server).startRun},
	{"GET", "/api/v1/compliance/runs", (*server).listRuns},
	{"GET", "/api/v1/compliance/runs/{id}", (*server).complianceRun},
	{"GET", "/api/v1/compliance/flags", (*server).listFlags},
	{"GET", "/api/v1/compliance/flags/{id}", (*server).complianceFlag},
	{"GET", "/api/v1/compliance/thresholds", (*server).thresholdVersions},
	{"POST", "/api/v1/compliance/thresholds", (*server).addThresholds},
	{"GET", "/api/v1/taxpayers/{npwp}/compliance/self-check", (*server).selfCheck},
	{"GET", "/api/v1/objectcodes/{code}", (*server).objectCode},
	{"GET", "/api/v1/compliance/risks", (*server).risks},
	{"GET", "/api/v1/compliance/cases", (*server).listCases},
	{"POST", "/api/v1/compliance/cases", (*server).openCase},
	{"GET", "/api/v1/compliance/cases/{id}", (*server).caseDetail},
	{"POST", "/api/v1/compliance/cases/{id}/assignment", (*server).assignCase},
	{"POST", "/api/v1/compliance/cases/{id}/letter", (*server).sendLetter},
	{"GET", "/api/v1/compliance/cases/{id}/letter/pdf", (*server).caseLetterPDF},
	{"POST", "/api/v1/compliance/cases/{id}/reply", (*server).recordReply},
	{"POST", "/api/v1/compliance/cases/{id}/close", (*server).closeCase},
	{"GET", "/api/v1/compliance/dashboard", (*server).dashboard},
	{"GET", "/api/v1/taxpayers/{npwp}/letters", (*server).taxpayerLetters},
	{"GET", "/api/v1/taxpayers/{npwp}/letters/{id}", (*server).taxpayerLetter},
	{"GET", "/api/v1/taxpayers/{npwp}/letters/{id}/pdf", (*server).taxpayerLetterPDF},
	{"POST", "/api/v1/taxpayers/{npwp}/letters/{id}/response", (*server).respondLetter},
	{"GET", "/api/v1/taxpayers/{npwp}/voluntary-correction", (*server).voluntaryCorrection},
	{"POST", "/api/v1/taxpayers/{npwp}/voluntary-correction", (*server).fileCorrection},
}

// New returns the API handler. Mount it at Prefix+"/" on the server's mux,
// inside httpmw.Chain so that requests carry an ID for error bodies and
// logs.
func New(cfg Config) http.Handler {
	s := &server{reg: cfg.Registration, registry: cfg.Registry, logger: cfg.Logger, now: cfg.Now}
	s.audit = cfg.Audit
	s.outboxList, s.devOutbox = cfg.Outbox, cfg.DevOutbox
	s.roles = cfg.Roles
	s.translog = cfg.TransLog
	s.authcode = cfg.AuthCode
	s.signing = cfg.Signing
	s.efaktur = cfg.EFaktur
	s.uploads = cfg.EFakturUploads
	s.pbjt = cfg.PBJT
	s.bookings = cfg.PBJTBookings
	s.compliance = cfg.Compliance
	s.pbjtDeclarations = cfg.PBJTDeclarations
	s.incomeTax = cfg.PBJTIncomeTax
	s.cases = cfg.Cases
	s.ebupot, s.bupotBatches = cfg.EBupot, cfg.EBupotBatches
	s.exemptions = cfg.Exemptions
	s.access, s.insecureCookies = cfg.Access, cfg.InsecureCookies
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	mux := http.NewServeMux()
	allowed := map[string][]string{} // path → methods, for 405 answers
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.path, s.handle(rt.h))
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	// Requests that match no route get the JSON error shape too: 405
	// with Allow when the path exists under other methods, else 404.
	paths := http.NewServeMux()
	for p, ms := range allowed {
		if slices.Contains(ms, "GET") {
			ms = append(ms, "HEAD")
		}
		allow := strings.Join(ms, ", ")
		paths.Handle(p, s.handle(func(_ *server, w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Allow", allow)
			return errMethod(r.Method, allow)
		}))
	}
	mux.Handle(Prefix+"/", s.handle(func(_ *server, w http.ResponseWriter, r *http.Request) error {
		if h, p := paths.Handler(r); p != "" {
			h.ServeHTTP(w, r)
			return nil
		}
		return errNoRoute(r.URL.Path)
	}))
	return mux
}

// clientAddress is the address of the peer. Forwarding headers are not
// trusted: a proxy in front of the server must be configured explicitly
// before X-Forwarded-For can name the client.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
