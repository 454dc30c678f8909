package compliance

import (
	"time"

	"github.com/coretax/coretax/internal/money"
)

// Config holds the thresholds of the rules (doc/compliance.md gives each
// one's reason). Zero fields take the defaults of DefaultConfig. The
// configuration a Service is built with is the shipped version; officers
// add dated versions of every field but ChunkSize (thresholds.go), and a
// run uses the version in force on its day.
type Config struct {
	// WindowMonths is how many tax months before the run's month the
	// rules look at: 24, the longest interest runs (local-tax-bali.md §3
	// region configuration, interest_max_months).
	WindowMonths int
	// MinShortfall is the least tax a flag must be about: smaller gaps
	// are rounding, cancellations and timing, not findings.
	MinShortfall money.Amount
	// NetMinShare is the share of the commission, in basis points, by
	// which the declared base must fall short of the third-party gross
	// for net-instead-of-gross: 5000, half the commission.
	NetMinShare int64
	// NetPayoutTolerance is how far below the payout, in basis points of
	// the payout, the declared base may be and still read as "the payout
	// was declared": 500 (5 %). Below that the rule does not claim to
	// know why the base is short.
	NetPayoutTolerance int64
	// OffshoreCover is the share of the offshore-paid gross, in basis
	// points, the undeclared gross must reach for offshore-payout: 9000.
	OffshoreCover int64
	// NomineeMaxShare is the declared share of the third-party gross, in
	// basis points over the window, below which a registered individual
	// operator is implausible: 1000 (10 %). NomineeMinGross is the least
	// third-party gross over the window: Rp 500 million, the PP 55/2022
	// individual exemption, so small lets are never flagged.
	NomineeMaxShare int64
	NomineeMinGross money.Amount
	// FeeTolerance is the share, in basis points, by which claimed fees
	// to one payee in a year may exceed the slips' gross: 1000 (10 %);
	// FeeMinGap the least unmatched fee: Rp 1 million.
	FeeTolerance int64
	FeeMinGap    money.Amount
	// MaxEvidence is how many records a flag lists one by one; the rest
	// are counted in one line.
	MaxEvidence int
	// ChunkSize is how many records the job reads per query.
	ChunkSize int
}

// DefaultConfig returns the thresholds used unless configured otherwise.
func DefaultConfig() Config {
	return Config{
		WindowMonths:       24,
		MinShortfall:       100_000 * money.Rupiah,
		NetMinShare:        5000,
		NetPayoutTolerance: 500,
		OffshoreCover:      9000,
		NomineeMaxShare:    1000,
		NomineeMinGross:    500_000_000 * money.Rupiah,
		FeeTolerance:       1000,
		FeeMinGap:          1_000_000 * money.Rupiah,
		MaxEvidence:        20,
		ChunkSize:          10000,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.WindowMonths <= 0 {
		c.WindowMonths = d.WindowMonths
	}
	if c.MinShortfall <= 0 {
		c.MinShortfall = d.MinShortfall
	}
	if c.NetMinShare <= 0 {
		c.NetMinShare = d.NetMinShare
	}
	if c.NetPayoutTolerance <= 0 {
		c.NetPayoutTolerance = d.NetPayoutTolerance
	}
	if c.OffshoreCover <= 0 {
		c.OffshoreCover = d.OffshoreCover
	}
	if c.NomineeMaxShare <= 0 {
		c.NomineeMaxShare = d.NomineeMaxShare
	}
	if c.NomineeMinGross <= 0 {
		c.NomineeMinGross = d.NomineeMinGross
	}
	if c.FeeTolerance <= 0 {
		c.FeeTolerance = d.FeeTolerance
	}
	if c.FeeMinGap <= 0 {
		c.FeeMinGap = d.FeeMinGap
	}
	if c.MaxEvidence <= 0 {
		c.MaxEvidence = d.MaxEvidence
	}
	if c.ChunkSize <= 0 {
		c.ChunkSize = d.ChunkSize
	}
	return c
}

// Sanction is a dated sanction parameter with its legal source and how
// far it can be trusted ("verified", "unverified"), like the regions'
// configuration (doc/pbjt.md).
type Sanction struct {
	From   time.Time
	BP     int64 // basis points
	Status string
	Source string
}

// PBJTAuditSurcharges is the increase (kenaikan) on PBJT a regional
// office assesses after an audit (SKPDKB), on top of the region's
// interest. The region configurations do not carry it yet.
var PBJTAuditSurcharges = []Sanction{
	{From: time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), BP: 2500, Status: "unverified",
		Source: "UU 1/2022 (HKPD) sanctions on an SKPDKB after audit as commonly summarised: 25 % of the tax underpaid; the article text and the Bali Perdas were not read (local-tax-bali.md §7)"},
}

// Withholding sanctions for rule unwithheld-fees (UU KUP after UU HPP,
// ppn-and-penalties.md §5–6). Interest rates are set monthly by KMK; the
// latest month known is used for every month, which is an estimate.
var (
	// FeeVoluntaryInterest: a withholder that withholds and pays late of
	// its own accord owes interest of tier T1 (UU KUP Pasal 9(2a)) per
	// month or part of one, at most 24 months.
	FeeVoluntaryInterest = []Sanction{
		{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), BP: 92, Status: "verified",
			Source: "KMK 2/MK/EF/2026, tier T1 (UU KUP Pasal 9(2a)): 0.92 % a month (ppn-and-penalties.md §5.3); used for every month as the latest known"},
	}
	// FeeAuditInterest: an SKPKB after audit carries interest of tier T3
	// (UU KUP Pasal 13(2)).
	FeeAuditInterest = []Sanction{
		{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), BP: 176, Status: "verified",
			Source: "KMK 2/MK/EF/2026, tier T3 (UU KUP Pasal 13(2)): 1.76 % a month (ppn-and-penalties.md §5.3); used for every month as the latest known"},
	}
	// FeeAuditSurcharge: tax not withheld found by an audit is increased
	// by 75 % (UU KUP Pasal 13(3) after UU HPP).
	FeeAuditSurcharge = []Sanction{
		{From: time.Date(2021, 11, 2, 0, 0, 0, 0, time.UTC), BP: 7500, Status: "unverified",
			Source: "UU KUP Pasal 13(3) as amended by UU HPP: kenaikan 75 % (ppn-and-penalties.md §6, marked likely; article text not read)"},
	}
	// FeeWithholdingRate estimates the tax that should have been
	// withheld on a professional fee: PPh 23 at 2 % on services paid to a
	// resident with an NPWP (UU PPh Pasal 23(1)(c)). A fee to an
	// individual falls under PPh 21 on 50 % of the gross at Pasal 17
	// rates, at least 2.5 % (5 % × 50 %); 2 % is the lower, conservative
	// figure for both.
	FeeWithholdingRate = []Sanction{
		{From: time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC), BP: 200, Status: "verified",
			Source: "UU PPh Pasal 23(1)(c): 2 % of the gross fee for services; the lower of PPh 23 and the lowest PPh 21 on non-employees (5 % of 50 %)"},
	}
)

// sanctionOn returns the parameter in force on d: the last one from on or
// before d, else the first.
func sanctionOn(ss []Sanction, d time.Time) Sanction {
	s := ss[0]
	for _, x := range ss {
		if !x.From.After(d) {
			s = x
		}
	}
	return s
}
