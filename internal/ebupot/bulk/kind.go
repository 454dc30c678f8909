package bulk

import "fmt"

// Kind is an e-Bupot slip type that has a bulk XML format.
type Kind string

// The kinds (ebupot.md §1, §3).
const (
	BPMP Kind = "BPMP" // MmPayrollBulk: monthly slip of permanent employees
	BP21 Kind = "BP21" // Bp21Bulk: PPh 21 other than permanent employees
	BP26 Kind = "BP26" // BP26Bulk: PPh 26 on non-resident individuals
	BPA1 Kind = "BPA1" // A1Bulk: year-end slip, non-government employers
	BPA2 Kind = "BPA2" // A2Bulk: year-end slip, government employers
	BPPU Kind = "BPPU" // BpuBulk: unified slip for residents
	BPNR Kind = "BPNR" // BPNRBulk: unified slip for non-residents
)

// Kinds returns the seven kinds in the order of the Coretax menu.
func Kinds() []Kind { return []Kind{BPMP, BP21, BP26, BPA1, BPA2, BPPU, BPNR} }

// Type is the type of an element's value.
type Type int

// The types.
const (
	String  Type = iota + 1 // text, optionally with a Pattern
	Int                     // xs:int, written without leading zeros, between Min and Max
	Amount                  // xs:decimal rupiah amount, 0 or more (more than 0 when Positive)
	Percent                 // xs:decimal percentage, at most 2 decimals, 0 to 100
	Date                    // YYYY-MM-DD
	Enum                    // one of Values, spelt exactly
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Int:
		return "int"
	case Amount:
		return "amount"
	case Percent:
		return "percent"
	case Date:
		return "date"
	case Enum:
		return "enum"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Pattern is a shape a String value must have.
type Pattern int

// The patterns.
const (
	NoPattern   Pattern = iota
	TIN16               // 16 digits: NPWP or NIK
	NITKU22             // 22 digits: a place of business (NPWP + 6 digits)
	ObjectCode          // NN-NNN-NN, a tax object code
	Country3            // [a-zA-Z]{3}: ISO 3166 alpha-3 (BP26)
	CountryBPNR         // [a-zA-Z\-]{2,5} (BPNR)
)

// Element is one child of a row.
type Element struct {
	Name     string
	Type     Type
	Nillable bool     // may be empty or <Elem xsi:nil="true"/>; otherwise a value is required
	Values   []string // for Enum: the values allowed, spelt as DJP's schema spells them
	Pattern  Pattern  // for String
	Min, Max int      // for Int
	Positive bool     // for Amount and Percent: more than 0, not just 0 or more
}

// Format is the layout of one kind's file.
type Format struct {
	Kind     Kind
	Root     string    // MmPayrollBulk
	List     string    // ListOfMmPayroll
	Row      string    // MmPayroll
	Elements []Element // in the order Coretax requires

	index map[string]int
}

// Format returns the layout of k's file; it panics if k is not one of
// Kinds.
func (k Kind) Format() *Format {
	f, ok := formats[k]
	if !ok {
		panic(fmt.Sprintf("bulk: no format for kind %q", string(k)))
	}
	return f
}

// KindOfRoot returns the kind whose file starts with the root element root.
func KindOfRoot(root string) (Kind, bool) {
	for _, k := range Kinds() {
		if formats[k].Root == root {
			return k, true
		}
	}
	return "", false
}

// Index returns the position of the element name in f.Elements, or -1.
func (f *Format) Index(name string) int {
	if i, ok := f.index[name]; ok {
		return i
	}
	return -1
}

// Names returns the element names in order.
func (f *Format) Names() []string {
	names := make([]string, len(f.Elements))
	for i, e := range f.Elements {
		names[i] = e.Name
	}
	return names
}

// Enumerations (ebupot.md §2.1). The notes mark them likely; the spellings
// are DJP's, misspellings included.
var (
	counterpartOpts = []string{"Resident", "Foreign"}
	// The XSD allows HB/0–HB/3 too; the DJP templates' dropdowns offer
	// only TK and K. The reader accepts the schema's set and leaves the
	// choice of status to the slip service.
	ptkpStatuses = []string{"TK/0", "TK/1", "TK/2", "TK/3", "K/0", "K/1", "K/2", "K/3", "HB/0", "HB/1", "HB/2", "HB/3"}
	// "Announchment" and "DeedofEngangement" are spelt so in DJP's schema.
	documents         = []string{"TaxInvoice", "CommercialInvoice", "Announchment", "Contract", "PaymentProof", "DeedofEngangement", "DeedofGeneralMeetingStakeholder", "StatementLetter", "BankAccountNumber"}
	yesNo             = []string{"Yes", "No"}
	withholdingStatus = []string{"FullYear", "PartialYear", "Annualized"}
	govTreasurerOpts  = []string{"N/A", "Imprest", "Direct"}
	certBPMP          = []string{"N/A", "DTP", "ETC"}
	certBP21          = []string{"N/A", "TaxExAr21", "DTP", "ETC"}
	certNonResident   = []string{"N/A", "COD", "DTP", "ETC"}
	certBPA1          = []string{"N/A", "DTP", "ETC"}
	certBPPU          = []string{"N/A", "TaxExAr22", "TaxExAr23", "TaxExIntDep", "TaxExIntPhtb", "DTP", "PP23", "ETC"}
)

// Element constructors, to keep the tables below one line per element.
func str(name string) Element               { return Element{Name: name, Type: String} }
func nilStr(name string) Element            { return Element{Name: name, Type: String, Nillable: true} }
func pat(name string, p Pattern) Element    { return Element{Name: name, Type: String, Pattern: p} }
func enum(name string, vs []string) Element { return Element{Name: name, Type: Enum, Values: vs} }
func amount(name string) Element            { return Element{Name: name, Type: Amount} }
func positive(name string) Element          { return Element{Name: name, Type: Amount, Positive: true} }
func percent(name string) Element           { return Element{Name: name, Type: Percent} }
func date(name string) Element              { return Element{Name: name, Type: Date} }
func nilDate(name string) Element           { return Element{Name: name, Type: Date, Nillable: true} }
func integer(name string, lo, hi int) Element {
	return Element{Name: name, Type: Int, Min: lo, Max: hi}
}

var (
	month   = integer("TaxPeriodMonth", 1, 12)
	year    = integer("TaxPeriodYear", 1000, 9999) // 4 digits
	code    = pat("TaxObjectCode", ObjectCode)
	ownTKU  = pat("IDPlaceOfBusinessActivity", NITKU22)
	whDate  = date("WithholdingDate")
	doc     = enum("Document", documents)
	docNo   = str("DocumentNumber")
	tin16   = pat("CounterpartTin", TIN16)
	nilTIN  = Element{Name: "CounterpartTin", Type: String, Pattern: TIN16, Nillable: true}
	recTKU  = pat("IDPlaceOfBusinessActivityOfIncomeRecipient", NITKU22)
	annual1 = []Element{enum("WorkForSecondEmployer", yesNo), integer("TaxPeriodMonthStart", 1, 12),
		integer("TaxPeriodMonthEnd", 1, 12), year}
)

func join(parts ...[]Element) []Element {
	var out []Element
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// formats holds the seven layouts, element names and order as in
// ebupot.md §3 (BPMP, BP21, BP26, BPPU: sure; BPA1, BPA2, BPNR: likely).
var formats = func() map[Kind]*Format {
	m := map[Kind]*Format{
		BPMP: {Root: "MmPayrollBulk", List: "ListOfMmPayroll", Row: "MmPayroll", Elements: []Element{
			month, year, enum("CounterpartOpt", counterpartOpts), nilStr("CounterpartPassport"), nilTIN,
			enum("StatusTaxExemption", ptkpStatuses), str("Position"), enum("TaxCertificate", certBPMP), code,
			positive("Gross"), percent("Rate"), ownTKU, whDate,
		}},
		BP21: {Root: "Bp21Bulk", List: "ListOfBp21", Row: "Bp21", Elements: []Element{
			month, year, tin16, recTKU, enum("StatusTaxExemption", ptkpStatuses), enum("TaxCertificate", certBP21), code,
			positive("Gross"), percent("Deemed"), percent("Rate"), doc, docNo, nilDate("DocumentDate"), ownTKU, whDate,
		}},
		BP26: {Root: "BP26Bulk", List: "ListOfBP26", Row: "BP26", Elements: []Element{
			month, year, str("CounterpartTin"), str("CounterpartReceiptNumber"), str("CounterpartName"),
			pat("CounterpartCountry", Country3), nilStr("CounterpartAddress"), nilDate("CounterpartDob"),
			nilStr("CounterpartBirthCity"), nilStr("CounterpartPassport"), nilStr("CounterpartKitas"),
			enum("TaxCertificate", certNonResident), code, positive("Gross"), percent("Deemed"), percent("Rate"),
			doc, docNo, nilDate("DocumentDate"), ownTKU, whDate,
		}},
		BPA1: {Root: "A1Bulk", List: "ListOfA1", Row: "A1", Elements: join(annual1, []Element{
			enum("CounterpartOpt", counterpartOpts), nilStr("CounterpartPassport"), nilTIN,
			enum("TaxExemptOpt", ptkpStatuses), enum("StatusOfWithholding", withholdingStatus), str("CounterpartPosition"),
			code, integer("NumberOfMonths", 0, 12), amount("SalaryPensionJhtTht"), enum("GrossUpOpt", yesNo),
			amount("IncomeTaxBenefit"), amount("OtherBenefit"), amount("Honorarium"), amount("InsurancePaidByEmployer"),
			amount("Natura"), amount("TantiemBonusThr"), amount("PensionContributionJhtThtFee"), amount("Zakat"),
			nilStr("PrevWhTaxSlip"), enum("TaxCertificate", certBPA1), amount("Article21IncomeTax"), ownTKU, whDate,
		})},
		BPA2: {Root: "A2Bulk", List: "ListOfA2", Row: "A2", Elements: join(annual1, []Element{
			tin16, nilStr("CounterpartNipNrp"), enum("TaxExemptOpt", ptkpStatuses),
			enum("StatusOfWithholding", withholdingStatus), nilStr("CounterpartPosition"), nilStr("CounterpartRank"),
			code, integer("NumberOfMonths", 0, 12), amount("SalaryPensionJhtTht"), amount("WifeBenefit"),
			amount("ChildBenefit"), amount("IncomeImprovementBenefit"), amount("StructuralFunctionalBenefit"),
			amount("RiceBenefit"), amount("OtherBenefit"), amount("OtherRegularIncome"),
			amount("PensionContributionJhtThtFee"), amount("Zakat"), nilStr("PrevWhTaxSlip"),
			amount("Article21IncomeTax"), ownTKU, whDate,
		})},
		// CounterpartTin is nillable in the XSD but required by the DJP
		// template (ebupot.md §3.6); a slip needs its recipient, so the
		// reader requires it.
		BPPU: {Root: "BpuBulk", List: "ListOfBpu", Row: "Bpu", Elements: []Element{
			month, year, tin16, recTKU, enum("TaxCertificate", certBPPU), code, positive("TaxBase"), percent("Rate"),
			doc, docNo, date("DocumentDate"), ownTKU, enum("GovTreasurerOpt", govTreasurerOpts), nilStr("SP2DNumber"), whDate,
		}},
		// BPNR writes WithholdingDate before IDPlaceOfBusinessActivity,
		// unlike every other kind (ebupot.md §3.7).
		BPNR: {Root: "BPNRBulk", List: "ListOfBPNR", Row: "BPNR", Elements: []Element{
			month, year, str("CounterpartTin"), nilStr("CounterpartReceiptNumber"), str("CounterpartName"),
			pat("CounterpartCountry", CountryBPNR), str("CounterpartAddress"), nilDate("CounterpartDob"),
			nilStr("CounterpartBirthCity"), nilStr("CounterpartPassport"), nilStr("CounterpartKitas"),
			enum("TaxCertificate", certNonResident), code, positive("GrossIncome"),
			{Name: "Deemed", Type: Percent, Positive: true}, {Name: "Rate", Type: Percent, Positive: true},
			doc, docNo, date("DocumentDate"), {Name: "GovTreasurerOpt", Type: Enum, Values: govTreasurerOpts, Nillable: true},
			nilStr("SP2DNumber"), whDate, ownTKU,
		}},
	}
	for k, f := range m {
		f.Kind = k
		f.index = make(map[string]int, len(f.Elements))
		for i, e := range f.Elements {
			f.index[e.Name] = i
		}
	}
	return m
}()
