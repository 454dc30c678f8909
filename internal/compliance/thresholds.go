package compliance

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// The thresholds of the rules change without a release, like the
// regions' PBJT configuration (doc/pbjt.md): an officer holding
// officer.compliance adds a dated version, in force from its first day
// until a later one. Versions are never edited or deleted; a correction
// is a new version. Before any stored version the service's own
// configuration applies (DefaultConfig in the binary). ChunkSize is how
// the job reads, not a threshold, and stays a code setting.

// Values are the thresholds of a version as the API takes and gives
// them and as stored versions and runs keep them: amounts in sen, shares
// in basis points, each named as in the errors of Config.Check.
type Values struct {
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

// ValuesOf returns the thresholds of c.
func ValuesOf(c Config) Values {
	return Values{WindowMonths: c.WindowMonths, MinShortfall: int64(c.MinShortfall), NetMinShare: c.NetMinShare,
		NetPayoutTolerance: c.NetPayoutTolerance, OffshoreCover: c.OffshoreCover, NomineeMaxShare: c.NomineeMaxShare,
		NomineeMinGross: int64(c.NomineeMinGross), FeeTolerance: c.FeeTolerance, FeeMinGap: int64(c.FeeMinGap), MaxEvidence: c.MaxEvidence}
}

// Config returns v as a Config (ChunkSize left zero).
func (v Values) Config() Config {
	return Config{WindowMonths: v.WindowMonths, MinShortfall: money.Amount(v.MinShortfall), NetMinShare: v.NetMinShare,
		NetPayoutTolerance: v.NetPayoutTolerance, OffshoreCover: v.OffshoreCover, NomineeMaxShare: v.NomineeMaxShare,
		NomineeMinGross: money.Amount(v.NomineeMinGross), FeeTolerance: v.FeeTolerance, FeeMinGap: money.Amount(v.FeeMinGap), MaxEvidence: v.MaxEvidence}
}

// Thresholds is a dated version of the rules' thresholds.
type Thresholds struct {
	// From is the first day (WIB) the version is in force; zero for the
	// shipped defaults.
	From time.Time
	// Config holds the thresholds; its ChunkSize is not part of a
	// version and is left zero.
	Config Config
	// Reason says why the thresholds changed.
	Reason     string
	RecordedAt time.Time
	RecordedBy string
}

// Shipped reports whether t is the shipped defaults rather than a stored
// version.
func (t Thresholds) Shipped() bool { return t.From.IsZero() }

// ShippedReason is the reason shown for the shipped defaults.
const ShippedReason = "the defaults shipped with coretax (compliance.DefaultConfig, doc/compliance.md)"

// The bounds a version's values are checked against.
const (
	maxWindowMonths = 60
	maxBP           = 10000
	maxEvidence     = 1000
	maxReason       = 500
)

// Threshold names one threshold as the API, the forms and the errors
// spell it, with how to read its value.
type Threshold struct {
	Name string
	// Unit is "months", "bp" (basis points), "sen" or "records".
	Unit string
	What string
}

// ThresholdNames lists the thresholds of a version in the order pages and
// audit entries show them.
var ThresholdNames = []Threshold{
	{"window_months", "months", "tax months before the run's month the rules look at"},
	{"min_shortfall_sen", "sen", "least tax a flag must be about"},
	{"net_min_share_bp", "bp", "share of the commission by which the declared base must fall short (net-instead-of-gross)"},
	{"net_payout_tolerance_bp", "bp", "how far below the payout the declared base may be and still read as the payout"},
	{"offshore_cover_bp", "bp", "share of the offshore-paid gross the undeclared gross must reach (offshore-payout)"},
	{"nominee_max_share_bp", "bp", "declared share of the third-party gross below which an individual operator is implausible"},
	{"nominee_min_gross_sen", "sen", "least third-party gross over the window for nominee-operator"},
	{"fee_tolerance_bp", "bp", "share by which claimed fees may exceed the slips' gross (unwithheld-fees)"},
	{"fee_min_gap_sen", "sen", "least unmatched fee (unwithheld-fees)"},
	{"max_evidence", "records", "records a flag lists one by one"},
}

// Values returns c's thresholds by name, in the order of ThresholdNames.
func (c Config) Values() []int64 {
	return []int64{int64(c.WindowMonths), int64(c.MinShortfall), c.NetMinShare, c.NetPayoutTolerance, c.OffshoreCover,
		c.NomineeMaxShare, int64(c.NomineeMinGross), c.FeeTolerance, int64(c.FeeMinGap), int64(c.MaxEvidence)}
}

// thresholds returns c without its code settings: what a version holds.
func (c Config) thresholds() Config {
	c.ChunkSize = 0
	return c
}

// FormatThreshold shows a threshold's value in its unit.
func FormatThreshold(unit string, v int64) string {
	switch unit {
	case "bp":
		return fmt.Sprintf("%d bp (%d.%02d %%)", v, v/100, v%100)
	case "sen":
		return money.Amount(v).Display()
	default:
		return fmt.Sprintf("%d %s", v, unit)
	}
}

// Check reports every value of c that cannot be a threshold, each naming
// the field, the value and what is accepted.
func (c Config) Check() errs.Fields {
	var fs errs.Fields
	months := func(name string, v int) {
		if v < 1 || v > maxWindowMonths {
			fs.Add(name, fmt.Sprint(v), "is a number of months from 1 to %d", maxWindowMonths)
		}
	}
	bp := func(name string, v int64) {
		if v < 1 || v > maxBP {
			fs.Add(name, fmt.Sprint(v), "is in basis points from 1 to %d (100 bp = 1 %%)", maxBP)
		}
	}
	sen := func(name string, v money.Amount) {
		if v <= 0 {
			fs.Add(name, fmt.Sprint(int64(v)), "is an amount in sen greater than 0 (Rp 1 = 100 sen)")
		}
	}
	months("window_months", c.WindowMonths)
	sen("min_shortfall_sen", c.MinShortfall)
	bp("net_min_share_bp", c.NetMinShare)
	bp("net_payout_tolerance_bp", c.NetPayoutTolerance)
	bp("offshore_cover_bp", c.OffshoreCover)
	bp("nominee_max_share_bp", c.NomineeMaxShare)
	sen("nominee_min_gross_sen", c.NomineeMinGross)
	bp("fee_tolerance_bp", c.FeeTolerance)
	sen("fee_min_gap_sen", c.FeeMinGap)
	if c.MaxEvidence < 1 || c.MaxEvidence > maxEvidence {
		fs.Add("max_evidence", fmt.Sprint(c.MaxEvidence), "is a number of records from 1 to %d", maxEvidence)
	}
	return fs
}

// Check reports what makes t not a version that can be added: a missing
// first day, a missing or overlong reason, or a value out of bounds.
func (t Thresholds) Check() error {
	var fs errs.Fields
	if t.From.IsZero() {
		fs.Add("from", "", "is the first day the thresholds apply, as YYYY-MM-DD")
	}
	reason := strings.TrimSpace(t.Reason)
	switch {
	case reason == "":
		fs.Add("reason", t.Reason, "say why the thresholds change, e.g. the instruction or analysis behind it")
	case utf8.RuneCountInString(reason) > maxReason:
		fs.Add("reason", string([]rune(reason)[:40])+"…", "is at most %d characters", maxReason)
	case strings.IndexFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0:
		fs.Add("reason", reason, "is text without control characters")
	}
	fs.Append(t.Config.Check()...)
	return fs.Err("the thresholds are not valid")
}

// Changes lists the thresholds of c that differ from old, as
// "name old → new".
func (c Config) Changes(old Config) []string {
	var out []string
	nv, ov := c.Values(), old.Values()
	for i, th := range ThresholdNames {
		if nv[i] != ov[i] {
			out = append(out, fmt.Sprintf("%s %d → %d", th.Name, ov[i], nv[i]))
		}
	}
	return out
}

// ThresholdsOn returns the version of vs in force on day d: the last one
// whose first day is on or before d. vs is in first-day order and starts
// with the shipped defaults, which apply before any stored version.
func ThresholdsOn(vs []Thresholds, d time.Time) Thresholds {
	t := vs[0]
	y, m, dd := d.Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	for _, v := range vs[1:] {
		if !v.From.After(day) {
			t = v
		}
	}
	return t
}

// shipped returns the version of the service's own configuration.
func (s *Service) shipped() Thresholds {
	return Thresholds{Config: s.cfg.thresholds(), Reason: ShippedReason}
}

// versions returns the shipped defaults followed by the stored versions,
// oldest first.
func (s *Service) versions(ctx context.Context) ([]Thresholds, error) {
	stored, err := s.store.ThresholdVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the compliance thresholds: %w", err)
	}
	return append([]Thresholds{s.shipped()}, stored...), nil
}

