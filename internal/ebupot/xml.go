package ebupot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot/bulk"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// This file maps slips to and from the Coretax bulk XML formats of the
// seven slip types this package computes: MmPayrollBulk (BPMP), Bp21Bulk
// (BP21), BP26Bulk (BP26), A1Bulk (BPA1), A2Bulk (BPA2), BpuBulk (BPPU)
// and BPNRBulk (BPNR) (ebupot.md §3). The bulk
// package reads and writes the files; here a row becomes an Input and a
// slip becomes a row.

// ImportRow is one row of a bulk file read as a slip input.
type ImportRow struct {
	// Row is the 1-based position of the row in the file; Line and
	// Column the start tag of its element.
	Row, Line, Column int
	Input             Input
	// Problems are what the file's structure or this package's mapping
	// rejects in the row, each field named by its XML element and each
	// message starting with its XML line. A row with problems is not
	// made into a slip.
	Problems []errs.FieldError
}

// Import is a bulk file read for a payroll batch.
type Import struct {
	Type objectcode.SlipType
	// TIN is the file's withholder NPWP.
	TIN  string
	Rows []ImportRow
}

// kinds maps the slip types this package computes to their bulk kinds.
var kinds = map[objectcode.SlipType]bulk.Kind{
	objectcode.BPMP: bulk.BPMP,
	objectcode.BP21: bulk.BP21,
	objectcode.BP26: bulk.BP26,
	objectcode.BPA1: bulk.BPA1,
	objectcode.BPA2: bulk.BPA2,
	objectcode.BPPU: bulk.BPPU,
	objectcode.BPNR: bulk.BPNR,
}

// typeList names the slip types with a bulk format, for messages.
const typeList = "MmPayrollBulk (BPMP), Bp21Bulk (BP21), BP26Bulk (BP26), A1Bulk (BPA1), A2Bulk (BPA2), BpuBulk (BPPU) or BPNRBulk (BPNR)"

// ImportXML reads a Coretax bulk file of BPMP, BP21, BP26, BPA1, BPA2,
// BPPU or BPNR slips
// into inputs, one per row, each with its position and structural
// problems. A file that is not XML, of another kind, without a good TIN
// or of more than MaxBatch rows is an Invalid error whose fields name the
// XML line: such a file is refused whole.
//
// A BPA1 or BPA2 row's Input.Gross is the year's gross as the A1 or A2
// states it (the sum of its income elements), not the last month's gross that Create
// takes: Service.ImportBatch takes the gross of the monthly slips off, as
// Coretax derives the last period's income (ebupot.md §7: annual gross on
// BPA1 − gross on BPMPs already issued).
func ImportXML(r io.Reader) (Import, error) {
	rd := bulk.NewReader(r)
	var im Import
	k := rd.Kind()
	for t, kk := range kinds {
		if kk == k {
			im.Type = t
		}
	}
	if k != "" && im.Type == "" {
		return Import{}, errs.InvalidFields("the file's slip type cannot be uploaded here",
			errs.Field("file", k.Format().Root, "is a %s file; this batch takes %s", k, typeList))
	}
	for {
		row, ps, err := rd.Next()
		if err == io.EOF {
			break
		}
		var syn *bulk.SyntaxError
		if errors.As(err, &syn) {
			return Import{}, errs.InvalidFields("the file is not well-formed XML", errs.Field("file", "", "XML line %d, column %d: %s", syn.Pos.Line, syn.Pos.Column, syn.Msg))
		}
		if err != nil {
			return Import{}, fmt.Errorf("read bulk file: %w", err)
		}
		if len(im.Rows) == MaxBatch {
			return Import{}, errs.InvalidFields("the file has too many rows",
				errs.Field("file", "", "XML line %d starts row %d; a batch holds at most %d rows: split the file", row.Pos.Line, row.Index, MaxBatch))
		}
		ir := ImportRow{Row: row.Index, Line: row.Pos.Line, Column: row.Pos.Column}
		for _, p := range ps {
			ir.Problems = append(ir.Problems, problemField(p))
		}
		if len(ps) == 0 {
			ir.Input = inputOfRow(im.Type, row, &ir.Problems)
		}
		im.Rows = append(im.Rows, ir)
	}
	if fps := rd.FileProblems(); len(fps) > 0 || im.Type == "" {
		fs := make([]errs.FieldError, len(fps))
		for i, p := range fps {
			fs[i] = problemField(p)
		}
		return Import{}, errs.InvalidFields("the file cannot be read as a Coretax bulk file", fs...)
	}
	im.TIN = rd.TIN()
	if len(im.Rows) == 0 {
		f := kinds[im.Type].Format()
		return Import{}, errs.InvalidFields("the file has no rows", errs.Field("file", f.List, "holds no %s element; give 1 to %d", f.Row, MaxBatch))
	}
	return im, nil
}

