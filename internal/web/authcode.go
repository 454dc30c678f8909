package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/authcode/letter"
	"github.com/coretax/coretax/internal/errs"
)

// authCodeProfile is a profile the person may authorize, with its
// prerequisites.
type authCodeProfile struct {
	authcode.Profile
	Checks authcode.Checks
	Ready  bool
}

// authCodePage is the wizard: the current request, or the profiles to
// choose from when there is none open.
type authCodePage struct {
	page
	Errors   *formErrors
	Request  *authcode.Request
	Profiles []authCodeProfile
	Sent     *authcode.CodeSent
	Issued   *authcode.Issued
	Notice   string
	Policy   authcode.Policy
	// Certificate is the person's newest certificate; nil when the
	// server serves no certificates.
	Certificate *authcode.Certificate
}

func (s *server) authCodeService() (*authcode.Service, error) {
	if s.authcode == nil {
		return nil, errs.E(errs.Unavailable, "authorization codes are not served on this server")
	}
	return s.authcode, nil
}

var authCodeNotices = map[string]string{
	"sent":      "A one-time code is on its way. Enter it below within 5 minutes.",
	"confirmed": "The code is confirmed.",
	"verified":  "The verification result is recorded.",
	"revoked":   "Your certificate is revoked. Request a new authorization code below when you need one.",
}

// authCodeWizard handles GET /authcode: the wizard resumes where the
// person's newest request stands.
func (s *server) authCodeWizard(w http.ResponseWriter, r *http.Request) error {
	return s.renderAuthCode(w, r, http.StatusOK, authCodePage{Notice: authCodeNotices[r.URL.Query().Get("done")]})
}

func (s *server) renderAuthCode(w http.ResponseWriter, r *http.Request, status int, p authCodePage) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	ctx := r.Context()
	if actor.From(ctx).AccountID == 0 {
		return seeOther(w, r, "/login")
	}
	p.Policy = svc.Config().Policy
	switch c, err := svc.CertificateStatus(ctx); {
	case err == nil:
		p.Certificate = &c
	case errs.KindOf(err) != errs.Unavailable:
		return err
	}
	if p.Request == nil {
		cur, err := svc.Current(ctx)
		switch {
		case err == nil:
			p.Request = &cur
		case !errs.Is(errs.NotFound, err):
			return err
		}
	}
	if p.Issued == nil && (p.Request == nil || !p.Request.State.Open()) {
		ps, err := svc.Profiles(ctx)
		if err != nil {
			return err
		}
		for _, pr := range ps {
			cs, err := svc.Prerequisites(ctx, pr.ID)
			if err != nil {
				return err
			}
			p.Profiles = append(p.Profiles, authCodeProfile{Profile: pr, Checks: cs, Ready: cs.Passed()})
		}
	}
	p.page = s.newPage(w, r, "Authorization code (Kode Otorisasi DJP)", "authcode")
	s.render(w, r, status, "authcode", p)
	return nil
}

// authCodeRejected re-renders the wizard with the errors of a rejected
// step, or passes an error that is not the person's to fix on.
func (s *server) authCodeRejected(w http.ResponseWriter, r *http.Request, err error) error {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.Conflict:
		return s.renderAuthCode(w, r, http.StatusUnprocessableEntity, authCodePage{Errors: errorsOf(err)})
	}
	return err
}

// authCodeStart handles POST /authcode/start.
func (s *server) authCodeStart(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	subject, _ := strconv.ParseInt(r.PostForm.Get("subject"), 10, 64)
	if _, _, err := svc.Start(r.Context(), subject, r.PostForm.Get("channel")); err != nil {
		return s.authCodeRejected(w, r, err)
	}
	return seeOther(w, r, "/authcode?done=sent")
}

// authCodeResend handles POST /authcode/{id}/resend.
func (s *server) authCodeResend(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := formID(r, "authorization-code request")
	if err != nil {
		return err
	}
	if _, err := svc.Resend(r.Context(), id, r.PostForm.Get("channel")); err != nil {
		return s.authCodeRejected(w, r, err)
	}
	return seeOther(w, r, "/authcode?done=sent")
}

// authCodeConfirm handles POST /authcode/{id}/confirm.
func (s *server) authCodeConfirm(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := formID(r, "authorization-code request")
	if err != nil {
		return err
	}
	if _, err := svc.Confirm(r.Context(), id, strings.TrimSpace(r.PostForm.Get("code"))); err != nil {
		return s.authCodeRejected(w, r, err)
	}
	return seeOther(w, r, "/authcode?done=confirmed")
}

// authCodeVerify handles POST /authcode/{id}/verify.
func (s *server) authCodeVerify(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := formID(r, "authorization-code request")
	if err != nil {
		return err
	}
	if _, _, err := svc.VerifyIdentity(r.Context(), id, strings.TrimSpace(r.PostForm.Get("evidence"))); err != nil {
		return s.authCodeRejected(w, r, err)
	}
	return seeOther(w, r, "/authcode?done=verified")
}

