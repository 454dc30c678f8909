package fakturpdf

import (
	"archive/zip"
	"fmt"
	"io"
)

// WriteZip writes a zip archive with one PDF per faktur, named
// "<number>.pdf", for the export of every faktur of a period. next returns
// the next faktur, false when there are no more, or an error that stops
// the export. Each PDF is written straight into the archive, so that only
// one faktur is held at a time however many the period has.
func WriteZip(w io.Writer, next func() (Faktur, bool, error)) error {
	zw := zip.NewWriter(w)
	seen := map[string]bool{}
	for {
		f, ok, err := next()
		if err != nil {
			return fmt.Errorf("export faktur PDFs: %w", err)
		}
		if !ok {
			break
		}
		// check runs before the entry is created, so that a faktur that
		// cannot be printed leaves no empty entry behind.
		if err := check(f); err != nil {
			return fmt.Errorf("export faktur PDFs: faktur %s: %w", f.Number, err)
		}
		name := f.Number + ".pdf"
		if seen[name] {
			return fmt.Errorf("export faktur PDFs: faktur %s appears twice", f.Number)
		}
		seen[name] = true
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: f.SignedAt})
		if err != nil {
			return fmt.Errorf("export faktur PDFs: %w", err)
		}
		if err := Write(fw, f); err != nil {
			return fmt.Errorf("export faktur PDFs: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export faktur PDFs: %w", err)
	}
	return nil
}
