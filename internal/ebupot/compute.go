package ebupot

import (
	"fmt"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
	"github.com/coretax/coretax/internal/pph21/treaty"
	"github.com/coretax/coretax/internal/taxid"
)

// Input is a slip as keyed in or read from a bulk file: the facts; the tax
// is computed. Rate, Deemed and Tax, when given (a bulk file carries
// them), must agree with the reference and the engine.
type Input struct {
	Type        objectcode.SlipType
	Year, Month int
	// MonthStart and MonthEnd bound the months a BPA1 or BPA2 covers (1
	// and 12 for a full year; MonthEnd is the month of leaving).
	MonthStart, MonthEnd int
	Recipient            Recipient
	ObjectCode           string
	Facility             Facility
	FacilityRef          string
	Gross                money.Amount
	// GrossUp: the withholder bears the tax; Gross is the net paid.
	GrossUp bool
	// Excluded are non-taxable items paid with Gross, taken out of it.
	Excluded []pph21.Excluded
	// PensionContribution is the employee's own pension/JHT/THT
	// contributions of the year (BPA1; on a BPA2 the civil servant's
	// iuran pensiun and THT).
	PensionContribution money.Amount
	// TreatyRate is the rate the certificate of domicile gives (COD).
	TreatyRate pph21.Rate
	// QualifyingShareholding says a non-resident company receiving
	// dividends (27-101-01, facility COD) holds at least the treaty's
	// qualifying shareholding: the treaty table's dividends-qualifying
	// row applies instead of the dividends row (treaty.DividendsQualifying).
	QualifyingShareholding bool
	// DTP facts (PMK 10/2025, PMK 105/2025).
	Sector       pph21.Sector
	KLU          string
	RegularGross money.Amount

	// Given values to check (bulk files).
	Rate      pph21.Rate
	HasRate   bool
	Deemed    objectcode.Percent
	HasDeemed bool

	Document        string
	DocumentNumber  string
	DocumentDate    time.Time
	PlaceNITKU      string
	WithholdingDate time.Time
	// Treasurer and SP2D: GovTreasurerOpt and SP2DNumber (BPPU, BPNR).
	Treasurer Treasurer
	SP2D      string
}

// Documents are the reference-document kinds Coretax accepts, spelled as
// DJP's schema spells them (ebupot.md §2.1).
var Documents = []string{"TaxInvoice", "CommercialInvoice", "Announchment", "Contract", "PaymentProof", "DeedofEngangement",
	"DeedofGeneralMeetingStakeholder", "StatementLetter", "BankAccountNumber"}

// supported are the slip types this package computes.
var supported = []objectcode.SlipType{objectcode.BPMP, objectcode.BP21, objectcode.BP26, objectcode.BPA1,
	objectcode.BPA2, objectcode.BPPU, objectcode.BPNR}

// Annual reports whether t is a year-end slip: BPA1 (private employers)
// or BPA2 (government), computed with Pasal 17 over the year.
func Annual(t objectcode.SlipType) bool { return t == objectcode.BPA1 || t == objectcode.BPA2 }

// Unified reports whether t is a slip of the unified regime (BPPU, BPNR),
// reported in the SPT Masa PPh Unifikasi and signed with the unified
// roles (ebupot.md §1).
func Unified(t objectcode.SlipType) bool { return t == objectcode.BPPU || t == objectcode.BPNR }

// nonResident reports whether t is a slip for non-residents.
func nonResident(t objectcode.SlipType) bool { return t == objectcode.BP26 || t == objectcode.BPNR }

func isSupported(t objectcode.SlipType) bool {
	for _, s := range supported {
		if s == t {
			return true
		}
	}
	return false
}

// problems collects field errors.
type problems []errs.FieldError

func (p *problems) add(field, value, format string, args ...any) {
	*p = append(*p, errs.Field(field, value, format, args...))
}

