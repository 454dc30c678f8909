package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/actor"
	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// The e-Bupot pages of a withholder (doc/ebupot-pages.md): the payroll
// page that computes a month's PPh 21 for every employee, saves the rows
// as drafts and signs them; the slip list with its filters, exports and
// signing of drafts; a slip's detail with its correction and
// cancellation; the slips a taxpayer received; and the public browser of
// the tax object codes. The ebupot Service decides who may do what; every
// page first asks it whether the caller may see the taxpayer's slips, so
// that a stranger is refused before a form's input is read.

func ebupotURL(npwp string) string { return "/taxpayers/" + url.PathEscape(npwp) + "/ebupot" }

func slipURL(npwp string, id int64) string {
	return ebupotURL(npwp) + "/slips/" + strconv.FormatInt(id, 10)
}

func ebupotAPIURL(npwp string) string {
	return "/api/v1/taxpayers/" + url.PathEscape(npwp) + "/ebupot"
}

// ebupotFlashes are the confirmations of the e-Bupot pages, keyed by the
// done= parameter of the redirect.
var ebupotFlashes = map[string]string{
	"saved":     "The payroll is saved as drafts. Sign them with your signing passphrase to number them and publish them to the employees.",
	"signed":    "The slips are signed: each is numbered and its recipient sees it in their slips received.",
	"deleted":   "The draft is deleted.",
	"drafted":   "The slip is saved as a draft. Sign it with your signing passphrase to number it and publish it to the recipient.",
	"corrected": "The slip is corrected: this revision replaces the previous one under the same number.",
	"cancelled": "The slip is cancelled.",
}

// ebupotFieldLabels name the Service's fields in the error summaries of
// the slip forms.
var ebupotFieldLabels = map[string]string{
	"recipient.tin":           "Recipient's NIK or TIN",
	"recipient.name":          "Recipient's name",
	"recipient.kind":          "Recipient kind",
	"recipient.status":        "PTKP status",
	"recipient.position":      "Position",
	"recipient.country":       "Country of residence",
	"object_code":             "Object code",
	"facility":                "Facility",
	"facility_ref":            "Facility document number",
	"treaty_rate":             "Treaty rate",
	"qualifying_shareholding": "Qualifying shareholding",
	"gross":                   "Gross income",
	"rate":                    "Rate",
	"deemed":                  "Deemed share",
	"month":                   "Month",
	"month_start":             "First month",
	"month_end":               "Last month",
	"year":                    "Year",
	"withholding_date":        "Withholding date",
	"place_nitku":             "Place of business (NITKU)",
	"document":                "Document",
	"document_number":         "Document number",
	"slips":                   "Slips",
	"rows":                    "Rows",
	"type":                    "Slip type",
	"recipient":               "Recipient's NIK or TIN",
	"object":                  "Object code",
	"batch":                   "Batch",
	"file":                    "File",
	"recipient.nitku":         "Receiving place of business",
	"recipient.address":       "Address abroad",
	"recipient.nip":           "NIP or NRP",
	"document_date":           "Document date",
	"treasurer":               "Government treasurer",
	"sp2d":                    "SP2D number",
}

