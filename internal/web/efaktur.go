package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/httpmw"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/signing"
	"github.com/coretax/coretax/internal/taxid"
)

// The e-Faktur pages of a taxpayer (doc/efaktur-pages.md): the output
// fakturs (Pajak Keluaran) with their filters and the approval of drafts
// in one go, the key-in form used to create, edit and amend, a faktur's
// detail with its actions, and the input fakturs (Pajak Masukan) the
// buyer credits. The efaktur Service decides who may do what; every POST
// first asks it whether the caller may see the taxpayer's fakturs, so
// that a stranger is refused before the form's input is read.

func efakturURL(npwp string) string { return "/taxpayers/" + url.PathEscape(npwp) + "/efaktur" }

func fakturURL(npwp string, id int64) string {
	return efakturURL(npwp) + "/fakturs/" + strconv.FormatInt(id, 10)
}

func efakturAPIURL(npwp string) string {
	return "/api/v1/taxpayers/" + url.PathEscape(npwp) + "/efaktur"
}

// efakturFlashes are the confirmations of the e-Faktur pages, keyed by
// the done= parameter of the redirect.
var efakturFlashes = map[string]string{
	"drafted":      "The draft is saved. Approve it with your signing passphrase to number and sign it.",
	"edited":       "The draft is saved.",
	"deleted":      "The draft is deleted.",
	"approved":     "The faktur is approved: it is numbered and signed, and the buyer sees it.",
	"approved_all": "The selected drafts are approved: each is numbered and signed.",
	"amended":      "The faktur is amended: this pengganti replaces it, with the next status code of its number.",
	"cancelled":    "The faktur is cancelled.",
	"credited":     "The input faktur is credited.",
	"not_credited": "The input faktur is marked not credited.",
	"uncredited":   "The input faktur is uncredited: it waits for a decision again.",
	"returned":     "The return of goods (nota retur) is recorded.",
}

// efakturFieldLabels name the inputs of the e-Faktur forms in error
// summaries.
var efakturFieldLabels = map[string]string{
	"date":                  "Date",
	"trx_code":              "Transaction code",
	"reference":             "Reference",
	"add_info":              "Additional information",
	"facility_stamp":        "Facility stamp",
	"custom_doc":            "Supporting document",
	"custom_doc_month_year": "Supporting document period",
	"seller_nitku":          "Seller's NITKU",
	"buyer":                 "Buyer",
	"buyer.document":        "Buyer identified by",
	"buyer.tin":             "Buyer's NPWP",
	"buyer.document_number": "Buyer's document number",
	"buyer.country":         "Buyer's country",
	"buyer.name":            "Buyer's name",
	"buyer.address":         "Buyer's address",
	"buyer.email":           "Buyer's e-mail",
	"buyer.nitku":           "Buyer's NITKU",
	"lines":                 "Lines",
	"passphrase":            "Signing passphrase",
	"certificate":           "Certificate",
	"fakturs":               "Fakturs",
	"reason":                "Reason",
	"period":                "Period",
	"status":                "Status",
	"credit":                "Credit state",
	"counterparty":          "NPWP",
	"number":                "Number",
	"after":                 "Page",
}

var lineFieldLabels = map[string]string{
	"kind": "kind", "code": "code", "name": "name", "unit": "unit", "price": "price", "quantity": "quantity",
	"discount": "discount", "ppnbm_rate": "PPnBM rate", "vat": "PPN", "tax_base": "DPP", "other_tax_base": "DPP Nilai Lain",
	"vat_rate": "PPN rate", "ppnbm": "PPnBM", "line": "line",
}

var lineFieldName = regexp.MustCompile(`^lines\[(\d+)\](?:\.(\w+))?$`)

func init() {
	for k, v := range efakturFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
	// The lines' inputs, so that the error summary names "Line 1 price"
	// rather than lines[0].price.
	for i := range maxFormLines {
		fieldLabels[fmt.Sprintf("lines[%d]", i)] = fmt.Sprintf("Line %d", i+1)
		for k, v := range lineFieldLabels {
			fieldLabels[fmt.Sprintf("lines[%d].%s", i, k)] = fmt.Sprintf("Line %d %s", i+1, v)
		}
	}
}

// efakturLabel names a field of the e-Faktur forms: "Line 1 price" for
// lines[0].price.
func efakturLabel(name string) string {
	if m := lineFieldName.FindStringSubmatch(name); m != nil {
		n, _ := strconv.Atoi(m[1])
		l := fmt.Sprintf("Line %d", n+1)
		if m[2] != "" {
			l += " " + lineFieldLabels[m[2]]
		}
		return l
	}
	return fieldLabel(name)
}

func (s *server) efakturService() (*efaktur.Service, error) {
	if s.efaktur == nil {
		return nil, errs.E(errs.Unavailable, "e-Faktur is not served by this server")
	}
	return s.efaktur, nil
}

// efakturGuard asks the Service whether the caller may see the
// taxpayer's fakturs, before a form's input is read: a stranger is
// refused (401, 403) instead of being told what is wrong with the form.
// The Service checks the action itself again when it is called.
func (s *server) efakturGuard(r *http.Request) (*efaktur.Service, error) {
	svc, err := s.efakturService()
	if err != nil {
		return nil, err
	}
	if _, err := svc.List(r.Context(), r.PathValue("npwp"), efaktur.Filter{Limit: 1}); err != nil {
		return nil, err
	}
	return svc, nil
}

// canonicalNPWP returns the 16-digit NPWP of the path, or the path as
// given when it does not parse (the Service then reports it).
func canonicalNPWP(s string) string {
	n, _, err := taxid.ParseNPWP(s)
	if err != nil {
		return s
	}
	return string(n)
}

// Views.

type lineView struct {
	No                                      int
	Kind, Code, Name, Unit, UnitName        string
	Price, Qty, Discount                    string
	TaxBase, OtherTaxBase, VATRate, VAT     string
	PPnBMRate, PPnBM                        string
	Returned                                string
	ReturnQty, ReturnError, ReturnFieldName string
}

type totalsView struct {
	Gross, Discount, TaxBase, OtherTaxBase, VAT, PPnBM string
}

func newTotalsView(t efaktur.Totals) totalsView {
	return totalsView{t.Gross.Display(), t.Discount.Display(), t.TaxBase.Display(), t.OtherTaxBase.Display(), t.VAT.Display(), t.PPnBM.Display()}
}

