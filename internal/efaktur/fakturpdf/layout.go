package fakturpdf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/money"
	"github.com/coretax/coretax/internal/pdftext"
	"github.com/skip2/go-qrcode"
)

// Page geometry in points (1/72 inch), A4 portrait.
const (
	pageW   = 595.28
	pageH   = 841.89
	left    = 40.0
	right   = pageW - 40
	top     = 40.0
	bottom  = 790.0 // content never goes below this line
	footerY = 806.0

	labelW = 160.0 // width of the label column of the seller and buyer blocks
	qrSide = 120.0 // the QR code is 120 pt (about 4.2 cm) square
)

// Table columns: No., Kode Barang/Jasa, Nama Barang Kena Pajak / Jasa Kena
// Pajak, Harga Jual / Penggantian / Uang Muka / Termin.
var cols = [...]float64{left, left + 26, left + 88, right - 120, right}

// cellPad is the space between a cell's rules and its text.
const cellPad = 3.0

// kind says what an item is.
type kind int

const (
	textItem kind = iota + 1
	ruleItem
	qrItem
)

// item is one placed element of a page.
type item struct {
	page    int // 1-based
	kind    kind
	x, y    float64  // text: top left of the text; rule: start; QR: top left
	x2, y2  float64  // rule: end
	font    string   // text: "regular" or "bold"
	size    float64  // text: font size; QR: side
	text    string   // text: the text; QR: the content encoded
	modules [][]bool // QR: the symbol's modules, [y][x], without quiet zone
}

// String writes the item as one line of a golden file.
func (it item) String() string {
	switch it.kind {
	case textItem:
		return fmt.Sprintf("p%d text %.2f %.2f %s %g %q", it.page, it.x, it.y, it.font, it.size, it.text)
	case ruleItem:
		return fmt.Sprintf("p%d rule %.2f %.2f %.2f %.2f", it.page, it.x, it.y, it.x2, it.y2)
	case qrItem:
		return fmt.Sprintf("p%d qr %.2f %.2f %g %dx%d %q", it.page, it.x, it.y, it.size, len(it.modules), len(it.modules), it.text)
	}
	return fmt.Sprintf("p%d unknown item %d", it.page, it.kind)
}

// builder places items top to bottom, starting a new page when the next
// block does not fit above bottom.
type builder struct {
	f     Faktur
	items []item
	page  int
	y     float64
}

func (b *builder) text(x float64, font string, size float64, s string) {
	b.items = append(b.items, item{page: b.page, kind: textItem, x: x, y: b.y, font: font, size: size, text: s})
}

// textRight places s so that it ends at x.
func (b *builder) textRight(x float64, font string, size float64, s string) {
	b.text(x-pdftext.Width(font, size, s), font, size, s)
}

func (b *builder) rule(x1, y1, x2, y2 float64) {
	b.items = append(b.items, item{page: b.page, kind: ruleItem, x: x1, y: y1, x2: x2, y2: y2})
}

func (b *builder) newPage() {
	b.page++
	b.y = top
	if b.page > 1 {
		b.text(left, "bold", 10, "Faktur Pajak "+b.f.Number+" (lanjutan)")
		b.y += 20
	}
}

// fit starts a new page unless h points fit above bottom.
func (b *builder) fit(h float64) bool {
	if b.y+h > bottom {
		b.newPage()
		return true
	}
	return false
}

// lineHeight is the distance between wrapped lines of a font size.
func lineHeight(size float64) float64 { return size * 1.3 }

// field places "label : value" with the value wrapped beside the label.
func (b *builder) field(label, value string) {
	const size = 9
	x := left + labelW
	lines := pdftext.Wrap("regular", size, value, right-x-8)
	b.fit(float64(len(lines)) * lineHeight(size))
	b.text(left+8, "regular", size, label)
	b.text(x-6, "regular", size, ":")
	for _, l := range lines {
		b.text(x, "regular", size, l)
		b.y += lineHeight(size)
	}
}

// paragraph places s wrapped to the page width.
func (b *builder) paragraph(font string, size float64, s string) {
	for _, l := range pdftext.Wrap(font, size, s, right-left) {
		b.fit(lineHeight(size))
		b.text(left, font, size, l)
		b.y += lineHeight(size)
	}
}

