package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/ebupot"
	"github.com/coretax/coretax/internal/ebupot/objectcode"
	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pph21"
)

// The unified slips' key-in page (doc/ebupot-pages.md): one BPPU (PPh 22,
// 23, 4(2) final and 15 from a resident) or BPNR (PPh 26 and final PPh
// from a non-resident) typed as a draft, computed from the object code's
// rate and shown on the slip's detail page, where it is signed, corrected
// and cancelled as every slip is.

func unifiedURL(npwp string) string { return ebupotURL(npwp) + "/unified" }

// facilityLabels describes each TaxCertificate value (ebupot.md §2.1).
var facilityLabels = map[ebupot.Facility]string{
	ebupot.NoFacility: "N/A: no facility",
	ebupot.DTP:        "DTP: borne by the government",
	ebupot.SKB21:      "TaxExAr21: exemption letter (SKB PPh 21)",
	ebupot.COD:        "COD: treaty relief (certificate of domicile)",
	ebupot.OtherBasis: "ETC: another legal basis",
	ebupot.SKB22:      "TaxExAr22: exemption letter (SKB PPh 22)",
	ebupot.SKB23:      "TaxExAr23: exemption letter (SKB PPh 23)",
	ebupot.SKBDeposit: "TaxExIntDep: exemption of deposit interest",
	ebupot.SKBLand:    "TaxExIntPhtb: SKB on a transfer of land or buildings",
	ebupot.PP23:       "PP23: UMKM certificate (Suket PP 23/PP 55), final 0.5 %",
}

// facilityChoicesFor lists the facilities of slip type t.
func facilityChoicesFor(t objectcode.SlipType) []optgroup {
	var pairs []string
	for _, f := range ebupot.Facilities(t) {
		pairs = append(pairs, string(f), facilityLabels[f])
	}
	return choices("Choose the facility", pairs...)
}

var (
	unifiedTypeChoices = choices("Choose the slip type", "BPPU", "BPPU: a resident (PPh 22, 23, 4(2) final, 15)",
		"BPNR", "BPNR: a non-resident (PPh 26, final PPh)")
	treasurerChoices = choices("Choose the option", "N/A", "N/A: not a government treasurer", "Imprest", "Imprest (UP)",
		"Direct", "Direct (LS): give the SP2D number")
	documentChoices = func() []optgroup {
		var pairs []string
		for _, d := range ebupot.Documents {
			pairs = append(pairs, d, d)
		}
		return choices("Choose the document", pairs...)
	}()
)

// unifiedForm is a unified slip as typed.
type unifiedForm struct {
	Type, Year, Month                          string
	TIN, NITKU, Name, Country, Address         string
	Passport                                   string
	Code, Facility, FacilityRef, TreatyRate    string
	Gross, Rate, Deemed                        string
	Document, DocumentNumber, DocumentDate     string
	Treasurer, SP2D, WithholdingDate, PlaceTKU string
	// Qualifying is "true" when the qualifying-shareholding box is ticked.
	Qualifying string
}

func unifiedFormFrom(v url.Values) unifiedForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return unifiedForm{Type: strings.ToUpper(g("type")), Year: g("year"), Month: g("month"), TIN: g("recipient.tin"), NITKU: g("recipient.nitku"),
		Name: g("recipient.name"), Country: strings.ToUpper(g("recipient.country")), Address: g("recipient.address"), Passport: g("recipient.passport"),
		Code: g("object_code"), Facility: g("facility"), FacilityRef: g("facility_ref"), TreatyRate: g("treaty_rate"), Gross: g("gross"),
		Rate: g("rate"), Deemed: g("deemed"), Document: g("document"), DocumentNumber: g("document_number"), DocumentDate: g("document_date"),
		Treasurer: g("treasurer"), SP2D: g("sp2d"), WithholdingDate: g("withholding_date"), PlaceTKU: g("place_nitku"),
		Qualifying: g("qualifying_shareholding")}
}

func dateField(fields *[]errs.FieldError, name, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		*fields = append(*fields, errs.Field(name, v, "is not a date; write YYYY-MM-DD"))
	}
	return d
}

func intField(fields *[]errs.FieldError, name, v, fix string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		*fields = append(*fields, errs.Field(name, v, "%s", fix))
	}
	return n
}

// input turns the form into the Service's Input.
func (f unifiedForm) input() (ebupot.Input, []errs.FieldError) {
	var fields []errs.FieldError
	t := objectcode.SlipType(f.Type)
	if !ebupot.Unified(t) {
		fields = append(fields, errs.Field("type", f.Type, "choose BPPU (a resident) or BPNR (a non-resident)"))
	}
	kind := objectcode.Resident
	if t == objectcode.BPNR {
		kind = objectcode.NonResident
	}
	in := ebupot.Input{Type: t, Year: intField(&fields, "year", f.Year, "give the 4-digit tax year"),
		Month:      intField(&fields, "month", f.Month, "give the tax period's month, 1 to 12"),
		Recipient:  ebupot.Recipient{TIN: f.TIN, NITKU: f.NITKU, Name: f.Name, Country: f.Country, Address: f.Address, Passport: f.Passport, Kind: kind},
		ObjectCode: f.Code, Facility: ebupot.Facility(f.Facility), FacilityRef: f.FacilityRef,
		Gross:    money.Amount(decimalField(&fields, "gross", f.Gross, true)),
		Document: f.Document, DocumentNumber: f.DocumentNumber, DocumentDate: dateField(&fields, "document_date", f.DocumentDate),
		Treasurer: ebupot.Treasurer(f.Treasurer), SP2D: f.SP2D, PlaceNITKU: f.PlaceTKU, QualifyingShareholding: f.Qualifying == "true",
		WithholdingDate: dateField(&fields, "withholding_date", f.WithholdingDate)}
	if f.TreatyRate != "" {
		in.TreatyRate = pph21.Rate(decimalField(&fields, "treaty_rate", f.TreatyRate, false))
	}
	if f.Rate != "" {
		in.Rate, in.HasRate = pph21.Rate(decimalField(&fields, "rate", f.Rate, false)), true
	}
	if f.Deemed != "" {
		in.Deemed, in.HasDeemed = objectcode.Percent(decimalField(&fields, "deemed", f.Deemed, false)), true
	}
	return in, fields
}

