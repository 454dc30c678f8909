package efaktur

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/errs"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/taxid"
)

// Validate applies every rule of the DJP converter and of Odoo's Coretax
// export that the notes list (efaktur-xml.md §2–§8) to inv, whose seller's
// NPWP is sellerTIN (the file's TIN element). Problems have Invoice 0 and
// paths starting at "TaxInvoice"; a Reader sets the index and the full path.
// Registry checks (is the buyer registered, does the NITKU exist) need the
// registry and are not made here.
func Validate(inv *Invoice, sellerTIN string, opts Options) []Problem {
	v := &validator{inv: inv}
	v.header(sellerTIN, opts)
	if len(inv.Lines) == 0 && !inv.bad[hList] {
		v.at(hList, RuleNoLines, "", "the invoice has no GoodService line", "add at least one <GoodService> in <ListOfGoodService>")
	}
	for i := range inv.Lines {
		v.line(i)
	}
	return v.ps
}

type validator struct {
	inv *Invoice
	ps  []Problem
}

func (v *validator) at(h int, rule Rule, value, msg, fix string) {
	p := v.inv.pos[h]
	if p == (Pos{}) {
		p = v.inv.start
	}
	v.ps = append(v.ps, Problem{XMLLine: p.Line, XMLColumn: p.Column, Path: "TaxInvoice/" + headerElements[h],
		Field: headerElements[h], Value: value, Rule: rule, Message: msg, Fix: fix})
}

func (v *validator) header(sellerTIN string, opts Options) {
	inv := v.inv
	// Date and window.
	if !inv.bad[hDate] {
		switch {
		case inv.Date.IsZero():
			v.at(hDate, RuleMissing, "", "the invoice date is empty", "write it as YYYY-MM-DD, e.g. 2025-06-30")
		case !opts.DateFrom.IsZero() && inv.Date.Before(opts.DateFrom), !opts.DateTo.IsZero() && inv.Date.After(opts.DateTo):
			v.at(hDate, RuleDateWindow, inv.Date.Format(time.DateOnly),
				fmt.Sprintf("the invoice date is outside the allowed window %s", window(opts)),
				"an invoice must be uploaded and approved by the 20th of the month after its date (PER-11/PJ/2025 Pasal 44); use a date inside the window")
		}
	}
	if !inv.bad[hOpt] && inv.Option != "Normal" {
		v.at(hOpt, RuleValue, inv.Option, "TaxInvoiceOpt must be Normal", "write Normal; replacement invoices are made with Amend, not by upload")
	}
	v.trxCode()
	v.facility()
	if s := inv.CustomDocMonthYear; s != "" {
		m, err := strconv.Atoi(s[:min(2, len(s))])
		if !isDigits(s, 6) || err != nil || m < 1 || m > 12 {
			v.at(hCustomDocMonthYear, RuleDate, s, "CustomDocMonthYear is not a period MMYYYY", "write the month and year of the supporting document, e.g. 052019")
		}
	}
	v.seller(sellerTIN)
	v.buyer()
}

func window(o Options) string {
	from, to := "any date", "any date"
	if !o.DateFrom.IsZero() {
		from = o.DateFrom.Format(time.DateOnly)
	}
	if !o.DateTo.IsZero() {
		to = o.DateTo.Format(time.DateOnly)
	}
	return from + " to " + to
}

func (v *validator) trxCode() {
	inv := v.inv
	if inv.bad[hTrx] {
		return
	}
	if _, ok := TrxCodes[inv.TrxCode]; !ok {
		v.at(hTrx, RuleCode, string(inv.TrxCode), "unknown transaction code",
			"use a 2-digit code 01–10 with its leading zero (04 for non-luxury deliveries under PMK 131/2024)")
		inv.bad[hTrx] = true
	}
}