type fakturView struct {
	ID                                   int64
	Version                              int
	Number, NumberFormatted              string
	Status, Source                       string
	Date, TrxCode, TrxLabel, Reference   string
	AddInfo, FacilityStamp               string
	CustomDoc, CustomDocMonthYear        string
	SellerNPWP, SellerNITKU              string
	BuyerDocument, BuyerTIN, BuyerDocNo  string
	BuyerName, BuyerAddress, BuyerEmail  string
	BuyerNITKU, BuyerCountry             string
	Lines                                []lineView
	Totals                               totalsView
	ApprovedAt, ApprovedBy, PublicID     string
	CancelledAt, CancelReason            string
	Credit, CreditPeriod, CreditedAt     string
	Replaces, ReplacedBy                 int64
	ReplacesNumber                       string
	CreatedAt, UpdatedAt                 string
	Draft, Approved, Amended, Cancelled  bool
	Credited, NotCredited, Uncredited    bool
	Counterparty, CounterpartyID, Period string
}

func newFakturView(f *efaktur.Faktur) fakturView {
	inv := &f.Invoice
	b := inv.Buyer
	v := fakturView{
		ID: f.ID, Version: f.Version, Number: f.Number, NumberFormatted: taxid.FakturNumber(f.Number).Format(),
		Status: string(f.Status), Source: f.Source,
		Date: date(inv.Date), TrxCode: string(inv.TrxCode), TrxLabel: efaktur.TrxCodes[inv.TrxCode], Reference: inv.RefDesc,
		AddInfo: inv.AddInfo, FacilityStamp: inv.FacilityStamp, CustomDoc: inv.CustomDoc, CustomDocMonthYear: inv.CustomDocMonthYear,
		SellerNPWP: f.SellerNPWP, SellerNITKU: inv.SellerIDTKU,
		BuyerDocument: string(b.Document), BuyerTIN: b.TIN, BuyerDocNo: b.DocumentNumber, BuyerName: b.Name,
		BuyerAddress: b.Address, BuyerEmail: b.Email, BuyerNITKU: b.IDTKU, BuyerCountry: b.Country,
		Totals:     newTotalsView(f.Totals),
		ApprovedAt: timestamp(f.ApprovedAt), ApprovedBy: f.ApprovedBy, PublicID: f.PublicID,
		CancelledAt: timestamp(f.CancelledAt), CancelReason: f.CancelReason,
		Credit: string(f.Credit), CreditPeriod: f.CreditPeriod.String(), CreditedAt: timestamp(f.CreditedAt),
		Replaces: f.Replaces, ReplacedBy: f.ReplacedBy, ReplacesNumber: f.ReplacesNumber,
		CreatedAt: timestamp(f.CreatedAt), UpdatedAt: timestamp(f.UpdatedAt),
		Draft: f.Status == efaktur.Draft, Approved: f.Status == efaktur.Approved,
		Amended: f.Status == efaktur.Amended, Cancelled: f.Status == efaktur.Cancelled,
		Credited: f.Credit == efaktur.Credited, NotCredited: f.Credit == efaktur.NotCredited, Uncredited: f.Credit == efaktur.Uncredited,
		Period: efaktur.PeriodOf(inv.Date).String(),
	}
	if b.Document == efaktur.BuyerTIN {
		v.Counterparty, v.CounterpartyID = b.Name, b.TIN
	} else {
		v.Counterparty, v.CounterpartyID = b.Name, string(b.Document)+" "+b.DocumentNumber
	}
	for i, l := range inv.Lines {
		v.Lines = append(v.Lines, lineView{
			No: i + 1, Kind: string(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit, UnitName: efaktur.Units[l.Unit],
			Price: l.Price.Display(), Qty: l.Qty.XML(), Discount: l.Discount.Display(),
			TaxBase: l.TaxBase.Display(), OtherTaxBase: l.OtherTaxBase.Display(), VATRate: l.VATRate.XML(), VAT: l.VAT.Display(),
			PPnBMRate: l.PPnBMRate.XML(), PPnBM: l.PPnBM.Display(),
		})
	}
	return v
}

// Choices of the forms.

func trxChoices(prompt string) []optgroup {
	g := optgroup{Options: []option{{Value: "", Label: prompt}}}
	codes := make([]string, 0, len(efaktur.TrxCodes))
	for c := range efaktur.TrxCodes {
		codes = append(codes, string(c))
	}
	slices.Sort(codes)
	for _, c := range codes {
		g.Options = append(g.Options, option{Value: c, Label: c + " " + efaktur.TrxCodes[efaktur.TrxCode(c)]})
	}
	return []optgroup{g}
}

func unitChoices() []optgroup {
	g := optgroup{Options: []option{{Value: "", Label: "Choose a unit"}}}
	codes := make([]string, 0, len(efaktur.Units))
	for c := range efaktur.Units {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		g.Options = append(g.Options, option{Value: c, Label: efaktur.Units[c] + " (" + c + ")"})
	}
	return []optgroup{g}
}

var (
	docChoices = choices("Choose how the buyer is identified",
		string(efaktur.BuyerTIN), "NPWP (TIN)", string(efaktur.BuyerNationalID), "NIK (National ID)",
		string(efaktur.BuyerPassport), "Passport", string(efaktur.BuyerOtherID), "Other ID")
	lineKindChoices = choices("Goods or services", string(efaktur.Goods), "A goods (barang)", string(efaktur.Services), "B services (jasa)")
	statusChoices   = choices("Any status", "draft", "draft", "approved", "approved", "amended", "amended", "cancelled", "cancelled")
	inputStatuses   = choices("Any status", "approved", "approved", "amended", "amended", "cancelled", "cancelled")
	creditChoices   = choices("Any credit state", "uncredited", "uncredited", "credited", "credited", "not_credited", "not credited")
)

// The key-in form.

// lineForm is one line of the key-in form, as typed.
type lineForm struct {
	Index, No                                   int
	Kind, Code, Name, Unit, Price, Qty          string
	Discount, PPnBMRate, VAT                    string
	Error                                       string // a problem of the whole line
	KindChoices, UnitChoices                    []optgroup
	NameKind, NameCode, NameName, NameUnit      string
	NamePrice, NameQty, NameDiscount, NamePPnBM string
	NameVAT                                     string
}

func (l lineForm) blank() bool {
	return strings.TrimSpace(l.Code+l.Name+l.Price+l.Qty+l.Discount+l.PPnBMRate+l.VAT) == ""
}

// fakturForm is a faktur as typed into the key-in form.
type fakturForm struct {
	Date, TrxCode, Reference, AddInfo, FacilityStamp string
	CustomDoc, CustomDocMonthYear, SellerNITKU       string
	BuyerDocument, BuyerTIN, BuyerDocNo              string
	BuyerName, BuyerAddress, BuyerEmail, BuyerNITKU  string
	Lines                                            []lineForm
	Version                                          int
}

// maxFormLines bounds the lines one form may carry.
const maxFormLines = 200

// fakturFormFrom reads the key-in form of a POST.
func fakturFormFrom(v url.Values) fakturForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := fakturForm{
		Date: g("date"), TrxCode: g("trx_code"), Reference: g("reference"), AddInfo: g("add_info"), FacilityStamp: g("facility_stamp"),
		CustomDoc: g("custom_doc"), CustomDocMonthYear: g("custom_doc_month_year"), SellerNITKU: g("seller_nitku"),
		BuyerDocument: g("buyer.document"), BuyerTIN: g("buyer.tin"), BuyerDocNo: g("buyer.document_number"),
		BuyerName: g("buyer.name"), BuyerAddress: g("buyer.address"), BuyerEmail: g("buyer.email"), BuyerNITKU: g("buyer.nitku"),
	}
	f.Version, _ = strconv.Atoi(g("version"))
	n := 0
	for k := range v {
		if m := lineFieldName.FindStringSubmatch(k); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < maxFormLines && i+1 > n {
				n = i + 1
			}
		}
	}
	for i := range n {
		p := fmt.Sprintf("lines[%d].", i)
		f.Lines = append(f.Lines, lineForm{Kind: g(p + "kind"), Code: g(p + "code"), Name: g(p + "name"), Unit: g(p + "unit"),
			Price: g(p + "price"), Qty: g(p + "quantity"), Discount: g(p + "discount"), PPnBMRate: g(p + "ppnbm_rate"), VAT: g(p + "vat")})
	}
	return f
}

