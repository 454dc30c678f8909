package httpapi

import (
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
)

// The compliance engine's thresholds: dated versions officers holding
// officer.compliance read and add (doc/compliance.md, "Thresholds").

// thresholdValuesJSON are the values of a version, named as in the
// errors of compliance.Config.Check.
type thresholdValuesJSON = compliance.Values

// thresholdsJSON is a version of the thresholds; from is null for the
// shipped defaults.
type thresholdsJSON struct {
	From       *string    `json:"from"`
	Shipped    bool       `json:"shipped"`
	Reason     string     `json:"reason"`
	RecordedBy string     `json:"recorded_by,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
	thresholdValuesJSON
}

func dayOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

func thresholdsOut(t compliance.Thresholds) thresholdsJSON {
	return thresholdsJSON{From: dayOrNull(t.From), Shipped: t.Shipped(), Reason: t.Reason, RecordedBy: t.RecordedBy,
		RecordedAt: optionalTime(t.RecordedAt), thresholdValuesJSON: compliance.ValuesOf(t.Config)}
}

// runThresholdsJSON is the version a run used: null for runs from before
// the thresholds were recorded.
type runThresholdsJSON struct {
	From *string `json:"from"`
	thresholdValuesJSON
}

func runThresholdsOut(t compliance.Thresholds) *runThresholdsJSON {
	if t.Config == (compliance.Config{}) {
		return nil
	}
	return &runThresholdsJSON{From: dayOrNull(t.From), thresholdValuesJSON: compliance.ValuesOf(t.Config)}
}

// thresholdVersions handles GET /compliance/thresholds: the version in
// force today and every version, the shipped defaults first.
func (s *server) thresholdVersions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	vs, inForce, err := svc.ThresholdVersions(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		InForce  thresholdsJSON   `json:"in_force"`
		Versions []thresholdsJSON `json:"versions"`
	}{InForce: thresholdsOut(inForce), Versions: make([]thresholdsJSON, len(vs))}
	for i, v := range vs {
		out.Versions[i] = thresholdsOut(v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// thresholdsForm is a new version as an officer sends it: every value,
// the first day and the reason.
type thresholdsForm struct {
	From   string `json:"from"`
	Reason string `json:"reason"`
	thresholdValuesJSON
}

// addThresholds handles POST /compliance/thresholds: 201 with the
// version added.
func (s *server) addThresholds(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.complianceService()
	if err != nil {
		return err
	}
	if err := svc.AllowConfigure(r.Context()); err != nil {
		return err
	}
	var q thresholdsForm
	if err := decodeJSON(r, &q); err != nil {
		return err
	}
	var fs errs.Fields
	from := dayParam(&fs, "from", q.From)
	if err := fs.Err("the thresholds are not valid"); err != nil {
		return err
	}
	t, err := svc.AddThresholds(r.Context(), compliance.Thresholds{From: from, Reason: q.Reason, Config: q.Config()})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, thresholdsOut(t))
	return nil
}