// facility checks AddInfo, FacilityStamp and CustomDoc against the
// transaction code (efaktur-xml.md §5).
func (v *validator) facility() {
	inv := v.inv
	if inv.bad[hTrx] {
		return
	}
	if !inv.TrxCode.HasFacility() {
		if inv.AddInfo != "" {
			v.at(hAddInfo, RuleFacility, inv.AddInfo, fmt.Sprintf("AddInfo is only for transaction codes 07 and 08, not %s", inv.TrxCode), "leave <AddInfo/> empty")
		}
		if inv.FacilityStamp != "" {
			v.at(hFacilityStamp, RuleFacility, inv.FacilityStamp, fmt.Sprintf("FacilityStamp is only for transaction codes 07 and 08, not %s", inv.TrxCode), "leave <FacilityStamp/> empty")
		}
		return
	}
	n := facilityCount[inv.TrxCode]
	nn := ""
	switch {
	case inv.AddInfo == "":
		v.at(hAddInfo, RuleFacility, "", fmt.Sprintf("transaction code %s requires AddInfo (Keterangan Tambahan)", inv.TrxCode),
			fmt.Sprintf("write TD.005nn with nn from 01 to %02d", n))
	case !facilityCode(inv.AddInfo, "TD.005", n):
		v.at(hAddInfo, RuleCode, inv.AddInfo, fmt.Sprintf("unknown AddInfo code for transaction code %s", inv.TrxCode),
			fmt.Sprintf("write TD.005nn with nn from 01 to %02d", n))
	default:
		nn = inv.AddInfo[6:]
	}
	switch {
	case inv.FacilityStamp == "":
		v.at(hFacilityStamp, RuleFacility, "", fmt.Sprintf("transaction code %s requires FacilityStamp (Cap Fasilitas)", inv.TrxCode),
			fmt.Sprintf("write TD.011nn with nn from 01 to %02d, the same nn as AddInfo", n))
	case !facilityCode(inv.FacilityStamp, "TD.011", n):
		v.at(hFacilityStamp, RuleCode, inv.FacilityStamp, fmt.Sprintf("unknown FacilityStamp code for transaction code %s", inv.TrxCode),
			fmt.Sprintf("write TD.011nn with nn from 01 to %02d", n))
	case nn != "" && inv.FacilityStamp[6:] != nn:
		v.at(hFacilityStamp, RuleFacility, inv.FacilityStamp, fmt.Sprintf("FacilityStamp does not pair with AddInfo %s", inv.AddInfo),
			"write TD.011"+nn+": the stamp's last two digits are those of AddInfo")
	}
	if nn != "" && facilityNeedsDocument[inv.TrxCode][nn] && inv.CustomDoc == "" {
		v.at(hCustomDoc, RuleFacility, "", fmt.Sprintf("AddInfo %s requires a supporting document", inv.AddInfo),
			"write the number of the supporting document in CustomDoc and its period in CustomDocMonthYear")
	}
}

func facilityCode(s, prefix string, n int) bool {
	if len(s) != 8 || !strings.HasPrefix(s, prefix) || !isDigits(s[6:], 2) {
		return false
	}
	k, _ := strconv.Atoi(s[6:])
	return k >= 1 && k <= n
}

func (v *validator) seller(sellerTIN string) {
	inv := v.inv
	if inv.bad[hSellerIDTKU] {
		return
	}
	s := inv.SellerIDTKU
	if !isDigits(s, 22) {
		v.at(hSellerIDTKU, RuleDigits, s, fmt.Sprintf("SellerIDTKU has %d characters; it must be exactly 22 digits", len(s)),
			"write the seller's 16-digit NPWP followed by the 6-digit place number, 000000 for the head office")
		return
	}
	if _, _, err := taxid.ParseNITKU(s); err != nil {
		v.at(hSellerIDTKU, RuleIdentity, s, errs.Message(err), "write the seller's NITKU as registered")
		return
	}
	if isDigits(sellerTIN, 16) && s[:16] != sellerTIN {
		v.at(hSellerIDTKU, RuleNITKUOwner, s, fmt.Sprintf("SellerIDTKU belongs to NPWP %s, not to the file's TIN %s", s[:16], sellerTIN),
			"use a NITKU of the seller: "+sellerTIN+" followed by the place number")
	}
}