// fakturFormOf fills the key-in form with a stored faktur, to edit or
// amend it.
func fakturFormOf(f *efaktur.Faktur) fakturForm {
	inv := &f.Invoice
	out := fakturForm{
		Date: date(inv.Date), TrxCode: string(inv.TrxCode), Reference: inv.RefDesc, AddInfo: inv.AddInfo, FacilityStamp: inv.FacilityStamp,
		CustomDoc: inv.CustomDoc, CustomDocMonthYear: inv.CustomDocMonthYear, SellerNITKU: inv.SellerIDTKU,
		BuyerDocument: string(inv.Buyer.Document), BuyerName: inv.Buyer.Name, BuyerAddress: inv.Buyer.Address,
		BuyerEmail: inv.Buyer.Email, BuyerNITKU: inv.Buyer.IDTKU, Version: f.Version,
	}
	if inv.Buyer.TIN != efaktur.NoTIN {
		out.BuyerTIN = inv.Buyer.TIN
	}
	if inv.Buyer.DocumentNumber != "-" {
		out.BuyerDocNo = inv.Buyer.DocumentNumber
	}
	for _, l := range inv.Lines {
		lf := lineForm{Kind: string(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit, Price: hundredths(int64(l.Price)),
			Qty: hundredths(int64(l.Qty))}
		if l.Discount != 0 {
			lf.Discount = hundredths(int64(l.Discount))
		}
		if l.PPnBMRate != 0 {
			lf.PPnBMRate = hundredths(int64(l.PPnBMRate))
		}
		if inv.TrxCode == efaktur.TrxSpecificAmount {
			lf.VAT = hundredths(int64(l.VAT))
		}
		out.Lines = append(out.Lines, lf)
	}
	return out
}

// compact drops the lines left empty, so that the Service's line numbers
// are those of the rows shown after a rejection.
func (f *fakturForm) compact() {
	f.Lines = slices.DeleteFunc(f.Lines, lineForm.blank)
}

// withEmptyRows appends n empty lines and numbers every line for the
// template.
func (f fakturForm) withEmptyRows(n int) fakturForm {
	f.Lines = slices.Clone(f.Lines)
	for range n {
		if len(f.Lines) >= maxFormLines {
			break
		}
		f.Lines = append(f.Lines, lineForm{})
	}
	units := unitChoices()
	for i := range f.Lines {
		l := &f.Lines[i]
		p := fmt.Sprintf("lines[%d].", i)
		l.Index, l.No = i, i+1
		l.NameKind, l.NameCode, l.NameName, l.NameUnit = p+"kind", p+"code", p+"name", p+"unit"
		l.NamePrice, l.NameQty, l.NameDiscount, l.NamePPnBM, l.NameVAT = p+"price", p+"quantity", p+"discount", p+"ppnbm_rate", p+"vat"
		l.KindChoices, l.UnitChoices = lineKindChoices, units
	}
	return f
}

// input turns the form into the Service's Form, with the problems of
// what cannot be read (a date, an amount).
func (f fakturForm) input() (efaktur.Form, []errs.FieldError) {
	var fields []errs.FieldError
	out := efaktur.Form{TrxCode: efaktur.TrxCode(f.TrxCode), AddInfo: f.AddInfo, CustomDoc: f.CustomDoc,
		CustomDocMonthYear: f.CustomDocMonthYear, RefDesc: f.Reference, FacilityStamp: f.FacilityStamp, SellerIDTKU: f.SellerNITKU,
		Buyer: efaktur.Buyer{Document: efaktur.BuyerDocument(f.BuyerDocument), TIN: f.BuyerTIN, DocumentNumber: f.BuyerDocNo,
			Name: f.BuyerName, Address: f.BuyerAddress, Email: f.BuyerEmail, IDTKU: f.BuyerNITKU}}
	if f.Date != "" {
		d, err := time.Parse(time.DateOnly, f.Date)
		if err != nil {
			fields = append(fields, errs.Field("date", f.Date, "is not a date; write YYYY-MM-DD"))
		}
		out.Date = d
	}
	for i, l := range f.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		out.Lines = append(out.Lines, efaktur.LineInput{
			Kind: efaktur.Kind(l.Kind), Code: l.Code, Name: l.Name, Unit: l.Unit,
			Price:       money.Amount(decimalField(&fields, p+"price", l.Price, true)),
			Qty:         efaktur.Quantity(decimalField(&fields, p+"quantity", l.Qty, true)),
			Discount:    money.Amount(decimalField(&fields, p+"discount", l.Discount, false)),
			PPnBMRate:   efaktur.Percent(decimalField(&fields, p+"ppnbm_rate", l.PPnBMRate, false)),
			SpecificVAT: money.Amount(decimalField(&fields, p+"vat", l.VAT, false)),
		})
	}
	return out, fields
}

