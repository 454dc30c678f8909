// Package sp2dk writes the PDF of a case's letter: an SP2DK-style request
// for explanation (Surat Permintaan Penjelasan atas Data dan/atau
// Keterangan) from the region's revenue office to a taxpayer, listing the
// data the office holds, the estimated shortfall, the sanctions of a
// voluntary correction beside those after an audit, the period to answer
// and how to answer. It is set in the Go fonts with gopdf, like the other
// documents (doc/decisions/0005-pdf-and-fonts.md); layout is separate
// from drawing so that tests compare the placed text with golden files.
package sp2dk

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/coretax/coretax/internal/compliance/casework"
	"github.com/coretax/coretax/internal/pdftext"
	"github.com/signintech/gopdf"
)

// The page: A4 in points, with its margins.
const (
	pageW, pageH = 595.28, 841.89
	left, right  = 56.0, 539.28
	top, bottom  = 56.0, 790.0
)

// item is one placed line of text or a rule.
type item struct {
	page int
	rule bool
	x, y float64
	x2   float64
	font string
	size float64
	text string
}

// String writes the item as a line of a golden file.
func (it item) String() string {
	if it.rule {
		return fmt.Sprintf("p%d rule %.2f %.2f %.2f", it.page, it.x, it.y, it.x2)
	}
	return fmt.Sprintf("p%d text %.2f %.2f %s %g %q", it.page, it.x, it.y, it.font, it.size, it.text)
}

type builder struct {
	number string
	items  []item
	page   int
	y      float64
}

func lineHeight(size float64) float64 { return size * 1.35 }

func (b *builder) newPage() {
	b.page++
	b.y = top
	if b.page > 1 {
		b.items = append(b.items, item{page: b.page, x: left, y: b.y, font: "bold", size: 9, text: "Surat " + b.number + " (lanjutan / continued)"})
		b.y += 20
	}
}

// para places s wrapped at indent, then gap points of space.
func (b *builder) para(indent float64, fnt string, size float64, s string, gap float64) {
	for _, l := range pdftext.Wrap(fnt, size, s, right-left-indent) {
		if b.y+lineHeight(size) > bottom {
			b.newPage()
		}
		b.items = append(b.items, item{page: b.page, x: left + indent, y: b.y, font: fnt, size: size, text: l})
		b.y += lineHeight(size)
	}
	b.y += gap
}

// row places a label and a value in two columns, each wrapped in its
// own.
func (b *builder) row(label, value string) {
	const size, labelW = 10.0, 190.0
	labels := pdftext.Wrap("regular", size, label, labelW-8)
	values := pdftext.Wrap("regular", size, value, right-left-labelW)
	n := max(len(labels), len(values))
	if b.y+float64(n)*lineHeight(size) > bottom {
		b.newPage()
	}
	for i, l := range labels {
		b.items = append(b.items, item{page: b.page, x: left, y: b.y + float64(i)*lineHeight(size), font: "regular", size: size, text: l})
	}
	for i, v := range values {
		b.items = append(b.items, item{page: b.page, x: left + labelW, y: b.y + float64(i)*lineHeight(size), font: "regular", size: size, text: v})
	}
	b.y += float64(n) * lineHeight(size)
}

func (b *builder) rule() {
	b.items = append(b.items, item{page: b.page, rule: true, x: left, y: b.y, x2: right})
	b.y += 8
}

// Indonesian month names for the letter's dates.
var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

func tanggal(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()-1], t.Year())
}