// authCodeIssue handles POST /authcode/{id}/issue. The result page shows
// the code this once: it is rendered, not redirected to, and never stored
// in clear.
func (s *server) authCodeIssue(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := formID(r, "authorization-code request")
	if err != nil {
		return err
	}
	req, out, err := svc.Issue(r.Context(), id, r.PostForm.Get("passphrase"), r.PostForm.Get("confirm"))
	if err != nil {
		return s.authCodeRejected(w, r, err)
	}
	return s.renderAuthCode(w, r, http.StatusOK, authCodePage{Request: &req, Issued: &out})
}

// authCodeQueuePage is the officer queue.
type authCodeQueuePage struct {
	page
	Errors   *formErrors
	Requests []authCodeReview
	Notice   string
}

type authCodeReview struct {
	authcode.Request
	Verifications []authcode.Verification
}

var authCodeQueueNotices = map[string]string{
	"approved": "The request is approved: the person can now set a signing passphrase.",
	"rejected": "The request is rejected; the person sees the reason.",
	"reset":    "The authorization code is reset: the old certificate is revoked and the holder can set a new passphrase.",
}

// authCodeQueue handles GET /officer/authcode.
func (s *server) authCodeQueue(w http.ResponseWriter, r *http.Request) error {
	return s.renderAuthCodeQueue(w, r, http.StatusOK, authCodeQueuePage{Notice: authCodeQueueNotices[r.URL.Query().Get("done")]})
}

func (s *server) renderAuthCodeQueue(w http.ResponseWriter, r *http.Request, status int, p authCodeQueuePage) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	q, err := svc.Queue(r.Context())
	if err != nil {
		return err
	}
	for _, req := range q {
		_, vs, err := svc.Review(r.Context(), req.ID)
		if err != nil {
			return err
		}
		p.Requests = append(p.Requests, authCodeReview{Request: req, Verifications: vs})
	}
	p.page = s.newPage(w, r, "Authorization codes: verification in person", "authcode-queue")
	s.render(w, r, status, "authcode_officer", p)
	return nil
}

// authCodeDecide handles POST /officer/authcode/{id}/decision.
func (s *server) authCodeDecide(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := formID(r, "authorization-code request")
	if err != nil {
		return err
	}
	approve := r.PostForm.Get("decision") == "approve"
	if _, err := svc.Decide(r.Context(), id, approve, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
			return s.renderAuthCodeQueue(w, r, http.StatusUnprocessableEntity, authCodeQueuePage{Errors: errorsOf(err)})
		}
		return err
	}
	done := "rejected"
	if approve {
		done = "approved"
	}
	return seeOther(w, r, "/officer/authcode?done="+done)
}

// authCodeReset handles POST /officer/authcode/reset.
func (s *server) authCodeReset(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	npwp := strings.TrimSpace(r.PostForm.Get("npwp"))
	t, err := s.reg.Taxpayer(r.Context(), npwp)
	if err == nil {
		_, err = svc.Reset(r.Context(), t.ID, strings.TrimSpace(r.PostForm.Get("reason")))
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || k == errs.NotFound {
			return s.renderAuthCodeQueue(w, r, http.StatusUnprocessableEntity, authCodeQueuePage{Errors: errorsOf(err)})
		}
		return err
	}
	return seeOther(w, r, "/officer/authcode?done=reset")
}

// authCodeRenew handles POST /authcode/renew. Like issuance, the result
// page shows the new code once.
func (s *server) authCodeRenew(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	out, err := svc.Renew(r.Context(), r.PostForm.Get("passphrase"))
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || k == errs.Forbidden || k == errs.NotFound {
			return s.renderAuthCode(w, r, http.StatusUnprocessableEntity, authCodePage{Errors: errorsOf(err)})
		}
		return err
	}
	return s.renderAuthCode(w, r, http.StatusOK, authCodePage{Issued: &out})
}

// authCodeRevoke handles POST /authcode/revoke: the holder revokes their
// own certificate.
func (s *server) authCodeRevoke(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	if err := svc.Revoke(r.Context(), strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || k == errs.NotFound {
			return s.renderAuthCode(w, r, http.StatusUnprocessableEntity, authCodePage{Errors: errorsOf(err)})
		}
		return err
	}
	return seeOther(w, r, "/authcode?done=revoked")
}

// authCodeLetter handles GET /authcode/letter: the "Surat Penerbitan" of
// the person's issued code, as PDF. It never contains the code.
func (s *server) authCodeLetter(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	req, err := svc.Issuance(r.Context())
	if err != nil {
		return err
	}
	l := letter.Letter{Number: fmt.Sprintf("KODJP-%d-%06d", req.UpdatedAt.Year(), req.ID), HolderName: req.HolderName, HolderNPWP: req.HolderNPWP,
		SubjectName: req.SubjectName, SubjectNPWP: req.SubjectNPWP, Certificate: req.Certificate, IssuedAt: req.UpdatedAt,
		Verified: authcode.HowVerified(req)}
	var b bytes.Buffer
	if err := letter.Write(&b, l); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="surat-penerbitan-%s.pdf"`, l.Number))
	_, err = w.Write(b.Bytes())
	return err
}
