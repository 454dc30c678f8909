package casework

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
)

// Band is a risk band: how urgently a subject's open flags deserve a case.
type Band string

// The risk bands, from the most to the least urgent.
const (
	High   Band = "high"
	Medium Band = "medium"
	Low    Band = "low"
)

// Bands are the thresholds of the risk bands on the expected recovery.
// They are office policy, not law: an office sets them to the size of
// the cases it can work (doc/compliance-cases.md).
type Bands struct {
	// High and Medium are the least expected recovery of each band;
	// anything below Medium is Low.
	High, Medium money.Amount
}

// DefaultBands are Rp 50 million and Rp 5 million: a month's PBJT of a
// large villa (10% of about Rp 500 million a year) and of a small one.
var DefaultBands = Bands{High: 50_000_000 * money.Rupiah, Medium: 5_000_000 * money.Rupiah}

// Band returns the band of an expected recovery.
func (b Bands) Band(expected money.Amount) Band {
	switch {
	case expected >= b.High:
		return High
	case expected >= b.Medium:
		return Medium
	}
	return Low
}

// Risk is the risk of one subject: a registered taxpayer with all its
// open flags, or an unregistered subject (a listing no registered
// property matches) with its own.
type Risk struct {
	// Key is the subject key cases use: "taxpayer:<id>" for a registered
	// taxpayer, else the flags' own subject ("listing:airbnb:123").
	Key        string
	TaxpayerID int64
	NPWP       string
	Regency    string
	Flags      int
	// Rules are the distinct rules of the open flags.
	Rules []compliance.Rule
	// MaxConfidence is the highest confidence among the flags, percent.
	MaxConfidence int
	// Shortfall, PenaltyVoluntary and PenaltyAudit are the sums over the
	// open flags.
	Shortfall, PenaltyVoluntary, PenaltyAudit money.Amount
	// ExpectedRecovery is Expected over the open flags.
	ExpectedRecovery money.Amount
	Band             Band
	// CaseID is the subject's case that is not closed, zero if none.
	CaseID int64
}

// KeyOf returns the subject key a flag belongs to: flags of a registered
// taxpayer are taken together whatever property or listing they concern,
// because one letter goes to one taxpayer; flags of no registered
// taxpayer stay with their own subject.
func KeyOf(f compliance.Flag) string {
	if f.TaxpayerID != 0 {
		return TaxpayerKey(f.TaxpayerID)
	}
	return f.Subject
}

// TaxpayerKey is the subject key of a registered taxpayer.
func TaxpayerKey(id int64) string { return "taxpayer:" + strconv.FormatInt(id, 10) }

// Weighted returns a flag's contribution to the expected recovery before
// the division by 100: (shortfall + after-audit penalty) × confidence, in
// sen-percent. The after-audit penalty is counted because the expected
// recovery is what the office collects if it has to assess: a taxpayer
// who corrects voluntarily pays less, which is the point of the letter.
func Weighted(f compliance.Flag) (int64, error) {
	sum, err := f.Shortfall.Add(f.PenaltyAudit)
	if err != nil {
		return 0, fmt.Errorf("flag %d: %w", f.ID, err)
	}
	if f.Confidence < 0 || f.Confidence > 100 {
		return 0, fmt.Errorf("flag %d: confidence %d is not a percentage", f.ID, f.Confidence)
	}
	w := sum.Sen() * int64(f.Confidence)
	if f.Confidence != 0 && w/int64(f.Confidence) != sum.Sen() {
		return 0, fmt.Errorf("flag %d: expected recovery overflows", f.ID)
	}
	return w, nil
}

// Expected returns the expected recovery of flags: the sum of
// Weighted over the flags, divided by 100 and rounded down to the sen
// (ExpectedFromWeighted). Flags that are not open count nothing.
func Expected(flags []compliance.Flag) (money.Amount, error) {
	var total int64
	for _, f := range flags {
		if f.Status != compliance.StatusOpen {
			continue
		}
		w, err := Weighted(f)
		if err != nil {
			return 0, err
		}
		if total+w < total {
			return 0, fmt.Errorf("expected recovery overflows")
		}
		total += w
	}
	return ExpectedFromWeighted(total), nil
}

// ExpectedFromWeighted divides a sum of weighted amounts (sen × percent)
// by 100 and rounds down to the sen: an estimate should not promise a
// sen more than the figures support. Storage computes the same sum in
// SQL and calls this on it, so that the list and the case agree.
func ExpectedFromWeighted(w int64) money.Amount {
	if w < 0 {
		return money.Amount(-((-w + 99) / 100))
	}
	return money.Amount(w / 100)
}

// Assess computes the risk of each subject from flags, in the order the
// subjects first appear; flags that are not open are left out.
func Assess(flags []compliance.Flag, bands Bands) ([]Risk, error) {
	var out []Risk
	index := map[string]int{}
	weights := map[string]int64{}
	for _, f := range flags {
		if f.Status != compliance.StatusOpen {
			continue
		}
		k := KeyOf(f)
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Risk{Key: k, TaxpayerID: f.TaxpayerID, NPWP: f.NPWP, Regency: f.Regency})
		}
		r := &out[i]
		w, err := Weighted(f)
		if err != nil {
			return nil, err
		}
		weights[k] += w
		r.Flags++
		if !slices.Contains(r.Rules, f.Rule) {
			r.Rules = append(r.Rules, f.Rule)
		}
		r.MaxConfidence = max(r.MaxConfidence, f.Confidence)
		var errS, errV, errA error
		r.Shortfall, errS = r.Shortfall.Add(f.Shortfall)
		r.PenaltyVoluntary, errV = r.PenaltyVoluntary.Add(f.PenaltyVoluntary)
		r.PenaltyAudit, errA = r.PenaltyAudit.Add(f.PenaltyAudit)
		for _, err := range []error{errS, errV, errA} {
			if err != nil {
				return nil, fmt.Errorf("risk of %s: %w", k, err)
			}
		}
	}
	for i := range out {
		out[i].ExpectedRecovery = ExpectedFromWeighted(weights[out[i].Key])
		out[i].Band = bands.Band(out[i].ExpectedRecovery)
	}
	return out, nil
}