// problemField turns a structural problem into a field error naming the
// XML element and starting with its line.
func problemField(p bulk.Problem) errs.FieldError {
	field := p.Field
	if field == "" {
		field = p.Path
	}
	msg := fmt.Sprintf("XML line %d, column %d: %s", p.XMLLine, p.XMLColumn, p.Message)
	if p.Fix != "" {
		msg += "; " + p.Fix
	}
	return errs.FieldError{Field: field, Value: p.Value, Message: msg}
}

// rowProblem records a problem of the mapping at the row's element name.
func rowProblem(ps *[]errs.FieldError, row *bulk.Row, name, format string, args ...any) {
	pos := row.Pos
	if i := row.Kind.Format().Index(name); i >= 0 && row.Values[i].Pos.Line > 0 {
		pos = row.Values[i].Pos
	}
	*ps = append(*ps, errs.FieldError{Field: name, Value: row.Text(name),
		Message: fmt.Sprintf("XML line %d, column %d: %s", pos.Line, pos.Column, fmt.Sprintf(format, args...))})
}

// recipientKind is the recipient kind the object code is for: the bulk
// formats do not state it. A code the service will refuse gets the slip
// type's usual kind, so that the service's message is about the code.
func recipientKind(t objectcode.SlipType, code string, first time.Time) objectcode.RecipientKind {
	if c, err := objectcode.Lookup(code, first); err == nil && len(c.Recipients) > 0 {
		return c.Recipients[0]
	}
	switch t {
	case objectcode.BP21:
		return objectcode.NonEmployee
	case objectcode.BP26, objectcode.BPNR:
		return objectcode.NonResident
	case objectcode.BPPU:
		return objectcode.Resident
	}
	return objectcode.PermanentEmployee
}