func (v *validator) buyer() {
	inv := v.inv
	b := inv.Buyer
	if !inv.bad[hBuyerName] && b.Name == "" {
		v.at(hBuyerName, RuleMissing, "", "BuyerName is empty", "write the buyer's name")
	}
	if !inv.bad[hBuyerAdress] && b.Address == "" {
		v.at(hBuyerAdress, RuleMissing, "", "BuyerAdress is empty", "write the buyer's address")
	}
	if b.Email != "" && (!strings.Contains(b.Email, "@") || strings.ContainsAny(b.Email, " \t")) {
		v.at(hBuyerEmail, RuleValue, b.Email, "BuyerEmail is not an e-mail address", "write an address such as finance@example.co.id, or leave it empty")
	}
	if !inv.bad[hBuyerCountry] {
		if _, err := taxid.ParseCountry(b.Country); err != nil || b.Country != strings.ToUpper(b.Country) {
			v.at(hBuyerCountry, RuleCode, b.Country, "BuyerCountry is not an ISO 3166-1 alpha-3 country code", "write 3 capital letters, e.g. IDN")
		}
	}
	if inv.bad[hBuyerDocument] {
		return
	}
	switch b.Document {
	case BuyerTIN:
		v.buyerTIN()
	case BuyerNationalID, BuyerPassport, BuyerOtherID:
		v.buyerOther()
	default:
		v.at(hBuyerDocument, RuleValue, string(b.Document), "unknown BuyerDocument", "write TIN, National ID, Passport or Other ID")
	}
}

func (v *validator) buyerTIN() {
	inv := v.inv
	b := inv.Buyer
	tinOK := false
	switch {
	case inv.bad[hBuyerTin]:
	case !isDigits(b.TIN, 16):
		v.at(hBuyerTin, RuleDigits, b.TIN, fmt.Sprintf("BuyerTin has %d characters; it must be exactly 16 digits", len(b.TIN)),
			"write the buyer's 16-digit NPWP")
	case b.TIN == NoTIN:
		v.at(hBuyerTin, RuleIdentity, b.TIN, "BuyerTin is all zeros but BuyerDocument is TIN",
			"write the buyer's NPWP, or set BuyerDocument to National ID, Passport or Other ID")
	default:
		if _, _, err := taxid.ParseNPWP(b.TIN); err != nil {
			v.at(hBuyerTin, RuleIdentity, b.TIN, errs.Message(err), "write the buyer's NPWP as registered")
		} else {
			tinOK = true
		}
	}
	if b.DocumentNumber != "" && b.DocumentNumber != "-" {
		v.at(hBuyerDocumentNumber, RuleValue, b.DocumentNumber, "BuyerDocumentNumber must be - (or empty) when BuyerDocument is TIN",
			"write - ; the NPWP goes in BuyerTin")
	}
	if inv.bad[hBuyerIDTKU] {
		return
	}
	switch {
	case !isDigits(b.IDTKU, 22):
		v.at(hBuyerIDTKU, RuleDigits, b.IDTKU, fmt.Sprintf("BuyerIDTKU has %d characters; for a buyer identified by TIN it must be exactly 22 digits", len(b.IDTKU)),
			"write the buyer's NPWP followed by the 6-digit place number, 000000 for the head office")
	case tinOK && b.IDTKU[:16] != b.TIN:
		v.at(hBuyerIDTKU, RuleNITKUOwner, b.IDTKU, fmt.Sprintf("BuyerIDTKU belongs to NPWP %s, not to BuyerTin %s", b.IDTKU[:16], b.TIN),
			"write "+b.TIN+" followed by the buyer's 6-digit place number")
	}
}

