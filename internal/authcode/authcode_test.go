package authcode

import (
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/errs"
)

func TestStatesAndPolicies(t *testing.T) {
	for _, s := range []State{Code, Verify, Manual, Ready} {
		if !s.Open() {
			t.Errorf("%s is not open", s)
		}
	}
	for _, s := range []State{Complete, Rejected, Cancelled} {
		if s.Open() {
			t.Errorf("%s is open", s)
		}
	}
	for _, p := range []string{"none", "manual", "external"} {
		if got, ok := ParsePolicy(p); !ok || string(got) != p {
			t.Errorf("ParsePolicy(%q) = %q, %v", p, got, ok)
		}
	}
	if _, ok := ParsePolicy("face"); ok {
		t.Error("ParsePolicy accepted face")
	}
}

func TestChecksErr(t *testing.T) {
	cs := Checks{pass("identity", titleIdentity, "ok"), fail("standing", titleStanding, "the VAT return for %s is not filed", "2026-09")}
	if cs.Passed() {
		t.Fatal("Passed with a failed check")
	}
	err := cs.Err()
	fs := errs.FieldsOf(err)
	if !errs.Is(errs.Invalid, err) || len(fs) != 1 || fs[0].Field != "standing" || !strings.Contains(fs[0].Message, "2026-09 is not filed") {
		t.Errorf("Err = %v, fields %+v", err, fs)
	}
	if err := (Checks{pass("identity", titleIdentity, "ok")}).Err(); err != nil {
		t.Errorf("Err of passed checks = %v", err)
	}
}

func TestHowVerified(t *testing.T) {
	for _, tt := range []struct {
		r    Request
		want string
	}{
		{Request{Policy: PolicyManual, DecidedBy: "budi"}, "in person by officer budi"},
		{Request{Policy: PolicyExternal}, "biometric verification"},
		{Request{Policy: PolicyNone}, "face verification not required"},
	} {
		if got := HowVerified(tt.r); !strings.Contains(got, tt.want) {
			t.Errorf("HowVerified(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestMasks(t *testing.T) {
	if got := maskEmail("johann@suryakencana.example"); got != "j***@suryakencana.example" {
		t.Errorf("maskEmail = %q", got)
	}
	if got := maskMobile("+436641234567"); got != "+43******567" {
		t.Errorf("maskMobile = %q", got)
	}
}