// inputOfRow maps a well-formed row to an Input.
func inputOfRow(t objectcode.SlipType, row *bulk.Row, ps *[]errs.FieldError) Input {
	in := Input{Type: t, Year: row.Int("TaxPeriodYear"), ObjectCode: row.Text("TaxObjectCode"),
		PlaceNITKU: row.Text("IDPlaceOfBusinessActivity"), WithholdingDate: row.Date("WithholdingDate")}
	if t != objectcode.BPA2 {
		in.Facility = Facility(row.Text("TaxCertificate"))
	}
	if Annual(t) {
		in.MonthStart, in.MonthEnd = row.Int("TaxPeriodMonthStart"), row.Int("TaxPeriodMonthEnd")
		in.Month = in.MonthEnd
	} else {
		in.Month = row.Int("TaxPeriodMonth")
	}
	first := Period{in.Year, max(in.Month, 1)}.First()
	r := &in.Recipient
	r.Kind = recipientKind(t, in.ObjectCode, first)
	if !Annual(t) {
		in.Rate, in.HasRate = pph21.Rate(row.Percent("Rate")), true
	}
	if t == objectcode.BPA2 {
		// The A2 has no TaxCertificate: no facility (ebupot.md §3.5).
		in.Facility = NoFacility
	}
	switch t {
	case objectcode.BPMP, objectcode.BPA1:
		r.TIN, r.Passport = row.Text("CounterpartTin"), row.Text("CounterpartPassport")
		if row.Text("CounterpartOpt") == "Foreign" && r.Passport == "" {
			rowProblem(ps, row, "CounterpartPassport", "a Foreign recipient needs the passport number")
		}
		if t == objectcode.BPMP {
			in.Gross = row.Amount("Gross")
			r.Status, r.Position = row.Text("StatusTaxExemption"), row.Text("Position")
		} else {
			r.Status, r.Position = row.Text("TaxExemptOpt"), row.Text("CounterpartPosition")
			in.Gross, in.GrossUp, in.PensionContribution = annualGross(row, a1Income, ps)
		}
	case objectcode.BPA2:
		r.TIN, r.NIP, r.Rank = row.Text("CounterpartTin"), row.Text("CounterpartNipNrp"), row.Text("CounterpartRank")
		r.Status, r.Position = row.Text("TaxExemptOpt"), row.Text("CounterpartPosition")
		in.Gross, _, in.PensionContribution = annualGross(row, a2Income, ps)
	case objectcode.BPPU:
		r.TIN, r.NITKU = row.Text("CounterpartTin"), row.Text("IDPlaceOfBusinessActivityOfIncomeRecipient")
		in.Gross = row.Amount("TaxBase")
		in.Document, in.DocumentNumber, in.DocumentDate = row.Text("Document"), row.Text("DocumentNumber"), row.Date("DocumentDate")
		in.Treasurer, in.SP2D = Treasurer(row.Text("GovTreasurerOpt")), row.Text("SP2DNumber")
	case objectcode.BPNR:
		r.TIN, r.Name, r.Country = row.Text("CounterpartTin"), row.Text("CounterpartName"), strings.ToUpper(row.Text("CounterpartCountry"))
		r.Address, r.Passport, r.Kitas = row.Text("CounterpartAddress"), row.Text("CounterpartPassport"), row.Text("CounterpartKitas")
		r.BirthDate, r.BirthCity = row.Date("CounterpartDob"), row.Text("CounterpartBirthCity")
		in.FacilityRef = row.Text("CounterpartReceiptNumber")
		in.Gross = row.Amount("GrossIncome")
		in.Deemed, in.HasDeemed = row.Percent("Deemed"), true
		in.Document, in.DocumentNumber, in.DocumentDate = row.Text("Document"), row.Text("DocumentNumber"), row.Date("DocumentDate")
		in.Treasurer, in.SP2D = Treasurer(row.Text("GovTreasurerOpt")), row.Text("SP2DNumber")
	case objectcode.BP21:
		r.TIN, r.Status = row.Text("CounterpartTin"), row.Text("StatusTaxExemption")
		in.Gross = row.Amount("Gross")
		in.Deemed, in.HasDeemed = row.Percent("Deemed"), true
		in.Document, in.DocumentNumber, in.DocumentDate = row.Text("Document"), row.Text("DocumentNumber"), row.Date("DocumentDate")
	case objectcode.BP26:
		r.TIN, r.Name, r.Country = row.Text("CounterpartTin"), row.Text("CounterpartName"), strings.ToUpper(row.Text("CounterpartCountry"))
		r.Address, r.Passport = row.Text("CounterpartAddress"), row.Text("CounterpartPassport")
		if ref := row.Text("CounterpartReceiptNumber"); ref != noReceipt {
			in.FacilityRef = ref
		}
		in.Gross = row.Amount("Gross")
		in.Deemed, in.HasDeemed = row.Percent("Deemed"), true
		in.Document, in.DocumentNumber, in.DocumentDate = row.Text("Document"), row.Text("DocumentNumber"), row.Date("DocumentDate")
	}
	return in
}