// layout places every element of the faktur. Write draws what it returns;
// tests compare it with golden files.
func layout(f Faktur) ([]item, error) {
	inv := f.Invoice
	totals, err := Sum(inv.Lines)
	if err != nil {
		return nil, err
	}
	b := &builder{f: f}
	b.newPage()

	// Heading: the code and serial number and the date of the faktur
	// (UU PPN Pasal 13(5)(f)).
	const title = "Faktur Pajak"
	b.text((pageW-pdftext.Width("bold", 16, title))/2, "bold", 16, title)
	b.y += 26
	b.field("Kode dan Nomor Seri Faktur Pajak", f.Number)
	b.field("Tanggal Faktur Pajak", dateID(inv.Date))
	b.field("Status Faktur", string(f.Status))
	if f.Status == Replacement {
		b.field("Mengganti Faktur Pajak", f.Replaces)
	}
	b.y += 4
	b.rule(left, b.y, right, b.y)
	b.y += 6

	// Seller (UU PPN Pasal 13(5)(a)).
	b.text(left, "bold", 9.5, "Pengusaha Kena Pajak")
	b.y += 15
	b.field("Nama", f.Seller.Name)
	b.field("Alamat", f.Seller.Address)
	b.field("NPWP", f.Seller.NPWP)
	b.field("NITKU", f.Seller.NITKU)
	b.y += 4
	b.rule(left, b.y, right, b.y)
	b.y += 6

	// Buyer (UU PPN Pasal 13(5)(b)): NPWP, or NIK, passport or other ID
	// when the buyer has none.
	buyer := inv.Buyer
	b.text(left, "bold", 9.5, "Pembeli Barang Kena Pajak / Penerima Jasa Kena Pajak")
	b.y += 15
	b.field("Nama", buyer.Name)
	b.field("Alamat", buyer.Address)
	label, id := buyerIdentity(buyer)
	b.field(label, id)
	b.field("NITKU", orDash(buyer.IDTKU))
	b.field("Email", orDash(buyer.Email))
	b.y += 10

	// The goods and services (UU PPN Pasal 13(5)(c)).
	if err := b.table(inv.Lines); err != nil {
		return nil, err
	}

	// Totals (UU PPN Pasal 13(5)(c)–(e)).
	rows := []struct {
		label string
		v     money.Amount
	}{
		{"Harga Jual / Penggantian / Uang Muka / Termin", totals.Gross},
		{"Dikurangi Potongan Harga", totals.Discount},
		{"Dasar Pengenaan Pajak", totals.TaxBase},
		{"DPP Nilai Lain", totals.OtherTaxBase},
		{"Jumlah PPN (Pajak Pertambahan Nilai)", totals.VAT},
		{"Jumlah PPnBM (Pajak Penjualan atas Barang Mewah)", totals.PPnBM},
	}
	const totalSize, totalRow = 8.5, 8.5*1.3 + 2*cellPad
	b.fit(float64(len(rows)) * totalRow)
	b.rule(left, b.y, right, b.y)
	start := b.y
	for _, r := range rows {
		b.y += cellPad
		b.text(left+cellPad, "regular", totalSize, r.label)
		b.textRight(right-cellPad, "regular", totalSize, r.v.Display())
		b.y += lineHeight(totalSize) + cellPad
		b.rule(left, b.y, right, b.y)
	}
	for _, x := range []float64{left, cols[3], right} {
		b.rule(x, start, x, b.y)
	}
	b.y += 8

	// How the PPN was computed, and the facility of codes 07 and 08.
	b.paragraph("regular", 8.5, rateNote(inv, totals))
	if inv.TrxCode.HasFacility() {
		what := "PPN Tidak Dipungut"
		if inv.TrxCode == efaktur.TrxExempt {
			what = "PPN Dibebaskan"
		}
		b.paragraph("regular", 8.5, fmt.Sprintf("%s: keterangan tambahan %s, cap fasilitas %s", what, orDash(inv.AddInfo), orDash(inv.FacilityStamp)))
	}
	if inv.CustomDoc != "" {
		b.paragraph("regular", 8.5, "Dokumen Pendukung: "+inv.CustomDoc)
	}
	if inv.RefDesc != "" {
		b.paragraph("regular", 8.5, "Referensi: "+inv.RefDesc)
	}
	b.y += 6
	b.paragraph("regular", 8, "Sesuai dengan ketentuan yang berlaku, Direktorat Jenderal Pajak mengatur bahwa Faktur Pajak ini telah ditandatangani secara elektronik sehingga tidak diperlukan tanda tangan basah pada Faktur Pajak ini.")
	b.y += 10

	// The signature (UU PPN Pasal 13(5)(g)) at the left of the QR code,
	// which sits at the bottom right.
	if err := b.signature(f); err != nil {
		return nil, err
	}

	// Every page names the faktur and its page number, so that a loose
	// page of a long faktur is traced back.
	pages := b.page
	for p := 1; p <= pages; p++ {
		b.page, b.y = p, footerY
		s := fmt.Sprintf("Faktur Pajak %s - Halaman %d dari %d", f.Number, p, pages)
		b.textRight(right, "regular", 7, s)
	}
	// Pages are drawn in order: the footers join the items of their page.
	sort.SliceStable(b.items, func(i, j int) bool { return b.items[i].page < b.items[j].page })
	return b.items, nil
}