// fakturFormPage is the key-in form: a new draft, a draft's edit or an
// approved faktur's amendment.
type fakturFormPage struct {
	page
	NPWP    string
	Mode    string // "new", "edit" or "amend"
	Action  string
	Back    string
	Heading string
	Form    fakturForm
	Errors  *formErrors
	// Replaces is the number of the faktur an amendment replaces.
	Replaces                string
	TrxChoices, DocChoices  []optgroup
	UploadURL, PassphraseID string
}

func (s *server) renderFakturForm(w http.ResponseWriter, r *http.Request, status int, p fakturFormPage, emptyRows int) {
	npwp := r.PathValue("npwp")
	p.NPWP = npwp
	p.TrxChoices, p.DocChoices = trxChoices("Choose a transaction code"), docChoices
	p.UploadURL = efakturURL(npwp) + "/uploads"
	p.Form = p.Form.withEmptyRows(emptyRows)
	if p.Errors != nil {
		for i := range p.Form.Lines {
			p.Form.Lines[i].Error = p.Errors.Get(fmt.Sprintf("lines[%d]", i))
		}
	}
	p.page = s.newPage(w, r, p.Heading, "")
	s.render(w, r, status, "efaktur_form", p)
}

// emptyRows is how many empty lines the form offers: three on a new form,
// one more after the typed lines otherwise.
func emptyRows(f fakturForm) int {
	if len(f.Lines) == 0 {
		return 3
	}
	return 1
}

// newFakturForm handles GET /taxpayers/{npwp}/efaktur/new.
func (s *server) newFakturForm(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	f := fakturForm{Date: date(svc.Today()), TrxCode: string(efaktur.TrxOtherValue), BuyerDocument: string(efaktur.BuyerTIN)}
	s.renderFakturForm(w, r, http.StatusOK, fakturFormPage{Mode: "new", Action: efakturURL(npwp) + "/new", Back: efakturURL(npwp), Heading: "Key in a faktur", Form: f}, 3)
	return nil
}

// formRejected re-renders the key-in form with the errors of a rejected
// submission (422, or 409 for a stale version), and passes any other
// error on.
func (s *server) formRejected(w http.ResponseWriter, r *http.Request, p fakturFormPage, err error) error {
	if fe, status, ok := signingRefusal(err); ok {
		p.Errors = fe
		s.renderFakturForm(w, r, status, p, emptyRows(p.Form))
		return nil
	}
	k := errs.KindOf(err)
	if k != errs.Invalid && k != errs.Conflict {
		return err
	}
	p.Errors = efakturErrors(err)
	s.renderFakturForm(w, r, httpmw.Status(k), p, emptyRows(p.Form))
	return nil
}

// efakturErrors turns a rejected submission's error into formErrors;
// the summary names the lines' inputs by their labels (init).
func efakturErrors(err error) *formErrors { return errorsOf(err) }

// submitFaktur reads the key-in form and hands it to save; an "add line"
// submission re-renders the form with three more empty lines instead.
func (s *server) submitFaktur(w http.ResponseWriter, r *http.Request, p fakturFormPage, save func(in efaktur.Form, version int) (string, error)) error {
	p.Form = fakturFormFrom(r.PostForm)
	if r.PostForm.Get("add_line") != "" {
		s.renderFakturForm(w, r, http.StatusOK, p, 3)
		return nil
	}
	p.Form.compact()
	in, fields := p.Form.input()
	if len(fields) > 0 {
		return s.formRejected(w, r, p, errs.InvalidFields(fmt.Sprintf("the faktur has %d problem(s)", len(fields)), fields...))
	}
	to, err := save(in, p.Form.Version)
	if err != nil {
		return s.formRejected(w, r, p, err)
	}
	return seeOther(w, r, to)
}

// createFaktur handles POST /taxpayers/{npwp}/efaktur/new.
func (s *server) createFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	p := fakturFormPage{Mode: "new", Action: efakturURL(npwp) + "/new", Back: efakturURL(npwp), Heading: "Key in a faktur"}
	return s.submitFaktur(w, r, p, func(in efaktur.Form, version int) (string, error) {
		f, err := svc.CreateDraft(r.Context(), npwp, in)
		return fakturURL(npwp, f.ID) + "?done=drafted", err
	})
}

// ownFaktur loads faktur {id} for a form of its seller.
func (s *server) ownFaktur(r *http.Request) (*efaktur.Service, efaktur.Faktur, error) {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return nil, efaktur.Faktur{}, err
	}
	id, err := formID(r, "faktur")
	if err != nil {
		return nil, efaktur.Faktur{}, err
	}
	f, err := svc.Faktur(r.Context(), r.PathValue("npwp"), id)
	if err != nil {
		return nil, efaktur.Faktur{}, err
	}
	if f.SellerNPWP != canonicalNPWP(r.PathValue("npwp")) {
		return nil, efaktur.Faktur{}, errs.Errorf(errs.NotFound, "taxpayer %s sold no faktur %d; the seller changes it", r.PathValue("npwp"), id)
	}
	return svc, f, nil
}

func editPage(npwp string, f *efaktur.Faktur) fakturFormPage {
	return fakturFormPage{Mode: "edit", Action: fakturURL(npwp, f.ID) + "/edit", Back: fakturURL(npwp, f.ID), Heading: fmt.Sprintf("Edit draft %d", f.ID)}
}

func amendPage(npwp string, f *efaktur.Faktur) fakturFormPage {
	return fakturFormPage{Mode: "amend", Action: fakturURL(npwp, f.ID) + "/amend", Back: fakturURL(npwp, f.ID),
		Heading: "Amend faktur " + taxid.FakturNumber(f.Number).Format(), Replaces: f.Number}
}

// editFakturForm handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}/edit.
func (s *server) editFakturForm(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.ownFaktur(r)
	if err != nil {
		return err
	}
	if f.Status != efaktur.Draft {
		return errs.Errorf(errs.Conflict, "faktur %s is %s; only a draft is edited (amend an approved faktur instead)", f.Number, f.Status)
	}
	p := editPage(r.PathValue("npwp"), &f)
	p.Form = fakturFormOf(&f)
	s.renderFakturForm(w, r, http.StatusOK, p, 1)
	return nil
}

// editFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/edit.
func (s *server) editFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return err
	}
	id, err := formID(r, "faktur")
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	p := editPage(npwp, &efaktur.Faktur{ID: id})
	return s.submitFaktur(w, r, p, func(in efaktur.Form, version int) (string, error) {
		_, err := svc.UpdateDraft(r.Context(), npwp, id, version, in)
		return fakturURL(npwp, id) + "?done=edited", err
	})
}

// amendFakturForm handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}/amend.
func (s *server) amendFakturForm(w http.ResponseWriter, r *http.Request) error {
	_, f, err := s.ownFaktur(r)
	if err != nil {
		return err
	}
	if f.Status != efaktur.Approved {
		return errs.Errorf(errs.Conflict, "faktur %d is %s; only an approved faktur is amended", f.ID, f.Status)
	}
	p := amendPage(r.PathValue("npwp"), &f)
	p.Form = fakturFormOf(&f)
	s.renderFakturForm(w, r, http.StatusOK, p, 1)
	return nil
}

// amendFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/amend:
// the pengganti is signed with the passphrase of the form.
func (s *server) amendFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, f, err := s.ownFaktur(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	p := amendPage(npwp, &f)
	return s.submitFaktur(w, r, p, func(in efaktur.Form, version int) (string, error) {
		repl, err := svc.Amend(r.Context(), npwp, f.ID, version, in, r.PostForm.Get("passphrase"))
		return fakturURL(npwp, repl.ID) + "?done=amended", err
	})
}

// signingRefusal puts a refusal to open the signing key next to the
// field it concerns: the passphrase (wrong, locked) or the certificate
// (none, expired, revoked, no signer role, not acting for the taxpayer).
func signingRefusal(err error) (*formErrors, int, bool) {
	var field string
	status := http.StatusForbidden
	switch {
	case errors.Is(err, signing.ErrWrongPassphrase):
		field, status = "passphrase", http.StatusUnprocessableEntity
	case errors.Is(err, signing.ErrLocked):
		field = "passphrase"
	case errors.Is(err, signing.ErrNoCertificate), errors.Is(err, signing.ErrExpired), errors.Is(err, signing.ErrRevoked),
		errors.Is(err, signing.ErrNoSignerRole), errors.Is(err, signing.ErrNotAuthorized):
		field = "certificate"
	default:
		return nil, 0, false
	}
	msg := errs.Message(err)
	if fs := errs.FieldsOf(err); len(fs) > 0 {
		msg = fs[0].Message
	}
	return errorsOf(errs.InvalidFields(errs.Message(err), errs.Field(field, "", "%s", msg))), status, true
}

// Lists.

// listFilter is the filter form of a list, as typed.
type listFilter struct {
	Status, Period, TrxCode, Counterparty, Number, Reference, Credit string
}

func (lf listFilter) query(side efaktur.Side) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": lf.Status, "period": lf.Period, "trx_code": lf.TrxCode,
		"counterparty": lf.Counterparty, "number": lf.Number, "reference": lf.Reference, "credit": lf.Credit} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if side == efaktur.Input {
		q.Set("side", string(side))
	}
	return q
}

// filterFrom reads a list's filter from the query.
func filterFrom(q url.Values, side efaktur.Side) (efaktur.Filter, listFilter, []errs.FieldError) {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	lf := listFilter{Status: g("status"), Period: g("period"), TrxCode: g("trx_code"), Counterparty: g("counterparty"),
		Number: g("number"), Reference: g("reference"), Credit: g("credit")}
	f := efaktur.Filter{Side: side, Status: efaktur.Status(lf.Status), TrxCode: efaktur.TrxCode(lf.TrxCode),
		Counterparty: lf.Counterparty, Number: lf.Number, Reference: lf.Reference, Credit: efaktur.Credit(lf.Credit)}
	var fields []errs.FieldError
	if lf.Period != "" {
		p, err := efaktur.ParsePeriod(lf.Period)
		if err != nil {
			fields = append(fields, errs.Field("period", lf.Period, "is not a period; write YYYY-MM, e.g. 2026-11"))
		}
		f.Period = p
	}
	if _, ok := efaktur.TrxCodes[f.TrxCode]; lf.TrxCode != "" && !ok {
		fields = append(fields, errs.Field("trx_code", lf.TrxCode, "is not a transaction code; use 01–10"))
	}
	if a := g("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n <= 0 {
			fields = append(fields, errs.Field("after", a, "is not a faktur ID; follow the \"next page\" link"))
		}
		f.After = n
	}
	return f, lf, fields
}

// fakturRow is one faktur of a list.
type fakturRow struct {
	fakturView
	URL     string
	Checked bool
	Error   string
	// Input side: the credit window's periods and what may change.
	Periods                                     []optgroup
	CanCredit, CanNotCredit, CanUncredit, Final bool
}

type exportLink struct{ Label, URL string }

// efakturListPage is the output or the input list.
type efakturListPage struct {
	page
	NPWP           string
	Input          bool
	Flash          string
	Filter         listFilter
	FilterErrors   *formErrors
	Rows           []fakturRow
	First, Next    string
	Exports        []exportLink
	StatusChoices  []optgroup
	TrxChoices     []optgroup
	CreditChoices  []optgroup
	ApproveErrors  *formErrors
	Error          string
	Drafts         bool
	NewURL, Upload string
	OtherList      string
}

// listState carries a rejected form of the list page: the approval's
// errors, by faktur, and the drafts that were selected.
type listState struct {
	approve   *formErrors
	rowErrors map[int64]string
	checked   map[int64]bool
	err       string
}

// efakturList handles GET /taxpayers/{npwp}/efaktur: the output fakturs.
func (s *server) efakturList(w http.ResponseWriter, r *http.Request) error {
	return s.renderList(w, r, http.StatusOK, efaktur.Output, r.URL.Query(), listState{})
}

// efakturInput handles GET /taxpayers/{npwp}/efaktur/input: the input
// fakturs, each with its credit forms.
func (s *server) efakturInput(w http.ResponseWriter, r *http.Request) error {
	return s.renderList(w, r, http.StatusOK, efaktur.Input, r.URL.Query(), listState{})
}

