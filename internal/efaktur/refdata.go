package efaktur

import (
	"time"
)

// RateRule is the statutory PPN rate in force from a date, in hundredths of a
// percent (1200 = 12 %), with its legal source.
type RateRule struct {
	From   time.Time
	Rate   Percent
	Source string
}

// Rates are the statutory PPN rates, oldest first (ppn-and-penalties.md §1).
var Rates = []RateRule{
	{From: date(1985, 1, 1), Rate: 1000, Source: "UU PPN 1983 Pasal 7(1)"},
	{From: date(2022, 4, 1), Rate: 1100, Source: "UU HPP (UU 7/2021) Pasal 4 angka 2, PPN Pasal 7(1)(a)"},
	{From: date(2025, 1, 1), Rate: 1200, Source: "UU HPP Pasal 7(1)(b); PMK 131/2024 Pasal 2"},
}

// OtherValueRule is the fraction of the price that forms DPP Nilai Lain for
// non-luxury deliveries, in force from a date.
type OtherValueRule struct {
	From     time.Time
	Num, Den int64
	Source   string
}

// OtherValueRules: from 1 January 2025 DPP Nilai Lain = 11/12 × the price
// for all deliveries other than luxury goods (PMK 131/2024 Pasal 3;
// efaktur-xml.md §8).
var OtherValueRules = []OtherValueRule{
	{From: date(2025, 1, 1), Num: 11, Den: 12, Source: "PMK 131/2024 Pasal 3(2)"},
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// RateOn returns the statutory rate rule in force on day d.
func RateOn(d time.Time) (RateRule, bool) {
	for i := len(Rates) - 1; i >= 0; i-- {
		if !d.Before(Rates[i].From) {
			return Rates[i], true
		}
	}
	return RateRule{}, false
}

// OtherValueOn returns the DPP Nilai Lain fraction in force on day d.
func OtherValueOn(d time.Time) (OtherValueRule, bool) {
	for i := len(OtherValueRules) - 1; i >= 0; i-- {
		if !d.Before(OtherValueRules[i].From) {
			return OtherValueRules[i], true
		}
	}
	return OtherValueRule{}, false
}

// TrxCode is a transaction code (Kode Transaksi), "01" … "10"
// (PER-11/PJ/2025; efaktur-xml.md §4).
type TrxCode string

// The transaction codes.
const (
	TrxNonCollector   TrxCode = "01"
	TrxGovernment     TrxCode = "02"
	TrxOtherCollector TrxCode = "03"
	TrxOtherValue     TrxCode = "04"
	TrxSpecificAmount TrxCode = "05"
	TrxTourist        TrxCode = "06"
	TrxNotCollected   TrxCode = "07"
	TrxExempt         TrxCode = "08"
	TrxAssets         TrxCode = "09"
	TrxOther          TrxCode = "10"
)

// TrxCodes describes every transaction code (PER-11/PJ/2025).
var TrxCodes = map[TrxCode]string{
	"01": "delivery to parties that are not VAT collectors",
	"02": "delivery to government-agency VAT collectors",
	"03": "delivery to other VAT collectors",
	"04": "delivery using DPP Nilai Lain (other value as tax base)",
	"05": "delivery where VAT is a specific amount (UU PPN Pasal 9A(1))",
	"06": "delivery to foreign-passport holders (UU PPN Pasal 16E)",
	"07": "delivery with VAT not collected or borne by the government",
	"08": "delivery exempt from VAT",
	"09": "delivery of assets not originally for sale (UU PPN Pasal 16D)",
	"10": "other deliveries",
}

// HasFacility reports whether c needs AddInfo and FacilityStamp (07, 08).
func (c TrxCode) HasFacility() bool { return c == TrxNotCollected || c == TrxExempt }

// facilityCount is how many TD.005nn/TD.011nn pairs each facility code has
// (efaktur-xml.md §5.1, §5.2).
var facilityCount = map[TrxCode]int{TrxNotCollected: 27, TrxExempt: 10}

// facilityNeedsDocument lists the pairs that require a supporting document
// (CustomDoc): "Terdapat Kolom Dokumen Pendukung" in the Coretax simulator
// (efaktur-xml.md §5, likely).
var facilityNeedsDocument = map[TrxCode]map[string]bool{
	TrxNotCollected: set("01", "02", "08", "09", "11", "12", "17", "18", "21", "25", "26"),
	TrxExempt:       set("05", "08", "09", "10"),
}

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// Units are the Coretax unit-of-measure codes and their names
// (Odoo l10n_id_efaktur_coretax.uom.code.csv; efaktur-xml.md §7).
var Units = map[string]string{
	"UM.0001": "Metrik Ton", "UM.0002": "Wet Ton", "UM.0003": "Kilogram", "UM.0004": "Gram",
	"UM.0005": "Karat", "UM.0006": "Kiloliter", "UM.0007": "Liter", "UM.0008": "Barrel",
	"UM.0009": "MMBTU", "UM.0010": "Ampere", "UM.0011": "Sentimeter Kubik", "UM.0012": "Meter Persegi",
	"UM.0013": "Meter", "UM.0014": "Inches (Inci)", "UM.0015": "Sentimeter", "UM.0016": "Yard",
	"UM.0017": "Lusin", "UM.0018": "Unit", "UM.0019": "Set", "UM.0020": "Lembar",
	"UM.0021": "Piece", "UM.0022": "Boks", "UM.0023": "Tahun", "UM.0024": "Bulan",
	"UM.0025": "Minggu", "UM.0026": "Hari", "UM.0027": "Jam", "UM.0028": "Menit",
	"UM.0029": "Persen", "UM.0030": "Kegiatan", "UM.0031": "Laporan", "UM.0032": "Bahan",
	"UM.0033": "Lainnya", "UM.0034": "Meter Kubik", "UM.0035": "Sentimeter Persegi", "UM.0036": "Drum",
	"UM.0037": "Karton", "UM.0038": "Kwh", "UM.0039": "Roll",
}

// BuyerDocument is how the buyer is identified (BuyerDocument element).
type BuyerDocument string

// The buyer identification kinds (efaktur-xml.md §2–3).
const (
	BuyerTIN        BuyerDocument = "TIN"
	BuyerNationalID BuyerDocument = "National ID"
	BuyerPassport   BuyerDocument = "Passport"
	BuyerOtherID    BuyerDocument = "Other ID"
)

// NoTIN is the BuyerTin of a buyer identified by anything but an NPWP.
const NoTIN = "0000000000000000"