// a1Income are the A1 elements whose sum is the year's gross income
// (PER-2/PJ/2024 Lampiran, the BPA1 form: items 1 to 7).
var a1Income = []string{"SalaryPensionJhtTht", "IncomeTaxBenefit", "OtherBenefit", "Honorarium", "InsurancePaidByEmployer", "Natura", "TantiemBonusThr"}

// a2Income are the A2 elements whose sum is a government employee's
// year's gross income: salary or pension, the wife's and children's
// allowances, the income improvement allowance, the structural or
// functional allowance, the rice allowance, other allowances and other
// regular income (ebupot.md §3.5).
var a2Income = []string{"SalaryPensionJhtTht", "WifeBenefit", "ChildBenefit", "IncomeImprovementBenefit", "StructuralFunctionalBenefit",
	"RiceBenefit", "OtherBenefit", "OtherRegularIncome"}

// annualGross reads an A1 or A2 row's year from its income elements: the
// gross, whether the employer bears the tax (A1 only) and the employee's
// pension contributions. What the engine
// does not compute is a problem of the row rather than a silently wrong
// slip.
func annualGross(row *bulk.Row, income []string, ps *[]errs.FieldError) (money.Amount, bool, money.Amount) {
	grossUp := row.Kind == bulk.BPA1 && row.Text("GrossUpOpt") == "Yes"
	var gross money.Amount
	for _, name := range income {
		if name == "IncomeTaxBenefit" && grossUp {
			// With GrossUpOpt Yes the tax allowance is computed, and
			// the one given is ignored (ebupot.md §3.4).
			continue
		}
		a, err := gross.Add(row.Amount(name))
		if err != nil {
			rowProblem(ps, row, name, "the year's gross is too large")
		}
		gross = a
	}
	if row.Text("WorkForSecondEmployer") == "Yes" || !row.Nil("PrevWhTaxSlip") {
		rowProblem(ps, row, "PrevWhTaxSlip", "a year worked for a previous employer is not computed here; give WorkForSecondEmployer No and PrevWhTaxSlip nil, or key the slip in with the previous employer's income")
	}
	if row.Text("StatusOfWithholding") == "Annualized" || row.Int("NumberOfMonths") > 0 {
		rowProblem(ps, row, "StatusOfWithholding", "annualised income is not computed here; use FullYear or PartialYear with NumberOfMonths 0")
	}
	if row.Amount("Zakat") > 0 {
		rowProblem(ps, row, "Zakat", "zakat deducted from gross income is not computed here; give 0")
	}
	if row.Amount("Article21IncomeTax") != 0 {
		rowProblem(ps, row, "Article21IncomeTax", "must be 0: the tax is computed (ebupot.md §3.4)")
	}
	return gross, grossUp, row.Amount("PensionContributionJhtThtFee")
}

// pensionStep is the label of the engine's step that takes the employee's
// pension contributions off an annual gross (pph21: UU PPh Pasal 6(1)).
const pensionStep = "less employee pension, JHT and THT contributions"

// pensionOf returns the pension contributions a BPA1 was computed with.
func pensionOf(sl *Slip) money.Amount {
	for _, st := range sl.Explanation.Steps {
		if st.Label == pensionStep {
			return st.Amount
		}
	}
	return 0
}