func (s *server) renderList(w http.ResponseWriter, r *http.Request, status int, side efaktur.Side, q url.Values, st listState) error {
	svc, err := s.efakturService()
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	f, lf, fields := filterFrom(q, side)
	p := efakturListPage{NPWP: npwp, Input: side == efaktur.Input, Filter: lf, ApproveErrors: st.approve, Error: st.err,
		TrxChoices: trxChoices("Any transaction code"), CreditChoices: creditChoices,
		NewURL: efakturURL(npwp) + "/new", Upload: efakturURL(npwp) + "/uploads"}
	p.StatusChoices, p.OtherList = statusChoices, efakturURL(npwp)+"/input"
	title := "Output fakturs (Pajak Keluaran)"
	base := efakturURL(npwp)
	if p.Input {
		p.StatusChoices, p.OtherList = inputStatuses, efakturURL(npwp)
		title = "Input fakturs (Pajak Masukan)"
		base += "/input"
	}
	if r.Method == http.MethodGet {
		p.Flash = efakturFlashes[q.Get("done")]
	}
	var rows []efaktur.Faktur
	if len(fields) == 0 {
		rows, err = svc.List(ctx, npwp, f)
	} else {
		// The filter cannot be read: the caller must still be allowed
		// to see the list before being told so.
		_, err = svc.List(ctx, npwp, efaktur.Filter{Side: side, Limit: 1})
		if err == nil {
			err = errs.InvalidFields("the filter cannot be read", fields...)
		}
	}
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.FilterErrors, status = efakturErrors(err), http.StatusUnprocessableEntity
		rows = nil
	}
	today := svc.Today()
	for i := range rows {
		fk := &rows[i]
		row := fakturRow{fakturView: newFakturView(fk), URL: fakturURL(npwp, fk.ID), Checked: st.checked[fk.ID], Error: st.rowErrors[fk.ID]}
		if p.Input {
			row.Counterparty, row.CounterpartyID = fk.SellerNPWP, ""
			row.CanCredit = fk.Status == efaktur.Approved && fk.Credit != efaktur.Credited
			row.CanNotCredit = fk.Status == efaktur.Approved && fk.Credit == efaktur.Uncredited
			row.CanUncredit = fk.Status == efaktur.Approved && fk.Credit != efaktur.Uncredited
			row.Final = fk.Status != efaktur.Approved
			if row.CanCredit {
				row.Periods = periodChoices(svc, fk.Invoice.Date, today, "")
			}
		}
		if fk.Status == efaktur.Draft {
			p.Drafts = true
		}
		p.Rows = append(p.Rows, row)
	}
	query := lf.query(side)
	query.Del("side")
	if len(rows) == efaktur.DefaultLimit {
		nq := lf.query(side)
		nq.Del("side")
		nq.Set("after", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		p.Next = base + "?" + nq.Encode()
	}
	if f.After != 0 {
		p.First = base
		if e := query.Encode(); e != "" {
			p.First += "?" + e
		}
	}
	for _, e := range []struct{ label, format string }{{"XML (Coretax bulk)", "xml"}, {"CSV", "csv"}, {"JSON", "json"}, {"PDFs (zip)", "pdf.zip"}} {
		if e.format == "xml" && p.Input {
			continue // the Coretax XML holds one seller's own fakturs
		}
		eq := lf.query(efaktur.Output)
		eq.Set("side", string(side))
		eq.Set("format", e.format)
		p.Exports = append(p.Exports, exportLink{e.label, efakturAPIURL(npwp) + "/export?" + eq.Encode()})
	}
	p.page = s.newPage(w, r, title, "")
	s.render(w, r, status, "efaktur_list", p)
	return nil
}

// periodChoices lists the periods of the credit window of a faktur dated
// day.
func periodChoices(svc *efaktur.Service, day, today time.Time, chosen string) []optgroup {
	from, to := svc.CreditWindow(day, today)
	g := optgroup{}
	for p := from; !to.Before(p); p = p.Add(1) {
		g.Options = append(g.Options, option{Value: p.String(), Label: p.String(), Selected: p.String() == chosen})
	}
	if chosen == "" && len(g.Options) > 0 {
		g.Options[len(g.Options)-1].Selected = true
	}
	return []optgroup{g}
}

// approveSelected handles POST /taxpayers/{npwp}/efaktur/approve: the
// checked drafts ("fakturs": ID:version) signed with one passphrase entry,
// all or none.
func (s *server) approveSelected(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	st := listState{checked: map[int64]bool{}, rowErrors: map[int64]string{}}
	var refs []efaktur.Ref
	for _, v := range r.PostForm["fakturs"] {
		id, ver, _ := strings.Cut(v, ":")
		n, err1 := strconv.ParseInt(id, 10, 64)
		vn, err2 := strconv.Atoi(ver)
		if err1 != nil || err2 != nil {
			return errs.InvalidFields("the selection cannot be read", errs.Field("fakturs", v, "is not ID:version; reload the list and select again"))
		}
		refs = append(refs, efaktur.Ref{ID: n, Version: vn})
		st.checked[n] = true
	}
	if len(refs) == 0 {
		st.approve = errorsOf(errs.InvalidFields("select the drafts to approve", errs.Field("fakturs", "", "select at least one draft")))
		return s.renderList(w, r, http.StatusUnprocessableEntity, efaktur.Output, url.Values{}, st)
	}
	done, err := svc.Approve(r.Context(), npwp, refs, r.PostForm.Get("passphrase"))
	if err != nil {
		if fe, status, ok := signingRefusal(err); ok {
			st.approve = fe
			return s.renderList(w, r, status, efaktur.Output, url.Values{}, st)
		}
		switch errs.KindOf(err) {
		case errs.Invalid:
			fe := errorsOf(err)
			st.approve = &formErrors{Message: fe.Message, Fields: map[string]string{}}
			for _, fld := range errs.FieldsOf(err) {
				i, rest, ok := approvalField(fld.Field)
				if !ok || i >= len(refs) {
					st.approve.Fields[fld.Field] = fld.Message
					st.approve.Order = append(st.approve.Order, fld)
					continue
				}
				id := refs[i].ID
				msg := fld.Message
				if rest != "" {
					msg = efakturLabel(rest) + ": " + msg
				}
				if st.rowErrors[id] != "" {
					st.rowErrors[id] += " "
				}
				st.rowErrors[id] += msg
				st.approve.Order = append(st.approve.Order, errs.FieldError{Field: fmt.Sprintf("faktur-%d", id), Message: fmt.Sprintf("draft %d: %s", id, msg)})
			}
			return s.renderList(w, r, http.StatusUnprocessableEntity, efaktur.Output, url.Values{}, st)
		case errs.Conflict:
			st.err = errs.Message(err)
			return s.renderList(w, r, http.StatusConflict, efaktur.Output, url.Values{}, st)
		}
		return err
	}
	if len(done) == 1 {
		return seeOther(w, r, fakturURL(npwp, done[0].ID)+"?done=approved")
	}
	return seeOther(w, r, efakturURL(npwp)+"?done=approved_all")
}

