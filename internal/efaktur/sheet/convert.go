package sheet

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
)

// field is a column Convert knows.
type field int

const (
	fInvoice field = iota
	fDate
	fTrx
	fAddInfo
	fCustomDoc
	fCustomDocMonthYear
	fRefDesc
	fFacilityStamp
	fSellerIDTKU
	fBuyerTin
	fBuyerDocument
	fBuyerCountry
	fBuyerDocumentNumber
	fBuyerName
	fBuyerAdress
	fBuyerEmail
	fBuyerIDTKU
	fOpt // first line field
	fCode
	fName
	fUnit
	fPrice
	fQty
	fDiscount
	fTaxBase
	fOtherTaxBase
	fVATRate
	fVAT
	fSTLGRate
	fSTLG
	numFields
)

// fieldNames are the column headers: "invoice", then the Coretax element
// names (efaktur-xml.md §2, §6), including the misspelling BuyerAdress.
var fieldNames = [numFields]string{
	"invoice", "TaxInvoiceDate", "TrxCode", "AddInfo", "CustomDoc", "CustomDocMonthYear", "RefDesc",
	"FacilityStamp", "SellerIDTKU", "BuyerTin", "BuyerDocument", "BuyerCountry", "BuyerDocumentNumber",
	"BuyerName", "BuyerAdress", "BuyerEmail", "BuyerIDTKU",
	"Opt", "Code", "Name", "Unit", "Price", "Qty", "TotalDiscount", "TaxBase", "OtherTaxBase",
	"VATRate", "VAT", "STLGRate", "STLG",
}

// required are the columns a sheet must have; the others have defaults
// (doc/efaktur-cli.md).
var required = map[field]bool{
	fInvoice: true, fDate: true, fTrx: true, fBuyerTin: true, fBuyerDocument: true, fBuyerName: true,
	fBuyerAdress: true, fOpt: true, fName: true, fUnit: true, fPrice: true, fQty: true,
}

// misspelt maps headers people write to the Coretax name, for the fix of
// an unknown column.
var misspelt = map[string]string{
	"buyeraddress": "BuyerAdress", "buyernpwp": "BuyerTin", "buyertin16": "BuyerTin", "date": "TaxInvoiceDate",
	"invoicedate": "TaxInvoiceDate", "quantity": "Qty", "discount": "TotalDiscount", "ppnbmrate": "STLGRate",
	"ppnbm": "STLG", "ppn": "VAT", "dpp": "TaxBase", "taxinvoiceopt": "",
}

// Columns returns the headers Convert knows, in the order of the Coretax
// XML after the leading "invoice".
func Columns() []string { return append([]string(nil), fieldNames[:]...) }

// Invoice is one invoice made from a sheet, with the rows it came from.
type Invoice struct {
	*efaktur.Invoice
	Ref      string // the invoice column: the seller's reference grouping the rows
	Row      int    // the invoice's first row
	LineRows []int  // the row of each line, in the order of Lines
}

// Conversion is a converted sheet.
type Conversion struct {
	// SellerTIN is the file's TIN: the seller's NPWP given to Convert, or
	// else the first 16 digits of the first invoice's SellerIDTKU.
	SellerTIN string
	Invoices  []Invoice

	cols   [numFields]int // column index of each field, -1 when absent
	header []string       // the header row as written
}

// Write writes the invoices as a TaxInvoiceBulk file.
func (c *Conversion) Write(w io.Writer) error {
	ew := efaktur.NewWriter(w, c.SellerTIN)
	for _, inv := range c.Invoices {
		if err := ew.Write(inv.Invoice); err != nil {
			return err
		}
	}
	return ew.Close()
}

