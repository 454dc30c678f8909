package fakturpdf

import (
	"fmt"
	"image"
	"image/color"
	"io"

	"github.com/coretax/coretax/internal/pdftext"
	"github.com/signintech/gopdf"
)

// qrPixels is how many image pixels each QR module gets in the embedded
// image, so that viewers that smooth images still show sharp modules.
const qrPixels = 8

// draw writes the placed items as a PDF.
func draw(w io.Writer, f Faktur, items []item) error {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}})
	pdf.SetInfo(gopdf.PdfInfo{Title: "Faktur Pajak " + f.Number, Subject: f.Seller.Name + " - " + f.Invoice.Buyer.Name,
		Creator: "Coretax", CreationDate: f.SignedAt})
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
		switch it.kind {
		case textItem:
			if err := pdf.SetFont(it.font, "", it.size); err != nil {
				return err
			}
			// Text writes at the baseline; the layout places the top of
			// the line.
			pdf.SetXY(it.x, it.y+pdftext.Ascent(it.font, it.size))
			if err := pdf.Text(it.text); err != nil {
				return fmt.Errorf("text %q: %w", it.text, err)
			}
		case ruleItem:
			pdf.Line(it.x, it.y, it.x2, it.y2)
		case qrItem:
			if err := pdf.ImageFrom(qrImage(it.modules), it.x, it.y, &gopdf.Rect{W: it.size, H: it.size}); err != nil {
				return fmt.Errorf("QR code: %w", err)
			}
		}
	}
	_, err := pdf.WriteTo(w)
	return err
}

// qrImage draws the modules black on white, qrPixels pixels per module.
func qrImage(modules [][]bool) image.Image {
	n := len(modules)
	img := image.NewGray(image.Rect(0, 0, n*qrPixels, n*qrPixels))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := color.Gray{Y: 0xff}
			if modules[y/qrPixels][x/qrPixels] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}