// compute checks in and computes the slip, with months the monthly gross
// and credited the tax of the year's monthly slips for a BPA1. It makes
// every check that needs no register; the service adds those.
func compute(in Input, withholderNPWP string, months []money.Amount, credited money.Amount) (Slip, problems) {
	var ps problems
	s := Slip{Type: in.Type, Period: Period{in.Year, in.Month}, MonthStart: in.MonthStart, MonthEnd: in.MonthEnd, Recipient: in.Recipient,
		ObjectCode: objectcode.Normalize(in.ObjectCode), Facility: in.Facility, FacilityRef: strings.TrimSpace(in.FacilityRef), Gross: in.Gross,
		Document: in.Document, DocumentNumber: strings.TrimSpace(in.DocumentNumber), DocumentDate: in.DocumentDate,
		PlaceNITKU: in.PlaceNITKU, WithholdingDate: in.WithholdingDate, WithholderNPWP: withholderNPWP,
		QualifyingShareholding: in.QualifyingShareholding}
	if s.Facility == "" {
		s.Facility = NoFacility
	}
	if s.PlaceNITKU == "" && len(withholderNPWP) == 16 {
		s.PlaceNITKU = withholderNPWP + taxid.HeadOfficeSuffix
	}
	if !isSupported(in.Type) {
		ps.add("type", string(in.Type), "is not a slip type that can be keyed in here; use BPMP, BP21, BP26, BPA1, BPA2, BPPU or BPNR")
		return s, ps
	}
	if Annual(in.Type) {
		if s.MonthStart == 0 {
			s.MonthStart = 1
		}
		if s.MonthEnd == 0 {
			s.MonthEnd = 12
		}
		s.Period.Month = s.MonthEnd
	}
	// The period and the dates (ebupot.md §2: the withholding date is not
	// before the first day of the period).
	if s.Period.Year < 2024 || s.Period.Year > 2100 {
		ps.add("year", fmt.Sprint(in.Year), "give the 4-digit tax year, 2024 or later")
	}
	if s.Period.Month < 1 || s.Period.Month > 12 {
		ps.add("month", fmt.Sprint(s.Period.Month), "give the tax period's month, 1 to 12")
	}
	if Annual(in.Type) && (s.MonthStart < 1 || s.MonthStart > s.MonthEnd || s.MonthEnd > 12) {
		ps.add("month_start", fmt.Sprintf("%d-%d", s.MonthStart, s.MonthEnd), "give the first and last month worked in the year, 1 ≤ start ≤ end ≤ 12")
	}
	if len(ps) > 0 {
		return s, ps
	}
	first := s.Period.First()
	switch {
	case s.WithholdingDate.IsZero():
		ps.add("withholding_date", "", "is required; write the day the tax was withheld, YYYY-MM-DD")
	case s.WithholdingDate.Before(first):
		ps.add("withholding_date", s.WithholdingDate.Format(time.DateOnly), "is before the tax period %d-%02d begins; the tax is withheld in or after its period", s.Period.Year, s.Period.Month)
	}
	// The place of business.
	if len(s.PlaceNITKU) != 22 || !digits(s.PlaceNITKU) || s.PlaceNITKU[:16] != withholderNPWP {
		ps.add("place_nitku", s.PlaceNITKU, "must be one of the withholder's 22-digit NITKUs: %s followed by the place number, 000000 for the head office", withholderNPWP)
	}
	ps.recipient(&s)
	// The object code: in force, for this slip and this recipient.
	code, err := objectcode.Lookup(s.ObjectCode, first)
	if err != nil {
		ps.add("object_code", in.ObjectCode, "%s", errs.Message(err))
		return s, ps
	}
	if err := objectcode.Check(s.ObjectCode, s.Type, s.Recipient.Kind, first); err != nil {
		ps.add("object_code", s.ObjectCode, "%s", errs.Message(err))
		return s, ps
	}
	// The facility must fit the slip type and the code.
	if !facilityAllowed(s.Type, s.Facility) {
		ps.add("facility", string(s.Facility), "is not a facility of %s slips; use %s", s.Type, facilityNames(s.Type))
		return s, ps
	}
	if s.QualifyingShareholding {
		ps.qualifying(s)
	}
	switch s.Facility {
	case COD:
		if s.FacilityRef == "" {
			ps.add("facility_ref", "", "COD needs the number of the certificate of domicile (SKD WPLN)")
		}
		// A rate left out is the treaty table's when it has a row for the
		// country and income type on the withholding date (package treaty).
		// A qualifying shareholding asks for the dividends-qualifying row:
		// without one the flag cannot be honoured, whatever rate is given.
		_, held := treatyRow(s)
		switch {
		case s.QualifyingShareholding && !held && qualifyingAllowed(s):
			ps.add("qualifying_shareholding", "true", "%s; load a treaty table with a dividends-qualifying row for %s (coretax treaty load FILE), or clear qualifying_shareholding to use the dividends row", treatyNoRowHint(s), s.Recipient.Country)
		case in.TreatyRate == 0 && !in.HasRate && !held:
			ps.add("treaty_rate", "", "COD needs the treaty rate the certificate of domicile supports; %s", treatyNoRowHint(s))
		}
	case SKB21:
		if s.FacilityRef == "" {
			ps.add("facility_ref", "", "TaxExAr21 needs the number of the recipient's SKB (surat keterangan bebas)")
		}
	}
	if s.Document != "" && !contains(Documents, s.Document) {
		ps.add("document", s.Document, "is not a document kind of Coretax; use one of %s", strings.Join(Documents, ", "))
	}
	if Unified(s.Type) {
		ps.unifiedDocs(&s, in)
	}
	if s.Document == "TaxInvoice" {
		if n := s.DocumentNumber; !(len(n) == 16 || len(n) == 17) || !digits(n) {
			ps.add("document_number", n, "a TaxInvoice reference is the faktur number, 16 or 17 digits")
		}
	}
	if s.Gross <= 0 {
		ps.add("gross", s.Gross.XML(), "must be more than 0")
	}
	if len(ps) > 0 {
		return s, ps
	}
	s.Deemed = code.DeemedPercent
	s.Final = code.Final
	if Unified(s.Type) {
		ps.unified(&s, in, code)
		return s, ps
	}
	pin, ok := ps.engineInput(&s, in, code, months, credited)
	if !ok {
		return s, ps
	}
	res, err := pph21.Compute(pin)
	if err != nil {
		for _, f := range errs.FieldsOf(err) {
			ps.add(engineField(f.Field), f.Value, "%s", f.Message)
		}
		if len(errs.FieldsOf(err)) == 0 {
			ps.add("gross", s.Gross.XML(), "%s", errs.Message(err))
		}
		return s, ps
	}
	s.Rate, s.Tax, s.Withheld, s.DTPTax = res.Rate, res.Tax, res.Withheld, res.DTP
	s.Explanation = Explanation{Method: res.Method, Category: res.Category, Steps: res.Steps, Citations: res.Citations}
	if row, held := treatyRow(s); held && s.Facility == COD && s.QualifyingShareholding {
		s.Explanation.Steps = append(s.Explanation.Steps, pph21.Step{Label: qualifyingStep(row), Source: row.Source})
	}
	if Annual(in.Type) {
		s.Credited = credited
		s.Gross = sum(months)
	}
	if s.Facility == DTP && s.DTPTax == 0 && s.Tax > 0 {
		why := []string{}
		for _, st := range res.Steps {
			if strings.HasPrefix(st.Label, "PPh 21 DTP not granted") {
				why = append(why, st.Label)
			}
		}
		ps.add("facility", string(s.Facility), "the DTP facility does not apply: %s; use N/A", strings.Join(why, "; "))
	}
	if s.Facility == SKB21 {
		// An SKB (surat keterangan bebas, facility TaxExAr21) frees the
		// payment from withholding; it does not change what the tax would
		// be. The computed tax stays in the explanation and the slip
		// withholds nothing, as BPPU slips under an SKB do (unified.go).
		s.Explanation.Steps = append(s.Explanation.Steps, pph21.Step{
			Label:  fmt.Sprintf("exempt under the recipient's exemption certificate %s (%s): nothing is withheld of the %s computed", s.FacilityRef, s.Facility, s.Tax.String()),
			Source: "SKB PPh 21"})
		s.Tax, s.Withheld, s.DTPTax = 0, 0, 0
	}
	// Rate and deemed must match the reference unless the facility allows
	// otherwise (ETC; COD for the treaty rate) (ebupot.md §2).
	free := s.Facility == OtherBasis || s.Facility == COD
	if in.HasDeemed && in.Deemed != s.Deemed && !free {
		ps.add("deemed", in.Deemed.String(), "must be %s for %s; a different deemed percentage needs facility ETC", s.Deemed.String(), s.ObjectCode)
	}
	if in.HasRate && in.Rate != s.Rate && !free && !Annual(in.Type) {
		ps.add("rate", in.Rate.String(), "must be %s (%s); a different rate needs facility ETC%s", s.Rate.String(), res.Method, codNote(s.Type))
	}
	if in.HasRate && free && in.Type == objectcode.BP26 && s.Facility == COD {
		s.Rate = in.Rate
	}
	return s, ps
}