// InputOf returns the input a slip states, as its bulk row gives it back:
// what ImportXML reads from the row ExportXML writes for sl. A BPA1's or
// BPA2's Gross is the year's gross, as in ImportXML.
func InputOf(sl *Slip) Input {
	in := Input{Type: sl.Type, Year: sl.Period.Year, Month: sl.Period.Month, ObjectCode: sl.ObjectCode, Facility: sl.Facility,
		Gross: sl.Gross, PlaceNITKU: sl.PlaceNITKU, WithholdingDate: sl.WithholdingDate}
	rc := sl.Recipient
	r := &in.Recipient
	r.Kind = rc.Kind
	if !Annual(sl.Type) {
		in.Rate, in.HasRate = sl.Rate, true
	}
	switch sl.Type {
	case objectcode.BPMP:
		r.TIN, r.Passport, r.Status, r.Position = rc.TIN, rc.Passport, rc.Status, rc.Position
	case objectcode.BPA1:
		r.TIN, r.Passport, r.Status, r.Position = rc.TIN, rc.Passport, rc.Status, rc.Position
		in.MonthStart, in.MonthEnd = sl.MonthStart, sl.MonthEnd
		in.PensionContribution = pensionOf(sl)
	case objectcode.BP21:
		r.TIN, r.Status = rc.TIN, rc.Status
		in.Deemed, in.HasDeemed = sl.Deemed, true
		in.Document, in.DocumentNumber, in.DocumentDate = sl.Document, sl.DocumentNumber, sl.DocumentDate
	case objectcode.BP26:
		r.TIN, r.Name, r.Country, r.Address, r.Passport = rc.TIN, rc.Name, rc.Country, rc.Address, rc.Passport
		in.FacilityRef = sl.FacilityRef
		in.Deemed, in.HasDeemed = sl.Deemed, true
		in.Document, in.DocumentNumber, in.DocumentDate = sl.Document, sl.DocumentNumber, sl.DocumentDate
	case objectcode.BPA2:
		r.TIN, r.NIP, r.Rank, r.Status, r.Position = rc.TIN, rc.NIP, rc.Rank, rc.Status, rc.Position
		in.MonthStart, in.MonthEnd = sl.MonthStart, sl.MonthEnd
		in.PensionContribution = pensionOf(sl)
	case objectcode.BPPU:
		r.TIN, r.NITKU = rc.TIN, rc.NITKU
		in.Document, in.DocumentNumber, in.DocumentDate = sl.Document, sl.DocumentNumber, sl.DocumentDate
		in.Treasurer, in.SP2D = sl.Treasurer, sl.SP2D
	case objectcode.BPNR:
		r.TIN, r.Name, r.Country, r.Address, r.Passport = rc.TIN, rc.Name, rc.Country, rc.Address, rc.Passport
		r.BirthDate, r.BirthCity, r.Kitas = rc.BirthDate, rc.BirthCity, rc.Kitas
		in.FacilityRef = sl.FacilityRef
		in.Deemed, in.HasDeemed = sl.Deemed, true
		in.Document, in.DocumentNumber, in.DocumentDate = sl.Document, sl.DocumentNumber, sl.DocumentDate
		in.Treasurer, in.SP2D = sl.Treasurer, sl.SP2D
	}
	if Unified(sl.Type) && in.Treasurer == "" {
		in.Treasurer = NoTreasurer
	}
	return in
}

// XMLWriter writes slips of one type as a Coretax bulk file, one row per
// slip, so that an export of any size is streamed.
type XMLWriter struct {
	t objectcode.SlipType
	w *bulk.Writer
}

// NewXMLWriter returns a writer of t's bulk file for the withholder tin.
// t must be one of the seven types with a bulk format.
func NewXMLWriter(w io.Writer, t objectcode.SlipType, tin string) (*XMLWriter, error) {
	k, ok := kinds[t]
	if !ok {
		return nil, errs.InvalidFields("no Coretax bulk format for this slip type", errs.Field("type", string(t), "give BPMP, BP21, BP26, BPA1, BPA2, BPPU or BPNR"))
	}
	return &XMLWriter{t: t, w: bulk.NewWriter(w, k, tin)}, nil
}

// Write writes sl as one row. Values are written as the slip holds them:
// an empty value that the format requires (a BP21 without its reference
// document) is written empty, and Coretax, like ImportXML, refuses it.
func (x *XMLWriter) Write(sl *Slip) error {
	if sl.Type != x.t {
		return fmt.Errorf("slip %s is a %s, not a %s", label(*sl), sl.Type, x.t)
	}
	row := RowOf(sl)
	return x.w.Write(row)
}

// Close ends the file.
func (x *XMLWriter) Close() error { return x.w.Close() }

