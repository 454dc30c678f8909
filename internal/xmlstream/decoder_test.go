package xmlstream

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// entry is a token as the tests compare it.
type entry struct {
	Text string // "<a>", "</a>" or the character data
	Pos  Pos
}

// decoders are the three kinds of Decoder, which must give the same
// local names, text, positions and errors.
var decoders = []struct {
	name string
	new  func(io.Reader, string) *Decoder
}{{"namespaces", NewDecoder}, {"raw", NewRawDecoder}, {"bytes", readBytes}}

// readBytes reads all of src into a NewBytesDecoder.
func readBytes(src io.Reader, name string) *Decoder {
	b, err := io.ReadAll(src)
	if err != nil {
		panic(err)
	}
	return NewBytesDecoder(b, name)
}

func tokens(t *testing.T, d *Decoder) ([]entry, error) {
	t.Helper()
	var got []entry
	for {
		tok, pos, err := d.Token()
		if err != nil {
			return got, err
		}
		var s string
		switch tt := tok.(type) {
		case xml.StartElement:
			s = "<" + tt.Name.Local + ">"
		case xml.EndElement:
			s = "</" + tt.Name.Local + ">"
		case xml.CharData:
			s = string(tt)
		default:
			t.Fatalf("Token returned %T", tok)
		}
		got = append(got, entry{s, pos})
	}
}

func TestPositions(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []entry
	}{
		{"LF", "<?xml version=\"1.0\"?>\n<a>\n  <b>x</b>\n  <!-- c -->\n  <b>y</b>\n</a>\n", []entry{
			{"<a>", Pos{2, 1}}, {"<b>", Pos{3, 3}}, {"x", Pos{3, 6}}, {"</b>", Pos{3, 7}},
			{"<b>", Pos{5, 3}}, {"y", Pos{5, 6}}, {"</b>", Pos{5, 7}}, {"</a>", Pos{6, 1}}}},
		// A carriage return is a byte of the line it ends; lines are
		// counted by their line feeds.
		{"CRLF", "<a>\r\n<b>x</b>\r\n\r\n<b>y</b></a>", []entry{
			{"<a>", Pos{1, 1}}, {"<b>", Pos{2, 1}}, {"x", Pos{2, 4}}, {"</b>", Pos{2, 5}},
			{"<b>", Pos{4, 1}}, {"y", Pos{4, 4}}, {"</b>", Pos{4, 5}}, {"</a>", Pos{4, 9}}}},
		// A byte-order mark is skipped like white space; columns count
		// its three bytes.
		{"BOM", "\uFEFF<a>\n <b>ü</b></a>", []entry{
			{"<a>", Pos{1, 4}}, {"<b>", Pos{2, 2}}, {"ü", Pos{2, 5}}, {"</b>", Pos{2, 7}},
			{"</a>", Pos{2, 11}}}},
		// The end of an empty-element tag is where the tag ends.
		{"text around elements", "<a> t <b/> u </a>", []entry{
			{"<a>", Pos{1, 1}}, {" t ", Pos{1, 4}}, {"<b>", Pos{1, 7}}, {"</b>", Pos{1, 11}}, {" u ", Pos{1, 11}},
			{"</a>", Pos{1, 14}}}},
	} {
		// One byte per Read puts every chunk boundary everywhere.
		for _, oneByte := range []bool{false, true} {
			for _, k := range decoders {
				var src io.Reader = strings.NewReader(c.doc)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				got, err := tokens(t, k.new(src, "test"))
				if err != io.EOF {
					t.Errorf("%s (%s, one byte %v): err = %v, want io.EOF", c.name, k.name, oneByte, err)
				}
				if fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("%s (%s, one byte %v):\n got %v\nwant %v", c.name, k.name, oneByte, got, c.want)
				}
			}
		}
	}
}

// longDoc is a document of n rows, produced as it is read.
func longDoc(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprint(pw, "<list>\n")
		for i := range n {
			fmt.Fprintf(pw, "  <row>\n    <n>%d</n>\n  </row>\n", i)
		}
		pw.CloseWithError(func() error { _, err := fmt.Fprint(pw, "</list>\n"); return err }())
	}()
	return pr
}