// table places the header and one row per line, repeating the header on
// every page the table continues on.
func (b *builder) table(lines []efaktur.Line) error {
	const size = 8.5
	lh := lineHeight(size)
	start := 0.0
	closeSegment := func() {
		for _, x := range cols {
			b.rule(x, start, x, b.y)
		}
	}
	header := func() {
		heads := [][]string{
			{"No."},
			pdftext.Wrap("bold", 8, "Kode Barang/Jasa", cols[2]-cols[1]-2*cellPad),
			pdftext.Wrap("bold", 8, "Nama Barang Kena Pajak / Jasa Kena Pajak", cols[3]-cols[2]-2*cellPad),
			pdftext.Wrap("bold", 8, "Harga Jual / Penggantian / Uang Muka / Termin", cols[4]-cols[3]-2*cellPad),
		}
		n := 0
		for _, h := range heads {
			n = max(n, len(h))
		}
		start = b.y
		b.rule(left, b.y, right, b.y)
		top := b.y + cellPad
		for c, h := range heads {
			b.y = top
			for _, l := range h {
				b.text(cols[c]+cellPad, "bold", 8, l)
				b.y += lineHeight(8)
			}
		}
		b.y = top + float64(n)*lineHeight(8) + cellPad
		b.rule(left, b.y, right, b.y)
	}
	b.fit(3*lineHeight(8) + 2*cellPad + 4*lh + 2*cellPad)
	header()
	for i, l := range lines {
		gross, err := efaktur.TaxBase(l.Price, l.Qty, 0)
		if err != nil {
			return fmt.Errorf("line %d: price × quantity: %w", i+1, err)
		}
		name := pdftext.Wrap("regular", size, l.Name, cols[3]-cols[2]-2*cellPad)
		detail := []string{
			fmt.Sprintf("%s x %s %s", l.Price.Display(), decimalID(int64(l.Qty)), unitName(l.Unit)),
			"Potongan Harga = " + l.Discount.Display(),
			fmt.Sprintf("PPnBM (%s%%) = %s", decimalID(int64(l.PPnBMRate)), l.PPnBM.Display()),
		}
		var cell []string
		cell = append(cell, name...)
		for _, d := range detail {
			cell = append(cell, pdftext.Wrap("regular", size, d, cols[3]-cols[2]-2*cellPad)...)
		}
		h := float64(len(cell))*lh + 2*cellPad
		if b.y+h > bottom {
			closeSegment()
			b.newPage()
			header()
		}
		top := b.y + cellPad
		b.text(cols[0]+cellPad, "regular", size, strconv.Itoa(i+1))
		b.text(cols[1]+cellPad, "regular", size, l.Code)
		b.textRight(cols[4]-cellPad, "regular", size, gross.Display())
		for _, c := range cell {
			b.text(cols[2]+cellPad, "regular", size, c)
			b.y += lh
		}
		b.y = top + float64(len(cell))*lh + cellPad
		b.rule(left, b.y, right, b.y)
	}
	closeSegment()
	return nil
}

// signature places the city and date of signing, the signer and the
// statement of electronic signature, and the QR code of the public
// verification page at the bottom right.
func (b *builder) signature(f Faktur) error {
	q, err := qrcode.New(f.VerifyURL, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("QR code of %q: %w", f.VerifyURL, err)
	}
	q.DisableBorder = true
	modules := q.Bitmap()

	// A reader needs a quiet zone of 4 modules around the symbol (ISO/IEC
	// 18004); the page is white, so nothing is placed there.
	quiet := 4 * qrSide / float64(len(modules))
	const captionSize, urlSize = 7.0, 6.0
	urlLines := pdftext.Wrap("regular", urlSize, f.VerifyURL, qrSide+40)
	h := qrSide + quiet + lineHeight(captionSize) + float64(len(urlLines))*lineHeight(urlSize)
	b.fit(h)
	y0 := b.y
	qrX := right - qrSide

	// The signature block, to the left of the QR code and its quiet zone.
	x := left + 250.0
	b.text(x, "regular", 9, f.Signer.Place+", "+dateID(f.SignedAt.In(calendar.WIB)))
	b.y += 34
	b.text(x, "bold", 9.5, f.Signer.Name)
	b.y += lineHeight(9.5)
	b.text(x, "regular", 8, "Ditandatangani secara elektronik")
	b.y += lineHeight(8)
	for _, l := range pdftext.Wrap("regular", 7, "ID tanda tangan: "+f.SignatureID, qrX-x-20) {
		b.text(x, "regular", 7, l)
		b.y += lineHeight(7)
	}

	b.items = append(b.items, item{page: b.page, kind: qrItem, x: qrX, y: y0, size: qrSide, text: f.VerifyURL, modules: modules})
	b.y = y0 + qrSide + quiet
	caption := "Pindai untuk verifikasi"
	b.textRight(right, "regular", captionSize, caption)
	b.y += lineHeight(captionSize)
	for _, l := range urlLines {
		b.textRight(right, "regular", urlSize, l)
		b.y += lineHeight(urlSize)
	}
	return nil
}