// layout places the letter's text.
func layout(l casework.Letter) []item {
	b := &builder{number: l.Number}
	b.newPage()
	office := l.Office
	if !l.OfficeVerified {
		office += " *"
	}
	b.para(0, "bold", 11, "PEMERINTAH "+strings.ToUpper(l.RegionName), 0)
	b.para(0, "bold", 11, strings.ToUpper(office), 6)
	b.rule()
	b.para(0, "bold", 13, "SURAT PERMINTAAN PENJELASAN ATAS DATA DAN/ATAU KETERANGAN", 0)
	b.para(0, "regular", 9, "(Request for explanation of data and/or information)", 4)
	issued := l.IssuedAt.In(calendar.WIB)
	b.row("Nomor / Number", l.Number)
	b.row("Tanggal / Date", tanggal(issued))
	b.row("Sifat / Nature", "Segera / Urgent")
	b.y += 6
	b.para(0, "regular", 10, "Kepada Yth. / To:", 0)
	if l.TaxpayerID != 0 {
		b.row("Nama / Name", l.TaxpayerName)
		b.row("NPWP", l.NPWP)
	} else {
		b.row("Subjek / Subject", l.Subject)
		b.row("Keterangan / Note", "tidak terdaftar sebagai Wajib Pajak PBJT / not registered for PBJT")
	}
	b.y += 6
	b.para(0, "regular", 10, ("Berdasarkan data yang kami peroleh dari pihak ketiga (platform pemesanan, PJAP dan lembaga keuangan), terdapat data dan/atau keterangan mengenai Pajak Barang dan Jasa Tertentu (PBJT) atas jasa perhotelan yang memerlukan penjelasan dari Saudara, sebagai berikut:"), 2)
	b.para(0, "regular", 9, "(From data received from third parties, the office holds the following data on your regional tax on accommodation (PBJT) that needs your explanation.)", 6)
	for i, f := range l.Findings {
		b.para(0, "bold", 10, fmt.Sprintf("%d. %s", i+1, casework.RuleTitle(f.Rule)), 0)
		b.row("   Masa / Periods", f.Periods)
		b.row("   Perkiraan kurang bayar", f.Shortfall.Display())
		if f.Explanation != "" {
			b.para(14, "regular", 9, f.Explanation, 0)
		}
		if len(f.Evidence) > 0 {
			b.para(14, "regular", 9, "Data:", 0)
			for _, e := range f.Evidence {
				b.para(24, "regular", 9, "- "+e, 0)
			}
		}
		b.y += 6
	}
	b.rule()
	b.row("Perkiraan PBJT kurang bayar / Estimated shortfall", l.Shortfall.Display())
	b.row("Sanksi bila dibetulkan sukarela / Sanction if corrected voluntarily", l.PenaltyVoluntary.Display())
	b.row("Sanksi setelah pemeriksaan / Sanction after an audit", l.PenaltyAudit.Display())
	b.y += 6
	due := l.DueOn
	b.para(0, "regular", 10, fmt.Sprintf("Saudara diminta memberikan penjelasan atas data tersebut dalam jangka waktu %d hari sejak tanggal surat ini, yaitu paling lambat tanggal %s. Apabila data tersebut benar, Saudara dapat membetulkan SPTPD untuk masa yang bersangkutan secara sukarela sebelum dilakukan pemeriksaan.",
		l.ResponseDays, tanggal(due)), 2)
	b.para(0, "regular", 9, fmt.Sprintf("(Please explain these data within %d days of this letter, by %s. If the data are right, you may correct the declarations (SPTPD) of the months concerned voluntarily before an audit, at the lower sanction shown above.)", l.ResponseDays, tanggal(due)), 6)
	b.para(0, "bold", 10, "Cara menyampaikan penjelasan / How to respond", 0)
	b.para(0, "regular", 10, "1. Melalui Coretax: menu Surat dari kantor pajak (Letters), pilih surat ini, tulis penjelasan dan, bila perlu, ajukan pembetulan. / Online: Letters from the tax office, this letter, write the explanation and, if needed, correct your declarations.", 0)
	b.para(0, "regular", 10, "2. Secara tertulis ke "+l.Office+" dengan menyebut nomor surat ini. / In writing to the office, quoting this letter's number.", 0)
	b.para(0, "regular", 10, "3. Dalam pertemuan dengan petugas yang menangani kasus ini. / In a meeting with the officer handling the case.", 6)
	b.para(0, "regular", 10, "Apabila sampai batas waktu tersebut Saudara tidak memberikan penjelasan, kami akan menindaklanjuti sesuai ketentuan peraturan perundang-undangan, termasuk pemeriksaan. / Without an answer by that date, the office follows up under the law, including an audit.", 10)
	b.para(0, "regular", 9, "Disampaikan / Delivered: "+l.Delivery, 4)
	b.para(0, "regular", 8, "Jangka waktu "+fmt.Sprint(l.ResponseDays)+" hari: "+casework.ResponseDaysSource+".", 0)
	if !l.OfficeVerified {
		b.para(0, "regular", 8, "* Nama kantor dari konfigurasi daerah, belum terverifikasi / the office's name comes from the region's configuration and is not verified.", 0)
	}
	b.para(0, "regular", 8, "Format nomor surat adalah format Coretax; penomoran resmi daerah belum terverifikasi. / The letter number follows coretax's own pattern.", 0)
	return b.items
}

// Write writes the letter as an A4 PDF.
func Write(w io.Writer, l casework.Letter) error {
	items := layout(l)
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}})
	pdf.SetInfo(gopdf.PdfInfo{Title: "SP2DK " + l.Number, Subject: l.TaxpayerName, Creator: "Coretax", CreationDate: l.IssuedAt})
	for _, name := range []string{"regular", "bold"} {
		if err := pdf.AddTTFFontData(name, pdftext.Fonts[name]); err != nil {
			return fmt.Errorf("font %s: %w", name, err)
		}
	}
	pdf.SetLineWidth(0.5)
	page := 0
	for _, it := range items {
		for page < it.page {
			pdf.AddPage()
			page++
		}
		if it.rule {
			pdf.Line(it.x, it.y, it.x2, it.y)
			continue
		}
		if err := pdf.SetFont(it.font, "", it.size); err != nil {
			return err
		}
		pdf.SetXY(it.x, it.y+pdftext.Ascent(it.font, it.size))
		if err := pdf.Text(it.text); err != nil {
			return fmt.Errorf("text %q: %w", it.text, err)
		}
	}
	_, err := pdf.WriteTo(w)
	return err
}
