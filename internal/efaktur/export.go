package efaktur

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
)

// Record is a faktur as the JSON export writes it, one object per line,
// and as the API returns it: the same members in both, so that one
// decoder reads either (doc/efaktur-api.md). Amounts and quantities are
// strings in the plain decimal form of rupiah ("91666.67", "11000");
// rates are percent ("12"); days are YYYY-MM-DD and instants RFC 3339 in
// UTC.
type Record struct {
	ID                 int64        `json:"id"`
	Number             string       `json:"number"`
	Status             Status       `json:"status"`
	Date               string       `json:"date"`
	TrxCode            string       `json:"trx_code"`
	AddInfo            string       `json:"add_info"`
	CustomDoc          string       `json:"custom_doc"`
	CustomDocMonthYear string       `json:"custom_doc_month_year"`
	Reference          string       `json:"reference"`
	FacilityStamp      string       `json:"facility_stamp"`
	SellerNPWP         string       `json:"seller_npwp"`
	SellerNITKU        string       `json:"seller_nitku"`
	Buyer              RecordBuyer  `json:"buyer"`
	Lines              []RecordLine `json:"lines"`
	Totals             RecordTotals `json:"totals"`
	// Source is keyed, amend or upload; UploadID names the upload.
	Source   string `json:"source"`
	UploadID int64  `json:"upload_id,omitempty"`
	// Replaces and ReplacesNumber name the faktur a pengganti replaces;
	// ReplacedBy the pengganti of an amended faktur.
	Replaces       int64  `json:"replaces,omitempty"`
	ReplacesNumber string `json:"replaces_number,omitempty"`
	ReplacedBy     int64  `json:"replaced_by,omitempty"`
	ApprovedAt     string `json:"approved_at,omitempty"`
	ApprovedBy     string `json:"approved_by,omitempty"`
	// Signature is the public ID of the signature: the verification page
	// is /verify/{signature}.
	Signature    string `json:"signature,omitempty"`
	CancelledAt  string `json:"cancelled_at,omitempty"`
	CancelReason string `json:"cancel_reason,omitempty"`
	Credit       Credit `json:"credit"`
	CreditPeriod string `json:"credit_period,omitempty"`
	CreditedAt   string `json:"credited_at,omitempty"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
	Version      int    `json:"version"`
}

// RecordBuyer is the buyer's identification (BuyerTin … BuyerIDTKU).
type RecordBuyer struct {
	TIN            string `json:"tin"`
	Document       string `json:"document"`
	Country        string `json:"country"`
	DocumentNumber string `json:"document_number"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	Email          string `json:"email"`
	NITKU          string `json:"nitku"`
}

