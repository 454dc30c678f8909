package ebupot

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// This file computes the unified slips: BPPU (PPh 22, 23, 4(2) final and
// 15 from residents) and BPNR (PPh 26 and final PPh from non-residents).
// Their tax is one rate on a base: the code's dated reference rate
// (objectcode) on the code's deemed share of the amount, with the
// facilities of ebupot.md §2.1. doc/ebupot.md lists the rules.

// MethodFlat is the method of a unified slip's explanation: one rate on
// the deemed share of the amount.
const MethodFlat pph21.Method = "flat"

// lawOf names the article a code's tax is due under, by its KAP
// (ebupot.md §6: 411122 PPh 22, 411124 PPh 23, 411127 PPh 26, 411128
// final PPh 4(2), 15 and 19).
func lawOf(c objectcode.Code) string {
	switch c.KAP {
	case "411122":
		return "UU PPh Pasal 22"
	case "411124":
		return "UU PPh Pasal 23(1)"
	case "411127":
		return "UU PPh Pasal 26(1)"
	case "411128":
		return "UU PPh Pasal 4(2), 15 and 19 (final)"
	}
	return "UU PPh"
}

// surchargeVersion is the higher rate for recipients without an NPWP on
// PPh 22 and PPh 23: the tax is 100 % higher (UU PPh Pasal 22(3) and
// 23(1a), pph21.md §9: sure). PENG-6/PJ.09/2024 does not apply it when
// the recipient is identified by an NIK integrated with DJP's system; in
// this system a registered NIK or NPWP is such an identity, so the higher
// rate applies to a recipient on a temporary TIN only.
type surchargeVersion struct {
	From, Until time.Time
	KAPs        []string
	Percent     int64 // added share of the normal tax
	Law         string
}

var surcharges = []surchargeVersion{{
	From: time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC), KAPs: []string{"411122", "411124"}, Percent: 100,
	Law: "UU PPh Pasal 22(3) and 23(1a) (UU 36/2008); not for an NIK integrated with DJP, PENG-6/PJ.09/2024",
}}

func surchargeFor(c objectcode.Code, day time.Time) (surchargeVersion, bool) {
	for _, v := range surcharges {
		if day.Before(v.From) || (!v.Until.IsZero() && day.After(v.Until)) {
			continue
		}
		for _, k := range v.KAPs {
			if k == c.KAP && !c.Final {
				return v, true
			}
		}
	}
	return surchargeVersion{}, false
}

// pp55 is the final rate of the PP 55/2022 UMKM regime, for a recipient
// holding a certificate (Suket PP 23/PP 55, facility PP23): 0.5 % of the
// gross turnover (PP 55/2022 Pasal 56–57, in force from 2022-12-20, which
// continued PP 23/2018; ebupot.md §2.1: likely). It is business income:
// the facility fits PPh 22 codes on sales, PPh 23 codes on rent of
// property other than land or buildings and on services, and 28-423-01
// itself; not prizes, dividends, interest, royalties nor income that is
// final already.
var pp55 = struct {
	From time.Time
	Rate objectcode.Percent
	Law  string
}{time.Date(2022, 12, 20, 0, 0, 0, 0, time.UTC), 50, "PP 55/2022 Pasal 56-57 (UMKM final 0.5 % of gross turnover; Suket PP 23/PP 55)"}

func pp55Fits(c objectcode.Code) bool {
	switch {
	case c.Code == "28-423-01":
		return true
	case c.Final:
		return false
	case strings.HasPrefix(c.Code, "22-"), c.Code == "24-100-02", strings.HasPrefix(c.Code, "24-104-"):
		return true
	}
	return false
}

// skbFits says which codes each exemption certificate of the BPPU covers
// (ebupot.md §2.1). That the recipient holds an active certificate, and
// its number, is checked against the exemption register by the service
// (exemptions.go): SKB PPh 22 the PPh 22 codes, SKB PPh 23 the PPh 23
// codes, the SKB on land and building transfers the 28-402 codes and the
// exemption on deposit interest the deposit and cooperative interest
// codes (28-404, 28-417).
func skbFits(f Facility, c objectcode.Code) bool {
	switch f {
	case SKB22:
		return c.KAP == "411122"
	case SKB23:
		return c.KAP == "411124"
	case SKBLand:
		return strings.HasPrefix(c.Code, "28-402-")
	case SKBDeposit:
		return strings.HasPrefix(c.Code, "28-404-") || strings.HasPrefix(c.Code, "28-417-")
	}
	return false
}

func isSKB(f Facility) bool { return f == SKB22 || f == SKB23 || f == SKBLand || f == SKBDeposit }

// dtpUnified lists the unified codes for which a PPh DTP facility is held,
// with its regulation. The domain notes name none for PPh 22, 23, 4(2),
// 15 or 26, so the list is empty and DTP on a unified slip is refused
// until one is added here with its source.
var dtpUnified = map[string]string{}