// qualifyingAllowed reports whether a slip may carry the
// qualifying-shareholding flag: a BP26 or BPNR with facility COD on the
// dividends code (27-101-01), the only payment whose treaty rate depends
// on the recipient company's shareholding (treaty.DividendsQualifying).
func qualifyingAllowed(s Slip) bool {
	income, _ := treaty.IncomeOf(s.ObjectCode)
	return nonResident(s.Type) && income == treaty.Dividends && s.Facility == COD
}

// qualifying refuses the qualifying-shareholding flag on a slip that
// cannot carry it, saying what would.
func (ps *problems) qualifying(s Slip) {
	income, _ := treaty.IncomeOf(s.ObjectCode)
	switch {
	case !nonResident(s.Type):
		ps.add("qualifying_shareholding", "true", "is for dividends to a non-resident company on a BP26 or BPNR, not a %s slip; clear qualifying_shareholding", s.Type)
	case income != treaty.Dividends:
		ps.add("qualifying_shareholding", "true", "is for dividends (object code 27-101-01), not %s; clear qualifying_shareholding or use object code 27-101-01", s.ObjectCode)
	case s.Facility != COD:
		ps.add("qualifying_shareholding", "true", "asks for the treaty's qualifying-shareholding dividend rate, which needs facility COD with the certificate of domicile, not %s; use facility COD or clear qualifying_shareholding", s.Facility)
	}
}

