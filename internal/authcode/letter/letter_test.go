package letter

import (
	"bytes"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	l := Letter{Number: "KODJP-2026-000042", HolderName: "Johann Gruber", HolderNPWP: "0080000011000000",
		SubjectName: "PT Surya Kencana Villas", SubjectNPWP: "0010000016000000", Certificate: "serial 7, valid until 2028-11-24",
		IssuedAt: time.Date(2026, 11, 24, 3, 4, 0, 0, time.UTC), Verified: "none required (PER-7/PJ/2025 practice)"}
	if err := Write(&b, l); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.40q", out)
	}
	if !bytes.Contains(out, []byte("/Title")) || !bytes.Contains(out, []byte("/FontFile2")) {
		t.Error("the document information or the embedded font is missing")
	}
	if b.Len() < 1000 {
		t.Errorf("PDF of %d bytes is too small to hold the letter", b.Len())
	}
}
