package bulk

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRules breaks one structural rule at a time in a golden file and
// checks the one problem it gives: rule, row, position, field and message.
// In the BP21 file, row 1 starts at 5:5 and its elements are on lines 6
// (TaxPeriodMonth) to 20 (WithholdingDate), at column 7.
func TestRules(t *testing.T) {
	type want struct {
		Rule         Rule
		Row          int
		Line, Column int
		Field        string
		Message      string
	}
	tests := []struct {
		name     string
		kind     Kind
		old, new string
		want     want
	}{
		{"root", BP21, "", "<Bp21Bulks/>",
			want{RuleRoot, 0, 1, 1, "Bp21Bulks", "the root element is <Bp21Bulks>, not an e-Bupot bulk root"}},
		{"file TIN of 15 digits", BP21, "<TIN>0012345678901000", "<TIN>012345678901000",
			want{RuleDigits, 0, 3, 3, "TIN", "TIN has 15 characters; it must be exactly 16 digits"}},
		{"TIN missing", BP21, "<TIN>0012345678901000</TIN>", "",
			want{RuleMissing, 0, 2, 1, "TIN", "<TIN> is missing before <ListOfBp21>"}},
		{"TIN twice", BP21, "<TIN>0012345678901000</TIN>", "<TIN>0012345678901000</TIN><TIN>1</TIN>",
			want{RuleDuplicate, 0, 3, 30, "TIN", "<TIN> is given twice"}},
		{"unknown element in the root", BP21, "<ListOfBp21>", "<Note>x</Note><ListOfBp21>",
			want{RuleUnknown, 0, 4, 3, "Note", "Bp21Bulk has no element <Note>"}},
		{"other element in the list", BP21, "<Bp21>", "<Bp26/><Bp21>",
			want{RuleUnknown, 0, 5, 5, "Bp26", "ListOfBp21 holds only Bp21 elements, not <Bp26>"}},
		{"element after the list", BP21, "</ListOfBp21>", "</ListOfBp21><Bp21/>",
			want{RuleUnknown, 0, 39, 16, "Bp21", "<Bp21> after </ListOfBp21>"}},
		{"unknown element", BP21, "<Deemed>100</Deemed>", "<Deemed>100</Deemed><Bonus>1</Bonus>",
			want{RuleUnknown, 1, 14, 27, "Bonus", "Bp21 has no element <Bonus>"}},
		{"order", BP21, "<Deemed>100</Deemed>\n      <Rate>0</Rate>", "<Rate>0</Rate>\n      <Deemed>100</Deemed>",
			want{RuleOrder, 1, 15, 7, "Deemed", "<Deemed> comes after <Rate>, but Coretax requires it before"}},
		{"duplicate", BP21, "<Rate>0</Rate>", "<Rate>0</Rate><Rate>0</Rate>",
			want{RuleDuplicate, 1, 15, 21, "Rate", "<Rate> is given twice in Bp21"}},
		{"missing element", BP21, "<Deemed>100</Deemed>", "",
			want{RuleMissing, 1, 5, 5, "Deemed", "<Deemed> is missing"}},
		{"text between elements", BP21, "<Deemed>100</Deemed>", "<Deemed>100</Deemed> x",
			want{RuleText, 1, 14, 27, "Bp21", "Bp21 holds text between its elements"}},
		{"element inside a value", BP21, "<Rate>0</Rate>", "<Rate><b>0</b></Rate>",
			want{RuleText, 1, 15, 13, "b", "<Rate> must hold text, not the element <b>"}},
		{"nil on a required element", BP21, "<Gross>1758000</Gross>", `<Gross xsi:nil="true"/>`,
			want{RuleNil, 1, 13, 7, "Gross", "<Gross> is marked xsi:nil, but Coretax requires a value"}},
		{"nil with text", BP21, "<DocumentDate>2026-06-30</DocumentDate>", `<DocumentDate xsi:nil="true">2026-06-30</DocumentDate>`,
			want{RuleNil, 1, 18, 7, "DocumentDate", "<DocumentDate> is marked xsi:nil but holds text"}},
		{"empty required value", BP21, "<DocumentNumber>58/EKS/BRL/VI/2026</DocumentNumber>", "<DocumentNumber></DocumentNumber>",
			want{RuleMissing, 1, 17, 7, "DocumentNumber", "<DocumentNumber> is empty; a value is required"}},
		{"month 13", BP21, "<TaxPeriodMonth>6<", "<TaxPeriodMonth>13<",
			want{RuleRange, 1, 6, 7, "TaxPeriodMonth", "TaxPeriodMonth is 13; it must be from 1 to 12"}},
		{"month in words", BP21, "<TaxPeriodMonth>6<", "<TaxPeriodMonth>Juni<",
			want{RuleNumber, 1, 6, 7, "TaxPeriodMonth", "TaxPeriodMonth is not a whole number"}},
		{"year of 2 digits", BP21, "<TaxPeriodYear>2026<", "<TaxPeriodYear>26<",
			want{RuleRange, 1, 7, 7, "TaxPeriodYear", "TaxPeriodYear is 26; it must be a year of 4 digits"}},
		{"counterpart TIN of 15 digits", BP21, "<CounterpartTin>5171012345670001<", "<CounterpartTin>517101234567000<",
			want{RuleDigits, 1, 8, 7, "CounterpartTin", "CounterpartTin has 15 characters; it must be exactly 16 digits"}},
		{"own TIN as recipient", BP21, "<CounterpartTin>5171012345670001</CounterpartTin>\n      <IDPlaceOfBusinessActivityOfIncomeRecipient>5171012345670001000000",
			"<CounterpartTin>0012345678901000</CounterpartTin>\n      <IDPlaceOfBusinessActivityOfIncomeRecipient>0012345678901000000000",
			want{RuleOwnTIN, 1, 8, 7, "CounterpartTin", "CounterpartTin is the withholder's own TIN"}},
		{"recipient NITKU of another TIN", BP21, "<IDPlaceOfBusinessActivityOfIncomeRecipient>5171012345670001000000", "<IDPlaceOfBusinessActivityOfIncomeRecipient>5171012345670009000000",
			want{RuleNITKUOwner, 1, 9, 7, "IDPlaceOfBusinessActivityOfIncomeRecipient",
				"IDPlaceOfBusinessActivityOfIncomeRecipient 5171012345670009000000 is not the recipient's: its first 16 digits are not CounterpartTin 5171012345670001"}},
		{"withholder NITKU of 16 digits", BP21, "<IDPlaceOfBusinessActivity>0012345678901000000000<", "<IDPlaceOfBusinessActivity>0012345678901000<",
			want{RuleDigits, 1, 19, 7, "IDPlaceOfBusinessActivity", "IDPlaceOfBusinessActivity has 16 characters; a NITKU is exactly 22 digits"}},
		{"withholder NITKU of another TIN", BP21, "<IDPlaceOfBusinessActivity>0012345678901000000000<", "<IDPlaceOfBusinessActivity>0012345678901999000000<",
			want{RuleNITKUOwner, 1, 19, 7, "IDPlaceOfBusinessActivity",
				"IDPlaceOfBusinessActivity 0012345678901999000000 is not a place of business of the withholder: its first 16 digits are not the file's TIN 0012345678901000"}},
		{"PTKP status", BP21, "<StatusTaxExemption>TK/0<", "<StatusTaxExemption>TK0<",
			want{RuleValue, 1, 10, 7, "StatusTaxExemption", `StatusTaxExemption "TK0" is not one of the values Coretax allows`}},
		{"facility of another slip type", BP21, "<TaxCertificate>N/A<", "<TaxCertificate>COD<",
			want{RuleValue, 1, 11, 7, "TaxCertificate", `TaxCertificate "COD" is not one of the values Coretax allows`}},
		{"object code without dashes", BP21, "<TaxObjectCode>21-100-35<", "<TaxObjectCode>2110035<",
			want{RuleDigits, 1, 12, 7, "TaxObjectCode", `TaxObjectCode "2110035" is not a tax object code of the form NN-NNN-NN`}},
		{"gross with thousands separators", BP21, "<Gross>1758000<", "<Gross>1.758.000<",
			want{RuleNumber, 1, 13, 7, "Gross", "Gross is not a decimal number"}},
		{"gross 0", BP21, "<Gross>1758000<", "<Gross>0.00<",
			want{RuleNumber, 1, 13, 7, "Gross", "Gross is 0; it must be more than 0"}},
		{"negative gross", BP21, "<Gross>1758000<", "<Gross>-1758000<",
			want{RuleNumber, 1, 13, 7, "Gross", "Gross is negative"}},
		{"rate with 3 decimals", BP21, "<Rate>0<", "<Rate>2.255<",
			want{RuleDecimals, 1, 15, 7, "Rate", "Rate has more than 2 decimals"}},
		{"rate as a fraction of 100", BP21, "<Deemed>100<", "<Deemed>5000<",
			want{RuleRange, 1, 14, 7, "Deemed", "Deemed is 5000 %; it cannot be more than 100 %"}},
		{"rate with a percent sign", BP21, "<Rate>0<", "<Rate>5%<",
			want{RuleNumber, 1, 15, 7, "Rate", "Rate is not a percentage number"}},
		{"document in English", BP21, "<Document>PaymentProof<", "<Document>Announcement<",
			want{RuleValue, 1, 16, 7, "Document", `Document "Announcement" is not spelt as Coretax spells it`}},
		{"document in another case", BP21, "<Document>PaymentProof<", "<Document>paymentproof<",
			want{RuleValue, 1, 16, 7, "Document", `Document "paymentproof" is not spelt as Coretax spells it`}},
		{"date in Indonesian order", BP21, "<WithholdingDate>2026-06-30<", "<WithholdingDate>30-06-2026<",
			want{RuleDate, 1, 20, 7, "WithholdingDate", "WithholdingDate is not a date in the form YYYY-MM-DD"}},
		{"withholding before the period", BP21, "<WithholdingDate>2026-06-30<", "<WithholdingDate>2026-05-31<",
			want{RuleWithholding, 1, 20, 7, "WithholdingDate", "WithholdingDate 2026-05-31 is before the tax period, which starts on 2026-06-01"}},
		{"resident without TIN", BPMP, "<CounterpartTin>5171012345670001</CounterpartTin>", `<CounterpartTin xsi:nil="true"/>`,
			want{RuleRequiredIf, 1, 10, 7, "CounterpartTin", "CounterpartTin is required when CounterpartOpt is Resident"}},
		{"foreigner without passport", BPMP, "<CounterpartPassport>E1234567</CounterpartPassport>", "<CounterpartPassport/>",
			want{RuleRequiredIf, 2, 24, 7, "CounterpartPassport", "CounterpartPassport is required when CounterpartOpt is Foreign"}},
		{"BPMP with a BPPU facility", BPMP, "<TaxCertificate>N/A<", "<TaxCertificate>PP23<",
			want{RuleValue, 1, 13, 7, "TaxCertificate", `TaxCertificate "PP23" is not one of the values Coretax allows`}},
		{"direct treasurer payment without SP2D", BPPU, "<GovTreasurerOpt>N/A<", "<GovTreasurerOpt>Direct<",
			want{RuleRequiredIf, 1, 19, 7, "SP2DNumber", "SP2DNumber is required when GovTreasurerOpt is Direct"}},
		{"BPPU recipient nil", BPPU, "<CounterpartTin>1234567890123457</CounterpartTin>", `<CounterpartTin xsi:nil="true"/>`,
			want{RuleNil, 1, 8, 7, "CounterpartTin", "<CounterpartTin> is marked xsi:nil, but Coretax requires a value"}},
		{"A1 months reversed", BPA1, "<TaxPeriodMonthStart>1<", "<TaxPeriodMonthStart>13<",
			want{RuleRange, 1, 7, 7, "TaxPeriodMonthStart", "TaxPeriodMonthStart is 13; it must be from 1 to 12"}},
		{"A1 end before start", BPA1, "<TaxPeriodMonthEnd>12<", "<TaxPeriodMonthEnd>0<",
			want{RuleRange, 1, 8, 7, "TaxPeriodMonthEnd", "TaxPeriodMonthEnd is 0; it must be from 1 to 12"}},
		{"A2 end month before start month", BPA2, "<TaxPeriodMonthStart>1</TaxPeriodMonthStart>\n      <TaxPeriodMonthEnd>12<",
			"<TaxPeriodMonthStart>7</TaxPeriodMonthStart>\n      <TaxPeriodMonthEnd>3<",
			want{RuleRange, 1, 8, 7, "TaxPeriodMonthEnd", "TaxPeriodMonthEnd 3 is before TaxPeriodMonthStart 7"}},
		{"A1 number of months", BPA1, "<NumberOfMonths>0<", "<NumberOfMonths>13<",
			want{RuleRange, 1, 17, 7, "NumberOfMonths", "NumberOfMonths is 13; it must be from 0 to 12"}},
		{"A2 withholding before the first month", BPA2, "<WithholdingDate>2026-12-31<", "<WithholdingDate>2025-12-31<",
			want{RuleWithholding, 1, 31, 7, "WithholdingDate", "WithholdingDate 2025-12-31 is before the tax period, which starts on 2026-01-01"}},
		{"BP26 country of 2 letters", BP26, "<CounterpartCountry>SGP<", "<CounterpartCountry>SG<",
			want{RulePattern, 1, 11, 7, "CounterpartCountry", `CounterpartCountry "SG" is not a 3-letter country code`}},
		{"BPNR in the order of the other kinds", BPNR,
			"<WithholdingDate>2026-06-20</WithholdingDate>\n      <IDPlaceOfBusinessActivity>0012345678901000000000</IDPlaceOfBusinessActivity>",
			"<IDPlaceOfBusinessActivity>0012345678901000000000</IDPlaceOfBusinessActivity>\n      <WithholdingDate>2026-06-20</WithholdingDate>",
			want{RuleOrder, 1, 28, 7, "WithholdingDate", "<WithholdingDate> comes after <IDPlaceOfBusinessActivity>, but Coretax requires it before"}},
		{"BPNR Gross instead of GrossIncome", BPNR, "<GrossIncome>45000000</GrossIncome>", "<GrossIncome>45000000</GrossIncome><Gross>1</Gross>",
			want{RuleUnknown, 1, 19, 42, "Gross", "BPNR has no element <Gross>"}},
		{"BPNR rate 0", BPNR, "<Rate>20<", "<Rate>0<",
			want{RuleNumber, 1, 21, 7, "Rate", "Rate is 0; it must be more than 0"}},
		{"BPNR country", BPNR, "<CounterpartCountry>SGP<", "<CounterpartCountry>S1<",
			want{RulePattern, 1, 11, 7, "CounterpartCountry", `CounterpartCountry "S1" is not a country code of 2 to 5 letters`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(golden(tt.kind))
			if err != nil {
				t.Fatal(err)
			}
			if tt.old == "" {
				data = []byte(tt.new)
			} else {
				if !bytes.Contains(data, []byte(tt.old)) {
					t.Fatalf("%s has no %q", golden(tt.kind), tt.old)
				}
				data = bytes.Replace(data, []byte(tt.old), []byte(tt.new), 1)
			}
			_, _, problems, err := readAll(t, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != 1 {
				t.Fatalf("want 1 problem, got %d:\n%v", len(problems), problems)
			}
			p := problems[0]
			got := want{p.Rule, p.Row, p.XMLLine, p.XMLColumn, p.Field, p.Message}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s\nfull: %s", diff, p)
			}
			if p.Fix == "" {
				t.Errorf("problem without a fix: %s", p)
			}
		})
	}
}