// qualifyingStep is the explanation step of a slip whose treaty rate is
// the qualifying-shareholding dividend rate of row.
func qualifyingStep(row treaty.Row) string {
	return fmt.Sprintf("qualifying shareholding: the recipient company holds at least the %s treaty's qualifying shareholding, so its %s rate of at most %s %% is applied instead of the dividends rate",
		row.Treaty, row.Income.Label(), row.Max)
}

// treatyIncome is the treaty income type of a slip: its object code's,
// dividends-qualifying for dividends with a qualifying shareholding.
func treatyIncome(s Slip) (treaty.Income, bool) {
	return pph21.TreatyIncome(pph21.ObjectCode(s.ObjectCode), "", s.QualifyingShareholding && qualifyingAllowed(s))
}

// treatyRow returns the installed treaty table's row for a slip's
// recipient country and income type (treatyIncome) on its withholding
// date (or the first day of its period), and false when the table has
// none.
func treatyRow(s Slip) (treaty.Row, bool) {
	income, ok := treatyIncome(s)
	if !ok {
		return treaty.Row{}, false
	}
	on := pph21.TreatyDay(s.Period.Year, s.Period.Month, s.WithholdingDate)
	return treaty.Installed().Lookup(s.Recipient.Country, income, on)
}

// treatyNoRowHint says the treaty table has no row for a slip.
func treatyNoRowHint(s Slip) string {
	income, ok := treatyIncome(s)
	if !ok {
		return fmt.Sprintf("%s is not a PPh 26 code the treaty table covers", s.ObjectCode)
	}
	on := pph21.TreatyDay(s.Period.Year, s.Period.Month, s.WithholdingDate)
	return fmt.Sprintf("the treaty table has no row for %s and %s on %s", s.Recipient.Country, income.Label(), on.Format(time.DateOnly))
}

