package ebupot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
)

// Exemptions reads the register of exemption certificates
// (internal/exemption) without the access policy: a withholder checks
// that its recipient holds the facility it withholds under, without
// reading the recipient's profile.
type Exemptions interface {
	// Covering returns the numbers of the taxpayer's certificates for the
	// facility (a TaxCertificate value) that are active on the day and
	// cover the tax object code.
	Covering(ctx context.Context, taxpayerID int64, facility, objectCode string, day time.Time) ([]string, error)
}

// UseExemptions sets the register the facilities resting on an exemption
// certificate are checked against. Without one, such a slip is refused:
// nothing could show that the recipient holds the certificate.
func (s *Service) UseExemptions(e Exemptions) { s.exemptions = e }

// certificateFacilities are the facilities a slip may use only when its
// recipient holds an active exemption certificate on its profile (the
// "Fasilitas Aktif" of Coretax): the SKBs, the exemption of deposit
// interest and the Suket PP 55 (ebupot.md §2.1, coretax-modules.md §7).
var certificateFacilities = []Facility{SKB21, "TaxExAr22", "TaxExAr23", "TaxExIntPhtb", "TaxExIntDep", "PP23"}

// needsCertificate reports whether a slip under f rests on a certificate
// of its recipient.
func needsCertificate(f Facility) bool { return slices.Contains(certificateFacilities, f) }

// facilityName is how messages name a facility.
func facilityName(f Facility) string {
	switch f {
	case "PP23":
		return "PP 55 (PP23) facility"
	case "TaxExIntDep":
		return "deposit-interest exemption (TaxExIntDep)"
	}
	return "SKB facility (" + string(f) + ")"
}

// checkCertificate checks a slip under a facility that needs a
// certificate: the recipient is registered and holds one that is active
// on the withholding date and covers the slip's code, and the slip names
// its number. When the slip names none and exactly one certificate
// fits, its number is taken, as Coretax offers the recipient's active
// facility instead of having it typed (ebupot.md, Coretaxpedia FAQ
// "Facilities").
func (s *Service) checkCertificate(ctx context.Context, sl *Slip, ps *problems) error {
	name := facilityName(sl.Facility)
	if sl.Recipient.ID == 0 {
		ps.add("facility", string(sl.Facility), "the %s needs an exemption certificate on the recipient's profile; NIK %s is not registered, so it holds none: withhold at the normal rate", name, sl.Recipient.TIN)
		return nil
	}
	day := sl.WithholdingDate
	if day.IsZero() {
		day = sl.Period.First()
	}
	if s.exemptions == nil {
		ps.add("facility", string(sl.Facility), "the %s cannot be checked: this server has no register of exemption certificates; withhold at the normal rate", name)
		return nil
	}
	numbers, err := s.exemptions.Covering(ctx, sl.Recipient.ID, string(sl.Facility), sl.ObjectCode, day)
	if err != nil {
		return err
	}
	on := day.Format(time.DateOnly)
	ref := strings.ToUpper(strings.Join(strings.Fields(sl.FacilityRef), " "))
	switch {
	case len(numbers) == 0:
		ps.add("facility", string(sl.Facility), "the %s needs an active exemption of the recipient: %s holds none covering %s on %s; the recipient can ask its KPP for one, or withhold at the normal rate", name, sl.Recipient.TIN, sl.ObjectCode, on)
	case ref == "" && len(numbers) == 1:
		sl.FacilityRef = numbers[0]
	case ref == "":
		ps.add("facility_ref", "", "%s holds %d certificates covering %s on %s (%s); name the one this payment rests on", sl.Recipient.TIN, len(numbers), sl.ObjectCode, on, strings.Join(numbers, ", "))
	case !slices.Contains(numbers, ref):
		ps.add("facility_ref", sl.FacilityRef, "is not an active certificate of %s covering %s on %s; it holds %s", sl.Recipient.TIN, sl.ObjectCode, on, strings.Join(numbers, ", "))
	default:
		sl.FacilityRef = ref
	}
	return nil
}

// offerCertificate fills the facility reference of an input that names a
// facility resting on a certificate but not its number, when the
// registered recipient holds exactly one that fits: Coretax offers the
// recipient's active facility rather than having its number typed.
func (s *Service) offerCertificate(ctx context.Context, in *Input) error {
	if !needsCertificate(in.Facility) || strings.TrimSpace(in.FacilityRef) != "" || in.Recipient.ID == 0 || in.Recipient.Temporary || s.exemptions == nil {
		return nil
	}
	day := in.WithholdingDate
	if day.IsZero() {
		day = Period{Year: in.Year, Month: in.Month}.First()
	}
	numbers, err := s.exemptions.Covering(ctx, in.Recipient.ID, string(in.Facility), objectcode.Normalize(in.ObjectCode), day)
	if err != nil {
		return err
	}
	if len(numbers) == 1 {
		in.FacilityRef = numbers[0]
	}
	return nil
}