// buyerOther checks a buyer identified by NIK, passport or another ID
// (efaktur-xml.md §3). BuyerIDTKU is accepted as the DJP template's 000000,
// as 22 zeros, or as the document number followed by 6 digits (Odoo):
// implementations disagree and the notes mark it unsure.
func (v *validator) buyerOther() {
	inv := v.inv
	b := inv.Buyer
	if !inv.bad[hBuyerTin] && b.TIN != NoTIN {
		v.at(hBuyerTin, RuleIdentity, b.TIN, fmt.Sprintf("BuyerTin must be 0000000000000000 when BuyerDocument is %s", b.Document),
			"write sixteen zeros, or set BuyerDocument to TIN if the buyer has an NPWP")
	}
	switch {
	case b.DocumentNumber == "" || b.DocumentNumber == "-":
		v.at(hBuyerDocumentNumber, RuleMissing, b.DocumentNumber, fmt.Sprintf("BuyerDocumentNumber is required when BuyerDocument is %s", b.Document),
			"write the number of the buyer's document")
	case b.Document == BuyerNationalID:
		if !isDigits(b.DocumentNumber, 16) {
			v.at(hBuyerDocumentNumber, RuleDigits, b.DocumentNumber, fmt.Sprintf("a NIK has 16 digits, this has %d characters", len(b.DocumentNumber)),
				"write the buyer's 16-digit NIK")
		} else if _, err := taxid.ParseNIK(b.DocumentNumber); err != nil {
			v.at(hBuyerDocumentNumber, RuleIdentity, maskNIK(b.DocumentNumber), errs.Message(err), "write the buyer's NIK as on the KTP")
		}
	case b.Document == BuyerPassport:
		if _, err := taxid.ParsePassport(b.DocumentNumber); err != nil {
			v.at(hBuyerDocumentNumber, RuleIdentity, b.DocumentNumber, errs.Message(err), "write the passport number as printed")
		}
	}
	if inv.bad[hBuyerIDTKU] {
		return
	}
	id := b.IDTKU
	ok := id == taxid.HeadOfficeSuffix || id == strings.Repeat("0", 22) ||
		(len(id) == len(b.DocumentNumber)+6 && strings.HasPrefix(id, b.DocumentNumber) && isDigits(id[len(b.DocumentNumber):], 6))
	if !ok {
		v.at(hBuyerIDTKU, RuleIdentity, id, fmt.Sprintf("BuyerIDTKU for a buyer identified by %s must be 000000", b.Document),
			"write 000000 (the DJP template), 22 zeros, or the document number followed by 000000")
	}
}

func maskNIK(s string) string {
	if len(s) == 16 {
		return s[:4] + "************"
	}
	return s
}

// lineField reports a problem with element f of line i.
func (v *validator) lineField(i, f int, rule Rule, value, msg, fix, expected string) {
	l := &v.inv.Lines[i]
	p := l.pos[f]
	if p == (Pos{}) {
		p = l.start
	}
	if p == (Pos{}) {
		p = v.inv.start
	}
	v.ps = append(v.ps, Problem{Line: i + 1, XMLLine: p.Line, XMLColumn: p.Column,
		Path:  fmt.Sprintf("TaxInvoice/ListOfGoodService/GoodService[%d]/%s", i+1, lineElements[f]),
		Field: lineElements[f], Value: value, Rule: rule, Message: msg, Fix: fix, Expected: expected})
}

// goodsCode checks that a line's Code is in DJP's list of goods and
// services codes for the line's kind (Opt A goods, B services), the list
// Coretax checks an uploaded GoodService against (data/goods_services.csv).
func (v *validator) goodsCode(i int, l *Line) {
	if _, ok := LookupCode(l.Code, l.Kind); ok {
		return
	}
	kind, other, otherOpt := "goods", "services", Services
	if l.Kind == Services {
		kind, other, otherOpt = "services", "goods", Goods
	}
	fix := fmt.Sprintf("write a %s code from the DJP list, or %s for generic %s", kind, GenericCode, kind)
	if _, ok := LookupCode(l.Code, otherOpt); ok {
		fix = fmt.Sprintf("%s is a %s code; set Opt to %s, or write a %s code (%s for generic %s)", l.Code, other, otherOpt, kind, GenericCode, kind)
	}
	v.lineField(i, lCode, RuleCode, l.Code, fmt.Sprintf("Code %s is not a %s code in the DJP list", l.Code, kind), fix, "")
}