// unifiedPage is the key-in page of a unified slip.
type unifiedPage struct {
	page
	NPWP, ListURL, Action                  string
	Form                                   unifiedForm
	Errors                                 *formErrors
	TypeChoices, CodeChoices, FacilityList []optgroup
	DocumentChoices, TreasurerChoices      []optgroup
}

func (s *server) renderUnified(w http.ResponseWriter, r *http.Request, status int, f unifiedForm, fe *formErrors) {
	npwp := r.PathValue("npwp")
	day := s.ebupotToday()
	if y, err := strconv.Atoi(f.Year); err == nil {
		if m, err := strconv.Atoi(f.Month); err == nil && m >= 1 && m <= 12 {
			day = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		}
	}
	codes := optgroup{Label: "", Options: []option{{Value: "", Label: "Choose the object code"}}}
	fac := facilityChoicesFor(objectcode.BPPU)
	types := []objectcode.SlipType{objectcode.BPPU, objectcode.BPNR}
	if t := objectcode.SlipType(f.Type); ebupot.Unified(t) {
		types, fac = []objectcode.SlipType{t}, facilityChoicesFor(t)
	}
	groups := []optgroup{codes}
	for _, t := range types {
		g := optgroup{Label: string(t)}
		for _, c := range objectcode.ForSlip(t, day) {
			g.Options = append(g.Options, option{Value: c.Code, Label: c.Code + " " + c.Name})
		}
		groups = append(groups, g)
	}
	p := unifiedPage{NPWP: npwp, ListURL: ebupotURL(npwp), Action: unifiedURL(npwp), Form: f, Errors: fe, TypeChoices: unifiedTypeChoices,
		CodeChoices: groups, FacilityList: fac, DocumentChoices: documentChoices, TreasurerChoices: treasurerChoices}
	p.page = s.newPage(w, r, "Key in a unified slip", "")
	s.render(w, r, status, "ebupot_unified", p)
}

// unifiedSlipPage handles GET /taxpayers/{npwp}/ebupot/unified: the form,
// for the type asked (?type=BPPU or BPNR) and the current month.
func (s *server) unifiedSlipPage(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	today := svc.Today()
	f := unifiedForm{Type: strings.ToUpper(r.URL.Query().Get("type")), Year: strconv.Itoa(today.Year()), Month: strconv.Itoa(int(today.Month())),
		Facility: string(ebupot.NoFacility), Treasurer: string(ebupot.NoTreasurer), WithholdingDate: date(today)}
	s.renderUnified(w, r, http.StatusOK, f, nil)
	return nil
}

// createUnifiedSlip handles POST /taxpayers/{npwp}/ebupot/unified: the
// draft is computed and stored, and the browser goes to its detail page
// to sign it; a refusal shows the form again with the fields to change.
func (s *server) createUnifiedSlip(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ebupotGuard(r, ebupot.ActRead)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "the form cannot be read")
	}
	f := unifiedFormFrom(r.PostForm)
	in, fields := f.input()
	if len(fields) > 0 {
		s.renderUnified(w, r, http.StatusUnprocessableEntity, f, errorsOf(errs.InvalidFields("the slip cannot be read", fields...)))
		return nil
	}
	npwp := r.PathValue("npwp")
	sl, err := svc.Create(r.Context(), npwp, in)
	if errs.KindOf(err) == errs.Invalid {
		s.renderUnified(w, r, http.StatusUnprocessableEntity, f, errorsOf(err))
		return nil
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, slipURL(npwp, sl.ID)+"?done=drafted")
}

// keepRecipient carries into a correction what the correction form does
// not show: the recipient's NIP and rank (BPA2), receiving NITKU (BPPU),
// address, birth, passport and KITAS (BPNR), and, for a unified slip
// whose code has no single reference rate or which rests on another
// legal basis (ETC), its rate and deemed share.
func keepRecipient(in *ebupot.Input, sl *ebupot.Slip) {
	r, o := &in.Recipient, sl.Recipient
	r.NIP, r.Rank, r.NITKU, r.BirthDate, r.BirthCity, r.Kitas = o.NIP, o.Rank, o.NITKU, o.BirthDate, o.BirthCity, o.Kitas
	if r.Address == "" {
		r.Address = o.Address
	}
	if r.Passport == "" {
		r.Passport = o.Passport
	}
	if !ebupot.Unified(sl.Type) {
		return
	}
	c, err := objectcode.Lookup(sl.ObjectCode, sl.Period.First())
	if in.Facility == ebupot.OtherBasis || (err == nil && !c.Rate.Set && in.ObjectCode == sl.ObjectCode) {
		in.Rate, in.HasRate = sl.Rate, true
	}
	if in.Facility == ebupot.OtherBasis || (err == nil && c.DeemedPercent != sl.Deemed && in.ObjectCode == sl.ObjectCode) {
		in.Deemed, in.HasDeemed = sl.Deemed, true
	}
}
