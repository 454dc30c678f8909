package efaktur

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

// tokenScan is what scanFile found when it walked encoding/xml tokens:
// the reference the byte walk is held to.
func tokenScan(b []byte) fileScan {
	var out fileScan
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, list, listDone, inTIN, seenTIN := 0, false, false, false, false
	var tin []byte
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			out.suspect = out.suspect || !seenTIN || !listDone
			return out
		}
		if err != nil {
			out.suspect = true
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "TaxInvoiceBulk":
				out.suspect = true
				return out
			case depth == 2 && t.Name.Local == "TIN" && !seenTIN && !listDone:
				inTIN, seenTIN = true, true
				line := 1 + bytes.Count(b[:off], []byte("\n"))
				out.tinPos = Pos{Line: line, Column: int(off) - bytes.LastIndexByte(b[:off], '\n')}
			case depth == 2 && t.Name.Local == "ListOfTaxInvoice" && !listDone && !list:
				list = true
			case depth == 2:
				out.suspect = true
			case depth == 3 && list && t.Name.Local == "TaxInvoice":
				out.invoices++
			case depth == 3 && list:
				out.suspect = true
			}
		case xml.EndElement:
			if depth == 2 && inTIN {
				inTIN = false
				out.tin = strings.TrimSpace(string(tin))
			}
			if depth == 2 && list {
				list, listDone = false, true
			}
			depth--
		case xml.CharData:
			switch {
			case inTIN && depth == 2:
				tin = append(tin, t...)
			case depth <= 2 && len(bytes.TrimSpace(t)) > 0:
				out.suspect = true
			}
		}
	}
}

const scanHead = `<?xml version="1.0" encoding="UTF-8"?>
<TaxInvoiceBulk xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <TIN>0010000016000000</TIN>
  <ListOfTaxInvoice>
`

const scanInvoice = `    <TaxInvoice>
      <TaxInvoiceDate>2026-11-20</TaxInvoiceDate>
      <RefDesc>A &amp; B &#x41;&#65; <![CDATA[<raw>]]></RefDesc>
      <!-- a comment with <tags> -->
      <ListOfGoodService><GoodService><Name a="1 > 0" b='x'>Villa</Name><Empty/></GoodService></ListOfGoodService>
    </TaxInvoice>
`

const scanTail = `  </ListOfTaxInvoice>
</TaxInvoiceBulk>
`

func scanDoc(n int) string {
	return scanHead + strings.Repeat(scanInvoice, n) + scanTail
}

func TestScanFileAgrees(t *testing.T) {
	bulk, err := os.ReadFile("testdata/bulk.xml")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"testdata/bulk.xml": string(bulk),
		"three":             scanDoc(3),
		"none":              scanDoc(0),
		"no declaration":    strings.TrimPrefix(scanDoc(2), `<?xml version="1.0" encoding="UTF-8"?>`+"\n"),
		"prefixed":          strings.NewReplacer("<TaxInvoice>", "<x:TaxInvoice>", "</TaxInvoice>", "</x:TaxInvoice>").Replace(scanDoc(2)),
		"empty list":        strings.Replace(scanHead, "<ListOfTaxInvoice>", "<ListOfTaxInvoice/>", 1) + "</TaxInvoiceBulk>",
		"crlf":              strings.ReplaceAll(scanDoc(2), "\n", "\r\n"),
		"tin spaced":        strings.Replace(scanDoc(1), "<TIN>0010000016000000", "<TIN >\n  0010000016000000\n", 1),
		"other tin":         strings.Replace(scanDoc(1), "0010000016000000", "0020000016000000", 1),
	} {
		got, want := scanFile([]byte(doc)), tokenScan([]byte(doc))
		if got != want {
			t.Errorf("%s: scanFile = %+v, encoding/xml tokens give %+v", name, got, want)
		}
		if got.suspect {
			t.Errorf("%s: a well-formed file is suspect", name)
		}
	}
}

func TestScanFileSuspect(t *testing.T) {
	doc := scanDoc(3)
	cut := strings.Index(doc, "<ListOfGoodService>")
	for name, bad := range map[string]string{
		"cut inside an invoice": doc[:cut+10],
		"cut inside a tag":      doc[:cut+4],
		"mismatched end tag":    strings.Replace(doc, "</RefDesc>", "</Ref>", 1),
		"unclosed element":      strings.Replace(doc, "<Empty/>", "<Empty>", 1),
		"other root":            strings.Replace(strings.Replace(doc, "<TaxInvoiceBulk", "<Bulk", 1), "</TaxInvoiceBulk>", "</Bulk>", 1),
		"element beside TIN":    strings.Replace(doc, "<TIN>", "<Extra/><TIN>", 1),
		"element in the list":   strings.Replace(doc, "<ListOfTaxInvoice>", "<ListOfTaxInvoice><Note>x</Note>", 1),
		"text in the list":      strings.Replace(doc, "<ListOfTaxInvoice>", "<ListOfTaxInvoice>stray", 1),
		"no TIN":                strings.Replace(doc, "<TIN>0010000016000000</TIN>", "", 1),
		"no list":               scanHead[:strings.Index(scanHead, "<ListOf")] + "</TaxInvoiceBulk>",
		"second list":           strings.Replace(doc, "</TaxInvoiceBulk>", "<ListOfTaxInvoice></ListOfTaxInvoice></TaxInvoiceBulk>", 1),
		"second root":           doc + "<TaxInvoiceBulk></TaxInvoiceBulk>",
		"unknown entity":        strings.Replace(doc, "&amp;", "&nbsp;", 1),
		"bare ampersand":        strings.Replace(doc, "&amp;", "& ", 1),
		"control character":     strings.Replace(doc, "Villa", "Vil\x01la", 1),
		"invalid UTF-8":         strings.Replace(doc, "Villa", "Vil\xffla", 1),
		"doctype":               strings.Replace(doc, "<TaxInvoiceBulk", "<!DOCTYPE x><TaxInvoiceBulk", 1),
		"encoding":              strings.Replace(doc, "UTF-8", "ISO-8859-1", 1),
		"version":               strings.Replace(doc, `version="1.0"`, `version="1.1"`, 1),
		"late declaration":      strings.Replace(doc, "<TIN>", `<?xml version="1.0"?><TIN>`, 1),
		"unterminated comment":  doc[:strings.Index(doc, "<!--")+6],
		"empty":                 "",
	} {
		if !scanFile([]byte(bad)).suspect {
			t.Errorf("%s: not suspect", name)
		}
	}
}

// BenchmarkScanFile is the submit-time scan of a 1,000-invoice file.
func BenchmarkScanFile(b *testing.B) {
	doc := []byte(scanDoc(1000))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		scanFile(doc)
	}
}

func BenchmarkTokenScan(b *testing.B) {
	doc := []byte(scanDoc(1000))
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		tokenScan(doc)
	}
}