// otherDeemed are the deemed percentages a code takes besides its
// reference one, by the payer's kind: 27-100-06, insurance and
// reinsurance premiums paid abroad, 50, 10 or 5 % (ebupot.md §6.3,
// likely).
var otherDeemed = map[string][]objectcode.Percent{"27-100-06": {50_00, 10_00, 5_00}}

// unifiedDocs checks what a unified slip needs beside the amounts: the
// reference document (required in the BpuBulk and BPNRBulk formats,
// ebupot.md §3.6–3.7) and the government treasurer's option.
func (ps *problems) unifiedDocs(s *Slip, in Input) {
	if s.Document == "" {
		ps.add("document", "", "a %s needs the reference document of the payment: one of %s", s.Type, strings.Join(Documents, ", "))
	}
	if s.DocumentNumber == "" {
		ps.add("document_number", "", "give the number of the reference document (invoice, contract, payment proof)")
	}
	if s.DocumentDate.IsZero() {
		ps.add("document_date", "", "give the date of the reference document, YYYY-MM-DD")
	}
	s.Treasurer, s.SP2D = in.Treasurer, strings.TrimSpace(in.SP2D)
	if s.Treasurer == "" {
		s.Treasurer = NoTreasurer
	}
	switch s.Treasurer {
	case NoTreasurer, Imprest:
		if s.SP2D != "" {
			ps.add("sp2d", s.SP2D, "an SP2D number is given only with treasurer option Direct (LS); leave it empty")
		}
	case Direct:
		if s.SP2D == "" {
			ps.add("sp2d", "", "treasurer option Direct (LS) needs the SP2D number of the payment order")
		}
	default:
		ps.add("treasurer", string(s.Treasurer), "is not a treasurer option; use N/A, Imprest (UP) or Direct (LS)")
	}
}