// Locate maps a problem the validator found in the written file to the
// sheet: the row of the invoice (for a header element) or of the line,
// and the column of the element. An element with no column (a default,
// TaxInvoiceOpt) keeps its name in Header and an empty Column; the file's
// TIN is the seller's NPWP given to Convert.
func (c *Conversion) Locate(p efaktur.Problem) *Error {
	e := &Error{Header: p.Field, Value: p.Value, Message: p.Message, Fix: p.Fix, Expected: p.Expected}
	if p.Invoice == 0 {
		if p.Field == "TIN" {
			e.Header = "seller NPWP"
		}
		return e
	}
	if p.Invoice > len(c.Invoices) {
		return e
	}
	inv := c.Invoices[p.Invoice-1]
	e.Row = inv.Row
	if p.Line > 0 && p.Line <= len(inv.LineRows) {
		e.Row = inv.LineRows[p.Line-1]
	}
	for f, name := range fieldNames {
		if name == p.Field && c.cols[f] >= 0 {
			e.Column = ColumnName(c.cols[f])
			e.Header = c.header[c.cols[f]]
		}
	}
	return e
}

// converter holds the state of one Convert call.
type converter struct {
	s      *Sheet
	c      *Conversion
	errs   Errors
	seller string
}

// builder is an invoice being assembled.
type builder struct {
	inv     *Invoice
	first   [fOpt]string // normalized header values of the first row
	canCalc bool         // date and transaction code are usable for ComputeLine
}

// Convert turns a sheet into invoices. The first row is the header; every
// other row is one line, grouped into invoices by the invoice column in
// the order the references first appear. sellerTIN, the seller's 16-digit
// NPWP, may be empty when every row has SellerIDTKU. On any problem it
// returns Errors listing all of them in row order.
func Convert(s *Sheet, sellerTIN string) (*Conversion, error) {
	cv := &converter{s: s, c: &Conversion{SellerTIN: sellerTIN}, seller: sellerTIN}
	if len(s.Rows) == 0 {
		return nil, Errors{{Message: "the sheet is empty", Fix: "put the column headers in the first row and one invoice line in each row below"}}
	}
	cv.readHeader(s.Rows[0])
	if len(cv.errs) > 0 {
		return nil, cv.errs
	}
	if len(s.Rows) == 1 {
		return nil, Errors{{Row: 1, Message: "the sheet has a header but no invoice lines", Fix: "add one row for each invoice line below the header"}}
	}
	byRef := map[string]*builder{}
	var order []*builder
	for i := 1; i < len(s.Rows); i++ {
		r := &s.Rows[i]
		cv.checkExtraCells(r)
		ref := strings.TrimSpace(cv.text(r, fInvoice))
		if ref == "" {
			cv.add(r, fInvoice, "", "the invoice reference is empty", "write the seller's reference of the invoice this line belongs to; rows with the same reference form one invoice")
			continue
		}
		b := byRef[ref]
		if b == nil {
			b = cv.newInvoice(r, ref)
			byRef[ref] = b
			order = append(order, b)
		} else {
			cv.sameHeader(r, b)
		}
		cv.addLine(r, b)
	}
	if cv.c.SellerTIN == "" && len(order) > 0 {
		id := order[0].inv.SellerIDTKU
		cv.c.SellerTIN = id[:min(16, len(id))]
	}
	if len(cv.errs) > 0 {
		sort.SliceStable(cv.errs, func(i, j int) bool { return cv.errs[i].Row < cv.errs[j].Row })
		return nil, cv.errs
	}
	for _, b := range order {
		cv.c.Invoices = append(cv.c.Invoices, *b.inv)
	}
	return cv.c, nil
}