// thresholdsOn returns the version in force on day d.
func (s *Service) thresholdsOn(ctx context.Context, d time.Time) (Thresholds, error) {
	vs, err := s.versions(ctx)
	if err != nil {
		return Thresholds{}, err
	}
	return ThresholdsOn(vs, d), nil
}

// configOf is the configuration a job runs with under the version t: its
// thresholds with the service's code settings.
func (s *Service) configOf(t Thresholds) Config {
	c := t.Config
	c.ChunkSize = s.cfg.ChunkSize
	return c.withDefaults()
}

// AllowConfigure checks that the actor in ctx may read and add versions
// of the thresholds, before a transport reads a request body.
func (s *Service) AllowConfigure(ctx context.Context) error {
	return s.policy.Allow(ctx, ActConfigure, 0)
}

// Today is the current day in WIB, the day a run started now is of.
func (s *Service) Today() time.Time { return calendar(s.now()) }

// ThresholdVersions returns every version of the thresholds, the shipped
// defaults first and then the stored ones, oldest first, with the one in
// force today; it needs officer.compliance.
func (s *Service) ThresholdVersions(ctx context.Context) (versions []Thresholds, inForce Thresholds, err error) {
	if err := s.AllowConfigure(ctx); err != nil {
		return nil, Thresholds{}, err
	}
	vs, err := s.versions(ctx)
	if err != nil {
		return nil, Thresholds{}, err
	}
	return vs, ThresholdsOn(vs, s.Today()), nil
}

