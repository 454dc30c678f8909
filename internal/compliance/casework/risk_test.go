package casework

import (
	"testing"

	"github.com/coretax/coretax/internal/compliance"
	"github.com/coretax/coretax/internal/money"
	"github.com/google/go-cmp/cmp"
)

const rp = money.Rupiah

func flag(id int64, rule compliance.Rule, taxpayer int64, subject string, conf int, short, vol, aud money.Amount) compliance.Flag {
	return compliance.Flag{ID: id, Rule: rule, TaxpayerID: taxpayer, Subject: subject, Regency: "5104", Confidence: conf,
		Shortfall: short, PenaltyVoluntary: vol, PenaltyAudit: aud, Status: compliance.StatusOpen}
}

func TestExpected(t *testing.T) {
	closed := flag(9, compliance.Nominee, 1, "taxpayer:1", 100, 1000*rp, 0, 1000*rp)
	closed.Status = compliance.StatusClosed
	for _, tt := range []struct {
		name  string
		flags []compliance.Flag
		want  money.Amount
	}{
		{"none", nil, 0},
		{"one certain", []compliance.Flag{flag(1, compliance.NetInsteadOfGross, 1, "property:1", 100, 3_000_000*rp, 3_000_000*rp, 4_000_000*rp)}, 7_000_000 * rp},
		{"weighted", []compliance.Flag{
			flag(1, compliance.NetInsteadOfGross, 1, "property:1", 90, 3_000_000*rp, 3_000_000*rp, 4_000_000*rp),
			flag(2, compliance.OffshorePayout, 1, "property:1", 50, 1_000_000*rp, 0, 2_000_000*rp)}, 7_800_000 * rp},
		// 33% of 1 sen + 33% of 2 sen = 99 sen-percent: rounds down to 0.
		{"rounds down", []compliance.Flag{flag(1, compliance.Nominee, 1, "s", 33, 1, 0, 0), flag(2, compliance.Nominee, 1, "s", 33, 2, 0, 0)}, 0},
		{"closed flags count nothing", []compliance.Flag{closed}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expected(tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Expected = %s, want %s", got.Display(), tt.want.Display())
			}
		})
	}
	if _, err := Expected([]compliance.Flag{flag(1, compliance.Nominee, 1, "s", 101, 1, 0, 0)}); err == nil {
		t.Error("a confidence of 101% was accepted")
	}
}

func TestBand(t *testing.T) {
	for _, tt := range []struct {
		expected money.Amount
		want     Band
	}{
		{0, Low}, {5_000_000*rp - 1, Low}, {5_000_000 * rp, Medium}, {50_000_000*rp - 1, Medium}, {50_000_000 * rp, High},
	} {
		if got := DefaultBands.Band(tt.expected); got != tt.want {
			t.Errorf("Band(%s) = %s, want %s", tt.expected.Display(), got, tt.want)
		}
	}
}

func TestAssess(t *testing.T) {
	flags := []compliance.Flag{
		flag(1, compliance.NetInsteadOfGross, 7, "property:3", 90, 3_000_000*rp, 3_000_000*rp, 4_000_000*rp),
		flag(2, compliance.UndeclaredProperty, 0, "listing:airbnb:77", 80, 40_000_000*rp, 0, 60_000_000*rp),
		flag(3, compliance.WrongRegency, 7, "property:4", 100, 1_000_000*rp, 500_000*rp, 1_000_000*rp),
	}
	got, err := Assess(flags, DefaultBands)
	if err != nil {
		t.Fatal(err)
	}
	want := []Risk{
		{Key: "taxpayer:7", TaxpayerID: 7, Regency: "5104", Flags: 2, Rules: []compliance.Rule{compliance.NetInsteadOfGross, compliance.WrongRegency},
			MaxConfidence: 100, Shortfall: 4_000_000 * rp, PenaltyVoluntary: 3_500_000 * rp, PenaltyAudit: 5_000_000 * rp, ExpectedRecovery: 8_300_000 * rp, Band: Medium},
		{Key: "listing:airbnb:77", Regency: "5104", Flags: 1, Rules: []compliance.Rule{compliance.UndeclaredProperty}, MaxConfidence: 80,
			Shortfall: 40_000_000 * rp, PenaltyAudit: 60_000_000 * rp, ExpectedRecovery: 80_000_000 * rp, Band: High},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Assess (-want +got):\n%s", diff)
	}
}

func TestCorrections(t *testing.T) {
	net := flag(1, compliance.NetInsteadOfGross, 7, "property:3", 90, 0, 0, 0)
	net.PropertyID = 3
	net.Periods = []compliance.PeriodEstimate{
		{Period: "2026-08", ThirdPartyGross: 10_000_000 * rp, Declared: 8_500_000 * rp, Shortfall: 150_000 * rp, PenaltyVoluntary: 150_000 * rp},
		{Period: "2026-07", ThirdPartyGross: 12_000_000 * rp, Declared: 10_200_000 * rp, Shortfall: 180_000 * rp, PenaltyVoluntary: 180_000 * rp},
		{Period: "2026-09", ThirdPartyGross: 5_000_000 * rp, Declared: 5_000_000 * rp},
	}
	off := flag(2, compliance.OffshorePayout, 7, "property:3", 60, 0, 0, 0)
	off.PropertyID = 3
	off.Periods = []compliance.PeriodEstimate{{Period: "2026-08", ThirdPartyGross: 11_000_000 * rp, Declared: 8_500_000 * rp, Shortfall: 250_000 * rp}}
	undeclared := flag(3, compliance.UndeclaredProperty, 7, "listing:x", 80, 0, 0, 0)
	undeclared.Periods = []compliance.PeriodEstimate{{Period: "2026-08", ThirdPartyGross: 1_000_000 * rp}}
	got := Corrections([]compliance.Flag{net, off, undeclared})
	want := []Correction{
		{FlagID: 1, Rule: compliance.NetInsteadOfGross, PropertyID: 3, Period: "2026-07", Declared: 10_200_000 * rp, Base: 12_000_000 * rp, Shortfall: 180_000 * rp, PenaltyVoluntary: 180_000 * rp},
		{FlagID: 2, Rule: compliance.OffshorePayout, PropertyID: 3, Period: "2026-08", Declared: 8_500_000 * rp, Base: 11_000_000 * rp, Shortfall: 250_000 * rp},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Corrections (-want +got):\n%s", diff)
	}
}

func TestCanMove(t *testing.T) {
	for _, tt := range []struct {
		from, to Status
		want     bool
	}{
		{Open, LetterSent, true}, {LetterSent, LetterSent, false}, {Open, ResponseReceived, false},
		{LetterSent, ResponseReceived, true}, {ResponseReceived, ResponseReceived, false},
		{Open, Closed, true}, {ResponseReceived, Closed, true}, {Closed, Closed, false}, {Closed, LetterSent, false},
	} {
		if got := canMove(tt.from, tt.to); got != tt.want {
			t.Errorf("canMove(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