// ExportXML writes slips of type t of the withholder tin as a Coretax
// bulk file.
func ExportXML(w io.Writer, t objectcode.SlipType, tin string, slips []Slip) error {
	x, err := NewXMLWriter(w, t, tin)
	if err != nil {
		return err
	}
	for i := range slips {
		if err := x.Write(&slips[i]); err != nil {
			return err
		}
	}
	return x.Close()
}

// setText sets an element, nil when the value is empty and the element
// may be nil.
func setText(row *bulk.Row, name, v string) {
	f := row.Kind.Format()
	if v == "" && f.Elements[f.Index(name)].Nillable {
		row.SetNil(name)
		return
	}
	row.Set(name, v)
}

func setDate(row *bulk.Row, name string, d time.Time) {
	if d.IsZero() {
		setText(row, name, "")
		return
	}
	row.SetDate(name, d)
}

// noReceipt is written as the CounterpartReceiptNumber of a BP26 without a
// certificate of domicile. The element is required, and the notes give
// its content only for COD (the SKD number, ebupot.md §3.3); a dash says
// there is none, and is read back as none.
const noReceipt = "-"

// RowOf returns the bulk row of a slip.
func RowOf(sl *Slip) *bulk.Row {
	row := bulk.NewRow(kinds[sl.Type])
	r := sl.Recipient
	row.SetInt("TaxPeriodYear", sl.Period.Year)
	if !Annual(sl.Type) {
		row.SetInt("TaxPeriodMonth", sl.Period.Month)
		row.SetPercent("Rate", objectcode.Percent(sl.Rate))
	}
	if sl.Type != objectcode.BPA2 {
		row.Set("TaxCertificate", string(sl.Facility))
	}
	row.Set("TaxObjectCode", sl.ObjectCode)
	row.Set("IDPlaceOfBusinessActivity", sl.PlaceNITKU)
	setDate(row, "WithholdingDate", sl.WithholdingDate)
	opt := "Resident"
	if r.Passport != "" {
		opt = "Foreign"
	}
	switch sl.Type {
	case objectcode.BPMP:
		row.Set("CounterpartOpt", opt)
		setText(row, "CounterpartPassport", r.Passport)
		setText(row, "CounterpartTin", r.TIN)
		row.Set("StatusTaxExemption", r.Status)
		row.Set("Position", r.Position)
		row.SetAmount("Gross", sl.Gross)
	case objectcode.BP21:
		row.Set("CounterpartTin", r.TIN)
		row.Set("IDPlaceOfBusinessActivityOfIncomeRecipient", r.TIN+"000000")
		row.Set("StatusTaxExemption", r.Status)
		row.SetAmount("Gross", sl.Gross)
		row.SetPercent("Deemed", sl.Deemed)
		documentOf(row, sl)
	case objectcode.BP26:
		row.Set("CounterpartTin", r.TIN)
		if sl.FacilityRef != "" {
			row.Set("CounterpartReceiptNumber", sl.FacilityRef)
		} else {
			row.Set("CounterpartReceiptNumber", noReceipt)
		}
		row.Set("CounterpartName", r.Name)
		row.Set("CounterpartCountry", r.Country)
		for _, name := range []string{"CounterpartDob", "CounterpartBirthCity", "CounterpartKitas"} {
			row.SetNil(name)
		}
		setText(row, "CounterpartAddress", r.Address)
		setText(row, "CounterpartPassport", r.Passport)
		row.SetAmount("Gross", sl.Gross)
		row.SetPercent("Deemed", sl.Deemed)
		documentOf(row, sl)
	case objectcode.BPA1:
		status := "PartialYear"
		if sl.MonthStart == 1 && sl.MonthEnd == 12 {
			status = "FullYear"
		}
		row.Set("WorkForSecondEmployer", "No")
		row.SetInt("TaxPeriodMonthStart", sl.MonthStart)
		row.SetInt("TaxPeriodMonthEnd", sl.MonthEnd)
		row.Set("CounterpartOpt", opt)
		setText(row, "CounterpartPassport", r.Passport)
		setText(row, "CounterpartTin", r.TIN)
		row.Set("TaxExemptOpt", r.Status)
		row.Set("StatusOfWithholding", status)
		row.Set("CounterpartPosition", r.Position)
		row.SetInt("NumberOfMonths", 0)
		row.Set("GrossUpOpt", "No")
		// The year's gross is written as salary: a slip keeps the total,
		// not its items.
		row.SetAmount("SalaryPensionJhtTht", sl.Gross)
		for _, name := range []string{"IncomeTaxBenefit", "OtherBenefit", "Honorarium", "InsurancePaidByEmployer", "Natura", "TantiemBonusThr", "Zakat"} {
			row.SetAmount(name, 0)
		}
		row.SetAmount("PensionContributionJhtThtFee", pensionOf(sl))
		row.SetNil("PrevWhTaxSlip")
		// Entered as 0: Coretax computes it (ebupot.md §3.4).
		row.SetAmount("Article21IncomeTax", 0)
	case objectcode.BPA2:
		row.Set("WorkForSecondEmployer", "No")
		row.SetInt("TaxPeriodMonthStart", sl.MonthStart)
		row.SetInt("TaxPeriodMonthEnd", sl.MonthEnd)
		row.Set("CounterpartTin", r.TIN)
		setText(row, "CounterpartNipNrp", r.NIP)
		row.Set("TaxExemptOpt", r.Status)
		row.Set("StatusOfWithholding", withholdingStatus(sl))
		setText(row, "CounterpartPosition", r.Position)
		setText(row, "CounterpartRank", r.Rank)
		row.SetInt("NumberOfMonths", 0)
		// The year's gross is written as salary, as for the A1.
		row.SetAmount("SalaryPensionJhtTht", sl.Gross)
		for _, name := range a2Income[1:] {
			row.SetAmount(name, 0)
		}
		row.SetAmount("PensionContributionJhtThtFee", pensionOf(sl))
		row.SetAmount("Zakat", 0)
		row.SetNil("PrevWhTaxSlip")
		row.SetAmount("Article21IncomeTax", 0)
	case objectcode.BPPU:
		row.Set("CounterpartTin", r.TIN)
		row.Set("IDPlaceOfBusinessActivityOfIncomeRecipient", r.NITKU)
		row.SetAmount("TaxBase", sl.Gross)
		documentOf(row, sl)
		treasurerOf(row, sl)
	case objectcode.BPNR:
		row.Set("CounterpartTin", r.TIN)
		setText(row, "CounterpartReceiptNumber", sl.FacilityRef)
		row.Set("CounterpartName", r.Name)
		row.Set("CounterpartCountry", r.Country)
		row.Set("CounterpartAddress", r.Address)
		setDate(row, "CounterpartDob", r.BirthDate)
		setText(row, "CounterpartBirthCity", r.BirthCity)
		setText(row, "CounterpartPassport", r.Passport)
		setText(row, "CounterpartKitas", r.Kitas)
		row.SetAmount("GrossIncome", sl.Gross)
		row.SetPercent("Deemed", sl.Deemed)
		documentOf(row, sl)
		treasurerOf(row, sl)
	}
	return row
}