func (cv *converter) readHeader(r Row) {
	for f := range cv.c.cols {
		cv.c.cols[f] = -1
	}
	cv.c.header = make([]string, len(r.Cells))
	for i, cell := range r.Cells {
		name := strings.TrimSpace(strings.TrimPrefix(cell.Text, "\uFEFF"))
		cv.c.header[i] = name
		if name == "" {
			continue
		}
		f := lookup(name)
		switch {
		case f < 0:
			fix := "remove the column or rename it to one of: " + strings.Join(fieldNames[:], ", ")
			if want, ok := misspelt[strings.ToLower(name)]; ok && want != "" {
				fix = "rename it to " + want + " (the Coretax element name)"
			} else if ok {
				fix = "remove the column: every uploaded invoice is Normal; replacements are made with Amend"
			}
			cv.errs = append(cv.errs, &Error{Row: r.Number, Column: ColumnName(i), Header: name, Value: name,
				Message: "unknown column", Fix: fix})
		case cv.c.cols[f] >= 0:
			cv.errs = append(cv.errs, &Error{Row: r.Number, Column: ColumnName(i), Header: name, Value: name,
				Message: fmt.Sprintf("column %s is given twice (also column %s)", fieldNames[f], ColumnName(cv.c.cols[f])),
				Fix:     "keep one of them"})
		default:
			cv.c.cols[f] = i
		}
	}
	for f := range numFields {
		if required[f] && cv.c.cols[f] < 0 {
			cv.errs = append(cv.errs, &Error{Row: r.Number, Header: fieldNames[f], Message: fmt.Sprintf("the column %s is missing", fieldNames[f]),
				Fix: fmt.Sprintf("add a column headed %s", fieldNames[f])})
		}
	}
}

func lookup(name string) field {
	for f, n := range fieldNames {
		if strings.EqualFold(n, name) {
			return field(f)
		}
	}
	return -1
}

// checkExtraCells reports values in columns without a header.
func (cv *converter) checkExtraCells(r *Row) {
	for i, cell := range r.Cells {
		if strings.TrimSpace(cell.Text) != "" && (i >= len(cv.c.header) || cv.c.header[i] == "") {
			cv.errs = append(cv.errs, &Error{Row: r.Number, Column: ColumnName(i), Value: cell.Text,
				Message: "the value stands in a column without a header", Fix: "give the column a header or remove the value"})
		}
	}
}

func (cv *converter) cell(r *Row, f field) Cell {
	i := cv.c.cols[f]
	if i < 0 || i >= len(r.Cells) {
		return Cell{}
	}
	return r.Cells[i]
}

func (cv *converter) text(r *Row, f field) string { return strings.TrimSpace(cv.cell(r, f).Text) }

// add records a problem with field f of row r.
func (cv *converter) add(r *Row, f field, value, msg, fix string) {
	e := &Error{Row: r.Number, Header: fieldNames[f], Value: value, Message: msg, Fix: fix}
	if i := cv.c.cols[f]; i >= 0 {
		e.Column, e.Header = ColumnName(i), cv.c.header[i]
	}
	cv.errs = append(cv.errs, e)
}

// header reads the header fields of r, normalized so that rows can be
// compared; bad values are reported and left empty.
func (cv *converter) header(r *Row) [fOpt]string {
	var h [fOpt]string
	for f := fDate; f < fOpt; f++ {
		c := cv.cell(r, f)
		v := strings.TrimSpace(c.Text)
		if v == "" {
			continue
		}
		switch f {
		case fDate:
			d, ok := cv.date(r, c)
			if !ok {
				continue
			}
			v = d.Format(time.DateOnly)
		case fTrx:
			if c.Number || len(v) == 1 {
				v = pad(v, 2)
			}
		case fCustomDocMonthYear:
			if c.Number {
				v = pad(v, 6)
			}
		case fSellerIDTKU, fBuyerTin, fBuyerIDTKU, fBuyerDocumentNumber:
			if c.Number {
				cv.add(r, f, v, "the cell holds a number, so the spreadsheet has dropped leading zeros and keeps only 15 digits of an NPWP, NIK or NITKU",
					"format the column as Text and type the identifier again")
				continue
			}
		case fBuyerDocument:
			for _, d := range []efaktur.BuyerDocument{efaktur.BuyerTIN, efaktur.BuyerNationalID, efaktur.BuyerPassport, efaktur.BuyerOtherID} {
				if strings.EqualFold(v, string(d)) {
					v = string(d)
				}
			}
		case fBuyerCountry:
			v = strings.ToUpper(v)
		}
		h[f] = v
	}
	return h
}