var approvalFieldName = regexp.MustCompile(`^fakturs\[(\d+)\](?:\.(.+))?$`)

// approvalField splits "fakturs[2].lines[0].price" into 2 and
// "lines[0].price".
func approvalField(name string) (int, string, bool) {
	m := approvalFieldName.FindStringSubmatch(name)
	if m == nil {
		return 0, "", false
	}
	i, err := strconv.Atoi(m[1])
	return i, m[2], err == nil
}

// The detail page.

type returView struct {
	Number, Date, Period, CreatedBy string
	Lines                           []string
	TaxBase, VAT, PPnBM             string
}

// fakturPage is a faktur's detail with the forms of what may be done to
// it.
type fakturPage struct {
	page
	NPWP   string
	F      fakturView
	Seller bool
	Flash  string
	Error  string
	// The forms' errors after a rejected submission.
	Approve, Cancel, Credit, Return *formErrors
	CancelReason                    string
	Periods                         []optgroup
	CreditFrom, CreditTo, Period    string
	Returs                          []returView
	ReturnDate                      string
	ListURL, PDF, Verify            string
	ReplacesURL, ReplacedByURL      string
	EditURL, AmendURL, BaseURL      string
}

// fakturForms are the typed values of the detail's forms after a
// rejection.
type fakturForms struct {
	approve, cancel, credit, ret *formErrors
	reason, period, returnDate   string
	returnQty                    map[int]string
	err                          string
}

// fakturDetail handles GET /taxpayers/{npwp}/efaktur/fakturs/{id}.
func (s *server) fakturDetail(w http.ResponseWriter, r *http.Request) error {
	return s.renderFaktur(w, r, http.StatusOK, fakturForms{})
}

func (s *server) renderFaktur(w http.ResponseWriter, r *http.Request, status int, forms fakturForms) error {
	svc, err := s.efakturService()
	if err != nil {
		return err
	}
	id, err := formID(r, "faktur")
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	f, err := svc.Faktur(ctx, npwp, id)
	if err != nil {
		return err
	}
	base := fakturURL(npwp, f.ID)
	p := fakturPage{NPWP: npwp, F: newFakturView(&f), Seller: f.SellerNPWP == canonicalNPWP(npwp), Error: forms.err,
		Approve: forms.approve, Cancel: forms.cancel, Credit: forms.credit, Return: forms.ret,
		CancelReason: forms.reason, ReturnDate: forms.returnDate, BaseURL: base,
		EditURL: base + "/edit", AmendURL: base + "/amend", ListURL: efakturURL(npwp)}
	if !p.Seller {
		p.ListURL = efakturURL(npwp) + "/input"
	}
	if r.Method == http.MethodGet {
		p.Flash = efakturFlashes[r.URL.Query().Get("done")]
	}
	if f.Status != efaktur.Draft {
		p.PDF = efakturAPIURL(npwp) + "/fakturs/" + strconv.FormatInt(f.ID, 10) + "/pdf"
	}
	if f.PublicID != "" {
		p.Verify = "/verify/" + url.PathEscape(f.PublicID)
	}
	if f.Replaces != 0 {
		p.ReplacesURL = fakturURL(npwp, f.Replaces)
	}
	if f.ReplacedBy != 0 {
		p.ReplacedByURL = fakturURL(npwp, f.ReplacedBy)
	}
	if !p.Seller && f.Status == efaktur.Approved {
		from, to := svc.CreditWindow(f.Invoice.Date, svc.Today())
		p.CreditFrom, p.CreditTo = from.String(), to.String()
		p.Periods = periodChoices(svc, f.Invoice.Date, svc.Today(), forms.period)
		p.Period = forms.period
		if p.Period == "" {
			p.Period = p.CreditTo
		}
		if p.ReturnDate == "" {
			p.ReturnDate = date(svc.Today())
		}
	}
	if f.Status != efaktur.Draft {
		rs, err := svc.Returs(ctx, npwp, f.ID)
		if err != nil {
			return err
		}
		returned := map[int]efaktur.Quantity{}
		for _, rt := range rs {
			rv := returView{Number: rt.Number, Date: date(rt.Date), Period: rt.Period.String(), CreatedBy: rt.CreatedBy,
				TaxBase: rt.Totals.TaxBase.Display(), VAT: rt.Totals.VAT.Display(), PPnBM: rt.Totals.PPnBM.Display()}
			for _, l := range rt.Lines {
				rv.Lines = append(rv.Lines, fmt.Sprintf("line %d: %s", l.Line, l.Qty.XML()))
				returned[l.Line] += l.Qty
			}
			p.Returs = append(p.Returs, rv)
		}
		for i := range p.F.Lines {
			l := &p.F.Lines[i]
			if q := returned[l.No]; q != 0 {
				l.Returned = q.XML()
			}
			l.ReturnFieldName = fmt.Sprintf("lines[%d].quantity", i)
			l.ReturnQty = forms.returnQty[i]
			l.ReturnError = p.Return.Get(l.ReturnFieldName)
			if e := p.Return.Get(fmt.Sprintf("lines[%d].line", i)); e != "" {
				l.ReturnError = strings.TrimSpace(l.ReturnError + " " + e)
			}
		}
	}
	title := "Faktur draft " + strconv.FormatInt(f.ID, 10)
	if f.Number != "" {
		title = "Faktur " + p.F.NumberFormatted
	}
	p.page = s.newPage(w, r, title, "")
	s.render(w, r, status, "efaktur_faktur", p)
	return nil
}

// detailRejected re-renders the detail with a form's errors (422, 409,
// or the signing refusal's status) and passes any other error on.
func (s *server) detailRejected(w http.ResponseWriter, r *http.Request, err error, forms fakturForms, set func(*fakturForms, *formErrors)) error {
	if fe, status, ok := signingRefusal(err); ok {
		set(&forms, fe)
		return s.renderFaktur(w, r, status, forms)
	}
	switch k := errs.KindOf(err); k {
	case errs.Invalid:
		set(&forms, efakturErrors(err))
		return s.renderFaktur(w, r, http.StatusUnprocessableEntity, forms)
	case errs.Conflict:
		forms.err = errs.Message(err)
		return s.renderFaktur(w, r, http.StatusConflict, forms)
	}
	return err
}