func (v *validator) line(i int) {
	inv := v.inv
	l := &inv.Lines[i]
	if !l.bad[lOpt] && l.Kind != Goods && l.Kind != Services {
		v.lineField(i, lOpt, RuleValue, string(l.Kind), "Opt must be A (goods) or B (services)", "write A or B", "")
	}
	if !l.bad[lCode] && !isDigits(l.Code, 6) {
		v.lineField(i, lCode, RuleCode, l.Code, "Code must be a 6-digit goods or services code", "write the DJP code, e.g. 000000 for a generic item", "")
	} else if !l.bad[lCode] && !l.bad[lOpt] && (l.Kind == Goods || l.Kind == Services) {
		v.goodsCode(i, l)
	}
	if !l.bad[lName] && l.Name == "" {
		v.lineField(i, lName, RuleMissing, "", "Name is empty", "write the name of the goods or service", "")
	}
	if !l.bad[lUnit] {
		if _, ok := Units[l.Unit]; !ok {
			v.lineField(i, lUnit, RuleCode, l.Unit, "unknown unit code", "use a Coretax code UM.0001–UM.0039, e.g. UM.0018 Unit or UM.0030 Kegiatan", "")
		}
	}
	trxOK := !inv.bad[hTrx] && inv.TrxCode != ""
	dateOK := !inv.bad[hDate] && !inv.Date.IsZero()
	luxury := l.PPnBMRate > 0
	if !l.bad[lSTLGRate] && luxury && trxOK && inv.TrxCode == TrxOtherValue {
		v.lineField(i, lSTLGRate, RuleTrxRate, l.PPnBMRate.XML(), "a PPnBM rate under transaction code 04: code 04 is for non-luxury deliveries (PMK 131/2024 Pasal 3)",
			"use code 01 (or the code of the buyer) for luxury goods, or set STLGRate to 0", "0")
	}
	if !l.bad[lSTLGRate] && luxury && l.Kind == Services {
		v.lineField(i, lSTLGRate, RuleTrxRate, l.PPnBMRate.XML(), "PPnBM is due only on goods (Opt A), not on services", "set STLGRate to 0", "0")
	}
	if !l.bad[lVATRate] && dateOK {
		if r, ok := RateOn(inv.Date); ok && l.VATRate != r.Rate {
			v.lineField(i, lVATRate, RuleTrxRate, l.VATRate.XML(),
				fmt.Sprintf("VATRate must be the statutory rate on %s, %s %% (%s)", inv.Date.Format(time.DateOnly), r.Rate.XML(), r.Source),
				"write "+r.Rate.XML(), r.Rate.XML())
		}
	}
	v.arithmetic(i, trxOK, dateOK, luxury)
}

// taxBaseTolerance is the difference the DJP converter allows between
// TaxBase and Price × Qty − TotalDiscount: 0.011, i.e. 1 sen
// (efaktur-xml.md §6, element 8).
const taxBaseTolerance money.Amount = 1

