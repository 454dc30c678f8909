package efaktur

import (
	"time"

	"github.com/coretax/coretax/internal/money"
)

// Percent is a rate in hundredths of a percent: 1200 is 12 %. Coretax writes
// rates as decimals with at most 2 decimals (VATRate 12, STLGRate 20).
type Percent int64

// XML returns the rate as Coretax writes it: 12, 12.5.
func (p Percent) XML() string { return money.Amount(p).XML() }

// Quantity is a quantity in hundredths: Coretax accepts at most 2 decimals
// (efaktur-xml.md §12a "Quantity precision").
type Quantity int64

// XML returns the quantity as Coretax writes it: 2, 1.5.
func (q Quantity) XML() string { return money.Amount(q).XML() }

// Kind says whether a line is goods (A, Barang) or services (B, Jasa).
type Kind string

// The line kinds.
const (
	Goods    Kind = "A"
	Services Kind = "B"
)

// Invoice is one faktur as carried by a TaxInvoice element. Identifiers are
// kept as written (digits) so that an invoice read from a file is written
// back unchanged; Validate checks them.
type Invoice struct {
	Date               time.Time // TaxInvoiceDate, a calendar day (UTC midnight)
	Option             string    // TaxInvoiceOpt: "Normal"
	TrxCode            TrxCode   // TrxCode, 01–10
	AddInfo            string    // AddInfo: TD.005nn, codes 07/08 only
	CustomDoc          string    // CustomDoc: supporting document number
	CustomDocMonthYear string    // CustomDocMonthYear: MMYYYY period of the supporting document
	RefDesc            string    // RefDesc: the seller's own reference
	FacilityStamp      string    // FacilityStamp: TD.011nn, codes 07/08 only
	SellerIDTKU        string    // SellerIDTKU: the seller's 22-digit NITKU
	Buyer              Buyer
	Lines              []Line // ListOfGoodService

	pos     [numHeader]Pos  // where each header element started, when read from a file
	start   Pos             // the TaxInvoice start tag
	listPos Pos             // the ListOfGoodService start tag
	bad     [numHeader]bool // elements missing or unreadable, already reported
}

// Buyer is the buyer's identification (BuyerTin … BuyerIDTKU).
type Buyer struct {
	TIN            string        // BuyerTin: 16-digit NPWP, or NoTIN
	Document       BuyerDocument // BuyerDocument
	Country        string        // BuyerCountry: ISO 3166-1 alpha-3
	DocumentNumber string        // BuyerDocumentNumber: NIK, passport, other ID; "-" for TIN
	Name           string        // BuyerName
	Address        string        // BuyerAdress (sic)
	Email          string        // BuyerEmail
	IDTKU          string        // BuyerIDTKU
}

// Line is one GoodService element.
type Line struct {
	Kind         Kind         // Opt: A goods, B services
	Code         string       // Code: 6-digit goods/services code
	Name         string       // Name
	Unit         string       // Unit: UM.nnnn
	Price        money.Amount // Price: unit price excluding VAT
	Qty          Quantity     // Qty
	Discount     money.Amount // TotalDiscount
	TaxBase      money.Amount // TaxBase: DPP
	OtherTaxBase money.Amount // OtherTaxBase: DPP Nilai Lain
	VATRate      Percent      // VATRate
	VAT          money.Amount // VAT: PPN
	PPnBMRate    Percent      // STLGRate
	PPnBM        money.Amount // STLG

	pos   [numLine]Pos
	start Pos
	bad   [numLine]bool
}

// Pos is a position in an XML file: 1-based line and column (in bytes).
// The zero Pos means the value did not come from a file.
type Pos struct {
	Line, Column int
}

// Element names and order, exactly as Coretax has them (efaktur-xml.md §2, §6).
var headerElements = [...]string{
	"TaxInvoiceDate", "TaxInvoiceOpt", "TrxCode", "AddInfo", "CustomDoc", "CustomDocMonthYear",
	"RefDesc", "FacilityStamp", "SellerIDTKU", "BuyerTin", "BuyerDocument", "BuyerCountry",
	"BuyerDocumentNumber", "BuyerName", "BuyerAdress", "BuyerEmail", "BuyerIDTKU", "ListOfGoodService",
}

const numHeader = len(headerElements)

// Header element indexes.
const (
	hDate = iota
	hOpt
	hTrx
	hAddInfo
	hCustomDoc
	hCustomDocMonthYear
	hRefDesc
	hFacilityStamp
	hSellerIDTKU
	hBuyerTin
	hBuyerDocument
	hBuyerCountry
	hBuyerDocumentNumber
	hBuyerName
	hBuyerAdress
	hBuyerEmail
	hBuyerIDTKU
	hList
)

// headerRequired says which header elements must be present. AddInfo,
// FacilityStamp, CustomDoc, CustomDocMonthYear, RefDesc, BuyerEmail and
// BuyerDocumentNumber may be absent or empty; the rules that make them
// required for some invoices are checked by Validate.
var headerRequired = [numHeader]bool{
	hDate: true, hOpt: true, hTrx: true, hSellerIDTKU: true, hBuyerTin: true, hBuyerDocument: true,
	hBuyerCountry: true, hBuyerName: true, hBuyerAdress: true, hBuyerIDTKU: true, hList: true,
}

var lineElements = [...]string{
	"Opt", "Code", "Name", "Unit", "Price", "Qty", "TotalDiscount", "TaxBase", "OtherTaxBase",
	"VATRate", "VAT", "STLGRate", "STLG",
}

const numLine = len(lineElements)

// Line element indexes.
const (
	lOpt = iota
	lCode
	lName
	lUnit
	lPrice
	lQty
	lDiscount
	lTaxBase
	lOtherTaxBase
	lVATRate
	lVAT
	lSTLGRate
	lSTLG
)