func init() {
	for k, v := range ebupotFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

func (s *server) ebupotService() (*ebupot.Service, error) {
	if s.ebupot == nil {
		return nil, errs.E(errs.Unavailable, "e-Bupot is not served by this server")
	}
	return s.ebupot, nil
}

// ebupotGuard asks the Service whether the caller may do act for the
// taxpayer of the path, before a form's input is read: a stranger is
// refused (401, 403) instead of being told what is wrong with the form.
// The Service checks the precise action again when it is called.
func (s *server) ebupotGuard(r *http.Request, act actor.Action) (*ebupot.Service, error) {
	svc, err := s.ebupotService()
	if err != nil {
		return nil, err
	}
	if err := svc.Allow(r.Context(), r.PathValue("npwp"), act); err != nil {
		return nil, err
	}
	return svc, nil
}

// ebupotAccess is what the caller may do with the slips of the taxpayer
// of the path, by family (PPh 21/26 or unified): the pages offer only the
// forms and links the caller can use.
func (s *server) ebupotAccess(r *http.Request) (ebupot.Access, error) {
	svc, err := s.ebupotService()
	if err != nil {
		return ebupot.Access{}, err
	}
	return svc.Access(r.Context(), r.PathValue("npwp"))
}

// today is the current day in WIB, by the e-Bupot Service's clock when
// there is one.
func (s *server) ebupotToday() time.Time {
	if s.ebupot != nil {
		return s.ebupot.Today()
	}
	return calendar.Day(time.Now())
}

// Views.

// stepView is one step of a computation's explanation.
type stepView struct{ Label, Amount, Source string }

// explanationView is why a slip's tax is what it is.
type explanationView struct {
	Method, Category string
	Steps            []stepView
	Citations        []string
}

func newExplanation(e ebupot.Explanation) explanationView {
	v := explanationView{Method: string(e.Method), Category: string(e.Category), Citations: e.Citations}
	for _, st := range e.Steps {
		v.Steps = append(v.Steps, stepView{Label: st.Label, Amount: st.Amount.Display(), Source: st.Source})
	}
	return v
}

// slipView is a slip as the pages show it.
type slipView struct {
	ID, Replaces, ReplacedBy, BatchID       int64
	Version, Revision                       int
	Type, Number, Status, Period            string
	MonthStart, MonthEnd                    int
	Withholder, RecipientTIN, RecipientName string
	Kind, PTKP, Position, Country           string
	Temporary                               bool
	Code, CodeName, Facility, FacilityRef   string
	Gross, Deemed, Rate, Tax                string
	Withheld, DTPTax, Credited              string
	Place, WithholdingDate, Document        string
	SignedAt, SignedBy, PublicID            string
	CancelledAt, CancelReason               string
	CreatedAt, UpdatedAt                    string
	Draft, Signed, Corrected, Cancelled     bool
	Explanation                             explanationView
	// Annual marks a BPA1 or BPA2, Unified a BPPU or BPNR.
	Annual, Unified, Final             bool
	NIP, Rank, RecipientNITKU, Address string
	Treasurer, SP2D                    string
	// QualifyingShareholding: dividends at the treaty's rate for a
	// qualifying shareholding.
	QualifyingShareholding bool
}

func newSlipView(sl *ebupot.Slip) slipView {
	v := slipView{ID: sl.ID, Replaces: sl.Replaces, ReplacedBy: sl.ReplacedBy, BatchID: sl.BatchID, Version: sl.Version, Revision: sl.Revision,
		Type: string(sl.Type), Number: sl.Number, Status: string(sl.Status), Period: fmt.Sprintf("%d-%02d", sl.Period.Year, sl.Period.Month),
		MonthStart: sl.MonthStart, MonthEnd: sl.MonthEnd, Withholder: sl.WithholderNPWP,
		RecipientTIN: sl.Recipient.TIN, RecipientName: sl.Recipient.Name, Kind: string(sl.Recipient.Kind), PTKP: sl.Recipient.Status,
		Position: sl.Recipient.Position, Country: sl.Recipient.Country, Temporary: sl.Recipient.Temporary,
		Code: sl.ObjectCode, Facility: string(sl.Facility), FacilityRef: sl.FacilityRef,
		Gross: sl.Gross.Display(), Deemed: sl.Deemed.String(), Rate: sl.Rate.String(), Tax: sl.Tax.Display(),
		Withheld: sl.Withheld.Display(), DTPTax: sl.DTPTax.Display(), Credited: sl.Credited.Display(),
		Place: sl.PlaceNITKU, WithholdingDate: date(sl.WithholdingDate), Document: strings.TrimSpace(sl.Document + " " + sl.DocumentNumber),
		SignedAt: timestamp(sl.SignedAt), SignedBy: sl.SignedBy, PublicID: sl.PublicID,
		CancelledAt: timestamp(sl.CancelledAt), CancelReason: sl.CancelReason,
		CreatedAt: timestamp(sl.CreatedAt), UpdatedAt: timestamp(sl.UpdatedAt),
		Draft: sl.Status == ebupot.Draft, Signed: sl.Status == ebupot.Signed, Corrected: sl.Status == ebupot.Corrected, Cancelled: sl.Status == ebupot.Cancelled,
		Explanation: newExplanation(sl.Explanation),
		Annual:      ebupot.Annual(sl.Type), Unified: ebupot.Unified(sl.Type), Final: sl.Final, NIP: sl.Recipient.NIP, Rank: sl.Recipient.Rank,
		RecipientNITKU: sl.Recipient.NITKU, Address: sl.Recipient.Address, Treasurer: string(sl.Treasurer), SP2D: sl.SP2D,
		QualifyingShareholding: sl.QualifyingShareholding}
	if c, err := objectcode.Lookup(sl.ObjectCode, sl.Period.First()); err == nil {
		v.CodeName = c.Name
	}
	return v
}

// Choices.

// payrollKinds are the recipients a payroll row is for.
var payrollKinds = []objectcode.RecipientKind{objectcode.PermanentEmployee, objectcode.NonPermanentEmployee, objectcode.NonEmployee}

var payrollKindLabels = map[objectcode.RecipientKind]string{
	objectcode.PermanentEmployee:    "Permanent employee (pegawai tetap)",
	objectcode.NonPermanentEmployee: "Non-permanent employee (pegawai tidak tetap)",
	objectcode.NonEmployee:          "Non-employee (bukan pegawai)",
}

func kindOptions() []option {
	var out []option
	for _, k := range payrollKinds {
		out = append(out, option{Value: string(k), Label: payrollKindLabels[k]})
	}
	return out
}

// ptkpStatuses are the PTKP statuses (PMK 101/2016): not married (TK)
// or married (K), with up to three dependants.
var ptkpStatuses = []string{"TK/0", "TK/1", "TK/2", "TK/3", "K/0", "K/1", "K/2", "K/3"}

func ptkpOptions() []option {
	out := []option{{Value: "", Label: "PTKP"}}
	for _, st := range ptkpStatuses {
		out = append(out, option{Value: st, Label: st})
	}
	return out
}

// payrollSlips are the slip types a payroll month uses: BPMP and BP21,
// and BPA1 in December.
func payrollSlips(month int) []objectcode.SlipType {
	if month == 12 {
		return []objectcode.SlipType{objectcode.BPMP, objectcode.BP21, objectcode.BPA1}
	}
	return []objectcode.SlipType{objectcode.BPMP, objectcode.BP21}
}

// codeGroups lists the object codes of the payroll's slips in force on
// day, grouped by the recipient kind they are for.
func codeGroups(month int, day time.Time) []optgroup {
	groups := []optgroup{{Options: []option{{Value: "", Label: "Choose the object code"}}}}
	for _, k := range payrollKinds {
		g := optgroup{Label: payrollKindLabels[k]}
		seen := map[string]bool{}
		var codes []objectcode.Code
		for _, t := range payrollSlips(month) {
			for _, c := range objectcode.ForSlip(t, day) {
				if c.IsFor(k) && !seen[c.Code] {
					seen[c.Code] = true
					codes = append(codes, c)
				}
			}
		}
		slices.SortFunc(codes, func(a, b objectcode.Code) int { return strings.Compare(a.Code, b.Code) })
		for _, c := range codes {
			g.Options = append(g.Options, option{Value: c.Code, Label: c.Code + " " + c.Name})
		}
		if len(g.Options) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// The payroll page.

// cell is one input of a payroll row.
type cell struct {
	Name, ID, Label, Value, Error string
	Groups                        []optgroup // for selects
}

// payrollRow is one row of the payroll table, as typed, with its result.
type payrollRow struct {
	No                                       int
	Anchor                                   string // the row's element ID, for the error summary
	TIN, Name, Kind, Status, Code, Gross     cell
	Position                                 cell
	Error                                    string // problems of the row that no cell shows
	Result                                   *rowResult
	SlipURL                                  string
	tin, name, kind, status, code, gross, po string
}

// rowResult is a row's computed tax.
type rowResult struct {
	No                                                        int
	Type, Gross, Tax, Withheld, DTP, Credited, Rate, Category string
	Temporary                                                 bool
	RecipientName                                             string
	Explanation                                               explanationView
}

func (r payrollRow) blank() bool {
	return strings.TrimSpace(r.tin+r.name+r.gross+r.po) == ""
}

// maxPayrollRows bounds the rows one payroll form may carry.
const maxPayrollRows = 500

var rowFieldName = regexp.MustCompile(`^rows\[(\d+)\]\.(\w+)$`)

// payrollForm is the payroll page's form as typed.
type payrollForm struct {
	Year, Month, WithholdingDate, Place string
	Rows                                []payrollRow
}

func payrollFormFrom(v url.Values) payrollForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := payrollForm{Year: g("year"), Month: g("month"), WithholdingDate: g("withholding_date"), Place: g("place_nitku")}
	n := 0
	for k := range v {
		if m := rowFieldName.FindStringSubmatch(k); m != nil {
			if i, err := strconv.Atoi(m[1]); err == nil && i < maxPayrollRows && i+1 > n {
				n = i + 1
			}
		}
	}
	for i := range n {
		p := fmt.Sprintf("rows[%d].", i)
		f.Rows = append(f.Rows, payrollRow{tin: g(p + "tin"), name: g(p + "name"), kind: g(p + "kind"), status: g(p + "status"),
			code: g(p + "object_code"), gross: g(p + "gross"), po: g(p + "position")})
	}
	return f
}

// period reads the year and month of the form.
func (f payrollForm) period() (int, int, []errs.FieldError) {
	var fields []errs.FieldError
	y, err := strconv.Atoi(f.Year)
	if err != nil || y < 2024 || y > 2100 {
		fields = append(fields, errs.Field("year", f.Year, "give the 4-digit tax year, 2024 or later"))
	}
	m, err := strconv.Atoi(f.Month)
	if err != nil || m < 1 || m > 12 {
		fields = append(fields, errs.Field("month", f.Month, "give the month, 1 to 12"))
	}
	return y, m, fields
}

// slipType is the slip a row makes: a permanent employee's month is on a
// BPMP, and December on the BPA1 of the year (PMK 168/2023 Pasal 13: the
// last period is computed on the year's income under Pasal 17);
// everyone else is on a BP21, or a BPMP for a code only it accepts.
func slipType(kind objectcode.RecipientKind, code string, month int, day time.Time) objectcode.SlipType {
	if kind == objectcode.PermanentEmployee {
		if month == 12 {
			return objectcode.BPA1
		}
		return objectcode.BPMP
	}
	if c, err := objectcode.Lookup(code, day); err == nil && !c.AcceptsSlip(objectcode.BP21) && c.AcceptsSlip(objectcode.BPMP) {
		return objectcode.BPMP
	}
	return objectcode.BP21
}

// input turns row i into the Service's Input, with the problems of what
// cannot be read (the gross).
func (r payrollRow) input(i, year, month int, withholding time.Time, place string) (ebupot.Input, []errs.FieldError) {
	var fields []errs.FieldError
	gross := decimalField(&fields, fmt.Sprintf("rows[%d].gross", i), r.gross, true)
	kind := objectcode.RecipientKind(r.kind)
	code := r.code
	if code == "" && kind == objectcode.PermanentEmployee {
		code = "21-100-01" // the code of permanent employees (PER-11/PJ/2025 Lampiran)
	}
	day := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	in := ebupot.Input{Type: slipType(kind, code, month, day), Year: year, Month: month, ObjectCode: code, Gross: money.Amount(gross),
		Recipient:       ebupot.Recipient{TIN: r.tin, Name: r.name, Kind: kind, Status: r.status, Position: r.po},
		WithholdingDate: withholding, PlaceNITKU: place}
	if in.Type == objectcode.BPA1 {
		in.MonthStart, in.MonthEnd = 1, 12
	}
	return in, fields
}

// cellOf maps a Service field name to the row's cell that shows it.
var cellOf = map[string]string{
	"recipient.tin": "tin", "recipient.name": "name", "recipient.kind": "kind", "recipient.status": "status",
	"recipient.position": "position", "object_code": "object_code", "gross": "gross",
}

var rowPrefix = regexp.MustCompile(`^rows\[\d+\]\.`)

// problems puts field errors of row i next to its cells, and the others
// on the row.
func (r *payrollRow) problems(i int, fields []errs.FieldError) []errs.FieldError {
	var out []errs.FieldError
	for _, f := range fields {
		name := rowPrefix.ReplaceAllString(f.Field, "")
		c, ok := cellOf[name]
		if !ok {
			msg := fieldLabel(name) + ": " + f.Message
			r.Error = strings.TrimSpace(r.Error + " " + msg)
			out = append(out, errs.FieldError{Field: fmt.Sprintf("rows[%d]", i), Message: fmt.Sprintf("row %d: %s", i+1, msg)})
			continue
		}
		r.cell(c).Error = strings.TrimSpace(r.cell(c).Error + " " + f.Message)
		out = append(out, errs.FieldError{Field: fmt.Sprintf("rows[%d].%s", i, c), Message: fmt.Sprintf("row %d %s: %s", i+1, fieldLabel(name), f.Message)})
	}
	return out
}

func (r *payrollRow) cell(name string) *cell {
	switch name {
	case "tin":
		return &r.TIN
	case "name":
		return &r.Name
	case "kind":
		return &r.Kind
	case "status":
		return &r.Status
	case "object_code":
		return &r.Code
	case "gross":
		return &r.Gross
	}
	return &r.Position
}

// cells numbers row i and fills its cells for the template, keeping the
// errors already set.
func (r *payrollRow) cells(i int, codes []optgroup) {
	p := fmt.Sprintf("rows[%d].", i)
	r.No, r.Anchor = i+1, fmt.Sprintf("rows[%d]", i)
	if r.Result != nil {
		r.Result.No = r.No
	}
	set := func(c *cell, name, label, value string, groups []optgroup) {
		c.Name, c.ID, c.Label, c.Value = p+name, fieldID(p+name), fmt.Sprintf("Row %d %s", i+1, label), value
		if groups != nil {
			c.Groups = markSelected(groups, value)
		}
	}
	kind := r.kind
	if kind == "" {
		kind = string(objectcode.PermanentEmployee)
	}
	set(&r.TIN, "tin", "NIK", r.tin, nil)
	set(&r.Name, "name", "name", r.name, nil)
	set(&r.Kind, "kind", "kind", kind, []optgroup{{Options: kindOptions()}})
	set(&r.Status, "status", "PTKP status", r.status, []optgroup{{Options: ptkpOptions()}})
	set(&r.Code, "object_code", "object code", r.code, codes)
	set(&r.Gross, "gross", "gross", r.gross, nil)
	set(&r.Position, "position", "position", r.po, nil)
}

func newRowResult(sl *ebupot.Slip) *rowResult {
	return &rowResult{Type: string(sl.Type), Gross: sl.Gross.Display(), Tax: sl.Tax.Display(), Withheld: sl.Withheld.Display(),
		DTP: sl.DTPTax.Display(), Credited: sl.Credited.Display(), Rate: sl.Rate.String(), Category: string(sl.Explanation.Category),
		Temporary: sl.Recipient.Temporary, RecipientName: sl.Recipient.Name, Explanation: newExplanation(sl.Explanation)}
}

// savedRow is a row stored as a draft by "Save as drafts".
type savedRow struct {
	No       int
	TIN, Tax string
	URL      string
}

// payrollPage is the payroll page.
type payrollPage struct {
	page
	NPWP                        string
	Form                        payrollForm
	Errors                      *formErrors
	Calculated                  bool
	December                    bool
	TotalGross, TotalTax        string
	Saved                       []savedRow
	BatchID                     int64
	Sign                        signForm
	Upload                      *payrollUpload
	UploadErrors                *formErrors
	ListURL, Action, PeriodName string
	// Keying says the caller may key in PPh 21/26 slips; Uploads lists
	// the bulk formats the caller may upload.
	Keying  bool
	Uploads string
	// UnifiedURL is the unified slip's form, when the caller may use it.
	UnifiedURL string
}

// signForm is the form that signs drafts with one passphrase.
type signForm struct {
	Refs   []string // ID:version of the drafts
	Errors *formErrors
	Batch  int64
}

// payrollEmptyRows is how many empty rows the form offers.
const payrollEmptyRows = 5

func (s *server) renderPayroll(w http.ResponseWriter, r *http.Request, status int, p payrollPage, emptyRows int) error {
	npwp := r.PathValue("npwp")
	p.NPWP, p.ListURL, p.Action = npwp, ebupotURL(npwp), ebupotURL(npwp)+"/payroll"
	acc, err := s.ebupotAccess(r)
	if err != nil {
		return err
	}
	p.Keying = acc.Draft2126
	var formats []string
	if acc.Draft2126 {
		formats = append(formats, "MmPayrollBulk (BPMP), Bp21Bulk (BP21), BP26Bulk (BP26), A1Bulk (BPA1), A2Bulk (BPA2)")
	}
	if acc.DraftUnified {
		formats = append(formats, "BpuBulk (BPPU), BPNRBulk (BPNR)")
		p.UnifiedURL = unifiedURL(npwp)
	}
	p.Uploads = strings.Join(formats, ", ")
	y, m, _ := p.Form.period()
	if m < 1 || m > 12 || y < 2024 {
		t := s.ebupotToday()
		y, m = t.Year(), int(t.Month())
	}
	p.December = m == 12
	p.PeriodName = fmt.Sprintf("%d-%02d", y, m)
	for range emptyRows {
		if len(p.Form.Rows) >= maxPayrollRows {
			break
		}
		p.Form.Rows = append(p.Form.Rows, payrollRow{})
	}
	codes := codeGroups(m, time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC))
	for i := range p.Form.Rows {
		p.Form.Rows[i].cells(i, codes)
	}
	p.page = s.newPage(w, r, "Payroll "+p.PeriodName, "")
	s.render(w, r, status, "ebupot_payroll", p)
	return nil
}

// payrollForm handles GET /taxpayers/{npwp}/ebupot/payroll?year=&month=.
func (s *server) payrollPage(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	today := svc.Today()
	f := payrollForm{Year: q.Get("year"), Month: q.Get("month")}
	if f.Year == "" {
		f.Year = strconv.Itoa(today.Year())
	}
	if f.Month == "" {
		f.Month = strconv.Itoa(int(today.Month()))
	}
	status := http.StatusOK
	var fe *formErrors
	y, m, fields := f.period()
	if len(fields) > 0 {
		fe, status = errorsOf(errs.InvalidFields("the period cannot be read", fields...)), http.StatusUnprocessableEntity
	} else {
		f.WithholdingDate = date(lastDay(y, m))
	}
	return s.renderPayroll(w, r, status, payrollPage{Form: f, Errors: fe}, payrollEmptyRows)
}

// lastDay is the last day of a month, the default withholding date of
// its payroll.
func lastDay(y, m int) time.Time {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)
}

