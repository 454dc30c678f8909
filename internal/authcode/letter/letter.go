// Package letter writes the "Surat Penerbitan" of an authorization code:
// the PDF letter that records the issuance of a Kode Otorisasi DJP and its
// certificate, which Coretax files under the taxpayer's documents
// (Dokumen Wajib Pajak). It never contains the code itself.
package letter

import (
	"fmt"
	"io"
	"time"

	"github.com/coretax/coretax/internal/calendar"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Letter is what the letter records.
type Letter struct {
	Number      string // the letter's number, e.g. "KODJP-2026-000042"
	HolderName  string
	HolderNPWP  string
	SubjectName string // the taxpayer the holder signs for
	SubjectNPWP string
	Certificate string // the certificate reference (serial and validity)
	IssuedAt    time.Time
	Verified    string // how the identity was verified
}

// Write writes the letter as an A4 PDF.
func Write(w io.Writer, l Letter) error {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: "Surat Penerbitan Kode Otorisasi DJP " + l.Number, Creator: "Coretax", CreationDate: l.IssuedAt})
	if err := pdf.AddTTFFontData("regular", goregular.TTF); err != nil {
		return fmt.Errorf("letter font: %w", err)
	}
	if err := pdf.AddTTFFontData("bold", gobold.TTF); err != nil {
		return fmt.Errorf("letter font: %w", err)
	}
	pdf.AddPage()
	const left, width = 56.0, 483.0
	y := 64.0
	line := func(font string, size float64, text string, gap float64) error {
		if err := pdf.SetFont(font, "", size); err != nil {
			return err
		}
		parts, err := pdf.SplitTextWithWordWrap(text, width)
		if err != nil {
			return err
		}
		for _, p := range parts {
			pdf.SetXY(left, y)
			if err := pdf.Cell(&gopdf.Rect{W: width, H: size + 4}, p); err != nil {
				return err
			}
			y += size + 5
		}
		y += gap
		return nil
	}
	issued := l.IssuedAt.In(calendar.WIB)
	steps := []struct {
		font string
		size float64
		text string
		gap  float64
	}{
		{"bold", 11, "KEMENTERIAN KEUANGAN REPUBLIK INDONESIA", 0},
		{"bold", 11, "DIREKTORAT JENDERAL PAJAK", 18},
		{"bold", 14, "SURAT PENERBITAN KODE OTORISASI DJP", 2},
		{"regular", 10, "Nomor: " + l.Number, 18},
		{"regular", 11, "Kode Otorisasi DJP dan sertifikat elektronik telah diterbitkan untuk:", 8},
		{"regular", 11, "Nama: " + l.HolderName, 0},
		{"regular", 11, "NPWP: " + l.HolderNPWP, 8},
		{"regular", 11, "untuk menandatangani dokumen perpajakan atas nama " + l.SubjectName + " (NPWP " + l.SubjectNPWP + ").", 8},
		{"regular", 11, "Sertifikat: " + l.Certificate, 0},
		{"regular", 11, "Diterbitkan: " + issued.Format("2 January 2006 15:04") + " WIB", 0},
		{"regular", 11, "Verifikasi identitas: " + l.Verified, 18},
		{"regular", 10, "Kode Otorisasi hanya ditampilkan satu kali saat penerbitan dan tidak dicantumkan dalam surat ini. Jangan berikan kode maupun passphrase Anda kepada siapa pun. Jika Anda menduga kode atau passphrase diketahui orang lain, cabut sertifikat Anda di Coretax atau datangi kantor pelayanan pajak.", 12},
		{"regular", 9, "(The authorization code is shown only once at issuance and is not in this letter. Never give the code or the passphrase to anyone; if either may be known to someone else, revoke the certificate in Coretax or visit a tax office.)", 0},
	}
	for _, s := range steps {
		if err := line(s.font, s.size, s.text, s.gap); err != nil {
			return fmt.Errorf("write letter: %w", err)
		}
	}
	_, err := pdf.WriteTo(w)
	return err
}