func codNote(t objectcode.SlipType) string {
	if t == objectcode.BP26 {
		return " (or COD with a certificate of domicile for a treaty rate)"
	}
	return ""
}

// engineInput maps the slip to the engine's input by slip type and the
// code's basis.
func (ps *problems) engineInput(s *Slip, in Input, code objectcode.Code, months []money.Amount, credited money.Amount) (pph21.Input, bool) {
	pin := pph21.Input{Year: s.Period.Year, Month: s.Period.Month, Gross: s.Gross, GrossUp: in.GrossUp, Excluded: in.Excluded,
		Identity: pph21.IdentityNIK}
	if s.Recipient.Temporary {
		pin.Identity = pph21.IdentityNone
	}
	if s.Facility == DTP {
		pin.DTP, pin.Sector, pin.KLU = true, in.Sector, in.KLU
		pin.RegularGross, pin.HasRegularGross = in.RegularGross, in.RegularGross > 0
		pin.Employee = pph21.NonPermanent
		if s.Recipient.Kind == objectcode.PermanentEmployee {
			pin.Employee = pph21.Permanent
		}
	}
	needStatus := func() bool {
		st, err := pph21.ParseStatus(s.Recipient.Status)
		if err != nil {
			ps.add("recipient.status", s.Recipient.Status, "%s", fieldMessage(err))
			return false
		}
		s.Recipient.Status, pin.Status = string(st), st
		return true
	}
	switch {
	case Annual(s.Type):
		if !needStatus() {
			return pin, false
		}
		pin.Method, pin.Months, pin.Withheld, pin.HasWithheld = pph21.Annual, months, credited, true
		pin.PensionContribution, pin.Gross = in.PensionContribution, 0
	case s.Type == objectcode.BP26:
		pin.Method, pin.Country, pin.ObjectCode = pph21.PPh26, s.Recipient.Country, pph21.ObjectCode(s.ObjectCode)
		if s.Facility == COD {
			pin.Treaty, pin.COD, pin.Date = true, s.FacilityRef, s.WithholdingDate
			pin.Qualifying = s.QualifyingShareholding && qualifyingAllowed(*s)
			if in.TreatyRate != 0 {
				pin.TreatyRate, pin.HasTreatyRate = in.TreatyRate, true
			} else if in.HasRate {
				pin.TreatyRate, pin.HasTreatyRate = in.Rate, true
			}
		}
	case code.Basis == objectcode.TERMonthly:
		if !needStatus() {
			return pin, false
		}
		pin.Method = pph21.TERMonthly
	case code.Basis == objectcode.TERDaily:
		pin.Method = pph21.Daily
	case code.Basis == objectcode.Article17:
		pin.Method, pin.ObjectCode = pph21.NonEmployee, pph21.ObjectCode(s.ObjectCode)
	case code.Basis == objectcode.FinalLayers:
		pin.Method = pph21.LumpSum
		if strings.Contains(strings.ToLower(code.Name), "severance") || strings.Contains(strings.ToLower(code.Name), "pesangon") {
			pin.Method = pph21.Severance
		}
	default:
		ps.add("object_code", s.ObjectCode, "is taxed at a flat rate that this engine does not compute for %s slips", s.Type)
		return pin, false
	}
	return pin, true
}