// payroll handles POST /taxpayers/{npwp}/ebupot/payroll: "add_rows"
// re-renders the form with more rows; "calculate" computes every row
// without storing; "save" stores the good rows as drafts of one batch and
// shows the bad rows with their problems.
func (s *server) payroll(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	p := payrollPage{Form: payrollFormFrom(r.PostForm)}
	action := r.PostForm.Get("action")
	if action == "add_rows" {
		return s.renderPayroll(w, r, http.StatusOK, p, payrollEmptyRows)
	}
	p.Form.Rows = slices.DeleteFunc(p.Form.Rows, payrollRow.blank)
	y, m, fields := p.Form.period()
	var withholding time.Time
	if p.Form.WithholdingDate == "" {
		fields = append(fields, errs.Field("withholding_date", "", "is required; write the day the tax is withheld, YYYY-MM-DD"))
	} else if withholding, err = time.Parse(time.DateOnly, p.Form.WithholdingDate); err != nil {
		fields = append(fields, errs.Field("withholding_date", p.Form.WithholdingDate, "is not a date; write YYYY-MM-DD"))
	}
	if len(p.Form.Rows) == 0 {
		fields = append(fields, errs.Field("rows", "", "fill in at least one row: the recipient's NIK and the gross"))
	}
	if len(fields) > 0 {
		p.Errors = errorsOf(errs.InvalidFields("the payroll cannot be read", fields...))
		return s.renderPayroll(w, r, http.StatusUnprocessableEntity, p, 1)
	}
	place := strings.TrimSpace(p.Form.Place)
	ins := make([]ebupot.Input, len(p.Form.Rows))
	unreadable := make([]bool, len(p.Form.Rows))
	var order []errs.FieldError
	annual, err := svc.AnnualType(r.Context(), r.PathValue("npwp"))
	if err != nil {
		return err
	}
	for i := range p.Form.Rows {
		in, fs := p.Form.Rows[i].input(i, y, m, withholding, place)
		if in.Type == objectcode.BPA1 {
			// A government institution's year-end slip is the BPA2.
			in.Type = annual
		}
		ins[i], unreadable[i] = in, len(fs) > 0
		order = append(order, p.Form.Rows[i].problems(i, fs)...)
	}
	switch action {
	case "save":
		return s.savePayroll(w, r, svc, p, ins, unreadable, order)
	case "calculate":
	default:
		return errs.InvalidFields("the form's button is unknown", errs.Field("action", action, "use calculate, save or add_rows"))
	}
	var gross, tax money.Amount
	for i := range p.Form.Rows {
		row := &p.Form.Rows[i]
		if unreadable[i] {
			continue
		}
		sl, err := svc.Calculate(ctx, npwp, ins[i])
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				return err
			}
			order = append(order, row.problems(i, errs.FieldsOf(err))...)
			continue
		}
		row.Result = newRowResult(&sl)
		gross += sl.Gross
		tax += sl.Tax
	}
	p.Calculated, p.TotalGross, p.TotalTax = true, gross.Display(), tax.Display()
	status := http.StatusOK
	if len(order) > 0 {
		p.Errors = &formErrors{Message: fmt.Sprintf("%d problem(s) in the payroll; nothing was saved", len(order)), Fields: map[string]string{}, Order: order}
		status = http.StatusUnprocessableEntity
	}
	return s.renderPayroll(w, r, status, p, 0)
}