// TestProblemDetails checks the path, value, fix and expected values of a
// problem, and its text form.
func TestProblemDetails(t *testing.T) {
	data, _ := os.ReadFile(golden(BP21))
	data = bytes.Replace(data, []byte("<Document>Contract<"), []byte("<Document>DeedOfEngagement<"), 1)
	data = bytes.Replace(data, []byte("<Deemed>50</Deemed>\n"), nil, 1)
	_, _, problems, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{Row: 2, XMLLine: 32, XMLColumn: 7, Path: "Bp21Bulk/ListOfBp21/Bp21[2]/Document", Field: "Document", Value: "DeedOfEngagement",
			Rule: RuleValue, Message: `Document "DeedOfEngagement" is not spelt as Coretax spells it`,
			Fix:      "write DeedofEngangement exactly as DJP's schema has it",
			Expected: "TaxInvoice|CommercialInvoice|Announchment|Contract|PaymentProof|DeedofEngangement|DeedofGeneralMeetingStakeholder|StatementLetter|BankAccountNumber"},
		{Row: 2, XMLLine: 22, XMLColumn: 5, Path: "Bp21Bulk/ListOfBp21/Bp21[2]/Deemed", Field: "Deemed",
			Rule: RuleMissing, Message: "<Deemed> is missing", Fix: "add <Deemed> after <Gross>"},
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if got, w := problems[1].String(), "row 2 (XML 22:5) Bp21Bulk/ListOfBp21/Bp21[2]/Deemed: <Deemed> is missing; add <Deemed> after <Gross>"; got != w {
		t.Errorf("String() = %q, want %q", got, w)
	}
}

