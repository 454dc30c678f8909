package httpapi

import (
	"net/http"
	"time"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The compliance engine's thresholds: dated versions officers holding
// officer.compliance read and add (doc/compliance.md, "Thresholds").

// thresholdValuesJSON are the values of a version, named as in the
// errors of compliance.Config.Check.
type thresholdValuesJSON struct {
	WindowMonths       int   `json:"window_months"`
	MinShortfall       int64 `json:"min_shortfall_sen"`
	NetMinShare        int64 `json:"net_min_share_bp"`
	NetPayoutTolerance int64 `json:"net_payout_tolerance_bp"`
	OffshoreCover      int64 `json:"offshore_cover_bp"`
	NomineeMaxShare    int64 `json:"nominee_max_share_bp"`
	NomineeMinGross    int64 `json:"nominee_min_gross_sen"`
	FeeTolerance       int64 `json:"fee_tolerance_bp"`
	FeeMinGap          int64 `json:"fee_min_gap_sen"`
	MaxEvidence        int   `json:"max_evidence"`
}

func thresholdValuesOut(c compliance.Config) thresholdValuesJSON {
	return thresholdValuesJSON{WindowMonths: c.WindowMonths, MinShortfall: int64(c.MinShortfall), NetMinShare: c.NetMinShare,
		NetPayoutTolerance: c.NetPayoutTolerance, OffshoreCover: c.OffshoreCover, NomineeMaxShare: c.NomineeMaxShare,
		NomineeMinGross: int64(c.NomineeMinGross), FeeTolerance: c.FeeTolerance, FeeMinGap: int64(c.FeeMinGap), MaxEvidence: c.MaxEvidence}
}

func (v thresholdValuesJSON) config() compliance.Config {
	return compliance.Config{WindowMonths: v.WindowMonths, MinShortfall: money.Amount(v.MinShortfall), NetMinShare: v.NetMinShare,
		NetPayoutTolerance: v.NetPayoutTolerance, OffshoreCover: v.OffshoreCover, NomineeMaxShare: v.NomineeMaxShare,
		NomineeMinGross: money.Amount(v.NomineeMinGross), FeeTolerance: v.FeeTolerance, FeeMinGap: money.Amount(v.FeeMinGap), MaxEvidence: v.MaxEvidence}
}

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
		RecordedAt: optionalTime(t.RecordedAt), thresholdValuesJSON: thresholdValuesOut(t.Config)}
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
	return &runThresholdsJSON{From: dayOrNull(t.From), thresholdValuesJSON: thresholdValuesOut(t.Config)}
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
	t, err := svc.AddThresholds(r.Context(), compliance.Thresholds{From: from, Reason: q.Reason, Config: q.config()})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, thresholdsOut(t))
	return nil
}