func pad(v string, n int) string {
	if len(v) < n && strings.Trim(v, "0123456789") == "" {
		return strings.Repeat("0", n-len(v)) + v
	}
	return v
}

func (cv *converter) newInvoice(r *Row, ref string) *builder {
	h := cv.header(r)
	b := &builder{first: h, inv: &Invoice{Ref: ref, Row: r.Number, Invoice: &efaktur.Invoice{}}}
	inv := b.inv.Invoice
	if h[fDate] != "" {
		inv.Date, _ = time.Parse(time.DateOnly, h[fDate])
	} else if cv.text(r, fDate) == "" {
		cv.add(r, fDate, "", "the invoice date is empty", "write it as YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-06-30")
	}
	inv.Option = "Normal"
	inv.TrxCode = efaktur.TrxCode(h[fTrx])
	inv.AddInfo = h[fAddInfo]
	inv.CustomDoc = h[fCustomDoc]
	inv.CustomDocMonthYear = h[fCustomDocMonthYear]
	inv.RefDesc = h[fRefDesc]
	if inv.RefDesc == "" {
		inv.RefDesc = ref
	}
	inv.FacilityStamp = h[fFacilityStamp]
	inv.SellerIDTKU = h[fSellerIDTKU]
	if inv.SellerIDTKU == "" && cv.text(r, fSellerIDTKU) == "" {
		if cv.seller == "" {
			cv.add(r, fSellerIDTKU, "", "SellerIDTKU is empty and the seller's NPWP is not given",
				"write the seller's 22-digit NITKU, or give the seller's 16-digit NPWP so that its head office NITKU (NPWP followed by 000000) is used")
		}
		inv.SellerIDTKU = cv.seller + "000000"
	}
	inv.Buyer = efaktur.Buyer{TIN: h[fBuyerTin], Document: efaktur.BuyerDocument(h[fBuyerDocument]), Country: h[fBuyerCountry],
		DocumentNumber: h[fBuyerDocumentNumber], Name: h[fBuyerName], Address: h[fBuyerAdress], Email: h[fBuyerEmail], IDTKU: h[fBuyerIDTKU]}
	if inv.Buyer.Country == "" {
		inv.Buyer.Country = "IDN"
	}
	if inv.Buyer.Document == efaktur.BuyerTIN {
		if inv.Buyer.DocumentNumber == "" {
			inv.Buyer.DocumentNumber = "-"
		}
		if inv.Buyer.IDTKU == "" && len(inv.Buyer.TIN) == 16 {
			inv.Buyer.IDTKU = inv.Buyer.TIN + "000000"
		}
	} else if inv.Buyer.IDTKU == "" {
		inv.Buyer.IDTKU = "000000"
	}
	_, known := efaktur.TrxCodes[inv.TrxCode]
	switch {
	case inv.TrxCode == "":
		if cv.text(r, fTrx) == "" {
			cv.add(r, fTrx, "", "the transaction code is empty", "write a code from 01 to 10, e.g. 04 for DPP Nilai Lain")
		}
	case !known:
		cv.add(r, fTrx, h[fTrx], "unknown transaction code", "write a code from 01 to 10, e.g. 04 for DPP Nilai Lain (PER-11/PJ/2025)")
	case !inv.Date.IsZero():
		if _, ok := efaktur.RateOn(inv.Date); !ok {
			cv.add(r, fDate, h[fDate], "no PPN rate is known for this date", "check the invoice date")
		} else {
			b.canCalc = true
		}
	}
	return b
}