func (v *validator) arithmetic(i int, trxOK, dateOK, luxury bool) {
	inv := v.inv
	l := &inv.Lines[i]
	bad := func(fs ...int) bool {
		for _, f := range fs {
			if l.bad[f] {
				return true
			}
		}
		return false
	}
	if !bad(lPrice, lQty, lDiscount, lTaxBase) {
		want, err := TaxBase(l.Price, l.Qty, l.Discount)
		switch {
		case err != nil:
			v.lineField(i, lTaxBase, RuleArithmetic, l.TaxBase.XML(), "Price × Qty − TotalDiscount is out of range", "check the price and quantity", "")
		case want < 0:
			v.lineField(i, lDiscount, RuleArithmetic, l.Discount.XML(), "TotalDiscount is larger than Price × Qty", "the discount cannot exceed the line's price", "")
		case abs(l.TaxBase-want) > taxBaseTolerance:
			v.lineField(i, lTaxBase, RuleArithmetic, l.TaxBase.XML(),
				fmt.Sprintf("TaxBase must be Price × Qty − TotalDiscount = %s × %s − %s = %s", l.Price.XML(), l.Qty.XML(), l.Discount.XML(), want.XML()),
				"write "+want.XML(), want.XML())
		}
	}
	if !trxOK || !dateOK || bad(lTaxBase, lOtherTaxBase, lSTLGRate) {
		return
	}
	full := l.TaxBase
	other, err := OtherTaxBase(inv.Date, TrxOtherValue, false, l.TaxBase)
	if err != nil {
		return
	}
	switch {
	case luxury && l.OtherTaxBase != full:
		v.lineField(i, lOtherTaxBase, RuleArithmetic, l.OtherTaxBase.XML(),
			fmt.Sprintf("luxury goods (STLGRate > 0) are taxed on the full price: OtherTaxBase must equal TaxBase %s (PMK 131/2024 Pasal 2)", full.XML()),
			"write "+full.XML(), full.XML())
	case !luxury && inv.TrxCode == TrxOtherValue && l.OtherTaxBase != other:
		v.lineField(i, lOtherTaxBase, RuleArithmetic, l.OtherTaxBase.XML(),
			fmt.Sprintf("under transaction code 04 OtherTaxBase must be TaxBase × 11/12 rounded half-up to the sen = %s × 11/12 = %s (PMK 131/2024 Pasal 3)", l.TaxBase.XML(), other.XML()),
			"write "+other.XML(), other.XML())
	case !luxury && inv.TrxCode != TrxOtherValue && l.OtherTaxBase != full && l.OtherTaxBase != other:
		v.lineField(i, lOtherTaxBase, RuleArithmetic, l.OtherTaxBase.XML(),
			fmt.Sprintf("OtherTaxBase must equal TaxBase %s, or TaxBase × 11/12 = %s for DPP Nilai Lain", full.XML(), other.XML()),
			"write "+full.XML(), full.XML())
	}
	if bad(lVATRate, lVAT) {
		return
	}
	wantVAT, err := VAT(l.OtherTaxBase, l.VATRate)
	if err == nil {
		switch inv.TrxCode {
		case TrxSpecificAmount:
			// Code 05: the VAT is a specific amount set by regulation
			// (UU PPN Pasal 9A(1)), not derived from the base.
		case TrxNotCollected, TrxExempt:
			if l.VAT != wantVAT && l.VAT != 0 {
				v.lineField(i, lVAT, RuleArithmetic, l.VAT.XML(),
					fmt.Sprintf("under transaction code %s VAT must be the VAT not collected or exempt, OtherTaxBase × VATRate = %s × %s %% = %s, or 0", inv.TrxCode, l.OtherTaxBase.XML(), l.VATRate.XML(), wantVAT.XML()),
					"write "+wantVAT.XML(), wantVAT.XML())
			}
		default:
			if l.VAT != wantVAT {
				v.lineField(i, lVAT, RuleArithmetic, l.VAT.XML(),
					fmt.Sprintf("VAT must be OtherTaxBase × VATRate rounded half-up to the sen = %s × %s %% = %s", l.OtherTaxBase.XML(), l.VATRate.XML(), wantVAT.XML()),
					"write "+wantVAT.XML(), wantVAT.XML())
			}
		}
	}
	if bad(lSTLG) {
		return
	}
	if wantPPnBM, err := PPnBM(l.OtherTaxBase, l.PPnBMRate); err == nil && l.PPnBM != wantPPnBM {
		v.lineField(i, lSTLG, RuleArithmetic, l.PPnBM.XML(),
			fmt.Sprintf("STLG must be OtherTaxBase × STLGRate rounded half-up to the sen = %s × %s %% = %s", l.OtherTaxBase.XML(), l.PPnBMRate.XML(), wantPPnBM.XML()),
			"write "+wantPPnBM.XML(), wantPPnBM.XML())
	}
}

func abs(a money.Amount) money.Amount {
	if a < 0 {
		return -a
	}
	return a
}
