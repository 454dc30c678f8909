package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/roles"
	"github.com/coretax/coretax/internal/signing"
)

// signPage is the form that signs one document.
type signPage struct {
	page
	Errors   *formErrors
	Families []roles.Family
	DocType  string
	Text     string
	// ActingFor names the taxpayer the document is signed for; ActingID
	// is its internal ID, sent back with the form.
	ActingFor string
	ActingID  int64
	MaxMiB    int
	// Link points from a refusal to the page that fixes it.
	Link, LinkText string
}

// signResultPage shows a signature just made.
type signResultPage struct {
	page
	ID, DocType, DocHash   string
	SignerName, SignerNPWP string
	ActingName, ActingNPWP string
	Serial                 int64
	SignedAt               string
	LogIndex               string
	BundleURL              string
}

func (s *server) signingService() (*signing.Service, error) {
	if s.signing == nil {
		return nil, errs.E(errs.Unavailable, "documents cannot be signed on this server")
	}
	return s.signing, nil
}

// signer returns the signed-in person, or the error that asks to sign in.
func signer(r *http.Request) (actor.Actor, error) {
	a := actor.From(r.Context())
	if a.Kind != actor.Taxpayer || a.TaxpayerID == 0 {
		return a, errs.E(errs.Unauthenticated, "sign in to sign documents: a person signs with their own certificate")
	}
	return a, nil
}

// signForm handles GET /sign.
func (s *server) signForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.signingService(); err != nil {
		return err
	}
	if _, err := signer(r); err != nil {
		return err
	}
	return s.renderSign(w, r, http.StatusOK, signPage{DocType: r.URL.Query().Get("doc_type")})
}

func (s *server) renderSign(w http.ResponseWriter, r *http.Request, status int, p signPage) error {
	a := actor.From(r.Context())
	p.Families, p.MaxMiB = signing.Families(), maxUpload>>20
	p.ActingFor, p.ActingID = a.ID, a.TaxpayerID
	if a.ActingForID != 0 {
		p.ActingFor, p.ActingID = a.ActingFor, a.ActingForID
	}
	p.page = s.newPage(w, r, "Sign a document", "sign")
	s.render(w, r, status, "sign", p)
	return nil
}

// sign handles POST /sign: the document is an uploaded file or, when no
// file is chosen, the text of the form. A signature redirects to its
// result page; a refusal re-renders the form with the reason next to the
// field it concerns.
func (s *server) sign(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	if _, err := signer(r); err != nil {
		return err
	}
	p := signPage{DocType: r.PostForm.Get("doc_type"), Text: r.PostForm.Get("text")}
	doc, err := uploaded(r)
	if err != nil {
		p.Errors = errorsOf(err)
		return s.renderSign(w, r, http.StatusUnprocessableEntity, p)
	}
	actingFor, _ := strconv.ParseInt(r.PostForm.Get("acting_for"), 10, 64)
	sig, err := svc.Sign(r.Context(), signing.SignRequest{Document: doc, DocType: roles.Family(p.DocType), ActingFor: actingFor, Passphrase: r.PostForm.Get("passphrase")})
	if err != nil {
		return s.signRefused(w, r, p, err)
	}
	return seeOther(w, r, "/sign/"+sig.PublicID)
}

// uploaded returns the document of the form: the file, else the text.
func uploaded(r *http.Request) ([]byte, error) {
	f, h, err := r.FormFile("document")
	switch {
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		if r.PostForm.Get("text") == "" {
			return nil, errs.InvalidFields("there is nothing to sign", errs.Field("document", "", "choose a file or type the text of the document"))
		}
		return []byte(r.PostForm.Get("text")), nil
	case err != nil:
		return nil, errs.InvalidFields("the file could not be read", errs.Field("document", "", "could not be read; choose it again"))
	}
	defer f.Close()
	if h.Size > maxUpload {
		return nil, errs.InvalidFields("the file is too large", errs.Field("document", "", "is larger than %d MiB", maxUpload>>20))
	}
	doc, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	if len(doc) == 0 {
		return nil, errs.InvalidFields("there is nothing to sign", errs.Field("document", h.Filename, "is an empty file"))
	}
	return doc, nil
}

// signRefused puts each refusal next to the field it concerns: the
// passphrase (wrong, locked), the certificate (none, expired, revoked),
// the document family (no signer role) or the taxpayer (not acting for
// it).
func (s *server) signRefused(w http.ResponseWriter, r *http.Request, p signPage, err error) error {
	field := ""
	switch {
	case errors.Is(err, signing.ErrWrongPassphrase):
		p.Errors = errorsOf(err)
		return s.renderSign(w, r, http.StatusUnprocessableEntity, p)
	case errors.Is(err, signing.ErrLocked):
		field = "passphrase"
	case errors.Is(err, signing.ErrNoCertificate), errors.Is(err, signing.ErrExpired), errors.Is(err, signing.ErrRevoked):
		field, p.Link, p.LinkText = "certificate", "/authcode", "Get an authorization code and certificate"
	case errors.Is(err, signing.ErrNoSignerRole):
		field, p.Link, p.LinkText = "doc_type", "/access/why", "Why can't I sign?"
	case errors.Is(err, signing.ErrNotAuthorized):
		field = "acting_for"
	case errs.Is(errs.Invalid, err):
		p.Errors = errorsOf(err)
		return s.renderSign(w, r, http.StatusUnprocessableEntity, p)
	default:
		return err
	}
	p.Errors = errorsOf(errs.InvalidFields(errs.Message(err), errs.Field(field, "", "%s", errs.Message(err))))
	return s.renderSign(w, r, http.StatusForbidden, p)
}

// signResult handles GET /sign/{id}: the signer's view of a signature
// just made, with what they need to verify it offline.
func (s *server) signResult(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.signingService()
	if err != nil {
		return err
	}
	a, err := signer(r)
	if err != nil {
		return err
	}
	v, err := svc.Verification(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if v.SignerID != a.TaxpayerID {
		return errs.Errorf(errs.NotFound, "you made no signature %s; its public page is /verify/%s", r.PathValue("id"), r.PathValue("id"))
	}
	p := signResultPage{page: s.newPage(w, r, "Document signed", "sign"),
		ID: v.PublicID, DocType: string(v.DocType), DocHash: v.DocHash,
		SignerName: v.SignerName, SignerNPWP: v.SignerNPWP, ActingName: v.ActingForName, ActingNPWP: v.ActingForNPWP,
		Serial: v.Certificate.Serial, SignedAt: v.SignedAt.In(calendar.WIB).Format("2006-01-02 15:04:05 MST"),
		LogIndex: "none", BundleURL: "/api/v1/signatures/" + v.PublicID + "/bundle"}
	if v.LogIndex >= 0 {
		p.LogIndex = strconv.FormatInt(v.LogIndex, 10)
	}
	s.render(w, r, http.StatusOK, "sign_result", p)
	return nil
}
