package sptpd

import (
	"fmt"
	"io"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// run is text in one font and width.
type run struct {
	bold  bool
	size  float64
	x     float64
	width float64
	text  string
}

// row is a row of the form: one run across the page, or a label and its
// value side by side; gap is the space after it. The PDF draws the rows;
// the golden tests compare their text.
type row struct {
	runs []run
	gap  float64
}

// statement is the declaration every SPTPD closes with.
const statement = "Dengan menyadari sepenuhnya akan segala akibat termasuk sanksi-sanksi sesuai dengan ketentuan peraturan perundang-undangan yang berlaku, saya menyatakan bahwa apa yang telah saya beritahukan di atas adalah benar, lengkap dan jelas."

// rows lays out a form.
func rows(f Form) []row {
	const left, full, labelW, valueX, valueW = 48.0, 499.0, 220.0, 276.0, 271.0
	whole := func(bold bool, size float64, text string, gap float64) row {
		return row{runs: []run{{bold: bold, size: size, x: left, width: full, text: text}}, gap: gap}
	}
	out := []row{
		whole(true, 11, f.Office, 0),
		whole(true, 13, f.Layout.Title, 2),
		whole(false, 9, "Kode formulir: "+f.Layout.FormCode, 10),
	}
	for _, l := range f.Lines {
		out = append(out, row{runs: []run{{size: 9, x: left, width: labelW, text: l.Label}, {bold: true, size: 9, x: valueX, width: valueW, text: l.Text}}, gap: 3})
	}
	return append(out,
		whole(false, 8.5, statement, 8),
		whole(false, 7.5, fmt.Sprintf("Dibuat oleh coretax dengan tata letak %s. Nilai konfigurasi daerah yang belum terverifikasi ditandai di halaman properti (doc/pbjt-declarations.md).", f.Layout.Name), 0),
	)
}

// Texts returns the texts of the form's PDF in drawing order, one row a
// line, a label and its value as "label | value": what the golden tests
// compare.
func Texts(f Form) []string {
	var out []string
	for _, r := range rows(f) {
		parts := make([]string, len(r.runs))
		for i, x := range r.runs {
			parts[i] = x.text
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

// WritePDF writes doc as an A4 PDF in its layout, with the Go fonts.
func WritePDF(w io.Writer, doc Document) error {
	f, err := Build(doc)
	if err != nil {
		return err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: f.Layout.Title + " " + doc.Declaration.Number, Creator: "coretax", CreationDate: doc.Declaration.FiledAt})
	if err := pdf.AddTTFFontData("regular", goregular.TTF); err != nil {
		return fmt.Errorf("sptpd font: %w", err)
	}
	if err := pdf.AddTTFFontData("bold", gobold.TTF); err != nil {
		return fmt.Errorf("sptpd font: %w", err)
	}
	pdf.AddPage()
	const top, bottom = 48.0, 800.0
	y := top
	for _, r := range rows(f) {
		// Wrap every run first: the row is as tall as its tallest run.
		wrapped := make([][]string, len(r.runs))
		h := 0.0
		for i, x := range r.runs {
			if err := setFont(pdf, x); err != nil {
				return err
			}
			lines := []string{x.text}
			if x.text != "" {
				if lines, err = pdf.SplitTextWithWordWrap(x.text, x.width); err != nil {
					return fmt.Errorf("sptpd: wrap %q: %w", x.text, err)
				}
			}
			wrapped[i] = lines
			h = max(h, float64(len(lines))*(x.size+3))
		}
		if y+h > bottom {
			pdf.AddPage()
			y = top
		}
		for i, x := range r.runs {
			if err := setFont(pdf, x); err != nil {
				return err
			}
			for j, line := range wrapped[i] {
				pdf.SetXY(x.x, y+float64(j)*(x.size+3))
				if err := pdf.Cell(&gopdf.Rect{W: x.width, H: x.size + 3}, line); err != nil {
					return err
				}
			}
		}
		y += h + r.gap
	}
	_, err = pdf.WriteTo(w)
	return err
}

func setFont(pdf *gopdf.GoPdf, x run) error {
	font := "regular"
	if x.bold {
		font = "bold"
	}
	return pdf.SetFont(font, "", x.size)
}