// sameHeader checks that a later row of an invoice agrees with its first
// row: a header cell is either empty or equal to the first row's.
func (cv *converter) sameHeader(r *Row, b *builder) {
	h := cv.header(r)
	for f := fDate; f < fOpt; f++ {
		if h[f] == "" || h[f] == b.first[f] {
			continue
		}
		was := b.first[f]
		if was == "" {
			was = "empty"
		} else {
			was = strconv.Quote(was)
		}
		cv.add(r, f, cv.text(r, f), fmt.Sprintf("differs from the invoice's first row %d, where it is %s; all rows of invoice %q must agree on %s",
			b.inv.Row, was, b.inv.Ref, fieldNames[f]),
			"write the same value as on the first row, or leave the cell empty on the invoice's later rows")
	}
}

// date reads an invoice date: YYYY-MM-DD (with an optional time after it),
// DD/MM/YYYY, or an XLSX serial day number.
func (cv *converter) date(r *Row, c Cell) (time.Time, bool) {
	v := strings.TrimSpace(c.Text)
	if c.Number {
		if d, ok := serialDate(v, cv.s.Date1904); ok {
			return d, true
		}
	} else {
		if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') {
			v = v[:10]
		}
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return d, true
		}
		if d, err := time.Parse("2/1/2006", v); err == nil {
			return d, true
		}
	}
	cv.add(r, fDate, c.Text, "not a date", "write the invoice date as YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-06-30 or 30/06/2025")
	return time.Time{}, false
}