// TestLenientForms: what xs:int, xs:decimal and nillable elements allow
// is read, and normalised where the Writer writes it otherwise.
func TestLenientForms(t *testing.T) {
	data, _ := os.ReadFile(golden(BP21))
	for _, r := range [][2]string{
		{"<TaxPeriodMonth>6<", "<TaxPeriodMonth> 06 <"},
		{`<DocumentDate xsi:nil="true"/>`, "<DocumentDate></DocumentDate>"},
		{"<Gross>1758000<", "<Gross>1758000.00<"},
		{"<Rate>0<", "<Rate>0.000<"},
	} {
		data = bytes.Replace(data, []byte(r[0]), []byte(r[1]), 1)
	}
	_, rows, problems, err := readAll(t, data)
	if err != nil || len(problems) > 0 {
		t.Fatalf("%v %v", err, problems)
	}
	a, b := rows[0], rows[1]
	if a.Text("TaxPeriodMonth") != "6" || a.Int("TaxPeriodMonth") != 6 || !b.Nil("DocumentDate") ||
		a.Text("Gross") != "1758000.00" || a.Amount("Gross") != 175800000 || a.Percent("Rate") != 0 {
		t.Errorf("month %q, DocumentDate nil %v, Gross %q", a.Text("TaxPeriodMonth"), b.Nil("DocumentDate"), a.Text("Gross"))
	}
	out := write(t, BP21, "0012345678901000", rows)
	if !bytes.Contains(out, []byte("<TaxPeriodMonth>6</TaxPeriodMonth>")) || !bytes.Contains(out, []byte(`<DocumentDate xsi:nil="true"/>`)) {
		t.Errorf("not normalised:\n%s", out)
	}
}