// fakturAction reads the {id} of a faktur form and the version the form
// was rendered with, after the guard.
func (s *server) fakturAction(r *http.Request) (*efaktur.Service, int64, int, error) {
	svc, err := s.efakturGuard(r)
	if err != nil {
		return nil, 0, 0, err
	}
	id, err := formID(r, "faktur")
	if err != nil {
		return nil, 0, 0, err
	}
	v, err := formVersion(r)
	return svc, id, v, err
}

// deleteFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/delete.
func (s *server) deleteFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	if err := svc.DeleteDraft(r.Context(), r.PathValue("npwp"), id, version); err != nil {
		return s.detailRejected(w, r, err, fakturForms{}, func(*fakturForms, *formErrors) {})
	}
	return seeOther(w, r, efakturURL(r.PathValue("npwp"))+"?done=deleted")
}

// approveFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/approve.
func (s *server) approveFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if _, err := svc.Approve(r.Context(), npwp, []efaktur.Ref{{ID: id, Version: version}}, r.PostForm.Get("passphrase")); err != nil {
		if errs.KindOf(err) == errs.Invalid {
			if _, _, signing := signingRefusal(err); !signing {
				// The draft's own problems, named fakturs[0].<field>.
				var fields []errs.FieldError
				for _, f := range errs.FieldsOf(err) {
					_, rest, ok := approvalField(f.Field)
					if ok && rest != "" {
						f.Field = rest
					}
					fields = append(fields, f)
				}
				err = errs.InvalidFields(errs.Message(err)+"; edit the draft to correct it", fields...)
			}
		}
		return s.detailRejected(w, r, err, fakturForms{}, func(f *fakturForms, fe *formErrors) { f.approve = fe })
	}
	return seeOther(w, r, fakturURL(npwp, id)+"?done=approved")
}

// cancelFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/cancel.
func (s *server) cancelFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	reason := r.PostForm.Get("reason")
	if _, err := svc.Cancel(r.Context(), npwp, id, version, reason); err != nil {
		return s.detailRejected(w, r, err, fakturForms{reason: reason}, func(f *fakturForms, fe *formErrors) { f.cancel = fe })
	}
	return seeOther(w, r, fakturURL(npwp, id)+"?done=cancelled")
}

// creditBack is where a credit form returns: the input list when it was
// sent from there, else the faktur.
func creditBack(r *http.Request, id int64, done string) string {
	npwp := r.PathValue("npwp")
	if r.PostForm.Get("back") == "list" {
		return efakturURL(npwp) + "/input?done=" + done + "#faktur-" + strconv.FormatInt(id, 10)
	}
	return fakturURL(npwp, id) + "?done=" + done
}

// creditFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/credit.
func (s *server) creditFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	period := strings.TrimSpace(r.PostForm.Get("period"))
	p, perr := efaktur.ParsePeriod(period)
	if perr != nil {
		err = errs.InvalidFields("choose the period to credit in", errs.Field("period", period, "is not a period; choose one of the credit window"))
	} else {
		_, err = svc.Credit(r.Context(), r.PathValue("npwp"), id, version, p)
	}
	if err != nil {
		return s.detailRejected(w, r, err, fakturForms{period: period}, func(f *fakturForms, fe *formErrors) { f.credit = fe })
	}
	return seeOther(w, r, creditBack(r, id, "credited"))
}

// notCreditFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/not-credit.
func (s *server) notCreditFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	if _, err := svc.NotCredit(r.Context(), r.PathValue("npwp"), id, version); err != nil {
		return s.detailRejected(w, r, err, fakturForms{}, func(f *fakturForms, fe *formErrors) { f.credit = fe })
	}
	return seeOther(w, r, creditBack(r, id, "not_credited"))
}

// uncreditFaktur handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/uncredit.
func (s *server) uncreditFaktur(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	if _, err := svc.Uncredit(r.Context(), r.PathValue("npwp"), id, version); err != nil {
		return s.detailRejected(w, r, err, fakturForms{}, func(f *fakturForms, fe *formErrors) { f.credit = fe })
	}
	return seeOther(w, r, creditBack(r, id, "uncredited"))
}

// returnGoods handles POST /taxpayers/{npwp}/efaktur/fakturs/{id}/return:
// the buyer returns goods of some lines ("lines[i].quantity" for faktur
// line i+1; empty quantities are not returned).
func (s *server) returnGoods(w http.ResponseWriter, r *http.Request) error {
	svc, id, _, err := s.fakturAction(r)
	if err != nil {
		return err
	}
	forms := fakturForms{returnDate: strings.TrimSpace(r.PostForm.Get("date")), returnQty: map[int]string{}}
	var fields []errs.FieldError
	var lines []efaktur.ReturnLine
	var rows []int // the form row of each returned line
	for i := range maxFormLines {
		q := strings.TrimSpace(r.PostForm.Get(fmt.Sprintf("lines[%d].quantity", i)))
		if q == "" {
			continue
		}
		forms.returnQty[i] = q
		n := decimalField(&fields, fmt.Sprintf("lines[%d].quantity", i), q, true)
		lines = append(lines, efaktur.ReturnLine{Line: i + 1, Qty: efaktur.Quantity(n)})
		rows = append(rows, i)
	}
	day, derr := time.Parse(time.DateOnly, forms.returnDate)
	if derr != nil {
		fields = append(fields, errs.Field("date", forms.returnDate, "is not a date; write YYYY-MM-DD"))
	}
	if len(fields) > 0 {
		err = errs.InvalidFields("the return cannot be read", fields...)
	} else if _, err = svc.Return(r.Context(), r.PathValue("npwp"), id, day, lines); err != nil && errs.KindOf(err) == errs.Invalid {
		// The Service numbers the returned lines; name the form's rows.
		var out []errs.FieldError
		for _, f := range errs.FieldsOf(err) {
			if m := lineFieldName.FindStringSubmatch(f.Field); m != nil {
				if k, _ := strconv.Atoi(m[1]); k < len(rows) {
					f.Field = fmt.Sprintf("lines[%d]", rows[k])
					if m[2] != "" {
						f.Field += "." + m[2]
					}
				}
			}
			out = append(out, f)
		}
		err = errs.InvalidFields(errs.Message(err), out...)
	}
	if err != nil {
		return s.detailRejected(w, r, err, forms, func(f *fakturForms, fe *formErrors) { f.ret = fe })
	}
	return seeOther(w, r, fakturURL(r.PathValue("npwp"), id)+"?done=returned#returns")
}