// serialDate converts a spreadsheet serial day number. In the 1900 date
// system day 1 is 1 January 1900 and day 60 is the 29 February 1900 that
// Lotus 1-2-3 invented and Excel keeps (ECMA-376 Part 1 §18.17.4.1), so
// days from 61 on count from 30 December 1899; in the 1904 system day 0 is
// 1 January 1904. A time of day (the fraction) is dropped.
func serialDate(v string, date1904 bool) (time.Time, bool) {
	whole, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n < 0 || n > 2958465 { // 9999-12-31
		return time.Time{}, false
	}
	switch {
	case date1904:
		return time.Date(1904, 1, 1+n, 0, 0, 0, 0, time.UTC), true
	case n >= 61:
		return time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC), true
	case n >= 1 && n < 60:
		return time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// amount reads a non-negative decimal with at most 2 decimals from field
// f; ok is false (and the problem recorded) when the value cannot be read;
// given is false when the column is absent or the cell empty.
func (cv *converter) amount(r *Row, f field) (v money.Amount, given, ok bool) {
	s := cv.text(r, f)
	if s == "" {
		return 0, false, true
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac := strings.TrimRight(s[i+1:], "0")
		if len(frac) > 2 && strings.Trim(frac, "0123456789") == "" {
			cv.add(r, f, s, fmt.Sprintf("has %d decimals; Coretax accepts at most 2", len(frac)),
				"round to 2 decimals (for a quantity, round it and add a separate rounding-difference line)")
			return 0, true, false
		}
	}
	v, err := money.ParseXML(s)
	switch {
	case err != nil:
		cv.add(r, f, s, "not a decimal number", "write digits with a decimal point and no thousands separators or currency, e.g. 11000 or 91666.67")
		return 0, true, false
	case v < 0:
		cv.add(r, f, s, "is negative", "amounts, rates and quantities are 0 or more")
		return 0, true, false
	}
	return v, true, true
}

// addLine reads the line fields of r into b's invoice, computing TaxBase,
// OtherTaxBase, VATRate, VAT and STLG with efaktur.ComputeLine where they
// are not given.
func (cv *converter) addLine(r *Row, b *builder) {
	inv := b.inv.Invoice
	l := efaktur.Line{
		Kind: efaktur.Kind(strings.ToUpper(cv.text(r, fOpt))),
		Code: cv.text(r, fCode),
		Name: cv.text(r, fName),
		Unit: cv.text(r, fUnit),
	}
	if c := cv.cell(r, fCode); c.Number {
		l.Code = pad(l.Code, 6)
	}
	if l.Code == "" {
		l.Code = "000000"
	}
	if _, ok := efaktur.Units[l.Unit]; !ok {
		for code, name := range efaktur.Units {
			if strings.EqualFold(name, l.Unit) {
				l.Unit = code
			}
		}
	}
	bad := false
	num := func(f field) (money.Amount, bool) {
		v, given, ok := cv.amount(r, f)
		bad = bad || !ok
		return v, given
	}
	var given [numFields]bool
	var price, qty, disc, vatRate, stlgRate money.Amount
	price, given[fPrice] = num(fPrice)
	qty, given[fQty] = num(fQty)
	disc, _ = num(fDiscount)
	l.TaxBase, given[fTaxBase] = num(fTaxBase)
	l.OtherTaxBase, given[fOtherTaxBase] = num(fOtherTaxBase)
	vatRate, given[fVATRate] = num(fVATRate)
	l.VAT, given[fVAT] = num(fVAT)
	stlgRate, _ = num(fSTLGRate)
	l.PPnBM, given[fSTLG] = num(fSTLG)
	l.Price, l.Qty, l.Discount, l.VATRate, l.PPnBMRate = price, efaktur.Quantity(qty), disc, efaktur.Percent(vatRate), efaktur.Percent(stlgRate)
	for _, f := range []field{fPrice, fQty} {
		if !given[f] && !bad {
			cv.add(r, f, "", fmt.Sprintf("%s is empty", fieldNames[f]), "write a number")
			bad = true
		}
	}
	b.inv.LineRows = append(b.inv.LineRows, r.Number)
	defer func() { inv.Lines = append(inv.Lines, l) }()
	if bad || (given[fTaxBase] && given[fOtherTaxBase] && given[fVATRate] && given[fVAT] && given[fSTLG]) {
		return
	}
	if !b.canCalc {
		return // the header problem is reported on the invoice's first row
	}
	switch {
	case l.PPnBMRate > 0 && inv.TrxCode == efaktur.TrxOtherValue:
		cv.add(r, fSTLGRate, cv.text(r, fSTLGRate), "a PPnBM rate under transaction code 04: code 04 is for non-luxury deliveries",
			"use code 01 (or the code for the buyer) for luxury goods, or leave STLGRate empty")
		return
	case l.PPnBMRate > 0 && l.Kind != efaktur.Goods:
		cv.add(r, fSTLGRate, cv.text(r, fSTLGRate), "PPnBM is due only on goods (Opt A), not on services", "leave STLGRate empty or write 0")
		return
	case inv.TrxCode == efaktur.TrxSpecificAmount && !given[fVAT]:
		cv.add(r, fVAT, "", "under transaction code 05 the VAT is a specific amount set by regulation (UU PPN Pasal 9A(1)) and cannot be computed",
			"write the VAT amount")
		return
	}
	got, err := efaktur.ComputeLine(inv.Date, inv.TrxCode, efaktur.LineInput{Kind: l.Kind, Code: l.Code, Name: l.Name, Unit: l.Unit,
		Price: l.Price, Qty: l.Qty, Discount: l.Discount, PPnBMRate: l.PPnBMRate, SpecificVAT: l.VAT})
	if err != nil {
		if l.Discount > 0 {
			cv.add(r, fDiscount, cv.text(r, fDiscount), errs.Message(err), "check Price, Qty and TotalDiscount")
		} else {
			cv.add(r, fPrice, cv.text(r, fPrice), errs.Message(err), "check Price and Qty")
		}
		return
	}
	if !given[fTaxBase] {
		l.TaxBase = got.TaxBase
	}
	if !given[fOtherTaxBase] {
		l.OtherTaxBase = got.OtherTaxBase
	}
	if !given[fVATRate] {
		l.VATRate = got.VATRate
	}
	if !given[fVAT] {
		l.VAT = got.VAT
	}
	if !given[fSTLG] {
		l.PPnBM = got.PPnBM
	}
}