// savePayroll stores the readable rows as one batch: when every row is
// saved it redirects to the batch's drafts to sign them; otherwise it
// shows the saved rows, keeps the rejected rows in the form with their
// problems, and offers to sign what was saved.
func (s *server) savePayroll(w http.ResponseWriter, r *http.Request, svc *ebupot.Service, p payrollPage, ins []ebupot.Input, unreadable []bool, order []errs.FieldError) error {
	if s.ebupotBatches == nil {
		return errs.E(errs.Unavailable, "payroll batches are not served by this server")
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	var send []ebupot.Input
	var rowOf []int // the form row of each sent input
	for i, in := range ins {
		if !unreadable[i] {
			send = append(send, in)
			rowOf = append(rowOf, i)
		}
	}
	keep := map[int]bool{}
	for i := range unreadable {
		keep[i] = unreadable[i]
	}
	if len(send) > 0 {
		b, err := svc.CreateBatch(ctx, npwp, "payroll page "+p.Form.Year+"-"+p.Form.Month, send, s.ebupotBatches)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				return err
			}
			p.Errors = errorsOf(err)
			return s.renderPayroll(w, r, http.StatusUnprocessableEntity, p, 0)
		}
		if b.Rejected == 0 && len(order) == 0 {
			return seeOther(w, r, ebupotURL(npwp)+"?batch="+strconv.FormatInt(b.ID, 10)+"&done=saved")
		}
		p.BatchID = b.ID
		for k, res := range b.Rows {
			if k >= len(rowOf) {
				break
			}
			i := rowOf[k]
			row := &p.Form.Rows[i]
			if len(res.Problems) > 0 {
				keep[i] = true
				order = append(order, row.problems(i, res.Problems)...)
				continue
			}
			p.Saved = append(p.Saved, savedRow{No: i + 1, TIN: row.tin, Tax: res.Tax.Display(), URL: slipURL(npwp, res.SlipID)})
		}
		if b.Created > 0 {
			drafts, err := svc.List(ctx, npwp, ebupot.Filter{BatchID: b.ID, Status: ebupot.Draft, Limit: ebupot.MaxLimit})
			if err != nil {
				return err
			}
			for _, d := range drafts {
				p.Sign.Refs = append(p.Sign.Refs, fmt.Sprintf("%d:%d", d.ID, d.Version))
			}
			p.Sign.Batch = b.ID
		}
	}
	// The rejected rows stay in the form, renumbered; their problems
	// follow them.
	var rows []payrollRow
	var moved []errs.FieldError
	for i, row := range p.Form.Rows {
		if !keep[i] {
			continue
		}
		j := len(rows)
		fresh := payrollRow{tin: row.tin, name: row.name, kind: row.kind, status: row.status, code: row.code, gross: row.gross, po: row.po}
		for _, c := range []string{"tin", "name", "kind", "status", "object_code", "gross", "position"} {
			fresh.cell(c).Error = row.cell(c).Error
		}
		fresh.Error = row.Error
		for _, f := range order {
			if f.Field == fmt.Sprintf("rows[%d]", i) || strings.HasPrefix(f.Field, fmt.Sprintf("rows[%d].", i)) {
				f.Field = fmt.Sprintf("rows[%d]", j) + strings.TrimPrefix(f.Field, fmt.Sprintf("rows[%d]", i))
				moved = append(moved, f)
			}
		}
		rows = append(rows, fresh)
	}
	p.Form.Rows = rows
	p.Errors = &formErrors{Message: fmt.Sprintf("%d row(s) saved as drafts, %d row(s) rejected: correct the rejected rows below and save them again", len(p.Saved), len(rows)),
		Fields: map[string]string{}, Order: moved}
	return s.renderPayroll(w, r, http.StatusUnprocessableEntity, p, 0)
}

// Signing drafts.

var signRefName = regexp.MustCompile(`^slips\[(\d+)\]$`)