// buyerIdentity returns the label and value of the buyer's identity row:
// the NPWP, or for a buyer without one (BuyerTin 0000000000000000) the kind
// and number of the document that identifies them (UU PPN Pasal 13(5)(b)
// as amended by UU HPP: NPWP or NIK or passport number).
func buyerIdentity(b efaktur.Buyer) (label, value string) {
	if b.TIN != efaktur.NoTIN && b.TIN != "" {
		return "NPWP", b.TIN
	}
	switch b.Document {
	case efaktur.BuyerNationalID:
		return "NIK", maskNIK(b.DocumentNumber)
	case efaktur.BuyerPassport:
		if b.Country != "" {
			return "Nomor Paspor", b.DocumentNumber + " (" + b.Country + ")"
		}
		return "Nomor Paspor", b.DocumentNumber
	case efaktur.BuyerOtherID:
		return "Identitas Lain", b.DocumentNumber
	}
	return string(b.Document), b.DocumentNumber
}

// maskNIK hides all but the last 4 digits of a NIK: the faktur is handed
// to the seller and the buyer, and a printed NIK is enough to impersonate
// its holder in many registries; the last digits still let the buyer
// recognise their own number.
func maskNIK(nik string) string {
	if len(nik) <= 4 {
		return nik
	}
	return strings.Repeat("*", len(nik)-4) + nik[len(nik)-4:]
}

// rateNote states how the PPN was computed: on DPP Nilai Lain for code 04
// (PMK 131/2024 Pasal 3), on the DPP for luxury goods and other codes
// (PMK 131/2024 Pasal 2), or a specific amount for code 05 (UU PPN Pasal
// 9A(1)).
func rateNote(inv *efaktur.Invoice, t Totals) string {
	if inv.TrxCode == efaktur.TrxSpecificAmount {
		return "PPN = besaran tertentu (UU PPN Pasal 9A ayat (1))"
	}
	var rates []string
	seen := map[efaktur.Percent]bool{}
	for _, l := range inv.Lines {
		if !seen[l.VATRate] {
			seen[l.VATRate] = true
			rates = append(rates, decimalID(int64(l.VATRate))+"%")
		}
	}
	rate := strings.Join(rates, " / ")
	if inv.TrxCode == efaktur.TrxOtherValue && t.OtherTaxBase != t.TaxBase {
		s := "PPN = " + rate + " x DPP Nilai Lain"
		if r, ok := efaktur.OtherValueOn(inv.Date); ok {
			s += fmt.Sprintf("; DPP Nilai Lain = %d/%d x Dasar Pengenaan Pajak (%s)", r.Num, r.Den, r.Source)
		}
		return s
	}
	return "PPN = " + rate + " x Dasar Pengenaan Pajak"
}

// unitName returns the name of a Coretax unit code, or the code itself
// when it is not in the reference list.
func unitName(code string) string {
	if n, ok := efaktur.Units[code]; ok {
		return n
	}
	return code
}

// decimalID writes a number of hundredths (a Quantity or a Percent) in
// Indonesian form, without trailing zeros: 1, 1,5, 2.500, 12.
func decimalID(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	whole, frac := u/100, u%100
	digits := strconv.FormatUint(whole, 10)
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			sb.WriteByte('.')
		}
		sb.WriteByte(digits[i])
	}
	if frac != 0 {
		sb.WriteByte(',')
		sb.WriteByte(byte('0' + frac/10))
		if frac%10 != 0 {
			sb.WriteByte(byte('0' + frac%10))
		}
	}
	return sb.String()
}

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// dateID writes the calendar day of t in its own zone as Indonesian dates
// are written: 24 November 2026.
func dateID(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthsID[t.Month()-1], t.Year())
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