func TestBoundedMemory(t *testing.T) {
	const n = 50_000
	d := NewDecoder(longDoc(n), "test")
	rows, backlog := 0, 0
	for {
		tok, pos, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := tok.(xml.StartElement); ok && s.Name.Local == "row" {
			if want := (Pos{2 + 3*rows, 3}); pos != want {
				t.Fatalf("row %d at %v, want %v", rows, pos, want)
			}
			rows++
		}
		backlog = max(backlog, d.Backlog())
	}
	if rows != n {
		t.Errorf("read %d rows, want %d", rows, n)
	}
	// The decoder reads ahead 4 KiB at a time: at most that many
	// newlines can wait, whatever the length of the file.
	if backlog > 4096 {
		t.Errorf("%d newline offsets held at once", backlog)
	}
}

func TestText(t *testing.T) {
	for _, k := range decoders {
		t.Run(k.name, func(t *testing.T) { testText(t, k.new) })
	}
}

func testText(t *testing.T, newDecoder func(io.Reader, string) *Decoder) {
	d := newDecoder(strings.NewReader("<a>\n<b>x<!-- c -->y<i>z</i>&amp;<![CDATA[<]]></b><c/></a>"), "test")
	for range 2 {
		if _, _, err := d.Token(); err != nil {
			t.Fatal(err)
		}
	}
	var nested []string
	text, err := d.Text(func(s xml.StartElement, p Pos) { nested = append(nested, fmt.Sprint(s.Name.Local, p)) })
	if err != nil || text != "xy&<" {
		t.Errorf("Text = %q, %v; want \"xy&<\"", text, err)
	}
	if fmt.Sprint(nested) != "[i{2 16}]" {
		t.Errorf("nested = %v, want [i{2 16}]", nested)
	}
	tok, pos, err := d.Token()
	if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != "c" || pos != (Pos{2, 46}) || err != nil {
		t.Errorf("after Text: %v at %v, %v; want <c> at 2:46", tok, pos, err)
	}
	if err := d.Skip(); err != nil {
		t.Error(err)
	}
	if tok, _, err := d.Token(); err != nil {
		t.Error(err)
	} else if e, ok := tok.(xml.EndElement); !ok || e.Name.Local != "a" {
		t.Errorf("after Skip: %v, want </a>", tok)
	}
	if _, _, err := d.Token(); err != io.EOF {
		t.Errorf("after the document: err = %v, want io.EOF", err)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		pos       Pos
		msg       string
	}{
		{"empty", "", Pos{1, 1}, "the file is empty"},
		{"blank", " \r\n\t\n", Pos{1, 1}, "the file is empty"},
		{"BOM only", "\uFEFF\n", Pos{1, 1}, "the file is empty"},
		{"declaration only", "<?xml version=\"1.0\"?>\n", Pos{2, 1}, "the file ends before the document is complete"},
		{"comment only", "<!-- nothing -->", Pos{1, 17}, "the file ends before the document is complete"},
		{"truncated", "<a>\n<b>x</b>\n", Pos{3, 1}, "unexpected EOF"},
		{"cut in a tag", "<a>\n<b", Pos{2, 3}, "unexpected EOF"},
		{"mismatched", "<a>\n <b></c></a>", Pos{2, 9}, "element <b> closed by </c>"},
		{"mismatched prefix", "<a>\n <p:b></q:b></a>", Pos{2, 13}, "element <b> in space p closed by </b> in space q"},
		{"prefix dropped", "<a>\n <p:b></b></a>", Pos{2, 11}, `element <b> in space p closed by </b> in space ""`},
		{"end tag after the document", "<a></a>\n</b>", Pos{2, 5}, "unexpected end element </b>"},
		{"truncated in a skipped element", "<a><b><c>x</c>", Pos{1, 15}, "unexpected EOF"},
		{"version", `<?xml version="0"?><a/>`, Pos{1, 20}, `unsupported version "0"; only version 1.0 is supported`},
		{"encoding", `<?xml version="1.0" encoding="latin-9"?><a/>`, Pos{1, 41}, `encoding "latin-9" declared but Decoder.CharsetReader is nil`},
	} {
		for _, oneByte := range []bool{false, true} {
			for _, k := range decoders {
				for _, skip := range []bool{false, true} {
					var src io.Reader = strings.NewReader(c.doc)
					if oneByte {
						src = iotest.OneByteReader(src)
					}
					d := k.new(src, "test")
					var err error
					if skip {
						// The root's content skipped: the error
						// is found by Skip.
						if _, _, err = d.Token(); err == nil {
							err = d.Skip()
						}
					}
					if err == nil {
						_, err = tokens(t, d)
					}
					var se *SyntaxError
					if !errors.As(err, &se) || se.Pos != c.pos || se.Msg != c.msg {
						t.Errorf("%s (%s, one byte %v, skip %v): err = %v, want a SyntaxError at %v saying %q", c.name, k.name, oneByte, skip, err, c.pos, c.msg)
					}
				}
			}
		}
	}
	want := "XML 3:7: not well-formed XML: it broke"
	if got := (&SyntaxError{Pos: Pos{3, 7}, Msg: "it broke"}).Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestReadFailure: an error of the underlying reader, at the start or in
// the middle of the document, is a read failure, not a SyntaxError.
func TestReadFailure(t *testing.T) {
	boom := errors.New("disk on fire")
	for _, k := range decoders[:2] {
		for _, src := range []io.Reader{
			iotest.ErrReader(boom),
			io.MultiReader(strings.NewReader("<a>\n<b>x"), iotest.ErrReader(boom)),
			iotest.OneByteReader(io.MultiReader(strings.NewReader("<a><b>x</b>"), iotest.ErrReader(boom))),
		} {
			_, err := tokens(t, k.new(src, "the file"))
			var se *SyntaxError
			if !errors.Is(err, boom) || errors.As(err, &se) || err.Error() != "read the file: disk on fire" {
				t.Errorf("%s: err = %v, want the reader's error as a read failure", k.name, err)
			}
		}
	}
}

// FuzzRawAgrees holds the raw decoder to the tokens, positions and
// errors of the decoder that applies namespaces, on any input: the local
// names, the text, and the errors' positions and messages, reading
// element by element or skipping every element's content.
func FuzzRawAgrees(f *testing.F) {
	for _, doc := range []string{
		"<a>\n <b>x</b>\n <c/>\n</a>\n",
		`<?xml version="1.0"?><x:a xmlns:x="urn:x"><x:b y:z="1">t</x:b></x:a>`,
		"<a><b></c></a>", "<a><p:b></q:b></a>", "<a></a></b>", "<a><b>x", "\uFEFF<a>&amp;<![CDATA[<]]></a>",
		"<a><!-- c --><?pi x?><b>1</b>2</a>", "", "<a", "<a x='1' x='2'/>",
	} {
		f.Add(doc, false)
		f.Add(doc, true)
	}
	f.Fuzz(func(t *testing.T, doc string, skip bool) {
		read := func(d *Decoder) []string {
			var out []string
			for {
				tok, pos, err := d.Token()
				if err != nil {
					return append(out, fmt.Sprint(err))
				}
				switch tt := tok.(type) {
				case xml.StartElement:
					out = append(out, fmt.Sprint("<", tt.Name.Local, ">", pos))
					if skip {
						if err := d.Skip(); err != nil {
							return append(out, fmt.Sprint(err))
						}
					}
				case xml.EndElement:
					out = append(out, fmt.Sprint("</", tt.Name.Local, ">", pos))
				case xml.CharData:
					out = append(out, fmt.Sprintf("%q %v", tt, pos))
				}
			}
		}
		want := read(NewDecoder(strings.NewReader(doc), "test"))
		got := read(NewRawDecoder(strings.NewReader(doc), "test"))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("raw decoder of %q:\n got %v\nwant %v", doc, got, want)
		}
		got = read(NewBytesDecoder([]byte(doc), "test"))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("bytes decoder of %q:\n got %v\nwant %v", doc, got, want)
		}
	})
}