// withholdingStatus is StatusOfWithholding of an annual slip: FullYear
// for January to December, PartialYear otherwise (ebupot.md §3.4).
func withholdingStatus(sl *Slip) string {
	if sl.MonthStart == 1 && sl.MonthEnd == 12 {
		return "FullYear"
	}
	return "PartialYear"
}

// treasurerOf writes GovTreasurerOpt and SP2DNumber of a unified slip.
func treasurerOf(row *bulk.Row, sl *Slip) {
	t := sl.Treasurer
	if t == "" {
		t = NoTreasurer
	}
	row.Set("GovTreasurerOpt", string(t))
	setText(row, "SP2DNumber", sl.SP2D)
}

func documentOf(row *bulk.Row, sl *Slip) {
	row.Set("Document", sl.Document)
	row.Set("DocumentNumber", sl.DocumentNumber)
	setDate(row, "DocumentDate", sl.DocumentDate)
}

// ImportBatch stores a bulk file read by ImportXML as a payroll batch for
// the withholder npwp, with CreateBatch's rules: every good row becomes a
// draft, every bad row is reported with its problems (its structural ones
// from the file, or the slip's), one bad row does not lose the good ones,
// and the batch and its drafts are stored in one transaction. The file's
// TIN must be the withholder's NPWP. A BPA1 row's year gross becomes the
// last month's gross by taking off the gross of the withholder's signed
// monthly slips for the recipient in the months before its last.
func (s *Service) ImportBatch(ctx context.Context, npwp string, im Import, bs BatchStore) (Batch, error) {
	if len(im.Rows) == 0 || len(im.Rows) > MaxBatch {
		return Batch{}, errs.InvalidFields("the batch is empty or too large", errs.Field("rows", fmt.Sprint(len(im.Rows)), "give 1 to %d rows", MaxBatch))
	}
	w, err := s.withholder(ctx, npwp, ActDraft)
	if err != nil {
		return Batch{}, err
	}
	if err := s.allowType(ctx, w.id(), ActDraft, im.Type); err != nil {
		return Batch{}, err
	}
	if im.TIN != w.NPWP {
		return Batch{}, errs.InvalidFields("the file is another withholder's", errs.Field("TIN", im.TIN, "the file's TIN must be %s, the withholder it is uploaded for", w.NPWP))
	}
	rows := make([]batchRow, len(im.Rows))
	for i, ir := range im.Rows {
		rows[i] = batchRow{row: ir.Row, line: ir.Line, in: ir.Input, problems: ir.Problems, annual: Annual(ir.Input.Type)}
	}
	return s.runBatch(ctx, w, "xml:"+string(im.Type), rows, bs)
}