// signSlips handles POST /taxpayers/{npwp}/ebupot/sign: the checked
// drafts ("slips": ID:version) signed with one passphrase entry, all or
// none. "batch" keeps the list on the batch the drafts came from.
func (s *server) signSlips(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	q := url.Values{}
	if b := strings.TrimSpace(r.PostForm.Get("batch")); b != "" {
		q.Set("batch", b)
	}
	st := slipListState{checked: map[int64]bool{}, rowErrors: map[int64]string{}}
	var refs []ebupot.Ref
	for _, v := range r.PostForm["slips"] {
		id, ver, _ := strings.Cut(v, ":")
		n, err1 := strconv.ParseInt(id, 10, 64)
		vn, err2 := strconv.Atoi(ver)
		if err1 != nil || err2 != nil {
			return errs.InvalidFields("the selection cannot be read", errs.Field("slips", v, "is not ID:version; reload the list and select again"))
		}
		refs = append(refs, ebupot.Ref{ID: n, Version: vn})
		st.checked[n] = true
	}
	if len(refs) == 0 {
		st.sign = errorsOf(errs.InvalidFields("select the drafts to sign", errs.Field("slips", "", "select at least one draft")))
		return s.renderSlipList(w, r, http.StatusUnprocessableEntity, q, st)
	}
	done, err := svc.Sign(r.Context(), npwp, refs, r.PostForm.Get("passphrase"))
	if err != nil {
		if fe, status, ok := signingRefusal(err); ok {
			st.sign = fe
			return s.renderSlipList(w, r, status, q, st)
		}
		switch errs.KindOf(err) {
		case errs.Invalid:
			fe := errorsOf(err)
			st.sign = &formErrors{Message: fe.Message, Fields: map[string]string{}}
			for _, f := range errs.FieldsOf(err) {
				m := signRefName.FindStringSubmatch(f.Field)
				i, _ := strconv.Atoi(m[min(len(m)-1, 1)])
				if m == nil || i >= len(refs) {
					st.sign.Fields[f.Field] = f.Message
					st.sign.Order = append(st.sign.Order, f)
					continue
				}
				id := refs[i].ID
				st.rowErrors[id] = strings.TrimSpace(st.rowErrors[id] + " " + f.Message)
				st.sign.Order = append(st.sign.Order, errs.FieldError{Field: fmt.Sprintf("slip-%d", id), Message: fmt.Sprintf("draft %d: %s", id, f.Message)})
			}
			return s.renderSlipList(w, r, http.StatusUnprocessableEntity, q, st)
		case errs.Conflict:
			st.err = errs.Message(err)
			return s.renderSlipList(w, r, http.StatusConflict, q, st)
		}
		return err
	}
	if len(done) == 1 {
		return seeOther(w, r, slipURL(npwp, done[0].ID)+"?done=signed")
	}
	q.Set("done", "signed")
	return seeOther(w, r, ebupotURL(npwp)+"?"+q.Encode())
}

// The slip list.

// slipFilter is the list's filter as typed.
type slipFilter struct {
	Type, Status, Year, Month, Recipient, Code, Number, Batch string
}

func (sf slipFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"type": sf.Type, "status": sf.Status, "year": sf.Year, "month": sf.Month,
		"recipient": sf.Recipient, "object_code": sf.Code, "number": sf.Number, "batch": sf.Batch} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

func (sf slipFilter) any() bool {
	return sf != slipFilter{}
}

// slipFilterFrom reads the list's filter from the query.
func slipFilterFrom(q url.Values) (ebupot.Filter, slipFilter, []errs.FieldError) {
	g := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	sf := slipFilter{Type: strings.ToUpper(g("type")), Status: g("status"), Year: g("year"), Month: g("month"), Recipient: g("recipient"),
		Code: g("object_code"), Number: g("number"), Batch: g("batch")}
	f := ebupot.Filter{Type: objectcode.SlipType(sf.Type), Status: ebupot.Status(sf.Status), RecipientTIN: sf.Recipient,
		ObjectCode: objectcode.Normalize(sf.Code), Number: sf.Number}
	var fields []errs.FieldError
	num := func(name, v, msg string, lo, hi int64) int64 {
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			fields = append(fields, errs.Field(name, v, "%s", msg))
		}
		return n
	}
	f.Year = int(num("year", sf.Year, "give the 4-digit tax year, e.g. 2026", 2000, 2100))
	f.Month = int(num("month", sf.Month, "give the month, 1 to 12", 1, 12))
	f.BatchID = num("batch", sf.Batch, "is not a batch number; follow the link of the payroll page", 1, 1<<62)
	f.After = num("after", g("after"), "is not a slip ID; follow the \"next page\" link", 1, 1<<62)
	return f, sf, fields
}

// slipRow is one slip of a list.
type slipRow struct {
	slipView
	URL     string
	Checked bool
	Error   string
}

// slipListPage is the withholder's slip list, or the slips received.
type slipListPage struct {
	page
	NPWP                     string
	Received                 bool
	Flash, Error             string
	Filter                   slipFilter
	FilterErrors             *formErrors
	Rows                     []slipRow
	First, Next              string
	Exports                  []exportLink
	ExportNote               string
	TypeChoices, StatusList  []optgroup
	Sign                     *formErrors
	Drafts                   bool
	PayrollURL, ReceivedURL  string
	UnifiedURL               string
	KeyPayroll               bool
	ListURL, ObjectCodesURL  string
	BatchNote                string
	FilterOpen, SignSelected bool
}

// slipListState carries a rejected signing of the list page.
type slipListState struct {
	sign      *formErrors
	rowErrors map[int64]string
	checked   map[int64]bool
	err       string
}

var (
	slipTypeChoices = choices("Any type", "BPMP", "BPMP (monthly, permanent employees)", "BP21", "BP21 (other PPh 21)",
		"BP26", "BP26 (PPh 26, non-residents)", "BPA1", "BPA1 (year-end, employees)", "BPA2", "BPA2 (year-end, government employees)",
		"BPPU", "BPPU (unified, residents)", "BPNR", "BPNR (unified, non-residents)")
	unifiedListChoices = choices("Any unified type", "BPPU", "BPPU (unified, residents)", "BPNR", "BPNR (unified, non-residents)")
	slipStatusChoices  = choices("Any status", "draft", "draft", "signed", "signed", "corrected", "corrected", "cancelled", "cancelled")
	receivedStatuses   = choices("Any status", "signed", "signed", "corrected", "corrected", "cancelled", "cancelled")
)

// ebupotList handles GET /taxpayers/{npwp}/ebupot.
func (s *server) ebupotList(w http.ResponseWriter, r *http.Request) error {
	return s.renderSlipList(w, r, http.StatusOK, r.URL.Query(), slipListState{})
}

// ebupotReceived handles GET /taxpayers/{npwp}/ebupot/received: the
// slips withholders published to this taxpayer.
func (s *server) ebupotReceived(w http.ResponseWriter, r *http.Request) error {
	return s.renderSlips(w, r, http.StatusOK, r.URL.Query(), slipListState{}, true)
}

func (s *server) renderSlipList(w http.ResponseWriter, r *http.Request, status int, q url.Values, st slipListState) error {
	return s.renderSlips(w, r, status, q, st, false)
}

