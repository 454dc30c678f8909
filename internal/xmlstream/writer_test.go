package xmlstream

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Raw("<a>\n")
	w.Leaf("  ", "Name", `PT "Maju" & <Sons>`)
	w.Leaf("  ", "Empty", "")
	w.Raw("</a>\n")
	if b.Len() != 0 {
		t.Errorf("%d bytes written before Flush", b.Len())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "<a>\n  <Name>PT &#34;Maju&#34; &amp; &lt;Sons&gt;</Name>\n  <Empty/>\n</a>\n"
	if b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
}

// failAfter accepts n bytes, then fails.
type failAfter struct {
	n   int
	got bytes.Buffer
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.got.Len()+len(p) > f.n {
		k := f.n - f.got.Len()
		f.got.Write(p[:k])
		return k, f.err
	}
	return f.got.Write(p)
}

func TestWriterKeepsFirstError(t *testing.T) {
	full := errors.New("disk full")
	f := &failAfter{n: 5000, err: full}
	w := NewWriter(f)
	long := strings.Repeat("x", 3000)
	for range 3 {
		w.Leaf("", "v", long)
	}
	if !errors.Is(w.Err(), full) {
		t.Fatalf("Err() = %v, want %v", w.Err(), full)
	}
	n := f.got.Len()
	f.err = errors.New("a later error")
	w.Raw("more")
	w.Leaf("", "v", "more")
	if err := w.Flush(); !errors.Is(err, full) {
		t.Errorf("Flush() = %v, want the first error", err)
	}
	if f.got.Len() != n {
		t.Errorf("%d bytes written after the error", f.got.Len()-n)
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		value, fix, want string
	}{
		{`12 "a"`, "write digits", `row 2 (XML 14:7) R/Row[2]/TIN "12 \"a\"": has 2 digits; write digits`},
		{"", "", `row 2 (XML 14:7) R/Row[2]/TIN: has 2 digits`},
	} {
		if got := Describe("row 2", Pos{14, 7}, "R/Row[2]/TIN", c.value, "has 2 digits", c.fix); got != c.want {
			t.Errorf("Describe = %q, want %q", got, c.want)
		}
	}
}