// unified computes a BPPU or BPNR from the code's reference: the rate on
// the deemed share of the amount, with the facility's effect.
func (ps *problems) unified(s *Slip, in Input, code objectcode.Code) {
	day := s.WithholdingDate
	law := lawOf(code)
	ex := Explanation{Method: MethodFlat, Citations: []string{law, code.Code + ": " + code.Source}}
	step := func(label string, a money.Amount, src string) {
		ex.Steps = append(ex.Steps, pph21.Step{Label: label, Amount: a, Source: src})
	}
	free := s.Facility == OtherBasis
	amount := "gross income"
	if s.Type == objectcode.BPPU {
		amount = "tax base"
	}
	step(amount, s.Gross, "")

	// The deemed share.
	deemed := code.DeemedPercent
	if deemed == 0 {
		deemed = 100_00
	}
	if in.HasDeemed && in.Deemed != deemed {
		alt := false
		for _, d := range otherDeemed[code.Code] {
			alt = alt || d == in.Deemed
		}
		switch {
		case free || alt:
			deemed = in.Deemed
		default:
			ps.add("deemed", in.Deemed.String(), "must be %s for %s; a different deemed percentage needs facility ETC with its legal basis", deemed.String(), code.Code)
			return
		}
	}
	s.Deemed = deemed
	base, err := money.MulRat(s.Gross, int64(deemed), 100_00, money.DownToRupiah)
	if err != nil {
		ps.add("gross", s.Gross.XML(), "is too large")
		return
	}
	if deemed != 100_00 {
		step(fmt.Sprintf("tax base %s%% of the gross income for %s, rounded down to a rupiah", deemed, code.Code), base, code.Code+" (deemed)")
	}

	// The rate: the reference, or what the facility allows.
	ref, hasRef := code.Rate.Percent, code.Rate.Set
	given := objectcode.Percent(in.Rate)
	rate := ref
	switch {
	case !hasRef && !in.HasRate:
		ps.add("rate", "", "the reference list holds no single rate for %s (%s); give the rate that applies to the payment", code.Code, code.Name)
		return
	case !hasRef:
		rate = given
		step(fmt.Sprintf("rate %s%% as given: the reference list holds no single rate for %s", rate, code.Code), 0, code.Source)
	}
	switch {
	case s.Facility == COD:
		tr := objectcode.Percent(in.TreatyRate)
		if in.TreatyRate == 0 && in.HasRate {
			tr = given
		}
		hasTreatyRate := in.TreatyRate != 0 || in.HasRate
		// The treaty table (package treaty): a row for the country and
		// income type on the withholding date caps the rate, and fills it
		// when left out; without a row the certificate's rate is used, at
		// most the domestic rate.
		row, held := treatyRow(*s)
		if held && s.QualifyingShareholding {
			step(qualifyingStep(row), 0, row.Source)
		}
		switch {
		case held && hasTreatyRate && int64(tr) > int64(row.Max):
			ps.add("treaty_rate", tr.String(), "%s", pph21.TreatyAbove(tr.String(), row, rate.String()))
			return
		case held && !hasTreatyRate:
			tr = min(objectcode.Percent(row.Max), rate)
			step(pph21.TreatyFromTable(row), 0, row.Source)
			ex.Citations = append(ex.Citations, row.Cite())
		case held:
			step(fmt.Sprintf("treaty rate %s%% as given, within the %s %% of the treaty table (%s)", tr, row.Max, row.Cite()), 0, row.Source)
			ex.Citations = append(ex.Citations, row.Cite())
		case tr > rate:
			ps.add("treaty_rate", tr.String(), "a treaty rate cannot be higher than the rate of %s%% under %s; give the rate of the certificate of domicile, or facility N/A", rate, law)
			return
		default:
			step(treatyNoRowHint(*s)+": the rate of the certificate of domicile is used, at most the domestic rate", 0, "")
		}
		rate = tr
		ex.Citations = append(ex.Citations, "tax treaty with "+s.Recipient.Country+"; certificate of domicile (DGT form) per PER-25/PJ/2018")
		step(fmt.Sprintf("treaty rate for %s at %s%% with certificate of domicile %s", s.Recipient.Country, rate, s.FacilityRef), 0, "PER-25/PJ/2018")
	case free && in.HasRate:
		rate = given
		step(fmt.Sprintf("rate %s%% under another legal basis (ETC)", rate), 0, "")
	case isSKB(s.Facility):
		if !skbFits(s.Facility, code) {
			ps.add("facility", string(s.Facility), "does not cover %s (%s); %s", code.Code, law, skbHint(s.Facility))
			return
		}
		if in.HasRate && given != rate {
			ps.add("rate", given.String(), "must be %s for %s (%s): the SKB exempts the payment, it does not change the rate", rate, code.Code, law)
			return
		}
		s.Rate, s.Tax, s.Withheld = pph21.Rate(rate), 0, 0
		step(fmt.Sprintf("exempt under the recipient's exemption certificate (%s): nothing is withheld", s.Facility), 0, law)
		s.Explanation = ex
		return
	case s.Facility == PP23:
		if !pp55Fits(code) {
			ps.add("facility", string(s.Facility), "the PP 55/2022 final rate is for business turnover (sales, services, rent of goods); %s (%s) is not, so withhold it at its own rate with facility N/A", code.Code, code.Name)
			return
		}
		if day.Before(pp55.From) {
			ps.add("facility", string(s.Facility), "the PP 55/2022 rate applies from %s", pp55.From.Format(time.DateOnly))
			return
		}
		rate = pp55.Rate
		s.Final = true
		ex.Citations = append(ex.Citations, pp55.Law)
		step(fmt.Sprintf("final rate %s%% under the recipient's certificate (Suket PP 23/PP 55) instead of %s", rate, law), 0, pp55.Law)
	case s.Facility == DTP:
		if _, ok := dtpUnified[code.Code]; !ok {
			ps.add("facility", string(s.Facility), "no PPh DTP facility for %s is held in the reference data; use N/A, or ETC with the legal basis of the relief", code.Code)
			return
		}
	}
	if s.Recipient.Temporary && s.Facility != PP23 && s.Facility != COD && !free {
		if v, ok := surchargeFor(code, day); ok {
			higher := rate * objectcode.Percent(100+v.Percent) / 100
			step(fmt.Sprintf("rate %s%% is %d%% higher, %s%%: NIK %s is not registered (temporary TIN)", rate, v.Percent, higher, s.Recipient.TIN), 0, v.Law)
			ex.Citations = append(ex.Citations, v.Law)
			rate = higher
		}
	}
	if in.HasRate && given != rate && s.Facility != COD && !free {
		switch {
		case s.Type == objectcode.BPNR && given < rate && s.Facility == NoFacility:
			ps.add("rate", given.String(), "Tax Rate Mismatch: rate %s needs a COD reference; give facility COD with the number of the certificate of domicile (DGT form), or rate %s", given, rate)
		case s.Facility == PP23:
			ps.add("rate", given.String(), "must be %s with facility PP23 (%s)", rate, pp55.Law)
		default:
			ps.add("rate", given.String(), "must be %s for %s (%s); a different rate needs facility ETC with its legal basis", rate, code.Code, law)
		}
		return
	}
	tax, err := money.MulRat(base, int64(rate), 100_00, money.DownToRupiah)
	if err != nil {
		ps.add("gross", s.Gross.XML(), "is too large")
		return
	}
	kind := "PPh"
	if s.Final {
		kind = "final PPh"
	}
	step(fmt.Sprintf("%s at %s%%, rounded down to a rupiah", kind, rate), tax, law)
	s.Rate, s.Tax, s.Withheld, s.DTPTax = pph21.Rate(rate), tax, tax, 0
	s.Explanation = ex
}

func skbHint(f Facility) string {
	switch f {
	case SKB22:
		return "TaxExAr22 is for PPh 22 codes (22-…)"
	case SKB23:
		return "TaxExAr23 is for PPh 23 codes (24-…)"
	case SKBLand:
		return "TaxExIntPhtb is for transfers of land or buildings (28-402-…)"
	}
	return "TaxExIntDep is for deposit and cooperative interest (28-404-…, 28-417-…)"
}

// unifiedCountry is the recipient's country as a BPNR's signed document
// states it; the other slips leave it out, as they did before BPNR.
func unifiedCountry(sl *Slip) string {
	if sl.Type == objectcode.BPNR {
		return sl.Recipient.Country
	}
	return ""
}