func (s *server) renderSlips(w http.ResponseWriter, r *http.Request, status int, q url.Values, st slipListState, received bool) error {
	svc, err := s.ebupotService()
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	f, sf, fields := slipFilterFrom(q)
	p := slipListPage{NPWP: npwp, Received: received, Filter: sf, Sign: st.sign, Error: st.err, TypeChoices: slipTypeChoices,
		StatusList: slipStatusChoices, PayrollURL: ebupotURL(npwp) + "/payroll", ReceivedURL: ebupotURL(npwp) + "/received", UnifiedURL: unifiedURL(npwp),
		ListURL: ebupotURL(npwp), ObjectCodesURL: "/objectcodes"}
	base := ebupotURL(npwp)
	list := svc.List
	title := "Withholding slips (e-Bupot)"
	if received {
		list, base, title, p.StatusList = svc.Received, base+"/received", "Slips received", receivedStatuses
	}
	if r.Method == http.MethodGet {
		p.Flash = ebupotFlashes[q.Get("done")]
	}
	var rows []ebupot.Slip
	if len(fields) == 0 {
		rows, err = list(ctx, npwp, f)
	} else {
		// The filter cannot be read: the caller must still be allowed to
		// see the list before being told so.
		_, err = list(ctx, npwp, ebupot.Filter{Limit: 1})
		if err == nil {
			err = errs.InvalidFields("the filter cannot be read", fields...)
		}
	}
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.FilterErrors, status = errorsOf(err), http.StatusUnprocessableEntity
		rows = nil
	}
	// Offer only the pages the caller can use: the payroll page keys in
	// PPh 21/26 slips and uploads the bulk files of the families the
	// caller drafts, the unified form needs the unified drafter role.
	acc, err := s.ebupotAccess(r)
	if err != nil && !errs.Is(errs.Forbidden, err) {
		return err
	}
	if !acc.Draft2126 && !acc.DraftUnified {
		p.PayrollURL = ""
	}
	if !acc.DraftUnified {
		p.UnifiedURL = ""
	}
	p.KeyPayroll = acc.Draft2126
	if !received && !acc.Read2126 {
		p.TypeChoices = unifiedListChoices
	}
	for i := range rows {
		sl := &rows[i]
		row := slipRow{slipView: newSlipView(sl), URL: slipURL(npwp, sl.ID), Checked: st.checked[sl.ID], Error: st.rowErrors[sl.ID]}
		if sl.Status == ebupot.Draft {
			p.Drafts = true
			if f.BatchID != 0 && st.checked == nil {
				row.Checked = true // the drafts of a batch are signed together
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if f.BatchID != 0 {
		p.BatchNote = fmt.Sprintf("The slips of payroll batch %d.", f.BatchID)
	}
	query := sf.query()
	if len(rows) == ebupot.DefaultLimit {
		nq := sf.query()
		nq.Set("after", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		p.Next = base + "?" + nq.Encode()
	}
	if f.After != 0 {
		p.First = base
		if e := query.Encode(); e != "" {
			p.First += "?" + e
		}
	}
	p.FilterOpen = p.FilterErrors != nil || (sf.any() && sf.Batch == "")
	if !received {
		for _, e := range []struct{ label, format string }{{"XML (Coretax bulk)", "xml"}, {"CSV", "csv"}, {"JSON", "json"}} {
			if e.format == "xml" && sf.Type == "" {
				p.ExportNote = "Choose a slip type to export the Coretax XML of that type."
				continue // each Coretax bulk format holds one slip type
			}
			eq := sf.query()
			eq.Del("batch")
			eq.Set("format", e.format)
			p.Exports = append(p.Exports, exportLink{e.label, ebupotAPIURL(npwp) + "/export?" + eq.Encode()})
		}
	}
	p.page = s.newPage(w, r, title, "")
	s.render(w, r, status, "ebupot_list", p)
	return nil
}

// The detail page.

// slipPage is a slip's detail with the forms of what may be done to it.
type slipPage struct {
	page
	NPWP                       string
	S                          slipView
	Withholder                 bool
	Flash, Error               string
	Sign, Cancel, Correct      *formErrors
	CancelReason               string
	Form                       correctForm
	KindChoices, PTKPChoices   []optgroup
	CodeChoices, FacilityList  []optgroup
	ListURL, BaseURL, Verify   string
	ReplacesURL, ReplacedByURL string
	BatchURL                   string
	// MayDraft and MaySign say whether the caller holds the drafter and
	// signer roles of the slip's family: the forms are offered only then.
	MayDraft, MaySign bool
}

// correctForm is a correction as typed, prefilled with the slip.
type correctForm struct {
	TIN, Name, Kind, Status, Position, Country string
	Code, Facility, FacilityRef, Gross         string
	TreatyRate, WithholdingDate                string
	MonthStart, MonthEnd                       string
	// Qualifying is "true" when the qualifying-shareholding box is ticked.
	Qualifying string
	BP26, BPA1 bool
}

func correctFormOf(sl *ebupot.Slip) correctForm {
	f := correctForm{TIN: sl.Recipient.TIN, Name: sl.Recipient.Name, Kind: string(sl.Recipient.Kind), Status: sl.Recipient.Status,
		Position: sl.Recipient.Position, Country: sl.Recipient.Country, Code: sl.ObjectCode, Facility: string(sl.Facility),
		FacilityRef: sl.FacilityRef, Gross: hundredths(int64(sl.Gross)), WithholdingDate: date(sl.WithholdingDate),
		BP26: sl.Type == objectcode.BP26 || sl.Type == objectcode.BPNR, BPA1: ebupot.Annual(sl.Type)}
	if sl.Recipient.Temporary {
		f.Name = ""
	}
	if f.BPA1 {
		// The BPA1 is assembled again from the signed BPMPs: the form
		// carries the last month's gross, which is the year's gross less
		// theirs; MonthStart and MonthEnd are kept.
		f.MonthStart, f.MonthEnd = strconv.Itoa(sl.MonthStart), strconv.Itoa(sl.MonthEnd)
		f.Gross = ""
	}
	if sl.Facility == ebupot.COD {
		f.TreatyRate = hundredths(int64(sl.Rate))
	}
	if sl.QualifyingShareholding {
		f.Qualifying = "true"
	}
	return f
}

func correctFormFrom(v url.Values, sl *ebupot.Slip) correctForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return correctForm{TIN: g("recipient.tin"), Name: g("recipient.name"), Kind: g("recipient.kind"), Status: g("recipient.status"),
		Position: g("recipient.position"), Country: g("recipient.country"), Code: g("object_code"), Facility: g("facility"),
		FacilityRef: g("facility_ref"), Gross: g("gross"), TreatyRate: g("treaty_rate"), WithholdingDate: g("withholding_date"),
		MonthStart: g("month_start"), MonthEnd: g("month_end"), Qualifying: g("qualifying_shareholding"), BP26: sl.Type == objectcode.BP26 || sl.Type == objectcode.BPNR, BPA1: ebupot.Annual(sl.Type)}
}

// input turns the correction into the Service's Input for slip sl.
func (f correctForm) input(sl *ebupot.Slip) (ebupot.Input, []errs.FieldError) {
	var fields []errs.FieldError
	in := ebupot.Input{Type: sl.Type, Year: sl.Period.Year, Month: sl.Period.Month, ObjectCode: f.Code, Facility: ebupot.Facility(f.Facility),
		FacilityRef: f.FacilityRef, Recipient: ebupot.Recipient{TIN: f.TIN, Name: f.Name, Kind: objectcode.RecipientKind(f.Kind),
			Status: f.Status, Position: f.Position, Country: f.Country},
		Gross:    money.Amount(decimalField(&fields, "gross", f.Gross, true)),
		Document: sl.Document, DocumentNumber: sl.DocumentNumber, DocumentDate: sl.DocumentDate, PlaceNITKU: sl.PlaceNITKU,
		Treasurer: sl.Treasurer, SP2D: sl.SP2D, QualifyingShareholding: f.Qualifying == "true"}
	keepRecipient(&in, sl)
	if f.TreatyRate != "" {
		in.TreatyRate = pph21.Rate(decimalField(&fields, "treaty_rate", f.TreatyRate, false))
	}
	if f.WithholdingDate != "" {
		d, err := time.Parse(time.DateOnly, f.WithholdingDate)
		if err != nil {
			fields = append(fields, errs.Field("withholding_date", f.WithholdingDate, "is not a date; write YYYY-MM-DD"))
		}
		in.WithholdingDate = d
	}
	if ebupot.Annual(sl.Type) {
		for _, m := range []struct {
			name, v string
			to      *int
		}{{"month_start", f.MonthStart, &in.MonthStart}, {"month_end", f.MonthEnd, &in.MonthEnd}} {
			n, err := strconv.Atoi(m.v)
			if err != nil || n < 1 || n > 12 {
				fields = append(fields, errs.Field(m.name, m.v, "give a month, 1 to 12"))
			}
			*m.to = n
		}
		in.Month = in.MonthEnd
	}
	return in, fields
}

// slipForms are the typed values of the detail's forms after a rejection.
type slipForms struct {
	sign, cancel, correct *formErrors
	reason                string
	form                  *correctForm
	err                   string
}

// slipDetail handles GET /taxpayers/{npwp}/ebupot/slips/{id}.
func (s *server) slipDetail(w http.ResponseWriter, r *http.Request) error {
	return s.renderSlip(w, r, http.StatusOK, slipForms{})
}

func (s *server) renderSlip(w http.ResponseWriter, r *http.Request, status int, forms slipForms) error {
	svc, err := s.ebupotService()
	if err != nil {
		return err
	}
	id, err := formID(r, "slip")
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	sl, err := svc.Slip(ctx, npwp, id)
	if err != nil {
		return err
	}
	base := slipURL(npwp, sl.ID)
	p := slipPage{NPWP: npwp, S: newSlipView(&sl), Withholder: sl.WithholderNPWP == canonicalNPWP(npwp), Error: forms.err,
		Sign: forms.sign, Cancel: forms.cancel, Correct: forms.correct, CancelReason: forms.reason, BaseURL: base,
		ListURL: ebupotURL(npwp), KindChoices: []optgroup{{Options: append([]option{{Value: "", Label: "Choose the kind"}}, kindOptionsAll()...)}},
		PTKPChoices: []optgroup{{Options: ptkpOptions()}}, FacilityList: facilityChoicesFor(sl.Type)}
	if !p.Withholder {
		p.ListURL = ebupotURL(npwp) + "/received"
	} else {
		acc, err := s.ebupotAccess(r)
		if err != nil {
			return err
		}
		p.MayDraft, p.MaySign = acc.Draft2126, acc.Sign2126
		if ebupot.Unified(sl.Type) {
			p.MayDraft, p.MaySign = acc.DraftUnified, acc.SignUnified
		}
	}
	if r.Method == http.MethodGet {
		p.Flash = ebupotFlashes[r.URL.Query().Get("done")]
	}
	if sl.PublicID != "" {
		p.Verify = "/verify/" + url.PathEscape(sl.PublicID)
	}
	if p.Withholder {
		if sl.Replaces != 0 {
			p.ReplacesURL = slipURL(npwp, sl.Replaces)
		}
		if sl.ReplacedBy != 0 {
			p.ReplacedByURL = slipURL(npwp, sl.ReplacedBy)
		}
		if sl.BatchID != 0 {
			p.BatchURL = ebupotURL(npwp) + "?batch=" + strconv.FormatInt(sl.BatchID, 10)
		}
	}
	if sl.Status == ebupot.Signed && p.Withholder {
		if forms.form != nil {
			p.Form = *forms.form
		} else {
			p.Form = correctFormOf(&sl)
		}
		var gs []optgroup
		for _, c := range objectcode.ForSlip(sl.Type, sl.Period.First()) {
			gs = append(gs, optgroup{Options: []option{{Value: c.Code, Label: c.Code + " " + c.Name}}})
		}
		p.CodeChoices = []optgroup{{Options: []option{{Value: "", Label: "Choose the object code"}}}}
		for _, g := range gs {
			p.CodeChoices[0].Options = append(p.CodeChoices[0].Options, g.Options...)
		}
	}
	title := fmt.Sprintf("%s draft %d", sl.Type, sl.ID)
	if sl.Number != "" {
		title = fmt.Sprintf("%s %s", sl.Type, sl.Number)
		if sl.Revision > 0 {
			title += fmt.Sprintf(" revision %d", sl.Revision)
		}
	}
	p.page = s.newPage(w, r, title, "")
	s.render(w, r, status, "ebupot_slip", p)
	return nil
}

// kindOptionsAll lists every recipient kind, for the correction of any
// slip.
func kindOptionsAll() []option {
	var out []option
	for _, k := range objectcode.RecipientKinds {
		out = append(out, option{Value: string(k), Label: string(k)})
	}
	return out
}

// slipRejected re-renders the detail with a form's errors (422, 409, or
// the signing refusal's status) and passes any other error on.
func (s *server) slipRejected(w http.ResponseWriter, r *http.Request, err error, forms slipForms, set func(*slipForms, *formErrors)) error {
	if fe, status, ok := signingRefusal(err); ok {
		set(&forms, fe)
		return s.renderSlip(w, r, status, forms)
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		set(&forms, errorsOf(err))
		return s.renderSlip(w, r, http.StatusUnprocessableEntity, forms)
	case errs.Conflict:
		forms.err = errs.Message(err)
		return s.renderSlip(w, r, http.StatusConflict, forms)
	}
	return err
}

// slipAction reads the {id} of a slip form and the version the form was
// rendered with, after the guard.
func (s *server) slipAction(r *http.Request) (*ebupot.Service, int64, int, error) {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return nil, 0, 0, err
	}
	id, err := formID(r, "slip")
	if err != nil {
		return nil, 0, 0, err
	}
	v, err := formVersion(r)
	return svc, id, v, err
}

// deleteSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/delete.
func (s *server) deleteSlip(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.slipAction(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if err := svc.DeleteDraft(r.Context(), npwp, id, version); err != nil {
		return s.slipRejected(w, r, err, slipForms{}, func(f *slipForms, fe *formErrors) { f.sign = fe })
	}
	return seeOther(w, r, ebupotURL(npwp)+"?done=deleted")
}

// signSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/sign.
func (s *server) signSlip(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.slipAction(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	if _, err := svc.Sign(r.Context(), npwp, []ebupot.Ref{{ID: id, Version: version}}, r.PostForm.Get("passphrase")); err != nil {
		if _, _, signing := signingRefusal(err); !signing && errs.KindOf(err) == errs.Invalid {
			// The draft's own problem, named slips[0]: shown on the form.
			var fields []errs.FieldError
			for _, f := range errs.FieldsOf(err) {
				if signRefName.MatchString(f.Field) {
					f.Field = "slips"
				}
				fields = append(fields, f)
			}
			err = errs.InvalidFields(errs.Message(err), fields...)
		}
		return s.slipRejected(w, r, err, slipForms{}, func(f *slipForms, fe *formErrors) { f.sign = fe })
	}
	return seeOther(w, r, slipURL(npwp, id)+"?done=signed")
}

// cancelSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/cancel.
func (s *server) cancelSlip(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.slipAction(r)
	if err != nil {
		return err
	}
	npwp := r.PathValue("npwp")
	reason := r.PostForm.Get("reason")
	if _, err := svc.Cancel(r.Context(), npwp, id, version, reason); err != nil {
		return s.slipRejected(w, r, err, slipForms{reason: reason}, func(f *slipForms, fe *formErrors) { f.cancel = fe })
	}
	return seeOther(w, r, slipURL(npwp, id)+"?done=cancelled")
}

// correctSlip handles POST /taxpayers/{npwp}/ebupot/slips/{id}/correct:
// the next revision, computed from the form and signed with its
// passphrase.
func (s *server) correctSlip(w http.ResponseWriter, r *http.Request) error {
	svc, id, version, err := s.slipAction(r)
	if err != nil {
		return err
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	old, err := svc.Slip(ctx, npwp, id)
	if err != nil {
		return err
	}
	form := correctFormFrom(r.PostForm, &old)
	in, fields := form.input(&old)
	set := func(f *slipForms, fe *formErrors) { f.correct = fe }
	forms := slipForms{form: &form}
	if len(fields) > 0 {
		return s.slipRejected(w, r, errs.InvalidFields(fmt.Sprintf("the correction has %d problem(s)", len(fields)), fields...), forms, set)
	}
	repl, err := svc.Correct(ctx, npwp, id, version, in, r.PostForm.Get("passphrase"))
	if err != nil {
		return s.slipRejected(w, r, err, forms, set)
	}
	return seeOther(w, r, slipURL(npwp, repl.ID)+"?done=corrected")
}

// The object-code browser.

// codeView is one tax object code for the browser.
type codeView struct {
	Code, Name, Slips, Recipients, Basis, Rate, Deemed, KAPKJS string
	Final                                                      bool
	ValidFrom, ValidUntil, Source                              string
	Replacement                                                []string
}

func newCodeView(c objectcode.Code) codeView {
	v := codeView{Code: c.Code, Name: c.Name, Basis: string(c.Basis), Rate: c.Rate.String(), KAPKJS: c.KAPKJS(), Final: c.Final,
		ValidFrom: date(c.ValidFrom), ValidUntil: date(c.ValidUntil), Source: c.Source, Replacement: c.Replacement}
	var slips, kinds []string
	for _, t := range c.Slips {
		slips = append(slips, string(t))
	}
	for _, k := range c.Recipients {
		kinds = append(kinds, string(k))
	}
	v.Slips, v.Recipients = strings.Join(slips, ", "), strings.Join(kinds, ", ")
	if c.DeemedPercent != 0 {
		v.Deemed = c.DeemedPercent.String() + "%"
	}
	if v.Rate != "" {
		v.Rate += "%"
	}
	return v
}

// objectCodesPage is the object-code browser.
type objectCodesPage struct {
	page
	Q, Slip, On   string
	Errors        *formErrors
	SlipChoices   []optgroup
	Codes         []codeView
	Retired       []codeView
	Count         int
	Searched      bool
	RetiredTotal  int
	DayShown      string
	CodesAPI      string
	PayrollPrompt bool
}

// objectCodes handles GET /objectcodes?q=&slip=&on=: the tax object
// codes in force on a day (today by default), searched by code or by the
// words of their name, optionally for one slip type; codes retired by
// that day that match are listed apart with their replacements.
func (s *server) objectCodes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := objectCodesPage{Q: strings.TrimSpace(q.Get("q")), Slip: strings.ToUpper(strings.TrimSpace(q.Get("slip"))), On: strings.TrimSpace(q.Get("on"))}
	g := optgroup{Options: []option{{Value: "", Label: "Any slip type"}}}
	for _, t := range objectcode.SlipTypes {
		g.Options = append(g.Options, option{Value: string(t), Label: string(t)})
	}
	p.SlipChoices = []optgroup{g}
	day := s.ebupotToday()
	var fields []errs.FieldError
	if p.On != "" {
		d, err := time.Parse(time.DateOnly, p.On)
		if err != nil {
			fields = append(fields, errs.Field("on", p.On, "is not a date; write YYYY-MM-DD"))
		} else {
			day = d
		}
	}
	var slip objectcode.SlipType
	if p.Slip != "" {
		t, err := objectcode.ParseSlipType(p.Slip)
		if err != nil {
			fields = append(fields, errs.Field("slip", p.Slip, "%s", err))
		}
		slip = t
	}
	p.DayShown = date(day)
	status := http.StatusOK
	if len(fields) > 0 {
		p.Errors, status = errorsOf(errs.InvalidFields("the search cannot be read", fields...)), http.StatusUnprocessableEntity
	} else {
		for _, c := range objectcode.Search(p.Q, day) {
			if slip == "" || c.AcceptsSlip(slip) {
				p.Codes = append(p.Codes, newCodeView(c))
			}
		}
		p.Retired = retiredCodes(p.Q, slip, day)
		p.Searched = p.Q != "" || slip != ""
	}
	p.Count = len(p.Codes)
	p.page = s.newPage(w, r, "Tax object codes", "objectcodes")
	s.render(w, r, status, "ebupot_objectcodes", p)
	return nil
}

// retiredCodes returns the codes retired before day that match q as
// objectcode.Search matches them on their last day in force.
func retiredCodes(q string, slip objectcode.SlipType, day time.Time) []codeView {
	lastDays := map[time.Time]bool{}
	for _, c := range objectcode.All() {
		if !c.ValidUntil.IsZero() && c.ValidUntil.Before(day) {
			lastDays[c.ValidUntil] = true
		}
	}
	days := make([]time.Time, 0, len(lastDays))
	for d := range lastDays {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	var out []codeView
	for _, d := range days {
		for _, c := range objectcode.Search(q, d) {
			if c.ValidUntil.Equal(d) && (slip == "" || c.AcceptsSlip(slip)) {
				out = append(out, newCodeView(c))
			}
		}
	}
	slices.SortFunc(out, func(a, b codeView) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// payrollUpload is the outcome of a bulk file upload with rejected rows.
type payrollUpload struct {
	Created, Rejected int
	Rows              []rejectedRow
}

// rejectedRow is a rejected row of an uploaded file.
type rejectedRow struct {
	Row      int
	Problems []string
}

// uploadPayroll handles POST /taxpayers/{npwp}/ebupot/payroll/upload: a
// Coretax bulk file (MmPayrollBulk, Bp21Bulk, BP26Bulk, A1Bulk, A2Bulk, BpuBulk or BPNRBulk) read by
// ebupot.ImportXML and stored as one batch, with CreateBatch's rules: the
// good rows become drafts, the bad rows are listed with their XML lines.
func (s *server) uploadPayroll(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	if s.ebupotBatches == nil {
		return errs.E(errs.Unavailable, "payroll batches are not served by this server")
	}
	ctx, npwp := r.Context(), r.PathValue("npwp")
	today := svc.Today()
	p := payrollPage{Form: payrollForm{Year: strconv.Itoa(today.Year()), Month: strconv.Itoa(int(today.Month()))}}
	p.Form.WithholdingDate = date(lastDay(today.Year(), int(today.Month())))
	rejected := func(err error) error {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		p.UploadErrors = errorsOf(err)
		return s.renderPayroll(w, r, http.StatusUnprocessableEntity, p, payrollEmptyRows)
	}
	var im ebupot.Import
	f, _, ferr := r.FormFile("file")
	if ferr != nil {
		return rejected(errs.InvalidFields("choose a file", errs.Field("file", "", "choose a Coretax bulk XML file (MmPayrollBulk, Bp21Bulk, BP26Bulk, A1Bulk, A2Bulk, BpuBulk or BPNRBulk)")))
	}
	defer f.Close()
	if im, err = ebupot.ImportXML(f); err != nil {
		return rejected(err)
	}
	b, err := svc.ImportBatch(ctx, npwp, im, s.ebupotBatches)
	if err != nil {
		return rejected(err)
	}
	if b.Rejected == 0 {
		return seeOther(w, r, ebupotURL(npwp)+"?batch="+strconv.FormatInt(b.ID, 10)+"&done=saved")
	}
	res := &payrollUpload{Created: b.Created, Rejected: b.Rejected}
	for _, row := range b.Rows {
		if len(row.Problems) == 0 {
			continue
		}
		ur := rejectedRow{Row: row.Row}
		for _, pr := range row.Problems {
			ur.Problems = append(ur.Problems, fieldLabel(pr.Field)+": "+pr.Message)
		}
		res.Rows = append(res.Rows, ur)
	}
	p.Upload, p.BatchID = res, b.ID
	if b.Created > 0 {
		drafts, err := svc.List(ctx, npwp, ebupot.Filter{BatchID: b.ID, Status: ebupot.Draft, Limit: ebupot.MaxLimit})
		if err != nil {
			return err
		}
		for _, d := range drafts {
			p.Sign.Refs = append(p.Sign.Refs, fmt.Sprintf("%d:%d", d.ID, d.Version))
		}
		p.Sign.Batch = b.ID
	}
	return s.renderPayroll(w, r, http.StatusUnprocessableEntity, p, payrollEmptyRows)
}
