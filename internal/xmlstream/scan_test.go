package xmlstream

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// rawTokens lists what next gives on doc, each token with the offset
// where the next one starts, then the error that ends it.
func rawTokens(next func() (xml.Token, error), offset func() int64) []string {
	var out []string
	for len(out) < 10_000 {
		tok, err := next()
		if err != nil {
			return append(out, "error: "+err.Error())
		}
		out = append(out, fmt.Sprintf("%#v @%d", xml.CopyToken(tok), offset()))
	}
	return out
}

// encodingXML lists the raw tokens encoding/xml gives on doc in strict
// mode.
func encodingXML(doc []byte) []string {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	return rawTokens(dec.RawToken, dec.InputOffset)
}

// scanned lists the raw tokens a NewBytesDecoder gives on doc, and says
// whether the scanner read all of them (no hand-over to encoding/xml).
func scanned(doc []byte) ([]string, bool) {
	d := NewBytesDecoder(doc, "test")
	next := func() (xml.Token, error) {
		var t item
		if err := d.rawToken(&t); err != nil {
			return nil, err
		}
		return t.box(), nil
	}
	return rawTokens(next, d.offset), d.scan != nil
}

// scannerDocs are documents that exercise each path of the scanner;
// scanAll says whether the scanner reads the whole document itself.
var scannerDocs = []struct {
	doc     string
	scanAll bool
}{
	{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n  <b>x</b>\n  <c/>\n</a>\n", true},
	{"<?xml version='1.0' encoding='utf-8' standalone='yes' ?><a/>", true},
	{"<?xml version=\"1.0\"?><?pi data ?><a/>", true},
	{"<a>\r\n<b>x\r\ny\rz</b>\r\n</a>", true},
	{"<a x=\"1\" p:y='&lt;&#65;&#x42;\r\n'\tz = \"]]>\"/>", true},
	{"<a>&amp;&lt;&gt;&apos;&quot;&#233;&#x1F600;&#xD800;</a>", true},
	{"\uFEFF<a>ü é 日本 \U0001F600</a>", true},
	{"<a><!-- c --><!----><b>1</b>2<p:c/><:d/><e:/></a>", true},
	{"<a>tail", true},
	{"<?xml?><a/>", true},
	{"<a x='1'y='2'></a >", true},
	// Left to encoding/xml, each with the reason.
	{"<a><![CDATA[<]]></a>", false},                             // CDATA
	{"<!DOCTYPE a><a/>", false},                                 // directive
	{"<?xml version=\"1.1\"?><a/>", false},                      // version
	{"<?xml version=\"1.0\" encoding=\"latin-9\"?><a/>", false}, // encoding
	{"<a>]]></a>", false},                                       // ]]> in text
	{"<a>&nbsp;</a>", false},                                    // unknown entity
	{"<a>&#0;</a>", false},                                      // character outside XML's range
	{"<a>&#x110000;</a>", false},                                // beyond Unicode
	{"<a>&#X41;</a>", false},                                    // upper-case X
	{"<a>&amp</a>", false},                                      // no semicolon
	{"<a>\x01</a>", false},                                      // control character
	{"<a>\xff</a>", false},                                      // invalid UTF-8
	{"<a>\uFFFE</a>", false},                                    // non-character
	{"<ä/>", false},                                             // name not ASCII
	{"<1a/>", false},                                            // invalid name
	{"<a:b:c/>", false},                                         // two colons
	{"<a x/>", false},                                           // attribute without value
	{"<a x=1/>", false},                                         // unquoted value
	{"<a x='<'/>", false},                                       // < in a value
	{"<a x='1", false},                                          // end in a value
	{"<a / >", false},                                           // broken />
	{"<a><!-- a -- b --></a>", false},                           // -- in a comment
	{"<a><!-x></a>", false},                                     // broken comment
	{"<a></a x>", false},                                        // junk in an end tag
	{"</>", false},                                              // end tag without name
	{"<a", false},                                               // end in a name
	{"<", false},                                                // end after <
	{"<a><?pi", false},                                          // end in a PI
}

// TestScannerAgrees: on every document above, the decoder gives the
// tokens, offsets and errors of encoding/xml, and the scanner reads
// what it is meant to read itself.
func TestScannerAgrees(t *testing.T) {
	for _, c := range scannerDocs {
		want := encodingXML([]byte(c.doc))
		got, all := scanned([]byte(c.doc))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q:\n got %v\nwant %v", c.doc, got, want)
		}
		if all != c.scanAll {
			t.Errorf("%q: the scanner read the whole document: %v, want %v", c.doc, all, c.scanAll)
		}
	}
}

// TestScannerHandOver: a document the scanner leaves to encoding/xml in
// its middle gets the same tokens, positions and error from there on.
func TestScannerHandOver(t *testing.T) {
	doc := "<a>\n <b>1</b>\n <b>&#13;&nbsp;</b>\n</a>\n"
	d := NewBytesDecoder([]byte(doc), "test")
	got, err := tokens(t, d)
	want := []entry{{"<a>", Pos{1, 1}}, {"<b>", Pos{2, 2}}, {"1", Pos{2, 5}}, {"</b>", Pos{2, 6}}, {"<b>", Pos{3, 2}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tokens:\n got %v\nwant %v", got, want)
	}
	if se, ok := err.(*SyntaxError); !ok || se.Msg != "invalid character entity &nbsp;" || se.Pos != (Pos{3, 16}) {
		t.Errorf("err = %v, want the unknown entity at 3:16", err)
	}
	if d.scan != nil {
		t.Error("the scanner did not hand the document over")
	}
}

// FuzzScannerAgrees holds the decoder of a document in memory to
// encoding/xml's raw tokens, offsets and errors on any input.
func FuzzScannerAgrees(f *testing.F) {
	for _, c := range scannerDocs {
		f.Add(c.doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		want := encodingXML([]byte(doc))
		got, _ := scanned([]byte(doc))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q:\n got %v\nwant %v", doc, got, want)
		}
	})
}

// benchDoc is a document shaped like a bulk file: n records of a dozen
// leaf elements, indented.
func benchDoc(n int) []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<List>\n")
	for i := range n {
		fmt.Fprintf(&b, "  <Row>\n    <Date>2026-11-%02d</Date>\n    <Ref>INV/%d</Ref>\n    <Name>PT Contoh &amp; Rekan</Name>\n", i%28+1, i)
		for j := range 8 {
			fmt.Fprintf(&b, "    <Amount%d>%d.00</Amount%d>\n", j, i*1000+j, j)
		}
		b.WriteString("  </Row>\n")
	}
	b.WriteString("</List>\n")
	return []byte(b.String())
}

func BenchmarkDecoder(b *testing.B) {
	doc := benchDoc(1000)
	for _, k := range []struct {
		name string
		new  func() *Decoder
	}{
		{"raw", func() *Decoder { return NewRawDecoder(bytes.NewReader(doc), "bench") }},
		{"bytes", func() *Decoder { return NewBytesDecoder(doc, "bench") }},
	} {
		b.Run(k.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				d := k.new()
				for {
					if _, _, err := d.Token(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
