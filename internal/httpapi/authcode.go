package httpapi

import (
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/authcode"
	"github.com/coretax/coretax/internal/errs"
)

// authCodeRequestJSON is an authorization-code request as the wizard
// shows it. The one-time code's digest is never sent.
type authCodeRequestJSON struct {
	ID             int64      `json:"id"`
	State          string     `json:"state"`
	StateLabel     string     `json:"state_label"`
	Policy         string     `json:"policy"`
	HolderNPWP     string     `json:"holder_npwp"`
	HolderName     string     `json:"holder_name"`
	SubjectNPWP    string     `json:"subject_npwp"`
	SubjectName    string     `json:"subject_name"`
	CodeChannel    string     `json:"code_channel,omitempty"`
	CodeExpiresAt  *time.Time `json:"code_expires_at,omitempty"`
	VerifyFailures int        `json:"verify_failures"`
	Reason         string     `json:"reason"`
	DecidedBy      string     `json:"decided_by"`
	Certificate    string     `json:"certificate"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func authCodeRequestOut(r authcode.Request) authCodeRequestJSON {
	out := authCodeRequestJSON{ID: r.ID, State: string(r.State), StateLabel: r.State.Label(), Policy: string(r.Policy),
		HolderNPWP: r.HolderNPWP, HolderName: r.HolderName, SubjectNPWP: r.SubjectNPWP, SubjectName: r.SubjectName,
		VerifyFailures: r.VerifyFailures, Reason: r.Reason, DecidedBy: r.DecidedBy, Certificate: r.Certificate,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.State == authcode.Code {
		out.CodeChannel = string(r.CodeChannel)
		t := r.CodeExpiresAt
		out.CodeExpiresAt = &t
	}
	return out
}

type checkJSON struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

func authCodeSentOut(c authcode.CodeSent) codeSentJSON {
	return codeSentJSON{string(c.Channel), c.Masked, c.ExpiresAt, c.ResendAt}
}

func (s *server) authCodeService() (*authcode.Service, error) {
	if s.authcode == nil {
		return nil, errs.E(errs.Unavailable, "authorization codes are not served on this server")
	}
	return s.authcode, nil
}

// authCodeProfiles handles GET /authcode/profiles: the taxpayer profiles
// the signed-in person may authorize, with the prerequisites of each.
func (s *server) authCodeProfiles(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	ps, err := svc.Profiles(r.Context())
	if err != nil {
		return err
	}
	type profileJSON struct {
		ID            int64       `json:"id"`
		NPWP          string      `json:"npwp"`
		Name          string      `json:"name"`
		Self          bool        `json:"self"`
		Prerequisites []checkJSON `json:"prerequisites"`
		Ready         bool        `json:"ready"`
	}
	out := []profileJSON{}
	for _, p := range ps {
		cs, err := svc.Prerequisites(r.Context(), p.ID)
		if err != nil {
			return err
		}
		pj := profileJSON{ID: p.ID, NPWP: p.NPWP, Name: p.Name, Self: p.Self, Ready: cs.Passed(), Prerequisites: []checkJSON{}}
		for _, c := range cs {
			pj.Prerequisites = append(pj.Prerequisites, checkJSON{c.Name, c.Title, c.Passed, c.Detail})
		}
		out = append(out, pj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"profiles": out})
	return nil
}

// authCodeCurrent handles GET /authcode/request: the person's newest
// request, so that the wizard resumes where it stopped.
func (s *server) authCodeCurrent(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	req, err := svc.Current(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authCodeRequestOut(req))
	return nil
}

type authCodeStartRequest struct {
	SubjectID int64  `json:"subject_id"`
	Channel   string `json:"channel"`
}

// authCodeStart handles POST /authcode/requests.
func (s *server) authCodeStart(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	var q authCodeStartRequest
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	req, sent, err := svc.Start(r.Context(), q.SubjectID, q.Channel)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"request": authCodeRequestOut(req), "code_sent": authCodeSentOut(sent)})
	return nil
}

// authCodeResend handles POST /authcode/requests/{id}/code.
func (s *server) authCodeResend(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "authorization-code request")
	if err != nil {
		return err
	}
	var q struct {
		Channel string `json:"channel"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	sent, err := svc.Resend(r.Context(), id, q.Channel)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authCodeSentOut(sent))
	return nil
}

// authCodeConfirm handles POST /authcode/requests/{id}/confirm.
func (s *server) authCodeConfirm(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "authorization-code request")
	if err != nil {
		return err
	}
	var q struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	req, err := svc.Confirm(r.Context(), id, q.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authCodeRequestOut(req))
	return nil
}

// authCodeVerify handles POST /authcode/requests/{id}/verify.
func (s *server) authCodeVerify(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "authorization-code request")
	if err != nil {
		return err
	}
	var q struct {
		Evidence string `json:"evidence"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	req, v, err := svc.VerifyIdentity(r.Context(), id, q.Evidence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": authCodeRequestOut(req),
		"verification": map[string]any{"passed": v.Passed, "liveness": v.Liveness, "match_score": v.MatchScore, "detail": v.Detail}})
	return nil
}

// authCodeIssue handles POST /authcode/requests/{id}/issue. The code in
// the answer is shown this once.
func (s *server) authCodeIssue(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "authorization-code request")
	if err != nil {
		return err
	}
	var q struct {
		Passphrase string `json:"passphrase"`
		Confirm    string `json:"confirm"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	req, out, err := svc.Issue(r.Context(), id, q.Passphrase, q.Confirm)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"request": authCodeRequestOut(req), "code": out.Code, "certificate": out.Certificate})
	return nil
}

// authCodeQueue handles GET /authcode/queue (officers).
func (s *server) authCodeQueue(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	q, err := svc.Queue(r.Context())
	if err != nil {
		return err
	}
	out := []authCodeRequestJSON{}
	for _, req := range q {
		out = append(out, authCodeRequestOut(req))
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
	return nil
}

// authCodeDecide handles POST /authcode/requests/{id}/decision (officers).
func (s *server) authCodeDecide(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	id, err := pathNumber(r, "id", "authorization-code request")
	if err != nil {
		return err
	}
	var q struct {
		Approve bool   `json:"approve"`
		Reason  string `json:"reason"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	req, err := svc.Decide(r.Context(), id, q.Approve, q.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authCodeRequestOut(req))
	return nil
}

// authCodeReset handles POST /authcode/reset (officers).
func (s *server) authCodeReset(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.authCodeService()
	if err != nil {
		return err
	}
	var q struct {
		NPWP   string `json:"npwp"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	t, err := s.reg.Taxpayer(r.Context(), q.NPWP)
	if err != nil {
		return err
	}
	req, err := svc.Reset(r.Context(), t.ID, q.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, authCodeRequestOut(req))
	return nil
}