// RecordLine is one line with what was keyed in and what was computed.
type RecordLine struct {
	Kind         string `json:"kind"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	Unit         string `json:"unit"`
	Price        string `json:"price"`
	Quantity     string `json:"quantity"`
	Discount     string `json:"discount"`
	TaxBase      string `json:"tax_base"`
	OtherTaxBase string `json:"other_tax_base"`
	VATRate      string `json:"vat_rate"`
	VAT          string `json:"vat"`
	PPnBMRate    string `json:"ppnbm_rate"`
	PPnBM        string `json:"ppnbm"`
}

// RecordTotals are the sums of the lines.
type RecordTotals struct {
	Gross        string `json:"gross"`
	Discount     string `json:"discount"`
	TaxBase      string `json:"tax_base"`
	OtherTaxBase string `json:"other_tax_base"`
	VAT          string `json:"vat"`
	PPnBM        string `json:"ppnbm"`
}

// NewRecord returns the record of f.
func NewRecord(f *Faktur) Record {
	inv := &f.Invoice
	b := inv.Buyer
	r := Record{
		ID: f.ID, Number: f.Number, Status: f.Status, Date: day(inv.Date), TrxCode: string(inv.TrxCode),
		AddInfo: inv.AddInfo, CustomDoc: inv.CustomDoc, CustomDocMonthYear: inv.CustomDocMonthYear, Reference: inv.RefDesc,
		FacilityStamp: inv.FacilityStamp, SellerNPWP: f.SellerNPWP, SellerNITKU: inv.SellerIDTKU,
		Buyer: RecordBuyer{TIN: b.TIN, Document: string(b.Document), Country: b.Country, DocumentNumber: b.DocumentNumber,
			Name: b.Name, Address: b.Address, Email: b.Email, NITKU: b.IDTKU},
		Lines: make([]RecordLine, len(inv.Lines)),
		Totals: RecordTotals{Gross: f.Totals.Gross.String(), Discount: f.Totals.Discount.String(), TaxBase: f.Totals.TaxBase.String(),
			OtherTaxBase: f.Totals.OtherTaxBase.String(), VAT: f.Totals.VAT.String(), PPnBM: f.Totals.PPnBM.String()},
		Source: f.Source, UploadID: f.UploadID, Replaces: f.Replaces, ReplacesNumber: f.ReplacesNumber, ReplacedBy: f.ReplacedBy,
		ApprovedAt: instant(f.ApprovedAt), ApprovedBy: f.ApprovedBy, Signature: f.PublicID,
		CancelledAt: instant(f.CancelledAt), CancelReason: f.CancelReason,
		Credit: f.Credit, CreditPeriod: f.CreditPeriod.String(), CreditedAt: instant(f.CreditedAt),
		CreatedAt: instant(f.CreatedAt), UpdatedAt: instant(f.UpdatedAt), Version: f.Version,
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		r.Lines[i] = RecordLine{Kind: string(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit, Price: l.Price.String(),
			Quantity: l.Qty.XML(), Discount: l.Discount.String(), TaxBase: l.TaxBase.String(), OtherTaxBase: l.OtherTaxBase.String(),
			VATRate: l.VATRate.XML(), VAT: l.VAT.String(), PPnBMRate: l.PPnBMRate.XML(), PPnBM: l.PPnBM.String()}
	}
	return r
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// JSONWriter writes fakturs as JSON lines: one Record per line.
type JSONWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewJSONWriter returns a JSONWriter on w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSONWriter{w: bw, enc: enc}
}

// Write writes the record of f on one line.
func (j *JSONWriter) Write(f *Faktur) error { return j.enc.Encode(NewRecord(f)) }

// Close flushes what is buffered; it does not close the underlying
// writer.
func (j *JSONWriter) Close() error { return j.w.Flush() }

// CSVColumns are the columns of the CSV export, one row per faktur line.
var CSVColumns = []string{
	"id", "number", "status", "date", "trx_code", "reference", "seller_npwp", "seller_nitku",
	"buyer_tin", "buyer_document", "buyer_document_number", "buyer_name", "buyer_nitku",
	"replaces_number", "approved_at", "credit", "credit_period",
	"line", "kind", "code", "name", "unit", "price", "quantity", "discount",
	"tax_base", "other_tax_base", "vat_rate", "vat", "ppnbm_rate", "ppnbm",
}

// CSVWriter writes fakturs as CSV, one row per line under the header
// CSVColumns; the faktur's columns repeat on each of its rows. Amounts are
// plain decimals ("91666.67"). A text cell that a spreadsheet would run
// as a formula (starting with =, +, -, @, tab or carriage return) is
// written with a leading apostrophe.
type CSVWriter struct {
	w      *csv.Writer
	header bool
}

// NewCSVWriter returns a CSVWriter on w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

func (c *CSVWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(CSVColumns)
}

// Write writes the rows of f.
func (c *CSVWriter) Write(f *Faktur) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	inv := &f.Invoice
	b := inv.Buyer
	head := []string{strconv.FormatInt(f.ID, 10), f.Number, string(f.Status), day(inv.Date), string(inv.TrxCode), cell(inv.RefDesc),
		f.SellerNPWP, inv.SellerIDTKU, b.TIN, string(b.Document), cell(b.DocumentNumber), cell(b.Name), b.IDTKU,
		f.ReplacesNumber, instant(f.ApprovedAt), string(f.Credit), f.CreditPeriod.String()}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		row := append(head[:len(head):len(head)], strconv.Itoa(i+1), string(l.Kind), cell(l.Code), cell(l.Name), cell(l.Unit),
			l.Price.String(), l.Qty.XML(), l.Discount.String(), l.TaxBase.String(), l.OtherTaxBase.String(),
			l.VATRate.XML(), l.VAT.String(), l.PPnBMRate.XML(), l.PPnBM.String())
		if err := c.w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

// Close writes the header if nothing was written and flushes; it does
// not close the underlying writer.
func (c *CSVWriter) Close() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// cell guards a text cell against formula injection.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