// engineField maps the engine's input names to the slip's.
func engineField(f string) string {
	switch f {
	case "status":
		return "recipient.status"
	case "country":
		return "recipient.country"
	case "cod":
		return "facility_ref"
	case "object_code", "gross", "treaty_rate", "klu", "sector", "months", "excluded":
		return f
	}
	return f
}

func fieldMessage(err error) string {
	if fs := errs.FieldsOf(err); len(fs) > 0 {
		return fs[0].Message
	}
	return errs.Message(err)
}

// recipient checks the recipient's identity by residency.
func (ps *problems) recipient(s *Slip) {
	r := &s.Recipient
	r.TIN, r.Name = strings.TrimSpace(r.TIN), strings.TrimSpace(r.Name)
	if r.Kind == "" {
		ps.add("recipient.kind", "", "say what the recipient is: permanent-employee, non-permanent-employee, non-employee, non-resident, …")
		return
	}
	if _, err := objectcode.ParseRecipientKind(string(r.Kind)); err != nil {
		ps.add("recipient.kind", string(r.Kind), "%s", err)
		return
	}
	switch {
	case nonResident(s.Type) || r.Kind == objectcode.NonResident:
		if !nonResident(s.Type) {
			ps.add("recipient.kind", string(r.Kind), "a non-resident is withheld PPh 26 on a BP26 slip (individuals' employment and services) or a BPNR (other income), not %s", s.Type)
		}
		if r.Kind != objectcode.NonResident {
			ps.add("recipient.kind", string(r.Kind), "a %s slip is for a non-resident; a resident's income goes on BPMP, BP21, BPA1, BPA2 or BPPU", s.Type)
		}
		if s.Type == objectcode.BPNR && strings.TrimSpace(r.Address) == "" {
			ps.add("recipient.address", "", "give the recipient's address abroad; the BPNR requires it")
		}
		r.Resident = false
		if r.TIN == "" {
			ps.add("recipient.tin", "", "give the recipient's tax identification number in their country of residence")
		}
		if r.Name == "" {
			ps.add("recipient.name", "", "give the recipient's name")
		}
		if _, err := taxid.ParseCountry(r.Country); err != nil {
			ps.add("recipient.country", r.Country, "give the country of residence as ISO 3166-1 alpha-3, e.g. SGP")
		}
	default:
		r.Resident = true
		if len(r.TIN) != 16 || !digits(r.TIN) {
			ps.add("recipient.tin", r.TIN, "a resident recipient is identified by a 16-digit NIK or NPWP")
		} else if r.TIN == s.WithholderNPWP {
			ps.add("recipient.tin", r.TIN, "the recipient is the withholder itself")
		}
		if s.Type == objectcode.BPPU && len(r.TIN) == 16 {
			r.NITKU = strings.TrimSpace(r.NITKU)
			if r.NITKU == "" {
				r.NITKU = r.TIN + taxid.HeadOfficeSuffix
			}
			if len(r.NITKU) != 22 || !digits(r.NITKU) || r.NITKU[:16] != r.TIN {
				ps.add("recipient.nitku", r.NITKU, "must be the recipient's 22-digit NITKU: %s followed by the place number, 000000 for the head office", r.TIN)
			}
		}
		if s.Type == objectcode.BPA2 {
			r.NIP, r.Rank = strings.TrimSpace(r.NIP), strings.TrimSpace(r.Rank)
			if r.NIP != "" && (len(r.NIP) > 30 || !digits(r.NIP)) {
				ps.add("recipient.nip", r.NIP, "write the NIP (18 digits) or NRP in digits only, or leave it empty")
			}
		}
	}
}

func facilityAllowed(t objectcode.SlipType, f Facility) bool {
	for _, a := range facilitiesBySlip[t] {
		if a == f {
			return true
		}
	}
	return false
}

func facilityNames(t objectcode.SlipType) string {
	var out []string
	for _, f := range facilitiesBySlip[t] {
		out = append(out, string(f))
	}
	return strings.Join(out, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func sum(ms []money.Amount) money.Amount {
	var t money.Amount
	for _, m := range ms {
		t += m
	}
	return t
}