// Batch returns the payroll batch id of the withholder npwp, uploaded as
// a bulk file or keyed in, with every row's result.
func (s *Service) Batch(ctx context.Context, npwp string, id int64, bs BatchStore) (Batch, error) {
	w, err := s.withholder(ctx, npwp, ActRead)
	if err != nil {
		return Batch{}, err
	}
	b, err := bs.Batch(ctx, id)
	if errs.Is(errs.NotFound, err) || err == nil && b.WithholderID != w.id() {
		return Batch{}, errs.Errorf(errs.NotFound, "withholder %s has no payroll batch %d", w.NPWP, id)
	}
	if err != nil {
		return Batch{}, err
	}
	if err := s.allowBatch(ctx, w, b); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// allowBatch checks that the caller may read the batch b: its rows may
// state people's pay unless they are all unified slips. A Coretax file
// holds one slip type, named by the batch's source; a keyed-in batch is
// unified when every row made a unified draft (a refused row's type is
// not kept, so a batch with one needs the PPh 21/26 role).
func (s *Service) allowBatch(ctx context.Context, w withholder, b Batch) error {
	all := s.allowFamily(ctx, w.id(), ActRead, false)
	if all == nil || !errs.Is(errs.Forbidden, all) {
		return all
	}
	if t, ok := strings.CutPrefix(b.Source, "xml:"); ok {
		return s.allowType(ctx, w.id(), ActRead, objectcode.SlipType(t))
	}
	if b.Rejected > 0 {
		return all
	}
	slips := 0
	f := Filter{WithholderID: w.id(), BatchID: b.ID, Limit: MaxLimit}
	for {
		page, err := s.store.List(ctx, f)
		if err != nil {
			return err
		}
		for _, sl := range page {
			if !Unified(sl.Type) {
				return all
			}
		}
		slips += len(page)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	if slips < b.Created {
		// A draft of the batch was deleted since: its type is gone.
		return all
	}
	return s.allowFamily(ctx, w.id(), ActRead, true)
}