// AddThresholds records a new version of the thresholds, in force from
// t.From until a later version; it needs officer.compliance. Every value
// is given: a version is complete, not a change on top of another. The
// audit entry names the first day and the values that differ from the
// version in force the day before.
func (s *Service) AddThresholds(ctx context.Context, t Thresholds) (Thresholds, error) {
	if err := s.AllowConfigure(ctx); err != nil {
		return Thresholds{}, err
	}
	t.Reason = strings.TrimSpace(t.Reason)
	t.Config = t.Config.thresholds()
	if err := t.Check(); err != nil {
		return Thresholds{}, err
	}
	y, m, d := t.From.Date()
	t.From = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	before, err := s.thresholdsOn(ctx, t.From.AddDate(0, 0, -1))
	if err != nil {
		return Thresholds{}, err
	}
	a := actor.From(ctx)
	t.RecordedBy, t.RecordedAt = a.String(), s.now().UTC()
	changed := t.Config.Changes(before.Config)
	detail := "no value changed"
	if len(changed) > 0 {
		detail = strings.Join(changed, ", ")
	}
	e := s.entry(ctx, 0, string(ActConfigure), fmt.Sprintf("thresholds from %s: %s; reason: %s", t.From.Format(time.DateOnly), detail, t.Reason))
	if err := s.store.AddThresholds(ctx, t, e); err != nil {
		return Thresholds{}, err
	}
	return t, nil
}

// thresholdsName names a version in an audit entry or a page.
func thresholdsName(t Thresholds) string {
	if t.Shipped() {
		return "the shipped thresholds"
	}
	return "the thresholds from " + t.From.Format(time.DateOnly)
}
