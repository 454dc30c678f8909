package sheet

import (
	"os"
	"strings"
	"testing"

	"github.com/coretax/coretax/internal/efaktur"
	"github.com/coretax/coretax/internal/errs"
)

func TestBulk(t *testing.T) {
	xml := []byte("\uFEFF  <?xml version=\"1.0\"?><TaxInvoiceBulk/>")
	if out, err := Bulk(xml, "0010000016000000"); err != nil || string(out) != string(xml) {
		t.Errorf("XML passes unchanged: %v", err)
	}
	data, err := os.ReadFile("testdata/invoices.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Convert(s, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Bulk(data, c.SellerTIN)
	if err != nil {
		t.Fatalf("sheet: %v", err)
	}
	r := efaktur.NewReader(strings.NewReader(string(out)), efaktur.Options{})
	n := 0
	for {
		if _, _, err := r.Next(); err != nil {
			break
		}
		n++
	}
	if n != len(c.Invoices) || n == 0 {
		t.Errorf("converted %d invoices, want %d", n, len(c.Invoices))
	}
	bad := []byte("invoice,TaxInvoiceDate,Colour\nA,2026-11-01,red\n")
	_, err = Bulk(bad, "0010000016000000")
	if !errs.Is(errs.Invalid, err) || len(errs.FieldsOf(err)) == 0 || !strings.Contains(errs.FieldsOf(err)[0].Message, "column C") {
		t.Errorf("bad sheet: %v %+v", err, errs.FieldsOf(err))
	}
}
